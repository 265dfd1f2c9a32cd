"""Messages counted per subject and window in the shared database: the channels' rate limits."""

from __future__ import annotations

from bot.database.engine import make_engine
from bot.database.migrate import upgrade
from bot.database.rates import MessageRate


def rate(tmp_path, clock: list[float]) -> MessageRate:
    engine = make_engine(f"sqlite:///{tmp_path / 'status.db'}")
    upgrade(engine)
    return MessageRate(engine, window_seconds=60, now=lambda: clock[0])


def test_a_subject_over_its_limit_is_named_until_the_window_turns(tmp_path):
    clock = [1_000_020.0]
    counter = rate(tmp_path, clock)
    limits = {"sender:rest:a": 3, "rest:10.0.0.1": 10}
    assert [counter.count(limits) for _ in range(4)] == [None, None, None, "sender:rest:a"]
    assert counter.count({"sender:rest:b": 3, "rest:10.0.0.1": 10}) is None  # another conversation, same client
    clock[0] += 60
    assert counter.count(limits) is None


def test_several_servers_count_into_the_same_rows(tmp_path):
    clock = [5_000_000.0]
    one, other = rate(tmp_path, clock), MessageRate(rate(tmp_path, clock).engine, window_seconds=60,
                                                      now=lambda: clock[0])
    limits = {"web:203.0.113.5": 4}
    assert [server.count(limits) for server in (one, other, one, other)] == [None] * 4
    assert other.count(limits) == "web:203.0.113.5"


def test_old_windows_are_swept(tmp_path):
    clock = [9_000_000.0]
    counter = rate(tmp_path, clock)
    counter.count({"sender:rest:a": 5})
    clock[0] += 180
    counter.count({"sender:rest:b": 5})
    with counter.engine.connect() as connection:
        rows = connection.exec_driver_sql("select subject from message_counts").scalars().all()
    assert rows == ["sender:rest:b"]

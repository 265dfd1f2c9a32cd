"""The SQLite lock store serialises the turns of one conversation across processes (several Sanic workers)."""

from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path

from rasa.utils.endpoints import EndpointConfig

from rasa_ext.lock_store import SQLiteLockStore

PROCESSES = 4


def store(path: Path) -> SQLiteLockStore:
    return SQLiteLockStore(EndpointConfig(type="rasa_ext.lock_store.SQLiteLockStore", db=str(path)))


def issue_tickets(path: Path, count: int, queue: multiprocessing.Queue) -> None:
    locks = store(path)
    queue.put([locks.issue_ticket("shared", 600) for _ in range(count)])


def take_turns(path: Path, turns: int, counter: Path) -> None:
    """Run turns of one conversation under Rasa's lock: read the counter, yield, write it back plus one."""
    locks = store(path)

    async def turn() -> None:
        async with locks.lock("shared", wait_time_in_seconds=0.001):
            value = int(counter.read_text())
            await asyncio.sleep(0.001)
            counter.write_text(str(value + 1))

    async def all_turns() -> None:
        for _ in range(turns):
            await turn()

    asyncio.run(all_turns())


def run_processes(target, *args) -> list[multiprocessing.Process]:
    processes = [multiprocessing.Process(target=target, args=args) for _ in range(PROCESSES)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(60)
    assert all(p.exitcode == 0 for p in processes)
    return processes


def test_tickets_issued_at_once_by_several_processes_are_all_different(tmp_path):
    queue: multiprocessing.Queue = multiprocessing.Queue()
    run_processes(issue_tickets, tmp_path / "locks.db", 150, queue)
    tickets = [t for _ in range(PROCESSES) for t in queue.get(timeout=10)]
    assert sorted(tickets) == list(range(PROCESSES * 150))


def test_turns_of_one_conversation_never_overlap_across_processes(tmp_path):
    counter = tmp_path / "counter"
    counter.write_text("0")
    run_processes(take_turns, tmp_path / "locks.db", 40, counter)
    assert int(counter.read_text()) == PROCESSES * 40
    assert store(tmp_path / "locks.db").get_lock("shared") is None  # the last turn deleted the unused lock


def test_a_waiting_turn_keeps_the_lock_until_it_is_served(tmp_path):
    locks = store(tmp_path / "locks.db")
    first = locks.issue_ticket("c", 60)
    second = locks.issue_ticket("c", 60)
    assert not locks.get_lock("c").is_locked(first) and locks.get_lock("c").is_locked(second)
    locks.cleanup("c", first)
    assert not locks.get_lock("c").is_locked(second)
    locks.cleanup("c", second)
    assert locks.get_lock("c") is None

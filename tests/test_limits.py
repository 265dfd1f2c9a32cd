"""The look-up guard: per ID hash and per client, in the shared database, within a window."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.applications.limits import LookupGuard, client_key


@pytest.fixture()
def clock():
    return [datetime(2026, 11, 21, 9, tzinfo=timezone.utc)]


@pytest.fixture()
def guard(store, clock):
    return LookupGuard(store.engine, max_failures=3, window=timedelta(minutes=15), now=lambda: clock[0],
                       max_client_failures=5)


def test_an_id_is_locked_for_every_client_and_another_guard_sees_it(guard, store, clock):
    for n in range(3):
        guard.record_failure(id_hash="h1", client=f"web:10.0.0.{n}")
    assert guard.blocked(id_hash="h1", client="wechat:o-new")
    replica = LookupGuard(store.engine, max_failures=3, window=timedelta(minutes=15), now=lambda: clock[0])
    assert replica.blocked(id_hash="h1", client="rest:10.9.9.9")
    assert not guard.blocked(id_hash="h2", client="rest:10.9.9.9")


def test_a_client_is_locked_whatever_the_ids(guard):
    for n in range(5):
        guard.record_failure(id_hash=f"h{n}", client="rest:10.0.0.1")
    assert guard.blocked(id_hash=None, client="rest:10.0.0.1")
    assert not guard.blocked(id_hash=None, client="rest:10.0.0.2")


def test_failures_expire_with_the_window_and_locks_are_listed_and_lifted(guard, clock):
    for _ in range(3):
        guard.record_failure(id_hash="h1", client="rest:10.0.0.1")
        clock[0] += timedelta(minutes=1)
    [lock] = guard.locks()
    assert (lock.scope, lock.subject, lock.failures) == ("id", "h1", 3)
    assert lock.until == datetime(2026, 11, 21, 9, 15, tzinfo=timezone.utc)
    assert guard.lift(scope="id", subject="h1") == 3 and not guard.blocked(id_hash="h1", client="x")
    for _ in range(3):
        guard.record_failure(id_hash="h1", client="rest:10.0.0.1")
    clock[0] += timedelta(minutes=15, seconds=1)
    assert not guard.blocked(id_hash="h1", client="rest:10.0.0.1") and guard.locks() == []


def test_client_key_prefers_what_the_channel_vouched_for():
    assert client_key({"client": "wechat:o123"}, "s1") == "wechat:o123"
    assert client_key(None, "s1") == client_key({"client": ""}, "s1") == "sender:s1"


def test_the_machines_own_callers_are_not_counted_but_each_id_number_still_is(store):
    guard = LookupGuard(store.engine, max_failures=2, window=timedelta(minutes=15), max_client_failures=2,
                        unlimited_clients=frozenset({"rest:127.0.0.1"}))
    for n in range(3):
        guard.record_failure(id_hash=f"h{n}", client="rest:127.0.0.1")
    assert not guard.blocked(id_hash="other", client="rest:127.0.0.1")
    guard.record_failure(id_hash="h0", client="rest:127.0.0.1")
    assert guard.blocked(id_hash="h0", client="rest:127.0.0.1")  # that number has used up its failures
    for n in range(2):
        guard.record_failure(id_hash=f"g{n}", client="web:192.0.2.9")
    assert guard.blocked(id_hash="new", client="web:192.0.2.9")

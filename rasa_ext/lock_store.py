"""Rasa's ticket locks, safe across several Rasa processes: in Redis (several machines) or SQLite (one).

Rasa 3.6's lock stores issue, update and return tickets by reading a conversation's lock, changing it
in Python and writing it back. Two servers doing that at the same moment overwrite each other's
ticket, so two turns of one conversation can run at once and one turn's events are lost. Here each
of those read-modify-write steps is atomic: under a short Redis mutex for that conversation, or in
one SQLite write transaction (the Sanic workers of one machine share one file).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.settings import get_settings

MUTEX_SECONDS = 5  # a read-modify-write takes milliseconds; the mutex expires on its own if a server dies


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket changes are atomic across processes."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    @contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        with self.red.lock(f"{self.key_prefix}mutex:{conversation_id}", timeout=MUTEX_SECONDS,
                           blocking_timeout=MUTEX_SECONDS):
            yield

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue a ticket with no other process changing the lock meanwhile."""
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets with no other process changing the lock meanwhile."""
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Return a ticket (and delete an unused lock) with no other process changing it meanwhile."""
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)


class SQLiteLockStore(LockStore):
    """Ticket locks in an SQLite file (endpoint `db`, default var/locks.db), atomic across processes."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        path = Path(endpoint_config.kwargs.get("db") or get_settings().var_dir / "locks.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(path, timeout=MUTEX_SECONDS, isolation_level=None,
                                          check_same_thread=False)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute("CREATE TABLE IF NOT EXISTS locks (conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)")
        super().__init__()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.connection.execute("BEGIN IMMEDIATE")  # the write lock: no other process changes locks meanwhile
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """Return the conversation's lock, if any."""
        row = self.connection.execute("SELECT lock FROM locks WHERE conversation_id = ?", (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: str) -> None:
        """Delete the conversation's lock."""
        deleted = self.connection.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,)).rowcount
        self._log_deletion(conversation_id, deletion_successful=bool(deleted))

    def save_lock(self, lock: TicketLock) -> None:
        """Write a lock."""
        self.connection.execute(
            "INSERT INTO locks (conversation_id, lock) VALUES (?, ?) "
            "ON CONFLICT (conversation_id) DO UPDATE SET lock = excluded.lock", (lock.conversation_id, lock.dumps()))

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue a ticket with no other process changing the lock meanwhile."""
        with self._transaction():
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets with no other process changing the lock meanwhile."""
        with self._transaction():
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Return a ticket (and delete an unused lock) with no other process changing it meanwhile."""
        with self._transaction():
            super().cleanup(conversation_id, ticket_number)

"""Rasa's Redis ticket lock made safe across several Rasa processes.

Rasa 3.6's RedisLockStore issues, updates and returns tickets by reading the lock from one Redis
key, changing it in Python and writing it back. Two servers doing that at the same moment overwrite
each other's ticket, so two turns of one conversation can run at once and one turn's events are lost.
Here each of those read-modify-write steps runs under a short Redis mutex for that conversation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

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

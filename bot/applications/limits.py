"""The look-up guard: failed status look-ups counted per ID number (keyed hash) and per client.

The counts live in the shared database, so they hold across conversations, `/restart` and replicas.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from bot.database.failures import FailureCounter, Lock, utc_now

PURPOSE = "lookup"
BY_ID = "id"
BY_CLIENT = "client"
SCOPE_WORDS = {BY_ID: "身份证号", BY_CLIENT: "来源"}


def client_key(metadata: Mapping[str, Any] | None, sender_id: str) -> str:
    """Return who is asking: the client the channel vouched for in the message metadata, else the sender id."""
    client = (metadata or {}).get("client")
    if isinstance(client, str) and client.strip():
        return client.strip()[:160]
    return f"sender:{sender_id}"[:160]


class LookupGuard:
    """Say whether an ID number or a client may still look up, and count their failures."""

    def __init__(self, engine: Engine, *, max_failures: int, window: timedelta,
                 now: Callable[[], datetime] = utc_now, max_client_failures: int | None = None,
                 unlimited_clients: frozenset[str] = frozenset()) -> None:
        self.counter = FailureCounter(engine, purpose=PURPOSE, window=window, now=now)
        self.limits = {BY_ID: max_failures, BY_CLIENT: max_client_failures or max_failures}
        self.unlimited_clients = unlimited_clients  # the machine's own callers; each ID number is still counted

    def blocked(self, *, id_hash: str | None, client: str) -> bool:
        """Say whether the ID number or the client has used up its failures within the window."""
        if client not in self.unlimited_clients and \
                self.counter.count(scope=BY_CLIENT, subject=client) >= self.limits[BY_CLIENT]:
            return True
        return bool(id_hash) and self.counter.count(scope=BY_ID, subject=id_hash or "") >= self.limits[BY_ID]

    def record_failure(self, *, id_hash: str | None, client: str) -> None:
        """Count one failed look-up against the client and, when known, the ID number."""
        if client not in self.unlimited_clients:
            self.counter.add(scope=BY_CLIENT, subject=client)
        if id_hash:
            self.counter.add(scope=BY_ID, subject=id_hash)

    def locks(self) -> list[Lock]:
        """Return the ID numbers (as hashes) and clients locked now."""
        return self.counter.locks(limits=self.limits)

    def lift(self, *, scope: str, subject: str) -> int:
        """Lift a lock by forgetting the subject's failures; return how many were forgotten."""
        return self.counter.clear(scope=scope, subject=subject)

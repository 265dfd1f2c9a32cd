"""Create the engine of the status store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

# Connections an SQLite engine keeps open (and how many more it may open at a busy moment).
SQLITE_POOL_SIZE, SQLITE_POOL_OVERFLOW = 2, 8


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Use write-ahead logging and wait for a busy database instead of failing at once."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _no_sync_per_commit(connection: Any, _record: Any) -> None:
    """Let a commit wait for no disk flush (write-ahead log: safe when the process dies, not on power loss)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, durable: bool = True) -> Engine:
    """Create an engine for a SQLAlchemy URL, making the folder of a SQLite file.

    An SQLite file's connections are kept open (SQLAlchemy 1.4 opened the file, set the pragmas and checked the
    connection again for every session: 2 ms of each recorded turn); a pooled connection serves one session at a
    time, from any thread. `durable=False` is for records that may be lost with the machine's power (the
    channels' message counts, the assistant's own log of turns and look-ups): on SQLite, a commit then does not
    wait for the disk. A process that dies loses nothing either way (write-ahead log).
    """
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, poolclass=QueuePool, pool_size=SQLITE_POOL_SIZE,
                               max_overflow=SQLITE_POOL_OVERFLOW, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        if not durable:
            event.listen(engine, "connect", _no_sync_per_commit)
    return engine

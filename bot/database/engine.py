"""Create the engine of the status store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine


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

    `durable=False` is for counts that may be lost with the machine's power (the channels' message counts): on
    SQLite, a commit then does not wait for the disk.
    """
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        if not durable:
            event.listen(engine, "connect", _no_sync_per_commit)
    return engine

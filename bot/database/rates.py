"""Messages counted per subject (a conversation, a client) in fixed windows of time, in the shared database.

Every server of a deployment counts into the same rows, so a sender spreading messages over several
servers meets one limit. A window's count is one upsert; windows older than the previous one are deleted
once per window by whichever server starts it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.database.tables import MessageCount

TABLE = MessageCount.__table__


class MessageRate:
    """Count a message against each of its subjects and say which, if any, went over its limit."""

    def __init__(self, engine: Engine, *, window_seconds: int, now: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.window_seconds = window_seconds
        self.now = now
        self._swept = -1
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self._insert = insert

    def count(self, limits: Mapping[str, int]) -> str | None:
        """Count one message for every subject; return the first subject over its limit in this window."""
        window = int(self.now() // self.window_seconds)
        with Session(self.engine) as session, session.begin():
            for subject in limits:
                statement = self._insert(TABLE).values(subject=subject[:160], window=window, count=1)
                session.execute(statement.on_conflict_do_update(
                    index_elements=[TABLE.c.subject, TABLE.c.window], set_={"count": TABLE.c.count + 1}))
            counts = dict(session.execute(select(TABLE.c.subject, TABLE.c.count).where(
                TABLE.c.window == window, TABLE.c.subject.in_([s[:160] for s in limits]))).all())
            if window != self._swept:
                session.execute(delete(MessageCount).where(MessageCount.window < window - 1))
                self._swept = window
        return next((s for s, limit in limits.items() if counts.get(s[:160], 0) > limit), None)

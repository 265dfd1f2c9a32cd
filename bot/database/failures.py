"""Failed attempts counted per subject within a sliding time window, in the shared database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.database.tables import Failure


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """Return a time with its zone (SQLite hands times back without one)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Lock:
    """A subject that has reached its limit: how many failures, and until when it stays locked."""

    scope: str
    subject: str
    failures: int
    until: datetime


class FailureCounter:
    """Count failures of one purpose (e.g. status look-ups) per scope and subject within a window."""

    def __init__(self, engine: Engine, *, purpose: str, window: timedelta,
                 now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.purpose = purpose
        self.window = window
        self.now = now

    def count(self, *, scope: str, subject: str) -> int:
        """Return the failures of a subject within the window."""
        since = self.now() - self.window
        with Session(self.engine) as session:
            return session.scalar(select(func.count(Failure.id)).where(
                Failure.purpose == self.purpose, Failure.scope == scope, Failure.subject == subject,
                Failure.at > since)) or 0

    def add(self, *, scope: str, subject: str) -> None:
        """Record one failure now, and forget failures older than the window."""
        now = self.now()
        with Session(self.engine) as session, session.begin():
            session.add(Failure(purpose=self.purpose, scope=scope, subject=subject[:160], at=now))
            session.execute(delete(Failure).where(Failure.purpose == self.purpose, Failure.at <= now - self.window))

    def clear(self, *, scope: str, subject: str) -> int:
        """Forget a subject's failures (lifting its lock); return how many were forgotten."""
        with Session(self.engine) as session, session.begin():
            result = session.execute(delete(Failure).where(
                Failure.purpose == self.purpose, Failure.scope == scope, Failure.subject == subject))
            return int(result.rowcount or 0)

    def locks(self, *, limits: dict[str, int]) -> list[Lock]:
        """Return every subject at or over its scope's limit, longest-locked first."""
        since = self.now() - self.window
        with Session(self.engine) as session:
            rows = session.execute(select(Failure.scope, Failure.subject, Failure.at).where(
                Failure.purpose == self.purpose, Failure.at > since).order_by(Failure.at)).all()
        times: dict[tuple[str, str], list[datetime]] = {}
        for scope, subject, at in rows:
            times.setdefault((scope, subject), []).append(as_utc(at))
        found = [Lock(scope, subject, len(ats), ats[len(ats) - limits[scope]] + self.window)
                 for (scope, subject), ats in times.items() if scope in limits and len(ats) >= limits[scope]]
        return sorted(found, key=lambda lock: lock.until, reverse=True)

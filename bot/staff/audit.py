"""The audit log: every staff look-up, import and lifted lock, for administrators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.database.failures import utc_now
from bot.database.tables import AuditEntry


@dataclass(frozen=True)
class AuditPublic:
    """An audit entry as shown to administrators."""

    username: str
    at: datetime
    action: str
    subject: str
    records: str


class AuditLog:
    """Write and read the audit log."""

    def __init__(self, engine: Engine, *, now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.now = now

    def record(self, *, username: str, action: str, subject: str, records: list[str]) -> None:
        """Write one audit entry (the subject is already masked)."""
        with Session(self.engine) as session, session.begin():
            session.add(AuditEntry(username=username, at=self.now(), action=action, subject=subject[:64],
                                   records=",".join(records)))

    def entries(self, *, limit: int = 200) -> list[AuditPublic]:
        """Return the newest audit entries first."""
        with Session(self.engine) as session:
            rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
            return [AuditPublic(r.username, r.at, r.action, r.subject, r.records) for r in rows]

"""The status store: applications by ID number, and questions the bot could not answer."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import Column, Date, DateTime, Integer, String, Text, create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base

from bot.rules.idnumber import mask_text

Base = declarative_base()


class Application(Base):
    """One application, as imported from the applications CSV."""

    __tablename__ = "applications"

    application_no = Column(String(32), primary_key=True)
    id_hash = Column(String(64), nullable=False, index=True)
    id_number = Column(String(18), nullable=False)
    name = Column(String(64), nullable=False)
    phone = Column(String(32))
    procedure_code = Column(String(40), nullable=False)
    status = Column(String(16), nullable=False)
    submitted_date = Column(Date, nullable=False)
    accepted_date = Column(Date)
    completed_date = Column(Date)
    missing_materials = Column(Text, nullable=False, default="")
    note = Column(Text, nullable=False, default="")
    updated_at = Column(DateTime(timezone=True), nullable=False)


class UnansweredQuestion(Base):
    """A question the assistant could not answer, kept (masked) for staff."""

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    text = Column(Text, nullable=False)
    reason = Column(String(32), nullable=False)
    asked_at = Column(DateTime(timezone=True), nullable=False)


@dataclass(frozen=True)
class ApplicationRecord:
    """An application as the rest of the code sees it."""

    application_no: str
    id_number: str
    name: str
    phone: str
    procedure_code: str
    status: str
    submitted_date: date
    accepted_date: date | None
    completed_date: date | None
    missing_materials: tuple[str, ...]
    note: str


def make_engine(url: str) -> Engine:
    """Create an engine for a SQLAlchemy URL, making the folder of a SQLite file."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, future=True, pool_pre_ping=True)


def init_db(engine: Engine) -> None:
    """Create the tables that do not exist yet (applications, unanswered questions, staff, audit)."""
    from bot.staff import accounts  # noqa: F401  (registers the staff and audit tables on Base)

    Base.metadata.create_all(engine)


def hash_id(key: str, id_number: str) -> str:
    """Return the keyed hash an ID number is looked up by."""
    return hmac.new(key.encode(), id_number.upper().encode(), hashlib.sha256).hexdigest()


def _record(row: Application) -> ApplicationRecord:
    return ApplicationRecord(
        application_no=row.application_no, id_number=row.id_number, name=row.name, phone=row.phone or "",
        procedure_code=row.procedure_code, status=row.status, submitted_date=row.submitted_date,
        accepted_date=row.accepted_date, completed_date=row.completed_date,
        missing_materials=tuple(m for m in (row.missing_materials or "").split(";") if m.strip()),
        note=row.note or "",
    )


class StatusStore:
    """Read and write applications and unanswered questions through one engine."""

    def __init__(self, engine: Engine, id_hash_key: str) -> None:
        self.engine = engine
        self.key = id_hash_key

    def id_hash(self, id_number: str) -> str:
        """Return the look-up hash of an ID number."""
        return hash_id(self.key, id_number)

    def find_by_hash(self, id_hash: str) -> list[ApplicationRecord]:
        """Return every application of an ID number (by its hash), oldest first."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(Application).where(Application.id_hash == id_hash).order_by(Application.submitted_date)
            ).all()
            return [_record(r) for r in rows]

    def find(self, *, id_number: str, name: str | None = None) -> list[ApplicationRecord]:
        """Return the applications of an ID number, only those under the given name if one is given."""
        records = self.find_by_hash(self.id_hash(id_number))
        return [r for r in records if name is None or r.name == name]

    def upsert(self, records: Iterable[ApplicationRecord]) -> tuple[int, int]:
        """Insert new applications and update known ones by application_no; return (added, updated)."""
        added = updated = 0
        now = datetime.now(timezone.utc)
        with Session(self.engine) as session, session.begin():
            for r in records:
                row = session.get(Application, r.application_no)
                if row is None:
                    row = Application(application_no=r.application_no)
                    session.add(row)
                    added += 1
                else:
                    updated += 1
                row.id_hash = self.id_hash(r.id_number)
                row.id_number = r.id_number
                row.name = r.name
                row.phone = r.phone
                row.procedure_code = r.procedure_code
                row.status = r.status
                row.submitted_date = r.submitted_date
                row.accepted_date = r.accepted_date
                row.completed_date = r.completed_date
                row.missing_materials = ";".join(r.missing_materials)
                row.note = r.note
                row.updated_at = now
        return added, updated

    def log_unanswered(self, *, text: str, reason: str) -> None:
        """Keep a question the assistant could not answer, with ID numbers masked."""
        with Session(self.engine) as session, session.begin():
            session.add(UnansweredQuestion(text=mask_text(text)[:2000], reason=reason,
                                           asked_at=datetime.now(timezone.utc)))

    def unanswered_counts(self, *, limit: int = 100) -> list[tuple[str, int]]:
        """Return the unanswered questions with how often each was asked, most asked first."""
        with Session(self.engine) as session:
            count = func.count(UnansweredQuestion.id)
            rows = session.execute(
                select(UnansweredQuestion.text, count).group_by(UnansweredQuestion.text)
                .order_by(count.desc(), UnansweredQuestion.text).limit(limit)
            ).all()
            return [(t, n) for t, n in rows]

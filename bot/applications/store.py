"""The status store: applications by keyed hash of the ID number, and questions the bot could not answer."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.database.failures import utc_now
from bot.database.tables import Application, UnansweredQuestion
from bot.rules.idnumber import mask_id, mask_text


class ApplicationCreate(BaseModel):
    """An application as imported: the only place the full ID number exists, on its way to being hashed."""

    application_no: str
    id_number: str
    name: str
    phone: str = ""
    procedure_code: str
    status: str
    submitted_date: date
    accepted_date: date | None = None
    completed_date: date | None = None
    missing_materials: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ApplicationRecord:
    """An application as the rest of the code sees it: the ID number only masked."""

    application_no: str
    id_masked: str
    name: str
    phone: str
    procedure_code: str
    status: str
    submitted_date: date
    accepted_date: date | None
    completed_date: date | None
    missing_materials: tuple[str, ...]
    note: str

    def to_slot(self) -> dict[str, Any]:
        """Return what the report says of the record, as a conversation slot keeps it (JSON: dates as ISO text);
        the applicant's mobile number and name stay in the status store."""
        return {**asdict(self), "phone": "", "name": "", "missing_materials": list(self.missing_materials),
                **{k: v.isoformat() if v else None for k, v in
                   (("submitted_date", self.submitted_date), ("accepted_date", self.accepted_date),
                    ("completed_date", self.completed_date))}}

    @classmethod
    def from_slot(cls, data: dict[str, Any]) -> ApplicationRecord:
        """Return the record a conversation slot keeps."""
        day = {k: date.fromisoformat(data[k]) if data.get(k) else None
               for k in ("submitted_date", "accepted_date", "completed_date")}
        return cls(**{**data, **day, "missing_materials": tuple(data.get("missing_materials") or ())})


def hash_id(key: str, id_number: str) -> str:
    """Return the keyed hash (HMAC-SHA256) an ID number is looked up by."""
    return hmac.new(key.encode(), id_number.upper().encode(), hashlib.sha256).hexdigest()


def _record(row: Application) -> ApplicationRecord:
    return ApplicationRecord(
        application_no=row.application_no, id_masked=row.id_masked, name=row.name, phone=row.phone or "",
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

    def upsert(self, records: Iterable[ApplicationCreate]) -> tuple[int, int]:
        """Insert new applications and update known ones by application_no; return (added, updated)."""
        added = updated = 0
        now = utc_now()
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
                row.id_masked = mask_id(r.id_number)
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
            session.add(UnansweredQuestion(text=mask_text(text)[:2000], reason=reason, asked_at=utc_now()))

    def unanswered_counts(self, *, limit: int = 100) -> list[tuple[str, int]]:
        """Return the unanswered questions with how often each was asked, most asked first."""
        with Session(self.engine) as session:
            count = func.count(UnansweredQuestion.id)
            rows = session.execute(
                select(UnansweredQuestion.text, count).group_by(UnansweredQuestion.text)
                .order_by(count.desc(), UnansweredQuestion.text).limit(limit)
            ).all()
            return [(t, n) for t, n in rows]

"""Staff accounts (argon2-hashed passwords) and the audit log of application look-ups."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.applications.store import Base

USERNAME = re.compile(r"[A-Za-z0-9_.\-]{3,32}")
MIN_PASSWORD = 10
_hasher = PasswordHasher()


class StaffUser(Base):
    """A phone-line staff member or administrator."""

    __tablename__ = "staff_users"

    username = Column(String(32), primary_key=True)
    password_hash = Column(String(255), nullable=False)
    is_admin = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime(timezone=True), nullable=False)


class AuditEntry(Base):
    """One application look-up by a staff member: who, when, which records."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(32), nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False)
    action = Column(String(32), nullable=False)
    subject = Column(String(64), nullable=False)  # masked ID number looked up
    records = Column(Text, nullable=False, default="")  # application numbers shown


@dataclass(frozen=True)
class StaffPublic:
    """A staff account without its password hash."""

    username: str
    is_admin: bool


@dataclass(frozen=True)
class AuditPublic:
    """An audit entry as shown to administrators."""

    username: str
    at: datetime
    action: str
    subject: str
    records: str


class StaffError(ValueError):
    """A staff account cannot be created as asked."""


def create_user(engine: Engine, *, username: str, password: str, is_admin: bool = False) -> StaffPublic:
    """Create a staff account; the password is stored only as an argon2 hash."""
    if not USERNAME.fullmatch(username):
        raise StaffError("用户名须为3到32位字母、数字、_、.、-")
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"密码至少{MIN_PASSWORD}位")
    with Session(engine) as session, session.begin():
        if session.get(StaffUser, username) is not None:
            raise StaffError(f"用户 {username} 已存在")
        session.add(StaffUser(username=username, password_hash=_hasher.hash(password), is_admin=is_admin,
                              created_at=datetime.now(timezone.utc)))
    return StaffPublic(username, is_admin)


def authenticate(engine: Engine, *, username: str, password: str) -> StaffPublic | None:
    """Return the account when the password matches, else None (same time either way)."""
    with Session(engine) as session:
        user = session.get(StaffUser, username)
        stored = user.password_hash if user else _hasher.hash("timing-equaliser")
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return StaffPublic(user.username, bool(user.is_admin)) if user else None


def get_user(engine: Engine, *, username: str) -> StaffPublic | None:
    """Return a staff account by name."""
    with Session(engine) as session:
        user = session.get(StaffUser, username)
        return StaffPublic(user.username, bool(user.is_admin)) if user else None


def record_lookup(engine: Engine, *, username: str, subject: str, records: list[str], action: str = "lookup") -> None:
    """Write one audit entry for a look-up of applications."""
    with Session(engine) as session, session.begin():
        session.add(AuditEntry(username=username, at=datetime.now(timezone.utc), action=action,
                               subject=subject, records=",".join(records)))


def audit_entries(engine: Engine, *, limit: int = 200) -> list[AuditPublic]:
    """Return the newest audit entries first."""
    with Session(engine) as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
        return [AuditPublic(r.username, r.at, r.action, r.subject, r.records) for r in rows]

"""Staff accounts (argon2-hashed passwords), server-side console sessions and the login throttle."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.database.failures import FailureCounter, as_utc, utc_now
from bot.database.tables import StaffSession, StaffUser

USERNAME = re.compile(r"[A-Za-z0-9_.\-]{3,32}")
MIN_PASSWORD = 10
LOGIN = "login"
BY_USER = "user"
BY_ADDRESS = "address"
_hasher = PasswordHasher()
_EQUALISER = _hasher.hash("timing-equaliser")


@dataclass(frozen=True)
class StaffPublic:
    """A staff account without its password hash."""

    username: str
    is_admin: bool


class StaffError(ValueError):
    """A staff account cannot be created as asked."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffAccounts:
    """Create and check staff accounts, and keep their console sessions on the server."""

    def __init__(self, engine: Engine, *, session_lifetime: timedelta = timedelta(hours=8),
                 now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.session_lifetime = session_lifetime
        self.now = now

    def create_user(self, *, username: str, password: str, is_admin: bool = False) -> StaffPublic:
        """Create a staff account; the password is stored only as an argon2 hash."""
        if not USERNAME.fullmatch(username):
            raise StaffError("用户名须为3到32位字母、数字、_、.、-")
        if len(password) < MIN_PASSWORD:
            raise StaffError(f"密码至少{MIN_PASSWORD}位")
        with Session(self.engine) as session, session.begin():
            if session.get(StaffUser, username) is not None:
                raise StaffError(f"用户 {username} 已存在")
            session.add(StaffUser(username=username, password_hash=_hasher.hash(password), is_admin=is_admin,
                                  created_at=self.now()))
        return StaffPublic(username, is_admin)

    def authenticate(self, *, username: str, password: str) -> StaffPublic | None:
        """Return the account when the password matches, else None (same time either way)."""
        with Session(self.engine) as session:
            user = session.get(StaffUser, username)
            try:
                _hasher.verify(user.password_hash if user else _EQUALISER, password)
            except (VerificationError, InvalidHashError):
                return None
            return StaffPublic(user.username, bool(user.is_admin)) if user else None

    def get_user(self, *, username: str) -> StaffPublic | None:
        """Return a staff account by name."""
        with Session(self.engine) as session:
            user = session.get(StaffUser, username)
            return StaffPublic(user.username, bool(user.is_admin)) if user else None

    def start_session(self, *, username: str) -> str:
        """Open a session for a signed-in user and return its token (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        now = self.now()
        with Session(self.engine) as session, session.begin():
            session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
            session.add(StaffSession(token_hash=_token_hash(token), username=username,
                                     expires_at=now + self.session_lifetime))
        return token

    def session_user(self, *, token: str) -> StaffPublic | None:
        """Return the user of a session that is open and not expired."""
        with Session(self.engine) as session:
            row = session.get(StaffSession, _token_hash(token))
            if row is None or as_utc(row.expires_at) <= self.now():
                return None
            username = row.username
        return self.get_user(username=username)

    def end_session(self, *, token: str) -> None:
        """Close a session on the server: its cookie no longer works anywhere."""
        with Session(self.engine) as session, session.begin():
            session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))


class LoginThrottle:
    """Refuse logins for a user name or from an address after too many failures within a window."""

    def __init__(self, engine: Engine, *, max_failures: int, window: timedelta,
                 now: Callable[[], datetime] = utc_now) -> None:
        self.counter = FailureCounter(engine, purpose=LOGIN, window=window, now=now)
        self.max_failures = max_failures

    def blocked(self, *, username: str, address: str) -> bool:
        """Say whether the user name or the address has used up its failures."""
        return (self.counter.count(scope=BY_USER, subject=username) >= self.max_failures
                or self.counter.count(scope=BY_ADDRESS, subject=address) >= self.max_failures)

    def record_failure(self, *, username: str, address: str) -> None:
        """Count one failed login against the user name and the address."""
        self.counter.add(scope=BY_USER, subject=username)
        self.counter.add(scope=BY_ADDRESS, subject=address)

    def forget(self, *, username: str) -> None:
        """Forget a user name's failures after a successful login."""
        self.counter.clear(scope=BY_USER, subject=username)

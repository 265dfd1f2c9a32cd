"""Request dependencies as Annotated aliases."""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import Depends, Form, HTTPException, Request
from sqlalchemy.engine import Engine

from bot.answers.render import Answers
from bot.applications.limits import LookupGuard
from bot.applications.store import StatusStore
from bot.database.turns import TurnLog
from bot.dialogue.questions import Questions
from bot.feedback.queue import ReviewQueue
from bot.feedback.stats import Dashboard
from bot.knowledge.base import KnowledgeBase
from bot.settings import CONSOLE_PARSE_PATH, RELAY_SECRET_HEADER, Settings
from bot.staff.accounts import LoginThrottle, StaffAccounts, StaffPublic
from bot.staff.audit import AuditLog

logger = logging.getLogger(__name__)


@dataclass
class AppState:
    """What the app builds once at start-up."""

    settings: Settings
    engine: Engine
    kb: KnowledgeBase
    questions: Questions
    answers: Answers
    store: StatusStore
    accounts: StaffAccounts
    throttle: LoginThrottle
    audit: AuditLog
    guard: LookupGuard
    turns: TurnLog
    review: ReviewQueue
    dashboard: Dashboard

    def entities_of(self, text: str) -> list[dict[str, Any]]:
        """Return the entities the serving model reads in a text, asked of Rasa's console parse route (so the web
        app loads no reader, jieba or spaCy); none when Rasa cannot be asked (the search then matches words)."""
        try:
            reply = httpx.post(f"{self.settings.rasa_url}{CONSOLE_PARSE_PATH}", json={"text": text}, timeout=5,
                               headers={RELAY_SECRET_HEADER: self.settings.relay_secret})
            reply.raise_for_status()
            return [e for e in reply.json().get("entities") or [] if isinstance(e, dict)]
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("could not ask Rasa how it reads a console search: %s", exc)
            return []


def get_state(request: Request) -> AppState:
    return request.app.state.services


State = Annotated[AppState, Depends(get_state)]


class LoginRequired(Exception):
    """Raised when a console page is opened without an open session."""


def current_user(request: Request, state: State) -> StaffPublic:
    token = request.session.get("token")
    user = state.accounts.session_user(token=token) if isinstance(token, str) else None
    if user is None:
        raise LoginRequired
    return user


CurrentUser = Annotated[StaffPublic, Depends(current_user)]


def admin_user(user: CurrentUser) -> StaffPublic:
    if not user.is_admin:
        raise HTTPException(status_code=403, detail="只有管理员可以进行此操作")
    return user


AdminUser = Annotated[StaffPublic, Depends(admin_user)]


def csrf_token(request: Request) -> str:
    """Return the session's CSRF token, creating it on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    expected = request.session.get("csrf", "")
    if not expected or not hmac.compare_digest(expected, csrf):
        raise HTTPException(status_code=403, detail="页面已过期或请求无效（CSRF 校验失败），请刷新后重试")


CsrfChecked = Depends(check_csrf)


def client_address(request: Request) -> str:
    """Return the address of the browser (the peer of this server; a proxy in front must pass it on)."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]

"""Build the web app: `uvicorn --factory webapp.main:create_app` (127.0.0.1:8000)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from bot.answers.render import Answers
from bot.applications.limits import LookupGuard
from bot.applications.store import StatusStore
from bot.database.engine import make_engine
from bot.database.migrate import require_current
from bot.database.turns import TurnLog
from bot.dialogue.questions import Questions
from bot.feedback.queue import ReviewQueue
from bot.feedback.stats import Dashboard
from bot.knowledge.base import default_knowledge
from bot.settings import Settings, get_settings
from bot.staff.accounts import LoginThrottle, StaffAccounts
from bot.staff.audit import AuditLog
from webapp.deps import AppState, LoginRequired
from webapp.limits import BoundedBodies
from webapp.routers import (
    chat,
    checklists,
    console_applications,
    console_audit,
    console_guides,
    console_import,
    console_locks,
    console_login,
    console_review,
    console_stats,
    console_unanswered,
    forms,
    ratings,
)

STATIC = Path(__file__).resolve().parent / "static"
FRAMEABLE = ("/widget",)


def security_headers(settings: Settings, path: str) -> dict[str, str]:
    """Return the security headers of a response: a strict CSP, framing only for the widget."""
    ancestors = settings.embed_ancestors if path in FRAMEABLE else "'none'"
    headers = {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            f"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    if path not in FRAMEABLE:
        headers["X-Frame-Options"] = "DENY"
    if path.startswith("/console"):
        headers["Cache-Control"] = "no-store"
    if settings.cookies_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


def create_app(settings: Settings | None = None) -> FastAPI:
    """Create the app with its database, knowledge base and routers."""
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    require_current(engine)
    kb = default_knowledge()
    app = FastAPI(title="监理工程师证书办事助手", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.services = AppState(
        settings=settings, engine=engine, kb=kb, questions=Questions(kb),
        answers=Answers(kb),
        store=StatusStore(engine, settings.id_hash_key),
        accounts=StaffAccounts(engine, session_lifetime=settings.session_lifetime),
        throttle=LoginThrottle(engine, max_failures=settings.max_login_failures, window=settings.login_window),
        audit=AuditLog(engine),
        guard=LookupGuard(engine, max_failures=settings.max_status_attempts, window=settings.lookup_window,
                          max_client_failures=settings.max_client_failures,
                          unlimited_clients=frozenset(settings.unlimited_clients)),
        turns=TurnLog(engine, settings.id_hash_key),
        review=ReviewQueue(engine, min_confidence=settings.review_min_confidence),
        dashboard=Dashboard(engine),
    )
    app.add_middleware(BoundedBodies, max_bytes=settings.max_request_bytes,
                       larger={"/console/import": console_import.MAX_UPLOAD + 64 * 1024})  # the form around the file
    app.add_middleware(SessionMiddleware, secret_key=settings.session_secret, session_cookie="jl_console",
                       same_site="strict", https_only=settings.cookies_secure,
                       max_age=int(settings.session_lifetime.total_seconds()))

    @app.middleware("http")
    async def add_security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.update(security_headers(settings, request.url.path))
        return response

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(chat.router)
    app.include_router(ratings.router)
    for console in (console_login, console_guides, console_applications, console_import, console_unanswered,
                    console_review, console_stats, console_audit, console_locks):
        app.include_router(console.router)
    app.include_router(checklists.router)
    app.include_router(forms.router)

    @app.exception_handler(LoginRequired)
    async def to_login(_request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse("/console/login", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> Response:
        problems = [{"loc": list(e.get("loc", [])), "msg": str(e.get("msg", ""))} for e in exc.errors()]
        return JSONResponse({"detail": problems}, status_code=422)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app

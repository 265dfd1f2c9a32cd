"""Build the web app: `uvicorn --factory webapp.main:create_app` (127.0.0.1:8000)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from bot.answers.render import Answers
from bot.applications.store import StatusStore, init_db, make_engine
from bot.dialogue.understanding import Understanding
from bot.knowledge.base import default_knowledge
from webapp.deps import AppState, LoginRequired
from webapp.routers import chat, checklists, console, forms
from webapp.settings import WebSettings, get_web_settings

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """Create the app with its database, knowledge base and routers."""
    settings = settings or get_web_settings()
    engine = make_engine(settings.data.database_url)
    init_db(engine)
    kb = default_knowledge()
    app = FastAPI(title="监理工程师证书办事助手", docs_url=None, redoc_url=None)
    app.state.services = AppState(
        settings=settings, engine=engine, kb=kb, understanding=Understanding(kb), answers=Answers(kb),
        store=StatusStore(engine, settings.data.id_hash_key),
    )
    app.add_middleware(SessionMiddleware, secret_key=settings.session_secret, session_cookie="jl_console",
                       same_site="strict", https_only=settings.secure_cookies, max_age=8 * 3600)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(chat.router)
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

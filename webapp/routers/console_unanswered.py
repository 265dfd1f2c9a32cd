"""Console unanswered questions: what the bot could not answer, most asked first (ID numbers masked)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from webapp.deps import CurrentUser, State
from webapp.routers.console_common import page

router = APIRouter(prefix="/console")


@router.get("/unanswered", response_class=HTMLResponse)
def unanswered(request: Request, user: CurrentUser, state: State) -> Response:
    """List the questions the bot could not answer, most asked first."""
    return page(request, "unanswered.html", user=user, rows=state.store.unanswered_counts())

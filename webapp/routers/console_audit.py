"""Console audit log (administrators only)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from webapp.deps import AdminUser, State
from webapp.routers.console_common import page

router = APIRouter(prefix="/console")


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, user: AdminUser, state: State) -> Response:
    """Show the audit log of look-ups, imports and lifted locks."""
    return page(request, "audit.html", user=user, entries=state.audit.entries())

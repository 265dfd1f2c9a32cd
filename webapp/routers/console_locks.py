"""Console look-up locks: staff see which ID numbers (as hashes) and clients are locked; administrators lift them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.applications.limits import BY_CLIENT, BY_ID, SCOPE_WORDS
from bot.rules import idnumber
from webapp.deps import AdminUser, CsrfChecked, CurrentUser, State
from webapp.routers.console_common import page

router = APIRouter(prefix="/console")


@router.get("/locks", response_class=HTMLResponse)
def locks(request: Request, user: CurrentUser, state: State, id_number: str = "") -> Response:
    """List the current locks; an ID number typed in is shown as its hash, to find its lock."""
    wanted = ""
    error = None
    if id_number.strip():
        check = idnumber.validate(id_number)
        if check.ok:
            wanted = state.store.id_hash(check.number)
        else:
            error = check.problem
    rows = [{"lock": lock, "scope": SCOPE_WORDS[lock.scope],
             "shown": f"哈希 {lock.subject[:12]}…" if lock.scope == BY_ID else lock.subject,
             "wanted": lock.subject == wanted} for lock in state.guard.locks()]
    return page(request, "locks.html", user=user, rows=rows, error=error, searched=bool(wanted),
                found=any(r["wanted"] for r in rows), status_code=422 if error else 200)


@router.post("/locks/lift", dependencies=[CsrfChecked])
def lift(user: AdminUser, state: State, scope: Annotated[str, Form()] = "",
         subject: Annotated[str, Form()] = "") -> Response:
    """Lift one lock (administrators only); the audit log keeps who lifted which."""
    if scope in (BY_ID, BY_CLIENT) and subject:
        state.guard.lift(scope=scope, subject=subject)
        shown = f"{scope}:{subject[:12]}" if scope == BY_ID else f"{scope}:{subject}"
        state.audit.record(username=user.username, action="unlock", subject=shown, records=[])
    return RedirectResponse("/console/locks", status_code=303)

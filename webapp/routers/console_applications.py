"""Console applications: look up a person's applications by ID number (its keyed hash) and name, audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot.rules import idnumber
from webapp.deps import CsrfChecked, CurrentUser, State
from webapp.routers.console_common import page

router = APIRouter(prefix="/console")


@router.get("/applications", response_class=HTMLResponse)
def applications_form(request: Request, user: CurrentUser) -> Response:
    """Show the look-up form."""
    return page(request, "applications.html", user=user)


@router.post("/applications", dependencies=[CsrfChecked])
def applications(request: Request, user: CurrentUser, state: State,
                 id_number: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "") -> Response:
    """Look up a person's applications by ID number and name; every look-up is audited."""
    check = idnumber.validate(id_number)
    if not check.ok:
        return page(request, "applications.html", status_code=422, user=user, error=check.problem)
    name = name.strip()
    if not name:
        return page(request, "applications.html", status_code=422, user=user, error="请填写姓名")
    records = state.store.find(id_number=check.number, name=name)
    masked = idnumber.mask_id(check.number)
    state.audit.record(username=user.username, action="lookup", subject=masked,
                       records=[r.application_no for r in records])
    rows = [{"record": r, "title": state.kb.procedures[r.procedure_code].title, "status": state.kb.statuses[r.status].label}
            for r in records]
    return page(request, "applications.html", user=user, rows=rows, masked=masked, searched=True)

"""Console import: upload an applications CSV, validated like `make import`, written only if all rows are valid."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from bot.applications.importer import read_upload
from webapp.deps import CsrfChecked, CurrentUser, State
from webapp.routers.console_common import page

router = APIRouter(prefix="/console")
MAX_UPLOAD = 5 * 1024 * 1024


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, user: CurrentUser) -> Response:
    """Show the CSV upload form."""
    return page(request, "import.html", user=user)


@router.post("/import", dependencies=[CsrfChecked])
def import_csv(request: Request, user: CurrentUser, state: State, file: Annotated[UploadFile, File()]) -> Response:
    """Validate an uploaded CSV and write it only if every row is valid; bad bytes get a 4xx with the reason."""
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return page(request, "import.html", status_code=413, user=user, errors=["文件超过 5 MB"])
    report = read_upload(data, set(state.kb.procedures))
    if not report.ok:
        return page(request, "import.html", status_code=422, user=user, errors=report.errors)
    added, updated = state.store.upsert(report.records)
    state.audit.record(username=user.username, action="import", subject=(file.filename or "upload")[:64],
                       records=[r.application_no for r in report.records])
    return page(request, "import.html", user=user, done=f"导入成功：新增 {added} 条，更新 {updated} 条。")

"""Phone-line staff console: log in, search the guides, look up applications, import, review gaps."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.applications.importer import read_applications
from bot.dialogue.status import STATUS_WORDS
from bot.dialogue.understanding import Context
from bot.rules import idnumber
from bot.rules.idnumber import mask_id
from bot.staff.accounts import audit_entries, authenticate, record_lookup
from webapp.deps import AdminUser, CsrfChecked, CurrentUser, State, csrf_token
from webapp.templating import templates

router = APIRouter(prefix="/console")
MAX_UPLOAD = 5 * 1024 * 1024


def page(request: Request, name: str, status_code: int = 200, **context: object) -> Response:
    context.setdefault("user", None)
    return templates.TemplateResponse(request, f"console/{name}", {"csrf": csrf_token(request), **context},
                                      status_code=status_code)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> Response:
    """Show the login form."""
    return page(request, "login.html")


@router.post("/login", dependencies=[CsrfChecked])
async def login(request: Request, state: State, username: Annotated[str, Form()] = "",
                password: Annotated[str, Form()] = "") -> Response:
    """Check the password and start a session."""
    user = authenticate(state.engine, username=username.strip(), password=password)
    if user is None:
        return page(request, "login.html", status_code=401, error="用户名或密码错误")
    request.session.clear()
    request.session["user"] = user.username
    return RedirectResponse("/console", status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
async def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    return RedirectResponse("/console/login", status_code=303)


@router.get("", response_class=HTMLResponse)
async def home(request: Request, user: CurrentUser, state: State, q: str = "") -> Response:
    """Search the knowledge base: the procedures a question or word leads to."""
    results = []
    q = q.strip()[:200]
    if q:
        decision = state.understanding.decide(state.understanding.analyse(q), Context())
        codes = list(decision.codes)
        for proc in state.kb.procedures.values():
            haystack = " ".join([proc.title, proc.summary, *proc.steps, *(m.text for v in proc.variants for m in v.materials)])
            if q in haystack and proc.code not in codes:
                codes.append(proc.code)
        results = [state.kb.procedures[c] for c in codes]
    return page(request, "home.html", user=user, q=q, results=results, procedures=list(state.kb.procedures.values()))


@router.get("/procedures/{code}", response_class=HTMLResponse)
async def procedure(request: Request, code: str, user: CurrentUser, state: State) -> Response:
    """Show a procedure's full guide: the same text the bot gives."""
    proc = state.kb.procedures.get(code)
    if proc is None:
        return page(request, "message.html", status_code=404, user=user, message=f"没有事项代码 {code}")
    text = state.answers.procedure([code], "guide").text
    return page(request, "procedure.html", user=user, proc=proc, text=text)


@router.get("/applications", response_class=HTMLResponse)
async def applications_form(request: Request, user: CurrentUser) -> Response:
    """Show the look-up form."""
    return page(request, "applications.html", user=user)


@router.post("/applications", dependencies=[CsrfChecked])
async def applications(request: Request, user: CurrentUser, state: State,
                       id_number: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "") -> Response:
    """Look up a person's applications by ID number and name; every look-up is audited."""
    check = idnumber.validate(id_number)
    if not check.ok:
        return page(request, "applications.html", status_code=422, user=user, error=check.problem)
    name = name.strip()
    if not name:
        return page(request, "applications.html", status_code=422, user=user, error="请填写姓名")
    records = state.store.find(id_number=check.number, name=name)
    masked = mask_id(check.number)
    record_lookup(state.engine, username=user.username, subject=masked, records=[r.application_no for r in records])
    rows = [{"record": r, "title": state.kb.procedures[r.procedure_code].title, "status": STATUS_WORDS[r.status]}
            for r in records]
    return page(request, "applications.html", user=user, rows=rows, masked=masked, searched=True)


@router.get("/audit", response_class=HTMLResponse)
async def audit(request: Request, user: AdminUser, state: State) -> Response:
    """Show the audit log of look-ups (administrators only)."""
    return page(request, "audit.html", user=user, entries=audit_entries(state.engine))


@router.get("/import", response_class=HTMLResponse)
async def import_form(request: Request, user: CurrentUser) -> Response:
    """Show the CSV upload form."""
    return page(request, "import.html", user=user)


@router.post("/import", dependencies=[CsrfChecked])
async def import_csv(request: Request, user: CurrentUser, state: State,
                     file: Annotated[UploadFile, File()]) -> Response:
    """Validate an uploaded CSV like `make import`, and write it only if every row is valid."""
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return page(request, "import.html", status_code=413, user=user, errors=["文件超过 5 MB"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return page(request, "import.html", status_code=422, user=user, errors=["文件不是 UTF-8 编码"])
    report = read_applications(text, set(state.kb.procedures))
    if not report.ok:
        return page(request, "import.html", status_code=422, user=user, errors=report.errors)
    added, updated = state.store.upsert(report.records)
    record_lookup(state.engine, username=user.username, subject=file.filename or "upload", action="import",
                  records=[r.application_no for r in report.records])
    return page(request, "import.html", user=user, done=f"导入成功：新增 {added} 条，更新 {updated} 条。")


@router.get("/unanswered", response_class=HTMLResponse)
async def unanswered(request: Request, user: CurrentUser, state: State) -> Response:
    """List the questions the bot could not answer, most asked first."""
    return page(request, "unanswered.html", user=user, rows=state.store.unanswered_counts())

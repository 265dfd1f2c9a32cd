"""Console guides: search the knowledge base and read a procedure's full guide."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.answers.checklist import build_checklist
from bot.dialogue.questions import Context
from bot.language.parse import Parse
from webapp.deps import CurrentUser, State
from webapp.routers.console_common import page

router = APIRouter(prefix="/console")


@router.get("", response_class=HTMLResponse)
def home(request: Request, user: CurrentUser, state: State, q: str = "") -> Response:
    """Search the knowledge base: the procedures a question or word leads to."""
    results = []
    q = q.strip()[:200]
    if q:
        parse = Parse.from_entities(state.entities_of(q))
        decision = state.questions.decide(parse, Context())
        codes = list(decision.codes)
        for proc in state.kb.procedures.values():
            haystack = " ".join([proc.title, proc.summary, *proc.steps, *(m.text for v in proc.variants for m in v.materials)])
            if q in haystack and proc.code not in codes:
                codes.append(proc.code)
        results = [state.kb.procedures[c] for c in codes]
    return page(request, "home.html", user=user, q=q, results=results, procedures=list(state.kb.procedures.values()))


@router.get("/procedures/{code}", response_class=HTMLResponse)
def procedure(request: Request, code: str, user: CurrentUser, state: State) -> Response:
    """Show a procedure's full guide: the same text the bot gives."""
    proc = state.kb.procedures.get(code)
    if proc is None:
        return page(request, "message.html", status_code=404, user=user, message=f"没有事项代码 {code}")
    return page(request, "procedure.html", user=user, proc=proc, guide=state.answers.procedure([code], []),
                checklist=build_checklist(state.kb, code))

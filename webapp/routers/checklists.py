"""The printable take-along checklist of a procedure: nothing personal, so it can be bookmarked and shared."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.answers.checklist import build_checklist
from webapp.deps import State
from webapp.templating import templates

router = APIRouter(prefix="/checklist")


@router.get("/{code}", response_class=HTMLResponse)
async def checklist_page(request: Request, code: str, state: State) -> Response:
    """Show one procedure's checklist, dated today, ready to print on one A4 page."""
    if code not in state.kb.procedures:
        return templates.TemplateResponse(request, "missing.html", {
            "message": f"没有事项代码为“{code}”的办事清单。", "back": "/", "back_label": "回到办事助手"}, status_code=404)
    return templates.TemplateResponse(request, "checklist.html", {
        "answer": build_checklist(state.kb, code), "made": date.today().isoformat(),
        "made_label": state.kb.labels.checklist["made"],
    })

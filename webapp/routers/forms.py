"""The six attachment forms (附件一 to 附件六) as pages to fill in and print; nothing typed leaves the browser."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from webapp.deps import State
from webapp.templating import templates

router = APIRouter(prefix="/forms")


@router.get("", response_class=HTMLResponse)
async def form_list(request: Request, state: State) -> Response:
    """List the six forms with the procedures that use them."""
    return templates.TemplateResponse(request, "forms.html", {
        "forms": list(state.kb.forms.values()), "procedures": state.kb.procedures,
    })


@router.get("/{key}", response_class=HTMLResponse)
async def form_page(request: Request, key: str, state: State) -> Response:
    """Show one form with the fields and signature blocks the document gives."""
    form = state.kb.forms.get(key)
    if form is None:
        return templates.TemplateResponse(
            request, "missing.html", {"message": f"没有名为“{key}”的表格，请从附件一至附件六中选择。", "back": "/forms",
                                      "back_label": "查看全部表格"}, status_code=404)
    return templates.TemplateResponse(request, "form.html", {
        "form": form, "used_by": [state.kb.procedures[c] for c in form.used_by], "source": state.kb.cite(form.source),
    })

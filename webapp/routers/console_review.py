"""Console review queue: staff say what misread questions should have been; `make train` learns from it.

The queue holds unanswered questions, replies rated 没用, turns understood with low confidence and abandoned
clarifications, grouped by similar wording (masked). A review is stored and audited; when the NLU server runs
the model that is serving (Rasa, on its console parse route) is asked at once whether it already reads the wording
as labelled.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.dialogue.questions import Context
from bot.feedback.labels import LABEL_NAMES, PROCEDURE, Label, LabelError, aspect_names, reads_as
from bot.feedback.queue import FREQUENT, NEWEST, RATING_REASON_NAMES, REASON_NAMES, QueueGroup, ReviewPublic
from bot.language.parse import Parse
from bot.settings import CONSOLE_PARSE_PATH, RELAY_SECRET_HEADER
from webapp.deps import AppState, CsrfChecked, CurrentUser, State
from webapp.routers.console_common import page

router = APIRouter(prefix="/console")
logger = logging.getLogger(__name__)
LIVE_MODEL = "live"  # the model the NLU server serves, as opposed to a model file checked after training
ANSWER_KIND_NAMES = {
    "procedure": "办事指南", "verdict": "跑几次判断", "form": "表格", "material": "材料", "contact": "联系方式",
    "policy": "政策说明", "status": "办件进度", "status_reason": "办件说明", "clarify": "追问证书或事项",
    "silent": "文件没有写明", "out_of_scope": "超出范围", "not_understood": "没能理解", "contacts": "联系电话",
}


def reading_of(state: AppState, text: str) -> str:
    """Return what the knowledge base's entity reader finds in a wording, in words staff read."""
    parse = Parse.from_entities(state.entities_of(text))
    kb, names = state.kb, aspect_names(state.kb)
    parts = [kb.certificates[c].short for c in parse.certificates if c in kb.certificates]
    parts += [kb.matters[m].name for m in [*parse.matters, *([parse.matter_hint] if parse.matter_hint else [])]
              if m in kb.matters]
    parts += [names.get(a, a) for a in parse.aspects]
    return "、".join(dict.fromkeys(parts)) or "没有读出任何证书、事项或方面"


def missing_matter(state: AppState, review: ReviewPublic) -> str | None:
    """Return the matter of a procedure label the entity reader does not find in the wording (training cannot
    teach it: its word belongs in knowledge/matters.yml), or None."""
    code = review.label.procedure
    if review.label.kind != PROCEDURE or code not in state.kb.procedures:
        return None
    proc = state.kb.procedures[code]
    parse = Parse.from_entities(state.entities_of(review.wording))
    d = state.questions.decide(parse, Context())
    if code in d.codes or parse.matter_hint == proc.matter or proc.matter in parse.matters:
        return None
    return state.kb.matters[proc.matter].name if proc.matter in state.kb.matters else proc.matter


async def check_live(state: AppState, reviews: list[ReviewPublic]) -> None:
    """Ask the serving model (Rasa's parse route for the console) whether it reads each reviewed wording as
    labelled."""
    headers = {RELAY_SECRET_HEADER: state.settings.relay_secret}
    try:
        async with httpx.AsyncClient(timeout=5, headers=headers) as client:
            for review in reviews:
                if review.intent is None:
                    continue
                reply = await client.post(f"{state.settings.rasa_url}{CONSOLE_PARSE_PATH}", json={"text": review.wording})
                reply.raise_for_status()
                right = reads_as(review.label, state.kb, state.questions, reply.json())
                state.review.record_check(review.id, right=right, model=LIVE_MODEL)
    except (httpx.HTTPError, ValueError) as exc:
        logger.warning("could not ask Rasa how it reads reviewed wordings: %s", exc)


def _group_view(state: AppState, group: QueueGroup) -> dict[str, Any]:
    kb = state.kb
    return {
        "group": group, "reading": reading_of(state, group.wording),
        "reasons": [(REASON_NAMES[k], n) for k, n in group.reasons.most_common()],
        "rating_reasons": [(RATING_REASON_NAMES.get(k, k), n) for k, n in group.rating_reasons.most_common()],
        "answered_as": ANSWER_KIND_NAMES.get(group.kind, group.kind),
        "procedures": [kb.procedures[c].title for c in group.procedures if c in kb.procedures],
        "default_procedure": group.procedures[0] if len(group.procedures) == 1 else "",
    }


def _review_view(state: AppState, review: ReviewPublic) -> dict[str, Any]:
    return {"review": review, "label": review.label.describe(state.kb),
            "missing": missing_matter(state, review) if review.model_right is False else None}


def _page(request: Request, user: Any, state: AppState, *, order: str, error: str | None = None,
          saved: int = 0, status_code: int = 200) -> Response:
    by_certificate: dict[str, list[Any]] = {}
    for proc in state.kb.procedures.values():
        by_certificate.setdefault(state.kb.certificates[proc.certificate].short, []).append(proc)
    reviewed = state.review.reviewed()
    return page(request, "review.html", status_code=status_code, user=user, order=order, error=error, saved=saved,
                groups=[_group_view(state, g) for g in state.review.groups(order=order)],
                reviewed=[_review_view(state, r) for r in reviewed],
                awaiting=sum(r.awaiting_training for r in state.review.trainable()),
                procedures=by_certificate, aspects=aspect_names(state.kb), label_names=LABEL_NAMES,
                live=True)


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, user: CurrentUser, state: State, order: str = FREQUENT, saved: int = 0) -> Response:
    """Show the queue (most asked or newest first) and the reviews with what the model makes of them."""
    return _page(request, user, state, order=NEWEST if order == NEWEST else FREQUENT, saved=max(0, saved))


@router.post("/review", dependencies=[CsrfChecked])
async def review(request: Request, user: CurrentUser, state: State, turn: Annotated[list[int], Form()],
                 kind: Annotated[str, Form()] = "", procedure: Annotated[str, Form()] = "",
                 aspect: Annotated[str, Form()] = "", order: Annotated[str, Form()] = FREQUENT) -> Response:
    """Store what a group's wordings should have been, audit it, and ask the serving model about them."""
    order = NEWEST if order == NEWEST else FREQUENT
    try:
        label = Label.read(state.kb, kind=kind, procedure=procedure, aspect=aspect)
    except LabelError as exc:
        return _page(request, user, state, order=order, error=str(exc), status_code=422)
    reviews = state.review.label(turn_ids=turn[:50], label=label, username=user.username)
    if not reviews:
        return _page(request, user, state, order=order, error="这些问题已不在队列里，请刷新页面", status_code=422)
    subject = f"{label.kind}:{label.procedure or ''}:{label.aspect or ''}".rstrip(":")
    state.audit.record(username=user.username, action="review", subject=subject,
                       records=[f"review:{r.id}" for r in reviews])
    await check_live(state, reviews)
    return RedirectResponse(f"/console/review?order={order}&saved={len(reviews)}", status_code=303)

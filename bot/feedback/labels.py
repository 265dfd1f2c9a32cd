"""What a reviewed wording should have been, the Rasa intent it trains, and whether a parse reads it so.

Staff say a wording asks about a procedure (and which aspect of it, or the whole guide), about an aspect
without naming a procedure ("那要带啥"), for a status look-up, for a one-trip verdict, about something the
documents do not cover, or that it was answered fine. The intent follows the way data/nlu and
bot/language/training.py name intents: an aspect is asked by the intent knowledge/aspects.yml names
beside it, the whole guide by `ask_guide` (bot/language/intents.py names the intents).

What a procedure is called is the knowledge base's business: the entity reader finds certificate and matter
words in knowledge/ (certificates.yml, matters.yml), the model only learns the intent. So a wording whose
procedure the reader cannot find stays misread after training until its word is added to knowledge/; `reads_as`
tells the two apart for the console.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.dialogue import questions as q
from bot.dialogue.questions import Context, Questions
from bot.knowledge.base import GUIDE, KnowledgeBase, default_knowledge
from bot.language import intents as i
from bot.language.parse import Parse

PROCEDURE, ASPECT, STATUS, ONE_TRIP, OUT_OF_SCOPE, FINE = "procedure", "aspect", "status", "one_trip", "out_of_scope", "fine"
LABEL_NAMES = {
    PROCEDURE: "办事事项", ASPECT: "只问某一方面（没说哪个事项）", STATUS: "查询办理进度", ONE_TRIP: "能否一次办成（跑几次）",
    OUT_OF_SCOPE: "不属于办事范围（如实说答不了）", FINE: "答得没问题",
}
GUIDE_NAME = "办事指南（全部）"
GUIDE_INTENT = i.ASK_GUIDE
KIND_INTENTS = {STATUS: i.CHECK_STATUS, ONE_TRIP: i.ASK_ONE_TRIP, OUT_OF_SCOPE: i.OUT_OF_SCOPE}
# The intents data/rules/questions.yml sends to the question-answering action.
QUESTION_INTENTS = i.QUESTIONS | {i.NLU_FALLBACK}


class LabelError(ValueError):
    """A label that cannot be stored, with the reason in Chinese."""


@dataclass(frozen=True)
class Label:
    """What a wording should have been."""

    kind: str
    procedure: str | None = None
    aspect: str | None = None  # an aspect with an intent, or GUIDE; only for procedure and aspect labels

    @classmethod
    def read(cls, kb: KnowledgeBase, *, kind: str, procedure: str = "", aspect: str = "") -> Label:
        """Return the label a console form chose, or say in Chinese what is wrong with it."""
        if kind not in LABEL_NAMES:
            raise LabelError("请选择这句话问的是什么")
        if kind == PROCEDURE:
            if procedure not in kb.procedures:
                raise LabelError("请选择办事事项")
            if aspect and aspect != GUIDE and aspect not in _aspect_intents(kb):
                raise LabelError("请选择问的方面")
            return cls(PROCEDURE, procedure, aspect if aspect and aspect != GUIDE else None)
        if kind == ASPECT:
            if aspect not in _aspect_intents(kb):
                raise LabelError("请选择问的方面（材料、条件、程序、时间、表格或电话）")
            return cls(ASPECT, None, aspect)
        return cls(kind)

    @property
    def intent(self) -> str | None:
        """Return the Rasa intent the wording trains (None when it was answered fine)."""
        if self.kind in (PROCEDURE, ASPECT):
            return _aspect_intents(default_knowledge()).get(self.aspect or "", GUIDE_INTENT)
        return KIND_INTENTS.get(self.kind)

    def describe(self, kb: KnowledgeBase) -> str:
        """Return the label in words staff read."""
        names = aspect_names(kb)
        if self.kind == PROCEDURE and self.procedure in kb.procedures:
            return f"{kb.procedures[self.procedure].title} · {names.get(self.aspect or GUIDE, GUIDE_NAME)}"
        if self.kind == ASPECT:
            return f"只问{names.get(self.aspect or '', self.aspect or '')}（没说哪个事项）"
        return LABEL_NAMES.get(self.kind, self.kind)


def aspect_names(kb: KnowledgeBase) -> dict[str, str]:
    """Return the aspects a label may name (those an intent asks), by key, the whole guide first."""
    return {GUIDE: GUIDE_NAME, **{a.key: a.name for a in kb.aspects if a.key in _aspect_intents(kb)}}


def _aspect_intents(kb: KnowledgeBase) -> dict[str, str]:
    """Return the intent that asks each aspect (knowledge/aspects.yml)."""
    return {aspect: intent for intent, aspect in kb.aspect_of_intent().items()}


def reads_as(label: Label, kb: KnowledgeBase, questions: Questions, parse: dict[str, Any]) -> bool:
    """Say whether a parse (Rasa's: intent and entities) would be answered as the label says, with no context.

    A procedure is read when the decision answers it, or asks which certificate among options that include its
    one; an aspect when the decision asks it; out of scope when the question is taken and not answered.
    """
    intent = str((parse.get("intent") or {}).get("name") or "")
    if label.kind in (STATUS, ONE_TRIP):
        return intent == label.intent
    if intent not in QUESTION_INTENTS:
        return False
    d = questions.decide(Parse.from_entities(parse.get("entities") or []), Context(), intent)
    if label.kind == OUT_OF_SCOPE:
        return d.kind in q.UNANSWERED
    if label.kind == ASPECT:
        return label.aspect in d.aspects
    if label.kind != PROCEDURE or label.procedure not in kb.procedures:
        return False
    proc = kb.procedures[label.procedure]
    found = (d.kind == q.ANSWER and proc.code in d.codes) or (d.kind == q.CLARIFY and proc.certificate in d.options)
    asked = label.aspect in d.aspects if label.aspect else not set(d.aspects) - {GUIDE}
    return found and asked

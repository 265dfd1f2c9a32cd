"""The one-trip conversation: find the procedure, ask the deciding questions, give the verdict."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.model import Answer
from bot.answers.render import Answers
from bot.answers.verdict import COLLECTION_ASPECTS
from bot.dialogue.questions import Context, Decision, Questions
from bot.knowledge.base import GUIDE, REASON, KnowledgeBase
from bot.language.parse import Parse
from bot.language.routing import VERDICT_ASPECTS
from bot.rules.onetrip import Facts, Verdict, decide

# What the verdict itself answers: the aspects a verdict question asks (trips, conditions, who may go), how and
# when the certificate comes out, the reason and the whole. Other aspects asked beside it ("…还能办吗？材料要哪些？")
# follow the verdict.
ANSWERED_BY_THE_VERDICT = VERDICT_ASPECTS | COLLECTION_ASPECTS | {GUIDE, REASON}


class OneTrip:
    """Tell a person whether their case counts as "only one trip", and why."""

    def __init__(self, kb: KnowledgeBase, answers: Answers, questions: Questions) -> None:
        self.kb = kb
        self.answers = answers
        self.questions = questions

    def resolve(self, parse: Parse, ctx: Context) -> Decision:
        """Decide which procedure a one-trip question is about (or what to ask about it)."""
        return self.questions.decide(parse, ctx, "ask_one_trip")

    def verdict(self, codes: list[str], facts: Facts, variant: str | None, *, final: bool) -> Verdict:
        """Decide the verdict for the procedure from the facts."""
        return decide(self.kb.procedures[codes[0]], facts, variant, final=final)

    def render(self, codes: list[str], verdict: Verdict, aspects: Sequence[str] = ()) -> Answer:
        """Say the verdict with its reasons, from the knowledge base; what else was asked beside the trips
        (how the certificate comes out) joins the verdict line."""
        return self.answers.verdict(self.kb.procedures[codes[0]], verdict, aspects)

    def asked_beside(self, codes: list[str], aspects: Sequence[str]) -> list[Answer]:
        """Answer what else was asked beside the trips that the verdict does not say (the materials, the forms,
        the place …), after the verdict."""
        rest = [a for a in dict.fromkeys(aspects) if a not in ANSWERED_BY_THE_VERDICT]
        return [self.answers.procedure(codes, rest)] if rest else []

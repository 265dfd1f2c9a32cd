"""The one-trip conversation: find the procedure, ask the deciding questions, give the verdict."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.model import Answer
from bot.answers.render import Answers
from bot.dialogue.questions import Context, Decision, Questions
from bot.knowledge.base import KnowledgeBase
from bot.language.parse import Parse
from bot.rules.onetrip import Facts, Verdict, decide


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

"""One question-answering step: analysis, decision, reply and the context to keep."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.answers.model import Answer
from bot.answers.render import Answers
from bot.dialogue.understanding import Analysis, Context, Decision, Understanding
from bot.knowledge.base import KnowledgeBase


@dataclass
class Reply:
    """One bot message: text and optional quick-reply buttons."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, answer: Answer) -> Reply:
        """Return an answer as the text and buttons the channels send."""
        return cls(answer.text(), [{"title": b.title, "payload": b.payload} for b in answer.buttons])


@dataclass
class Step:
    """The replies to send and the context to keep after one question."""

    replies: list[Reply]
    context: Context
    decision: Decision
    analysis: Analysis

    @property
    def answered(self) -> bool:
        """Say whether the assistant answered from the knowledge base."""
        return self.decision.kind not in ("out_of_scope", "unknown", "silent")


class QuestionAnswerer:
    """Answer questions about procedures, forms, contacts and policies."""

    def __init__(self, kb: KnowledgeBase, understanding: Understanding | None = None) -> None:
        self.kb = kb
        self.understanding = understanding or Understanding(kb)
        self.answers = Answers(kb)

    def step(self, text: str, context: Context, intent: str | None = None) -> Step:
        """Answer one question in context and return the new context."""
        a = self.understanding.analyse(text)
        d = self.understanding.decide(a, context, intent)
        ctx = replace(context, options=[])
        if d.kind == "answer":
            answer = self.answers.procedure(d.codes, [d.aspect], d.variant)
            ctx = Context(procedure=d.codes[0], certificate=d.certificate, matter=d.matter, aspect=d.aspect)
        elif d.kind == "clarify":
            answer = self.answers.clarify_certificate(d.options, d.matter)
            ctx = replace(ctx, options=d.options, matter=d.matter, aspect=d.aspect, procedure=None, certificate=None)
        elif d.kind == "clarify_matter":
            answer = self.answers.clarify_matter(d.certificate)
            ctx = replace(ctx, certificate=d.certificate, aspect=d.aspect, procedure=None, matter=None)
        elif d.kind == "no_such_procedure":
            answer = self.answers.no_such_procedure(d.matter or "", d.certificate)
        elif d.kind == "form":
            answer = self.answers.form(d.key or "")
        elif d.kind == "contact":
            answer = self.answers.contact([d.key or ""])
        elif d.kind == "policy":
            answer = self.answers.policy(d.key or "")
        elif d.kind == "silent":
            answer = self.answers.silent(d.key or "")
        elif d.kind == "out_of_scope":
            answer = self.answers.out_of_scope()
        else:
            answer = self.answers.not_understood()
        reply = Reply.of(answer)
        return Step([reply], ctx, d, a)

"""The one-trip conversation: find the procedure, ask the deciding questions, give the verdict."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.answers.render import Answers, Reply, numbered
from bot.dialogue.understanding import Context, Understanding
from bot.knowledge.base import KnowledgeBase, Procedure
from bot.rules.onetrip import AFFIRM_FACTS, Facts, OneTripState, Verdict, decide, read_facts

MAX_ROUNDS = 2


@dataclass
class OneTripTurn:
    """The reply, the state to keep, and whether the flow is over."""

    reply: Reply
    state: OneTripState
    done: bool
    context: Context | None = None


class OneTripService:
    """Tell a person whether their case counts as "only one trip", and why."""

    def __init__(self, kb: KnowledgeBase, understanding: Understanding) -> None:
        self.kb = kb
        self.understanding = understanding
        self.answers = Answers(kb)

    def turn(self, text: str, state: OneTripState, context: Context, intent: str | None = None) -> OneTripTurn:
        """Handle one message of the one-trip conversation."""
        analysis = self.understanding.analyse(text)
        codes = state.codes
        new_context = None
        if not codes or analysis.matters or analysis.certificates or analysis.ordinal is not None:
            decision = self.understanding.decide(analysis, context, "ask_one_trip")
            if decision.kind == "answer":
                if decision.codes != codes:
                    state = OneTripState(codes=decision.codes, facts=state.facts if not codes else Facts())
                codes = decision.codes
                new_context = Context(procedure=codes[0], certificate=decision.certificate,
                                      matter=decision.matter, aspect="trips")
                if decision.variant:
                    state = replace(state, variant=decision.variant)
            elif not codes:
                if decision.kind == "clarify":
                    reply = self.answers.clarify_certificate(decision.options, decision.matter)
                    ctx = Context(matter=decision.matter, aspect="trips", options=decision.options)
                else:
                    reply = self.answers.clarify_matter(decision.certificate)
                    reply.text = "请先告诉我您要办理哪个证书的哪项业务，我来判断能否“最多跑一次”。" + reply.text
                    ctx = Context(certificate=decision.certificate, aspect="trips")
                return OneTripTurn(reply, replace(state, facts=state.facts.merge(
                    read_facts(analysis.text, ()))), False, ctx)
        proc = self.kb.procedures[codes[0]]
        facts = read_facts(analysis.text, proc.materials(state.variant))
        if intent == "affirm" and state.rounds:
            facts = AFFIRM_FACTS.merge(facts)
        state = replace(state, facts=state.facts.merge(facts), rounds=state.rounds + 1)
        verdict = decide(proc, state.facts, state.variant, final=state.rounds >= MAX_ROUNDS)
        reply = self.render(proc, verdict, state)
        return OneTripTurn(reply, state, verdict.kind != "ask", new_context)

    def render(self, proc: Procedure, verdict: Verdict, state: OneTripState) -> Reply:
        """Say the verdict with its reasons, from the knowledge base."""
        head = f"【{proc.title}】"
        if verdict.kind == "zero":
            return Reply(f"{head}\n零次跑：{verdict.reasons[0]}")
        if verdict.kind == "ask":
            return Reply(f"{head}\n为判断您能否“最多跑一次”，请告诉我：\n" + numbered(verdict.questions))
        bring = numbered([m.text for m in verdict.bring]) if verdict.bring else ""
        place = self.answers.contact_line(self.kb.contacts[proc.handler])
        policy = self.kb.policies["not_extra_trip"].text
        if verdict.kind == "one":
            lines = [head, "可以“最多跑一次”。", *verdict.reasons]
            if bring:
                lines += ["请带齐：", bring]
            if proc.collection_materials:
                lines.append("领取或贴条时携带：" + "、".join(proc.collection_materials) + "。")
            lines += ["办理地点：" + place, "办理时间：" + " ".join(proc.time.text)]
            if proc.printing:
                lines.append("证书打印：" + proc.printing.text)
            unchecked = [c.text for c in proc.conditions if c.check in ("max_age", "renew_window", "max_specialties")
                         and not _known(c.check, state.facts)]
            if unchecked:
                lines.append("以上判断假定您符合：" + "；".join(unchecked) + "。")
            return Reply("\n".join(lines))
        lines = [head, "按文件规定，您的情况现在还不能一次办成：" if verdict.kind == "not_yet"
                 else "按文件规定，您的情况不符合受理条件，去了也无法办成：", *verdict.reasons]
        if verdict.missing:
            lines += ["还缺少的材料（请先补齐再去）：", numbered([m.text for m in verdict.missing])]
        if verdict.kind == "not_yet":
            if bring:
                lines += ["全部材料为：", bring]
            lines.append(f"说明：{policy}补齐后再去办理，仍属“最多跑一次”。")
        lines.append("如有疑问请咨询：" + self.answers.contact_line(self.kb.contacts["huzhou_association"])
                     if proc.handler == "huzhou_association" else "如有疑问：" + self.answers.fallback_contacts())
        return Reply("\n".join(lines))


def _known(check: str, facts: Facts) -> bool:
    return {"max_age": facts.age, "renew_window": facts.months_to_expiry,
            "max_specialties": facts.specialties}[check] is not None

"""The one-trip conversation: find the procedure, ask the deciding questions, give the verdict."""

from __future__ import annotations

from bot.answers.render import Answers, Reply, numbered
from bot.dialogue.questions import Context, Decision, Questions
from bot.knowledge.base import KnowledgeBase, Procedure
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

    def render(self, proc: Procedure, verdict: Verdict, facts: Facts) -> Reply:
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
                         and not _known(c.check, facts)]
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

"""Say a one-trip verdict: how many visits, which, who may make them, or why the case cannot go ahead."""

from __future__ import annotations

from bot.answers.model import Answer, Item, Section
from bot.answers.parts import Parts, forms_named, material_item, phones_of, times
from bot.knowledge.base import Procedure
from bot.rules.onetrip import FAILS, MET, NOT_YET, Finding, Verdict

OUTCOME_WORDS = {FAILS: "不符合", NOT_YET: "还不能办理"}
HEADLINES = {
    "not_yet": "按文件，您的情况现在去还不能办成：",
    "cannot": "按文件，您的情况不符合办理条件，去了也无法办成：",
    "unclear": "文件对您的情况没有明确规定，请先电话确认再去：",
    "ask": "为判断您的情况，请告诉我：",
}


class VerdictAnswers:
    """Render verdicts from the knowledge base; every fact comes from the procedure, its notes and policies."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.kb = parts.kb

    def reason_item(self, proc: Procedure, finding: Finding) -> Item:
        """Say what one finding means, quoting the condition (and the note where the documents are unclear)."""
        c = finding.condition
        if finding.outcome in OUTCOME_WORDS:
            outside = f"——您说的“{finding.outside}”不在其中" if finding.outcome == FAILS and finding.outside else ""
            return Item(f"{OUTCOME_WORDS[finding.outcome]}：{c.said}{outside}")
        note = self.kb.note_on(proc.code, c.check)
        return Item(f"文件没有明确：{c.text}" + (f"——{note.text}" if note else ""))

    def assessment(self, proc: Procedure, verdict: Verdict) -> list[Section]:
        """Return what the stated facts mean for the conditions, and what was taken as met."""
        reasons = [self.reason_item(proc, f) for f in verdict.reasons]
        text = "" if reasons else "按您说的情况，已核对的办理条件都符合。"
        return [Section("verdict", heading="按您说的情况：" if reasons else "", text=text, items=reasons),
                *self._assumptions(verdict, materials=False)]

    def answer(self, proc: Procedure, verdict: Verdict) -> Answer:
        """Render a verdict of any kind."""
        covered = self.kb.one_trip_covers(proc)
        sections = [self._headline(proc, verdict, covered)]
        if verdict.kind == "zero":
            return Answer("verdict", proc.title, sections, source=self.parts.cite(proc.source),
                          procedures=[proc.code], verdict=verdict.kind)
        if verdict.kind == "ask":
            if proc.conditions:  # the conditions, marked where what the person told already meets them
                sections.append(Section("conditions", heading="办理条件：", items=[
                    Item(("（按您说的情况已符合）" if f.outcome == MET else "") + f.condition.said)
                    for f in verdict.findings]))
            if not covered:
                sections.append(self._visits_headline(proc, verdict))
            sections.append(self.parts.visits_section(proc, "办理步骤（供参考）："))
            sections += self.parts.follow_on_section(proc)
        else:
            if verdict.questions and verdict.kind != "cannot":
                sections.append(Section("questions", heading="另外请告诉我：", items=[Item(q) for q in verdict.questions]))
            if verdict.missing:
                sections.append(Section("materials", heading="还缺少的材料：",
                                        items=[material_item(m) for m in verdict.missing]))
            sections += self._trip_sections(proc, verdict, covered)
            sections += self._assumptions(verdict, materials=verdict.kind in ("one", "two_visits"))
            sections += self._notes(proc, verdict, covered)
        contacts = self.kb.contacts_for(proc)
        sections.append(self.parts.call_section(contacts, heading="如有疑问可以咨询："))
        sources = [proc.source] + ([self.kb.policies["not_extra_trip"].source] if covered and verdict.missing else [])
        return Answer("verdict", proc.title, sections, phones=phones_of(contacts), source=self.parts.cite(*sources),
                      procedures=[proc.code], forms=forms_named(sections), verdict=verdict.kind)

    def _headline(self, proc: Procedure, verdict: Verdict, covered: bool) -> Section:
        place = self.kb.contacts[proc.handler].name
        if verdict.kind == "zero":
            return Section("verdict", text="零次跑：" + proc.summary)
        if verdict.kind == "ask":
            return Section("verdict", text=HEADLINES["ask"], items=[Item(q) for q in verdict.questions])
        if verdict.kind in HEADLINES:
            return Section("verdict", text=HEADLINES[verdict.kind],
                           items=[self.reason_item(proc, f) for f in verdict.reasons])
        if covered:
            return Section("verdict", text=f"可以“最多跑一次”：材料齐全、符合受理条件时，到{place}办理一次即可。")
        return self._visits_headline(proc, verdict)

    def _visits_headline(self, proc: Procedure, verdict: Verdict) -> Section:
        """Say how many visits the national text describes, and which."""
        place = self.kb.contacts[proc.handler].name
        names = "、".join(v.name for v in verdict.visits)
        each = "各一次" if len(verdict.visits) > 1 else ""
        return Section("verdict", text=f"按文件，此事项需要到{place}去{times(len(verdict.visits))}：{names}{each}。")

    def _trip_sections(self, proc: Procedure, verdict: Verdict, covered: bool) -> list[Section]:
        """Return the visits, what to bring to each, and where; for cases that can go ahead."""
        if verdict.kind not in ("one", "two_visits", "not_yet"):
            return []
        sections = [self.parts.visits_section(proc, "办理步骤：")] if verdict.kind != "not_yet" else []
        sections += self._bring(proc, verdict)
        if verdict.kind != "not_yet":
            sections += self.parts.bring_sections(proc) + self.parts.follow_on_section(proc)
            if covered and proc.printing:
                sections.append(Section("time", heading="证书打印：", text=proc.printing.text))
        sections.append(Section("place", heading="办理地点：", text=self.parts.place_text(proc)))
        return sections

    def _bring(self, proc: Procedure, verdict: Verdict) -> list[Section]:
        first = "第一次需要提交的材料：" if len(verdict.visits) > 1 else "需要提交的材料："
        if verdict.variant is None and len(proc.variants) > 1:
            return [Section("materials", heading=f"{v.name}应提交下列材料：",
                            items=[material_item(m) for m in v.materials]) for v in proc.variants]
        return [Section("materials", heading=first, items=[material_item(m) for m in verdict.bring])]

    def _assumptions(self, verdict: Verdict, *, materials: bool) -> list[Section]:
        items = [Item(c.text) for c in verdict.assumed]
        if materials and not verdict.materials_confirmed:
            items.append(Item("已带齐上述全部材料"))
        return [Section("assumptions", heading="以上判断假定您符合：", items=items)] if items else []

    def _notes(self, proc: Procedure, verdict: Verdict, covered: bool) -> list[Section]:
        sections = []
        if covered and verdict.missing:
            sections.append(Section("notes", text=self.kb.policies["not_extra_trip"].text + "请补齐缺少的材料后再去办理。"))
        if not covered:
            sections.append(Section("notes", text=self.kb.policies["one_trip_definition"].outside_note or ""))
        if verdict.kind not in ("one", "two_visits"):
            return sections
        notes = self.kb.notes_for(proc.code, ["trips"])
        notes += [n for code in (proc.then.procedures if proc.then else ()) for n in self.kb.notes_for(code, ["trips"])]
        return sections + self.parts.notes_section(notes, sections)

"""Answer questions about procedures: any aspects, one procedure or several, each note said once."""

from __future__ import annotations

from collections.abc import Callable

from bot.answers.model import Answer, Item, Section
from bot.answers.parts import Parts, forms_named, material_item, phones_of, times
from bot.answers.verdict import VerdictAnswers
from bot.knowledge.base import ASPECTS, Procedure
from bot.rules.onetrip import Facts, decide

GUIDE = ("conditions", "materials", "process", "place", "time", "trips", "contact")


class ProcedureAnswers:
    """Render procedure answers from the knowledge base."""

    def __init__(self, parts: Parts, verdicts: VerdictAnswers) -> None:
        self.parts = parts
        self.kb = parts.kb
        self.verdicts = verdicts
        self.render: dict[str, Callable[[Procedure, str | None], list[Section]]] = {
            "conditions": self.conditions, "materials": self.materials, "uploads": self.uploads,
            "process": self.process, "place": self.place, "time": self.time, "collection": self.collection,
            "forms": self.forms, "proxy": self.proxy, "trips": self.trips, "contact": self.contact,
        }

    def answer(self, codes: list[str], aspects: list[str], variant: str | None = None, *,
               facts: Facts | None = None) -> Answer:
        """Answer some aspects of one procedure, of procedures the seed words alike, or of several asked together."""
        procs = [self.kb.procedures[c] for c in codes]
        guide = not aspects or "guide" in aspects or not set(aspects) & set(ASPECTS)
        wanted = list(GUIDE) if guide else [a for a in ASPECTS if a in aspects]
        first = procs[0]
        alike = all(p.same_as == first.code or first.same_as == p.code for p in procs[1:])
        if alike:
            sections = self._alike(procs, wanted, variant, facts, guide)
        else:
            sections = [s for p in procs
                        for s in [Section("text", heading=f"【{p.title}】"), *self._body(p, wanted, variant, facts, guide)]]
        notes = [n for p in procs for n in self.kb.notes_for(p.code, None if guide else wanted)]
        sections += self.parts.notes_section(notes, sections)
        phones = phones_of([c for p in procs for c in self.kb.contacts_for(p)]) if "contact" in wanted else []
        return Answer("procedure", self._title(procs, alike), sections, phones=phones,
                      source=self.parts.cite(*(p.source for p in procs)), procedures=codes, forms=forms_named(sections))

    def _title(self, procs: list[Procedure], alike: bool) -> str:
        """Title an answer: the procedure, the matter shared by several, or every title."""
        if alike:
            return procs[0].title
        if len({p.matter for p in procs}) == 1:
            return self.kb.matters[procs[0].matter].name
        return "／".join(p.title for p in procs)

    def _alike(self, procs: list[Procedure], wanted: list[str], variant: str | None, facts: Facts | None,
               guide: bool) -> list[Section]:
        """Render the first procedure; for those the seed words alike, add only what differs and say so."""
        sections = self._body(procs[0], wanted, variant, facts, guide)
        for other in procs[1:]:
            differing = [s for s in self._body(other, wanted, variant, facts, guide) if s not in sections]
            sections += [Section(s.kind, f"【{other.title}】{s.heading}", s.text, s.items) for s in differing]
            same = "原文相同" if not differing else "除上面分别列出的部分外，原文相同"
            sections.append(Section("text", text=f"（{procs[0].title}与{other.title}的办理要求{same}。）"))
        return sections

    def _body(self, p: Procedure, wanted: list[str], variant: str | None, facts: Facts | None,
              guide: bool) -> list[Section]:
        if guide and not p.visits:  # nothing to bring or do: every aspect would repeat the summary
            wanted = ["trips", "contact"]
        sections = [Section("summary", text=p.summary)] if guide and p.visits else []
        for aspect in wanted:
            for s in self.render[aspect](p, variant):
                said = {i.text for x in sections for i in x.items}
                items = [i for i in s.items if i.text not in said]
                if s not in sections and (items or s.text or (s.heading and not s.items)):  # a list all said: none
                    sections.append(Section(s.kind, s.heading, s.text, items))
            if aspect == "conditions" and facts is not None:
                sections += self.verdicts.assessment(p, decide(p, facts, variant, final=True))
            if aspect == "materials" and "place" not in wanted and p.visits:
                sections.append(Section("place", heading="提交地点：", text=self.parts.place_text(p)))
        if facts is not None and "conditions" not in wanted and not guide:
            verdict = decide(p, facts, variant, final=True)
            if verdict.reasons:  # "还有个造价师注册证…初始注册要准备啥": what the facts told stops the case
                sections += self.verdicts.assessment(p, verdict)[:1]
        return sections

    # ------------------------------------------------------------------ aspects
    def conditions(self, p: Procedure, variant: str | None) -> list[Section]:
        """List the conditions in the seed's words, or say the seed lists none."""
        if p.conditions:
            return [Section("conditions", heading="办理条件（必须符合）：", items=[Item(c.said) for c in p.conditions])]
        if not p.visits:
            return [Section("conditions", text="文件没有为此事项列出办理条件。" + p.summary)]
        return [Section("conditions", heading="文件没有为此事项列出办理条件，按以下程序申报：",
                        text="\n".join(p.steps[:p.visits[0].step]))]

    def materials(self, p: Procedure, variant: str | None) -> list[Section]:
        """List the materials of the variant asked (or of each), uploads, what later visits need, what follows."""
        if not p.visits:
            return [Section("materials", text="不需要准备材料：" + p.summary)]
        chosen = p.variant(variant)
        sections = [Section("materials", heading=f"{v.name}应提交下列材料：" if len(p.variants) > 1 else "需要提交的材料：",
                            items=[material_item(m) for m in v.materials])
                    for v in ([chosen] if chosen else p.variants)]
        later = self.parts.bring_sections(p) + self.parts.follow_on_section(p)
        return sections + (self.uploads(p, variant) if p.uploads else []) + later

    def uploads(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say what the system upload needs, or that the seed does not list it."""
        if p.uploads:
            return [Section("uploads", heading="系统申报时上传的附件：", text=p.uploads)]
        return [Section("uploads", text="文件没有列明此事项需要上传哪些附件。" + ("" if p.visits else p.summary))]

    def process(self, p: Procedure, variant: str | None) -> list[Section]:
        """Give the steps in the seed's words (steps numbered in the seed keep their own numbers)."""
        if all(s.startswith("（") for s in p.steps):
            return [Section("process", heading="办理程序：", text="\n".join(p.steps))]
        return [Section("process", heading="办理程序：", items=[Item(s) for s in p.steps])]

    def place(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say where to go: the handler and its address."""
        if not p.visits:
            return [Section("place", text="无需前往：" + p.summary)]
        return [Section("place", heading="办理地点：", text=self.parts.place_text(p))]

    def time(self, p: Procedure, variant: str | None) -> list[Section]:
        """Give when to apply (for a procedure with a window to apply in), the time lines and the printing line."""
        checks = [self.kb.checks[c.check] for c in p.conditions if c.check in self.kb.checks]
        window = [c for c in p.conditions if c.check in self.kb.checks and self.kb.checks[c.check].when_to_apply] \
            if any(k.window for k in checks) else []
        sections = [Section("time", heading="申报时间：", items=[Item(c.text) for c in window])] if window else []
        sections.append(Section("time", heading="办理时间：", items=[Item(t) for t in p.time.text]))
        return sections + ([Section("time", heading="证书打印：", text=p.printing.text)] if p.printing else [])

    def collection(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say how the result is collected: the later visits, a follow-on step, printing, or that the seed has none."""
        if p.visits[1:]:
            return [Section("collection", heading=f"{v.name}：", text=p.step_text(v),
                            items=[material_item(m) for m in v.bring]) for v in p.visits[1:]]
        if p.then:
            return self.parts.follow_on_section(p)
        if p.printing:
            return [Section("collection", heading="证书打印：", text=p.printing.text)]
        if not p.visits:
            return [Section("collection", text=p.summary)]
        return [Section("collection", text="文件中此事项没有领取证书的步骤。")]

    def forms(self, p: Procedure, variant: str | None) -> list[Section]:
        """Name the 附件 forms a procedure uses, with the name the procedure gives them."""
        items: dict[str, Item] = {}
        for m in p.all_materials():
            if m.form and m.form not in items:
                form = self.kb.forms[m.form]
                name = next((n for n in form.names_in_text if m.text.startswith(n)), m.text)
                items[m.form] = Item(f"{form.key}《{form.title}》（办理事项中称“{name}”）", form=form.key)
        if items:
            return [Section("forms", heading="使用的表格：", items=list(items.values()))]
        if not p.visits:
            return [Section("forms", text=p.summary)]
        return [Section("forms", text="此事项没有附件表格；申请表按办理程序填写：" + p.steps[0])]

    def proxy(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say who may make each visit, in the seed's words, and where the seed does not say."""
        if not p.visits:
            return [Section("proxy", text=p.summary)]
        return [Section("proxy", heading="由谁办理：", items=self.parts.who_items(p))]

    def trips(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say how many visits the seed describes, which, and whether the seed calls it 最多跑一次."""
        if not p.visits:
            return [Section("trips", heading="跑几次：", text="零次跑：" + p.summary)]
        place = self.kb.contacts[p.handler].name
        if self.kb.one_trip_covers(p):
            return [Section("trips", heading="跑几次：", text=f"材料齐全、符合受理条件时，到{place}办理一次，即“最多跑一次”。",
                            items=self.parts.who_items(p))]
        outside = self.kb.policies["one_trip_definition"].outside_note or ""
        steps = self.parts.visits_section(p, "各次要办的事（原文）：")
        return [Section("trips", heading=f"跑几次：按文件，需要到{place}去{times(p.trips)}：", items=self.parts.who_items(p)),
                steps, *self.parts.follow_on_section(p), Section("trips", text=outside)]

    def contact(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say whom to call about a procedure."""
        return [self.parts.contact_section(c) for c in self.kb.contacts_for(p)]

"""Answer questions about procedures: any aspects, one procedure or several, each note said once."""

from __future__ import annotations

from collections.abc import Callable

from bot.answers.model import Answer, Item, Section
from bot.answers.parts import Parts, forms_named, phones_of
from bot.answers.verdict import VerdictAnswers
from bot.knowledge.base import ASPECTS, Procedure
from bot.rules.onetrip import Facts, decide

GUIDE = ("conditions", "materials", "process", "place", "time", "trips", "contact")


# The material id the knowledge base gives a procedure's own application form when it has no 附件.
APPLICATION_FORM = "application_form"


class ProcedureAnswers:
    """Render procedure answers from the knowledge base."""

    def __init__(self, parts: Parts, verdicts: VerdictAnswers) -> None:
        self.parts = parts
        self.kb = parts.kb
        self.say = parts.say
        self.verdicts = verdicts
        self.render: dict[str, Callable[[Procedure, str | None], list[Section]]] = {
            "conditions": self.conditions, "materials": self.materials, "uploads": self.uploads,
            "process": self.process, "place": self.place, "time": self.time, "collection": self.collection,
            "forms": self.forms, "proxy": self.proxy, "trips": self.trips, "contact": self.contact,
        }

    def answer(self, codes: list[str], aspects: list[str], variant: str | None = None, *,
               facts: Facts | None = None) -> Answer:
        """Answer some aspects of one procedure, of procedures the seed words alike, or of several asked together.

        A case the procedures do not have (a damaged national certificate: the documents describe only its
        loss) is said first, with what the documents do say and whom to call."""
        procs = [self.kb.procedures[c] for c in codes]
        guide = not aspects or "guide" in aspects or not set(aspects) & set(ASPECTS)
        wanted = list(GUIDE) if guide else [a for a in ASPECTS if a in aspects]
        first = procs[0]
        alike = all(p.same_as == first.code or first.same_as == p.code for p in procs[1:])
        case = self.kb.case_notes(codes, variant)
        sections = [Section("notes", text=n.text) for n in case]
        if alike:
            sections += self._alike(procs, wanted, variant, facts, guide)
        else:
            sections += [s for p in procs
                         for s in [Section("text", heading=self.say("guide.part", title=p.title)),
                                   *self._body(p, wanted, variant, facts, guide)]]
        notes = [n for p in procs for n in self.kb.notes_for(p.code, None if guide else wanted)]
        sections += self.parts.notes_section(notes, sections)
        contacts = list({c.key: c for p in procs for c in self.kb.contacts_for(p)}.values())
        if case and "contact" not in wanted:
            sections.append(self.parts.call_section(contacts))
        phones = phones_of(contacts) if "contact" in wanted or case else []
        return self.parts.answer("procedure", self._title(procs, alike), sections, phones=phones,
                                 sources=[s for p in procs for s in [p.source, *self._policy_sources(p, wanted)]],
                                 procedures=codes, forms=forms_named(sections))

    def _policy_sources(self, p: Procedure, wanted: list[str]) -> list[str]:
        """Return the seed sections of the policies a materials answer says."""
        return self.parts.policy_sources(p) if "materials" in wanted and p.visits else []

    def _title(self, procs: list[Procedure], alike: bool) -> str:
        """Title an answer: the procedure, the matter shared by several certificates, or every title."""
        if alike:
            return procs[0].title
        if len({p.matter for p in procs}) == 1 and len({p.certificate for p in procs}) == len(procs):
            return self.kb.matters[procs[0].matter].name
        return self.say("join.titles").join(p.title for p in procs)

    def _alike(self, procs: list[Procedure], wanted: list[str], variant: str | None, facts: Facts | None,
               guide: bool) -> list[Section]:
        """Render the first procedure; for those the seed words alike, add only what differs and say so."""
        sections = self._body(procs[0], wanted, variant, facts, guide)
        for other in procs[1:]:
            differing = [s for s in self._body(other, wanted, variant, facts, guide) if s not in sections]
            sections += [Section(s.kind, self.say("guide.part", title=other.title) + s.heading, s.text, s.items)
                         for s in differing]
            same = self.say("guide.alike_but") if differing else self.say("guide.alike")
            sections.append(Section("text", text=self.say("guide.alike_line", first=procs[0].title, other=other.title,
                                                          same=same)))
        return sections

    def _body(self, p: Procedure, wanted: list[str], variant: str | None, facts: Facts | None,
              guide: bool) -> list[Section]:
        """Render the aspects wanted of one procedure. A material list is kept whole (a person reads only their
        case's list); other lists leave out what an earlier section already said."""
        if guide and not p.visits:  # nothing to bring or do: every aspect would repeat the summary
            wanted = ["trips", "contact"]
        sections = [Section("summary", text=p.summary)] if guide and p.visits else []
        sections += self.parts.warning_section(p)
        for aspect in wanted:
            for s in self.render[aspect](p, variant):
                said = {i.text for x in sections for i in x.items}
                items = s.items if s.kind == "materials" else [i for i in s.items if i.text not in said]
                if s not in sections and (items or s.text or (s.heading and not s.items)):  # a list all said: none
                    sections.append(Section(s.kind, s.heading, s.text, items))
            if aspect == "conditions" and facts is not None:
                sections += self.verdicts.assessment(p, decide(p, facts, variant, final=True))
            if aspect == "materials" and "place" not in wanted and p.visits:
                sections.append(Section("place", heading=self.say("place.submit_heading"), text=self.parts.place_text(p)))
        if facts is not None and "conditions" not in wanted and not guide:
            verdict = decide(p, facts, variant, final=True)
            if verdict.reasons:  # "还有个造价师注册证…初始注册要准备啥": what the facts told stops the case
                sections += self.verdicts.assessment(p, verdict)[:1]
        return sections

    # ------------------------------------------------------------------ aspects
    def conditions(self, p: Procedure, variant: str | None) -> list[Section]:
        """List the conditions in the seed's words (alternatives as such), or say the seed lists none."""
        if p.conditions:
            return [Section("conditions", heading=self.say("conditions.heading"),
                            items=[Item(line) for line in self.parts.condition_lines(p.conditions)])]
        if not p.visits:
            return [Section("conditions", text=self.say("conditions.none") + p.summary)]
        return [Section("conditions", heading=self.say("conditions.none_but_steps"),
                        text="\n".join(p.steps[:p.visits[0].step]))]

    def materials(self, p: Procedure, variant: str | None) -> list[Section]:
        """List the materials of the case asked (or of each, each list whole), the policies that change them,
        uploads, what later visits need, and what follows."""
        if not p.visits:
            return [Section("materials", text=self.say("materials.none", summary=p.summary))]
        chosen = p.variant(variant)
        several = len(p.variants) > 1
        sections = [Section("materials", heading=self.say("materials.case", case=v.name) if several
                            else self.say("materials.heading"), items=[self.parts.material_item(m) for m in v.materials])
                    for v in ([chosen] if chosen else p.variants)]
        sections += self.parts.policy_sections(p)
        later = self.parts.bring_sections(p) + self.parts.follow_on_section(p)
        return sections + (self.uploads(p, variant) if p.uploads else []) + later

    def uploads(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say what the system upload needs, or that the seed does not list it."""
        if p.uploads:
            return [Section("uploads", heading=self.say("uploads.heading"), text=p.uploads)]
        return [Section("uploads", text=self.say("uploads.none") + ("" if p.visits else p.summary))]

    def process(self, p: Procedure, variant: str | None) -> list[Section]:
        """Give the steps in the seed's words (steps numbered in the seed keep their own numbers)."""
        if all(s.startswith("（") for s in p.steps):
            return [Section("process", heading=self.say("process.heading"), text="\n".join(p.steps))]
        return [Section("process", heading=self.say("process.heading"), items=[Item(s) for s in p.steps])]

    def place(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say where to go: the handler and its address."""
        if not p.visits:
            return [Section("place", text=self.say("place.none", summary=p.summary))]
        return [Section("place", heading=self.say("place.heading"), text=self.parts.place_text(p))]

    def time(self, p: Procedure, variant: str | None) -> list[Section]:
        """Give when to apply (for a procedure with a window to apply in), the time lines and the printing line."""
        checks = [self.kb.checks[c.check] for c in p.conditions if c.check in self.kb.checks]
        window = [c for c in p.conditions if c.check in self.kb.checks and self.kb.checks[c.check].when_to_apply] \
            if any(k.window for k in checks) else []
        sections = [Section("time", heading=self.say("time.apply_heading"), items=[Item(c.text) for c in window])] \
            if window else []
        sections.append(Section("time", heading=self.say("time.heading"), items=[Item(t) for t in p.time.text]))
        return sections + ([Section("time", heading=self.say("time.printing"), text=p.printing.text)] if p.printing else [])

    def collection(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say how the result is collected: the later visits, a follow-on step, printing, or that the seed has none."""
        if p.visits[1:]:
            return [Section("collection", heading=self.say("collection.visit", visit=v.name), text=p.step_text(v),
                            items=[self.parts.material_item(m) for m in v.bring]) for v in p.visits[1:]]
        if p.then:
            return self.parts.follow_on_section(p)
        if p.printing:
            return [Section("collection", heading=self.say("time.printing"), text=p.printing.text)]
        return [Section("collection", text=line) for line in self.parts.collection_lines(p)]

    def forms(self, p: Procedure, variant: str | None) -> list[Section]:
        """Name the 附件 forms a procedure uses, with the name the procedure gives them and how they are signed."""
        items: dict[str, Item] = {}
        for m in p.all_materials():
            if m.form and m.form not in items:
                form = self.kb.forms[m.form]
                name = next((n for n in form.names_in_text if m.text.startswith(n)), m.text)
                items[m.form] = Item(self.say("forms.item", key=form.key, title=form.title, name=name)
                                     + self.parts.signing(m), form=form.key)
        if items:
            return [Section("forms", heading=self.say("forms.heading"), items=list(items.values()))]
        if not p.visits:
            return [Section("forms", text=p.summary)]
        named = [m.text for m in p.all_materials() if m.id == APPLICATION_FORM]  # "变更注册申请表原件（一式一份）"
        return [Section("forms", text=self.say("forms.none", step=p.steps[0]), items=[Item(t) for t in named])]

    def proxy(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say who may make each visit, in the seed's words, and where the seed does not say."""
        if not p.visits:
            return [Section("proxy", text=p.summary)]
        return [Section("proxy", heading=self.say("proxy.heading"), items=self.parts.who_items(p))]

    def trips(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say how many visits the seed describes (the whole path), which, and whether the seed calls it 最多跑一次."""
        if not p.visits:
            return [Section("trips", heading=self.say("trips.heading"), text=self.say("trips.zero", summary=p.summary))]
        place = self.kb.contacts[p.handler].name
        if self.kb.one_trip_covers(p):  # one visit, and what comes out of it ("十个工作日完成打印")
            printing = [Section("trips", text=self.say("time.printing_line", text=p.printing.text))] if p.printing else []
            return [Section("trips", heading=self.say("trips.heading"), text=self.say("trips.one", place=place),
                            items=self.parts.who_items(p)), *printing]
        outside = self.kb.policies["one_trip_definition"].outside_note or ""
        steps = self.parts.visits_section(p, self.say("trips.steps"))
        heading = self.say("trips.visits", place=place, count=self.parts.times(p.trips)) if p.then is None else \
            self.say("trips.whole_path", place=place, count=self.parts.path_count(p), own=self.parts.times(p.trips))
        return [Section("trips", heading=heading, items=self.parts.who_items(p)),
                steps, *self.parts.follow_on_section(p), Section("trips", text=outside)]

    def contact(self, p: Procedure, variant: str | None) -> list[Section]:
        """Say whom to call about a procedure."""
        return [self.parts.contact_section(c) for c in self.kb.contacts_for(p)]

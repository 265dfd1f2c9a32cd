"""Building blocks every renderer shares: contacts, materials, conditions, visits and notes as answer sections.

Every word around the facts comes from knowledge/labels.yml (`say`), every fact from the other files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.answers.model import Answer, Item, Phone, Section
from bot.knowledge.base import Condition, Contact, KnowledgeBase, Material, Note, Procedure, Visit


def forms_named(sections: list[Section]) -> list[str]:
    """Return the 附件 keys of the items of some sections, each once."""
    return list(dict.fromkeys(i.form for s in sections for i in s.items if i.form))


def phones_of(contacts: list[Contact]) -> list[Phone]:
    """Return every phone number of some contacts, each once."""
    seen: dict[str, Phone] = {}
    for c in contacts:
        for number in c.phones:
            seen.setdefault(number, Phone(c.name, number))
    return list(seen.values())


class Parts:
    """Sections built from one knowledge base, worded by its labels."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.say = kb.labels.say

    # ------------------------------------------------------------------ answers
    def answer(self, kind: str, title: str = "", sections: list[Section] | None = None, *,
               sources: Sequence[str] = (), **fields: Any) -> Answer:
        """Return an answer citing some seed sections (each once), the citation worded as labels.yml says."""
        source = "；".join(dict.fromkeys(self.kb.cite(s) for s in sources))
        cite = self.say("answer.cite", source=source) if source else ""
        return Answer(kind, title, sections or [], source=source, cite=cite, **fields)

    def times(self, n: int) -> str:
        """Return '一次', '两次' … for a count of visits."""
        key = f"count.{n}"
        return self.say(key) if key in self.kb.labels.phrases else self.say("count.other", n=n)

    def path_count(self, proc: Procedure) -> str:
        """Return how many visits the whole path takes: '两次', or '两次或三次' where a follow-on may differ."""
        fewest, most = proc.path_trips
        return self.times(fewest) if fewest == most else self.say("count.range", low=self.times(fewest),
                                                                   high=self.times(most))

    # ------------------------------------------------------------------ materials
    def signing(self, m: Material, phrase: str = "materials.signing") -> str:
        """Say what a form must carry when handed in (本人签字, 单位公章…), or nothing for other materials."""
        form = self.kb.forms[m.form] if m.form else None
        if form is None or not form.handed_in_with:
            return ""
        return self.say(phrase, signs=self.say("join.list").join(form.handed_in_with))

    def policy_sources(self, proc: Procedure) -> list[str]:
        """Return the seed sections of the policies said with a procedure's materials."""
        return [self.kb.policies[k].source for k in proc.material_policies]

    def material_item(self, m: Material) -> Item:
        """Return a material as a checkable list item; a form says what it must carry when handed in."""
        return Item(m.text + self.signing(m), provide=m.provide, returned=m.returned, form=m.form, checkable=True)

    def policy_sections(self, proc: Procedure) -> list[Section]:
        """Return the policies that change a procedure's materials (e.g. no social-insurance proof since 2018)."""
        policies = [self.kb.policies[k] for k in proc.material_policies]
        return [Section("notes", heading=self.say("materials.policy", title=p.title), text=p.text) for p in policies]

    # ------------------------------------------------------------------ conditions
    def condition_lines(self, conditions: Sequence[Condition], met: Sequence[Condition] = ()) -> list[str]:
        """Return conditions as said, alternatives (one_of) joined into one line; those in `met` marked so."""
        lines: list[str] = []
        done: set[str] = set()
        for c in conditions:
            group = [x for x in conditions if c.one_of is not None and x.one_of == c.one_of] or [c]
            if c.one_of in done:
                continue
            if c.one_of is not None:
                done.add(c.one_of)
            line = self.say("conditions.or").join(x.said for x in group)
            line = self.say("conditions.one_of", conditions=line) if len(group) > 1 else line
            lines.append(self.say("conditions.met", condition=line) if set(group) & set(met) else line)
        return lines

    # ------------------------------------------------------------------ contacts and places
    def contact_section(self, contact: Contact, *, address: bool = True) -> Section:
        """Describe a contact: what it handles, address (unless left out), person, phones, and what the documents
        leave out."""
        items = [Item(self.say("contact.address", address=contact.address))] if contact.address and address else []
        items += [Item(self.say("contact.person", person=contact.person))] if contact.person else []
        items += [Item(self.say("contact.phones", phones=self.say("join.list").join(contact.phones)))] \
            if contact.phones else []
        items += [Item(contact.note)] if contact.note else []
        return Section("contacts", heading=contact.name, text=self.say("contact.handles", handles=contact.handles),
                       items=items)

    def call_line(self, contact: Contact) -> Item:
        """Return one line: whom to call, the numbers, and what for."""
        numbers = self.say("join.list").join(contact.phones)
        text = self.say("contact.call", name=contact.name, phones=numbers, handles=contact.handles) if numbers \
            else self.say("contact.call_no_phone", name=contact.name, handles=contact.handles)
        return Item(text + (self.say("contact.call_note", note=contact.note) if contact.note else ""))

    def call_section(self, contacts: list[Contact], heading: str = "") -> Section:
        """List whom to call, one line each."""
        return Section("contacts", heading=heading or self.say("contact.heading"),
                       items=[self.call_line(c) for c in contacts])

    def place_text(self, proc: Procedure) -> str:
        """Say where a procedure is handled: the handler, its address, or that the documents give none."""
        handler = self.kb.contacts[proc.handler]
        if handler.address:
            return self.say("place.with_address", name=handler.name, address=handler.address)
        return handler.name + (self.say("contact.call_note", note=handler.note) if handler.note else "")

    # ------------------------------------------------------------------ visits
    def visit_item(self, proc: Procedure, visit: Visit) -> Item:
        """Describe one visit: the seed's step, and who may go when the step does not say."""
        return Item(proc.step_text(visit) + ("" if visit.who else self.say("visits.who_unsaid_step")))

    def before_visits(self, proc: Procedure) -> list[Item]:
        """Return the seed's steps before the first visit (the company's declaration in the system), in its words."""
        return [Item(step) for step in proc.steps[:proc.visits[0].step - 1]] if proc.visits else []

    def who_items(self, proc: Procedure) -> list[Item]:
        """Say who may make each visit, in the seed's words, and where the seed does not say."""
        in_person = proc.condition("in_person")
        items = []
        for v in proc.visits:
            if in_person and v.who:
                items.append(Item(self.say("visits.only", visit=v.name, who=v.who, rule=in_person.text)))
            elif v.who:
                bring = self.say("visits.bring", materials=self.say("join.list").join(m.text for m in v.bring)) \
                    if v.bring else ""
                items.append(Item(self.say("visits.may", visit=v.name, who=v.who, bring=bring)))
            else:
                items.append(Item(self.say("visits.who_unsaid", visit=v.name)))
        return items

    def visits_section(self, proc: Procedure, heading: str) -> Section:
        """List the steps up to the last visit: the declaration before the first visit, then every visit."""
        return Section("trips", heading=heading,
                       items=self.before_visits(proc) + [self.visit_item(proc, v) for v in proc.visits])

    def bring_sections(self, proc: Procedure) -> list[Section]:
        """Return what each later visit needs, one section per visit."""
        return [Section("materials", heading=self.say("visits.bring_heading", visit=v.name),
                        items=[self.material_item(m) for m in v.bring])
                for v in proc.visits[1:] if v.bring]

    def follow_on_section(self, proc: Procedure) -> list[Section]:
        """Say which procedures a final step starts, and how many visits each takes."""
        if proc.then is None:
            return []
        place = self.kb.contacts[proc.handler].name
        items = []
        for code in proc.then.procedures:
            other = self.kb.procedures[code]
            names = self.say("join.list").join(v.name for v in other.visits)
            items.append(Item(self.say("visits.follow_on", title=other.title, place=place,
                                       count=self.times(other.trips), visits=names)))
        return [Section("trips", heading=self.say("visits.then", step=proc.step_text(proc.then)), items=items)]

    def collection_lines(self, proc: Procedure) -> list[str]:
        """Say how the result comes out: the later visits' steps, the step after, the printing line, or none."""
        if proc.visits[1:]:
            return [proc.step_text(v) for v in proc.visits[1:]]
        if proc.then:
            return [proc.step_text(proc.then)]
        if proc.printing:
            return [self.say("time.printing_line", text=proc.printing.text)]
        if not proc.visits:
            return [proc.summary]
        return [self.say("collection.none")]

    def warning_section(self, proc: Procedure) -> list[Section]:
        """Return the irreversible consequence of a procedure (证书注销后无法重新登记证书), to be said first."""
        return [Section("notes", text=self.say("warning", warning=proc.warning))] if proc.warning else []

    # ------------------------------------------------------------------ notes
    def notes_section(self, notes: list[Note], said: Sequence[Section] = (), heading: str = "") -> list[Section]:
        """Return the notes not yet said in some sections as one section, each note once."""
        text = "\n".join([s.text for s in said] + [i.text for s in said for i in s.items])
        unique = [n for n in {n.key: n for n in notes}.values() if n.text not in text]
        return [Section("notes", heading=heading or self.say("notes.heading"), items=[Item(n.text) for n in unique])] \
            if unique else []

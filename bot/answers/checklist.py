"""Build a procedure's take-along checklist (条件, 材料, 表格, 地点, 时间, 跑几次) from the knowledge base.

The checklist is an `Answer`: the printable page and the staff console render its sections, and its
`text()` is what the console copies for reading out on the phone or pasting into a message. It carries
nothing personal. Its headings and labels come from knowledge/labels.yml; its line above the title says
what the procedure's own text says of its visits ("最多跑一次" only where the seed uses the term).
"""

from __future__ import annotations

from bot.answers.model import Answer, Item, Section
from bot.answers.parts import Parts, phones_of
from bot.knowledge.base import KnowledgeBase, Material, Procedure


def _item(parts: Parts, m: Material) -> Item:
    """Return a material's tick box: its text, what a form must carry, how to provide it, whether it comes back."""
    labels = parts.kb.labels
    text = parts.say("checklist.material", text=m.text, provide=labels.provide[m.provide],
                     returned=labels.returned[m.returned]) + parts.signing(m, "checklist.signing")
    return Item(text, provide=m.provide, returned=m.returned, form=m.form, checkable=True)


def _kicker(parts: Parts, p: Procedure) -> str:
    """Say what kind of checklist this is: 最多跑一次 where the seed says so, else the visits the seed describes."""
    if parts.kb.one_trip_covers(p):
        return parts.say("checklist.kicker_one_trip")
    return parts.say("checklist.kicker_visits", place=parts.kb.contacts[p.handler].name, count=parts.path_count(p))


def _conditions(parts: Parts, p: Procedure) -> Section:
    heading = parts.kb.labels.checklist["conditions"]
    if not p.conditions:
        return Section("conditions", heading, parts.say("checklist.no_conditions"))
    return Section("conditions", heading, items=[Item(line) for line in parts.condition_lines(p.conditions)])


def _materials(parts: Parts, p: Procedure) -> list[Section]:
    heading = parts.kb.labels.checklist["materials"]
    return [
        Section("materials", parts.say("checklist.case", heading=heading, case=v.name) if len(p.variants) > 1
                else heading, items=[_item(parts, m) for m in v.materials])
        for v in p.variants
    ]


def _place(parts: Parts, p: Procedure) -> Section:
    contact = parts.kb.contacts[p.handler]
    words = parts.kb.labels.checklist
    lines = [contact.name]
    if contact.address:
        lines.append(parts.say("checklist.field", label=words["address"], value=contact.address))
    if contact.person:
        lines.append(parts.say("checklist.field", label=words["person"], value=contact.person))
    if contact.phones:
        lines.append(parts.say("checklist.field", label=words["phones"], value=parts.say("join.list").join(contact.phones)))
    if contact.note:
        lines.append(contact.note)
    return Section("place", words["place"], "\n".join(lines))


def _time(parts: Parts, p: Procedure) -> Section:
    """Give the seed's time lines and printing line, as the seed words them (no count of our own)."""
    words = parts.kb.labels.checklist
    lines = list(p.time.text)
    if p.printing:
        lines.append(parts.say("checklist.field", label=words["printing"], value=p.printing.text))
    return Section("time", words["time"], "\n".join(lines))


def build_checklist(kb: KnowledgeBase, code: str) -> Answer:
    """Return the checklist of one procedure: conditions, what to bring, forms, where, how long, how many visits."""
    words = kb.labels.checklist
    p = kb.procedures[code]
    parts = Parts(kb)
    sections = [Section("summary", words["matter"], p.summary), *parts.warning_section(p), _conditions(parts, p),
                *_materials(parts, p), *parts.policy_sections(p)]
    if p.uploads:
        sections.append(Section("uploads", words["uploads"], p.uploads))
    for v in p.visits[1:]:
        if v.bring:
            sections.append(Section("collection", parts.say("checklist.case", heading=words["collection"], case=v.name),
                                    items=[_item(parts, m) for m in v.bring]))
    forms = list(dict.fromkeys(m.form for v in p.variants for m in v.materials if m.form))
    if forms:
        sections.append(Section("forms", words["forms"], items=[
            Item(parts.say("checklist.form", key=key, title=kb.forms[key].title), form=key) for key in forms]))
    # the steps in the seed's words say who may go (or the line says the seed does not); 本人 only: 受理条件
    sections += [_place(parts, p), _time(parts, p), parts.visits_section(p, words["trips"]),
                 *parts.follow_on_section(p)]
    notes = kb.notes_for(code)
    if notes:
        sections.append(Section("notes", words["notes"], items=[Item(n.text) for n in notes]))
    others = [c for c in kb.contacts_for(p) if c.key != p.handler]  # the handler's phones are under 办理地点
    if others:
        sections.append(parts.call_section(others, heading=words["calls"]))
    contacts = [kb.contacts[p.handler], *kb.contacts_for(p)]
    return parts.answer("checklist", p.title, sections, sources=[p.source, *parts.policy_sources(p)], procedures=[code],
                        forms=forms,
                        phones=phones_of(contacts), kicker=_kicker(parts, p))

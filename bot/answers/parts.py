"""Building blocks every renderer shares: contacts, materials, visits and notes as answer sections."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.model import Item, Phone, Section
from bot.knowledge.base import Contact, KnowledgeBase, Material, Note, Procedure, Visit

COUNT_WORDS = {1: "一", 2: "两"}


def material_item(m: Material) -> Item:
    """Return a material as a checkable list item."""
    return Item(m.text, provide=m.provide, returned=m.returned, form=m.form, checkable=True)


def times(n: int) -> str:
    """Return '一次', '两次' … for a count of visits."""
    return f"{COUNT_WORDS.get(n, str(n))}次"


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
    """Sections built from one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    # ------------------------------------------------------------------ contacts and places
    def contact_section(self, contact: Contact) -> Section:
        """Describe a contact: what it handles, address, person, phones, and what the documents leave out."""
        items = [Item(f"地址：{contact.address}")] if contact.address else []
        items += [Item(f"联系人：{contact.person}")] if contact.person else []
        items += [Item("电话：" + "、".join(contact.phones))] if contact.phones else []
        items += [Item(contact.note)] if contact.note else []
        return Section("contacts", heading=contact.name, text=contact.handles + "。", items=items)

    def call_line(self, contact: Contact) -> Item:
        """Return one line: whom to call, the numbers, and what for."""
        numbers = "、".join(contact.phones)
        text = f"{contact.name}：{numbers}（{contact.handles}）" if numbers else f"{contact.name}（{contact.handles}）"
        return Item(text + (f"。{contact.note}" if contact.note else ""))

    def call_section(self, contacts: list[Contact], heading: str = "咨询电话：") -> Section:
        """List whom to call, one line each."""
        return Section("contacts", heading=heading, items=[self.call_line(c) for c in contacts])

    def place_text(self, proc: Procedure) -> str:
        """Say where a procedure is handled: the handler, its address, or that the documents give none."""
        handler = self.kb.contacts[proc.handler]
        line = handler.name + (f"（{handler.address}）" if handler.address else "")
        return line + (f"。{handler.note}" if handler.note and not handler.address else "")

    # ------------------------------------------------------------------ visits
    def visit_item(self, proc: Procedure, visit: Visit) -> Item:
        """Describe one visit: the seed's step, and who may go when the step does not say."""
        text = proc.step_text(visit)
        if visit.who is None:
            text += "（文件没有写明由谁前往）"
        return Item(text)

    def who_items(self, proc: Procedure) -> list[Item]:
        """Say who may make each visit, in the seed's words, and where the seed does not say."""
        in_person = proc.condition("in_person")
        items = []
        for v in proc.visits:
            bring = "，携带" + "、".join(m.text for m in v.bring) if v.bring else ""
            if in_person and v.who:
                items.append(Item(f"{v.name}：只能由{v.who}办理，{in_person.text}。"))
            elif v.who:
                items.append(Item(f"{v.name}：可以由{v.who}办理{bring}。"))
            else:
                items.append(Item(f"{v.name}：文件没有写明由谁前往。"))
        return items

    def visits_section(self, proc: Procedure, heading: str) -> Section:
        """List every visit of a procedure, with what the later visits need."""
        return Section("trips", heading=heading, items=[self.visit_item(proc, v) for v in proc.visits])

    def bring_sections(self, proc: Procedure) -> list[Section]:
        """Return what each later visit needs, one section per visit."""
        return [Section("materials", heading=f"{v.name}时携带：", items=[material_item(m) for m in v.bring])
                for v in proc.visits[1:] if v.bring]

    def follow_on_section(self, proc: Procedure) -> list[Section]:
        """Say which procedures a final step starts, and how many visits each takes."""
        if proc.then is None:
            return []
        place = self.kb.contacts[proc.handler].name
        items = []
        for code in proc.then.procedures:
            other = self.kb.procedures[code]
            names = "、".join(v.name for v in other.visits)
            items.append(Item(f"{other.title}：到{place}{times(other.trips)}（{names}）"))
        return [Section("trips", heading="之后：" + proc.step_text(proc.then), items=items)]

    # ------------------------------------------------------------------ notes
    def notes_section(self, notes: list[Note], said: Sequence[Section] = (), heading: str = "注意：") -> list[Section]:
        """Return the notes not yet said in some sections as one section, each note once."""
        text = "\n".join([s.text for s in said] + [i.text for s in said for i in s.items])
        unique = [n for n in {n.key: n for n in notes}.values() if n.text not in text]
        return [Section("notes", heading=heading, items=[Item(n.text) for n in unique])] if unique else []

    def cite(self, *sources: str) -> str:
        """Return the citation line for some seed sections, each once."""
        return "；".join(dict.fromkeys(self.kb.cite(s) for s in sources))

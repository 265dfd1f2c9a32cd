"""Build a procedure's take-along checklist (材料, 表格, 地点, 时间, 跑几次) from the knowledge base.

The checklist is an `Answer`: the printable page and the staff console render its sections, and its
`text()` is what the console copies for reading out on the phone or pasting into a message. It carries
nothing personal. The words that label structured fields come from knowledge/labels.yml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.answers.model import Answer, Item, Section
from bot.answers.parts import Parts, phones_of
from bot.knowledge.base import KNOWLEDGE_DIR, KnowledgeBase, KnowledgeError, Material, Procedure, read_mapping

LABELS_FILE = "labels.yml"
CHECKLIST_LABELS = ("matter", "materials", "uploads", "collection", "forms", "place", "address", "person", "phones",
                    "time", "deadlines", "printing", "trips", "notes", "made")


@dataclass(frozen=True)
class Labels:
    """The words for how a material is provided, whether it is returned, how many visits, and the headings."""

    provide: dict[str | None, str]
    returned: dict[bool | None, str]
    checklist: dict[str, str]

    def material(self, material: Material) -> str:
        """Return a material's line: its text, how to provide it, and whether it comes back."""
        return f"{material.text}——{self.provide[material.provide]}；{self.returned[material.returned]}"


def _words(data: dict[str, Any], key: str, expected: tuple[Any, ...]) -> dict[Any, str]:
    """Return one mapping of labels.yml keyed by `expected`, failing on a missing or empty label."""
    table = data.get(key)
    if not isinstance(table, dict):
        raise KnowledgeError(LABELS_FILE, key, "must map each value to its label")
    by_text = {str(k).lower(): v for k, v in table.items()}
    words = {}
    for value in expected:
        label = by_text.get("null" if value is None else str(value).lower())
        if not isinstance(label, str) or not label.strip():
            raise KnowledgeError(LABELS_FILE, f"{key}.{'null' if value is None else value}", "must be a label")
        words[value] = label
    return words


def load_labels(directory: Path | str = KNOWLEDGE_DIR) -> Labels:
    """Load knowledge/labels.yml, raising KnowledgeError naming the missing label."""
    data = read_mapping(Path(directory), LABELS_FILE)
    return Labels(
        provide=_words(data, "provide", ("original", "copy", "copy_checked", "original_or_copy", None)),
        returned=_words(data, "returned", (True, False, None)),
        checklist=_words(data, "checklist", CHECKLIST_LABELS),
    )


@lru_cache(maxsize=1)
def default_labels() -> Labels:
    """Return the labels in knowledge/, loaded once per process."""
    return load_labels()


def _materials(p: Procedure, labels: Labels) -> list[Section]:
    heading = labels.checklist["materials"]
    return [
        Section("materials", f"{heading}（{v.name}）" if len(p.variants) > 1 else heading,
                items=[Item(labels.material(m), provide=m.provide, returned=m.returned, form=m.form, checkable=True)
                       for m in v.materials])
        for v in p.variants
    ]


def _place(kb: KnowledgeBase, p: Procedure, labels: Labels) -> Section:
    contact = kb.contacts[p.handler]
    words = labels.checklist
    lines = [contact.name]
    if contact.address:
        lines.append(f"{words['address']}：{contact.address}")
    if contact.person:
        lines.append(f"{words['person']}：{contact.person}")
    if contact.phones:
        lines.append(f"{words['phones']}：" + "、".join(contact.phones))
    if contact.note:
        lines.append(contact.note)
    return Section("place", words["place"], "\n".join(lines))


def _time(p: Procedure, labels: Labels) -> Section:
    words = labels.checklist
    lines = list(p.time.text)
    for d in p.deadlines:
        start = "受理后" if d.from_acceptance else "（文件没有写明从哪天起算）"
        lines.append(f"{words['deadlines']}：{d.name} {start}{d.working_days}个工作日" if d.from_acceptance
                     else f"{words['deadlines']}：{d.name} {d.working_days}个工作日{start}")
    if p.printing:
        lines.append(f"{words['printing']}：{p.printing.text}")
    return Section("time", words["time"], "\n".join(lines))


def build_checklist(kb: KnowledgeBase, code: str, labels: Labels | None = None) -> Answer:
    """Return the checklist of one procedure: what to bring, the forms, where, how long and how many visits."""
    labels = labels or default_labels()
    words = labels.checklist
    p = kb.procedures[code]
    parts = Parts(kb)
    sections = [Section("summary", words["matter"], p.summary), *_materials(p, labels)]
    if p.uploads:
        sections.append(Section("process", words["uploads"], p.uploads))
    for v in p.visits[1:]:
        if v.bring:
            sections.append(Section("collection", f"{words['collection']}（{v.name}）",
                                    items=[Item(labels.material(m), provide=m.provide, returned=m.returned,
                                                checkable=True) for m in v.bring]))
    forms = list(dict.fromkeys(m.form for v in p.variants for m in v.materials if m.form))
    if forms:
        sections.append(Section("forms", words["forms"],
                                items=[Item(f"{key}《{kb.forms[key].title}》", form=key) for key in forms]))
    visits = parts.visits_section(p, words["trips"])
    visits.items += parts.who_items(p)
    sections += [_place(kb, p, labels), _time(p, labels), visits, *parts.follow_on_section(p)]
    notes = kb.notes_for(code)
    if notes:
        sections.append(Section("notes", words["notes"], items=[Item(n.text) for n in notes]))
    contacts = [kb.contacts[p.handler], *kb.contacts_for(p)]
    return Answer(
        kind="checklist", title=p.title, sections=sections, source=kb.cite(p.source), procedures=[code],
        forms=forms, phones=phones_of(contacts),
    )

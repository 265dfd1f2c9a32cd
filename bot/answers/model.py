"""The structure of an answer: what channels render (plain text for REST and WeChat, sections for the web page).

An `Answer` is built by the renderers from the knowledge base. `text()` is the plain text every channel
can show; `payload()` is the same content as data, sent next to the text as a Rasa custom payload
(`{"answer": {...}}`). The payload never states anything the text does not: it only adds structure
(section kinds, list items, phone numbers as data, links to the checklist and form pages).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# Section kinds, in the order a full guide shows them. Channels may style each kind.
SectionKind = Literal[
    "verdict",  # the one-trip verdict line(s)
    "questions",  # what the assistant still needs to know (verdict kind "ask")
    "summary",
    "conditions",  # 受理条件
    "assumptions",  # conditions a verdict took as met without checking them
    "materials",  # 材料 (items are checkable)
    "uploads",  # 系统申报时上传的附件
    "process",  # 程序
    "time",  # 时间
    "place",  # 地点
    "collection",  # 领取 / 贴条
    "forms",  # 表格 (items link to form pages)
    "proxy",  # 代办
    "trips",  # 跑几次
    "status",  # one application's status
    "contacts",  # phone numbers and addresses
    "notes",  # 注意 / 说明 (each note said once)
    "text",  # anything else: a paragraph
]


@dataclass
class Item:
    """One list entry of a section; materials carry how to provide them and whether they are returned."""

    text: str
    provide: str | None = None  # original | copy | copy_checked | original_or_copy
    returned: bool | None = None  # True: 核验后退回; False: 收回/留存; None: the documents do not say
    form: str | None = None  # 附件 key (e.g. "附件三") when the item is a form: channels link to its page
    checkable: bool = False  # render as a tick box (materials to bring)


@dataclass
class Section:
    """A headed part of an answer: a paragraph, a list, or both."""

    kind: SectionKind
    heading: str = ""
    text: str = ""
    items: list[Item] = field(default_factory=list)


@dataclass
class Phone:
    """A phone number with whom it reaches."""

    name: str
    number: str


@dataclass
class Button:
    """A quick reply: the title shown, the message sent when tapped."""

    title: str
    payload: str


@dataclass
class Answer:
    """One reply of the assistant, as structure."""

    kind: str  # procedure | verdict | form | contact | policy | status | clarify | silent | out_of_scope | not_understood | ...
    title: str = ""
    sections: list[Section] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    source: str = ""  # the citation line: documents and sections the answer stands on
    procedures: list[str] = field(default_factory=list)  # procedure codes (the checklist page is per code)
    forms: list[str] = field(default_factory=list)  # 附件 keys named in the answer
    verdict: str | None = None  # zero | one | two_visits | not_yet | cannot | unclear | ask (verdict answers only)
    buttons: list[Button] = field(default_factory=list)
    cite: str = ""  # the citation line as the text says it (labels.yml), built from `source`
    kicker: str = ""  # a line above the title: what kind of page this is (the checklist's "办事清单 · …")

    def text(self) -> str:
        """Return the answer as plain text, as the REST and WeChat channels show it."""
        parts: list[str] = [self.kicker] if self.kicker else []
        parts += [f"【{self.title}】"] if self.title else []
        for s in self.sections:
            lines = [s.heading] if s.heading else []
            if s.text:
                lines.append(s.text)
            lines += [f"{i}. {item.text}" if len(s.items) > 1 else item.text for i, item in enumerate(s.items, 1)]
            if lines:
                parts.append("\n".join(lines))
        if self.cite:
            parts.append(self.cite)
        return "\n".join(parts)

    def payload(self) -> dict[str, Any]:
        """Return the answer as a custom payload, next to the text."""
        data = asdict(self)
        data.pop("buttons")
        return {"answer": data}

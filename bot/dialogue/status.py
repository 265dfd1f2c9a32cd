"""The status look-up: read the ID number and name, check them, report every application."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.answers.render import Answers
from bot.applications.store import ApplicationRecord, StatusStore
from bot.knowledge.base import KnowledgeBase
from bot.language.names import NameReader
from bot.language.text import normalise
from bot.rules import idnumber
from bot.rules.privacy import mask_id

ASK_IDENTITY = "请提供您的身份证号和姓名（可以在一条消息里一起发送，例如：身份证号 3305…… 姓名 张三）。"
NOT_FOUND = ("未查询到与您提供的身份证号和姓名一致的办理记录。请核实身份证号和姓名后重新输入；"
             "如刚提交不久，记录可能尚未录入。")


@dataclass(frozen=True)
class IdRead:
    """An ID number read from a message: its keyed hash and masked form, or the problem with it."""

    id_hash: str | None = None
    id_masked: str | None = None
    problem: str | None = None
    spans: tuple[tuple[int, int], ...] = ()


@dataclass
class Lookup:
    """The outcome of one look-up: the reply, the records shown, and the failures so far."""

    text: str
    records: list[ApplicationRecord] = field(default_factory=list)
    failures: int = 0
    locked: bool = False


class StatusLookup:
    """Read an applicant's identity from messages and report their applications from the status store."""

    def __init__(self, kb: KnowledgeBase, store: StatusStore, answers: Answers, names: NameReader,
                 max_attempts: int = 5) -> None:
        self.kb = kb
        self.store = store
        self.answers = answers
        self.names = names
        self.max_attempts = max_attempts

    def read_id(self, text: str, today: date) -> IdRead | None:
        """Return the ID number in a message (hashed and masked), or None when there is none."""
        normalised = normalise(text)
        found = idnumber.find_id(normalised)
        if not found:
            return None
        start = normalised.find(found)
        spans = ((start, start + len(found)),)
        check = idnumber.validate(found, today)
        if not check.ok:
            return IdRead(problem=check.problem, spans=spans)
        return IdRead(self.store.id_hash(check.number), mask_id(check.number), spans=spans)

    def read_name(self, text: str, spans: tuple[tuple[int, int], ...] = (), *, asked: bool = False) -> str | None:
        """Return the applicant's name in a message; `asked` takes a message that is only a name."""
        return self.names.find(text, list(spans), alone=asked)

    def ask_identity(self, *, have_name: bool) -> str:
        """Ask for what is still missing of the ID number and the name."""
        return "请提供您的身份证号（18位）。" if have_name else ASK_IDENTITY

    def locked_text(self) -> str:
        """Say that look-ups stop here, and whom to call."""
        return (f"身份信息核对失败已达{self.max_attempts}次，为保护个人信息，暂停在线查询。"
                + self.answers.fallback_contacts())

    def lookup(self, id_hash: str, id_masked: str, name: str, failures: int, *, today: date) -> Lookup:
        """Look up the applications of an ID number under a name; a miss counts as a failure."""
        if failures >= self.max_attempts:
            return Lookup(self.locked_text(), failures=failures, locked=True)
        records = [r for r in self.store.find_by_hash(id_hash) if r.name == name]
        if records:
            return Lookup(self.answers.status_report(records, id_masked, today=today).text(), records, failures)
        failures += 1
        if failures >= self.max_attempts:
            return Lookup(NOT_FOUND + "\n" + self.locked_text(), failures=failures, locked=True)
        return Lookup(NOT_FOUND + f"（还可尝试{self.max_attempts - failures}次）", failures=failures)

    def problem(self, message: str, failures: int) -> Lookup:
        """Count an unreadable ID number as a failure and say what is wrong with it."""
        failures += 1
        if failures >= self.max_attempts:
            return Lookup(message + "\n" + self.locked_text(), failures=failures, locked=True)
        return Lookup(message + f"（还可尝试{self.max_attempts - failures}次）", failures=failures)

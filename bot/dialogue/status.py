"""The status conversation: ask for ID number and name, check them, report every application."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.answers.render import Answers
from bot.applications.store import ApplicationRecord, StatusStore
from bot.knowledge.base import KnowledgeBase
from bot.rules import idnumber
from bot.rules.privacy import mask_id
from bot.rules.workdays import WorkCalendar

ASKS_STATUS = re.compile(
    r"进度|状态|办到哪|到哪一步|哪一步|办好了没|办完了没|办好了吗|办完了吗|办结了|结果|受理了|审核了|批了|批下来|通过了没|"
    r"通过了吗|查一下我的|查询我的|查查我的|我的申请|我的件|办件|件办|申请情况"
)
ASK_IDENTITY = "请提供您的身份证号和姓名（可以在一条消息里一起发送，例如：身份证号 3305…… 姓名 张三）。"
NOT_FOUND = ("未查询到与您提供的身份证号和姓名一致的办理记录。请核实身份证号和姓名后重新输入；"
             "如刚提交不久，记录可能尚未录入。")


def asks_status(text: str) -> bool:
    """Say whether a message asks about the progress of an application."""
    return bool(ASKS_STATUS.search(text))


@dataclass
class StatusState:
    """What the status conversation holds between turns (never the full ID number)."""

    id_hash: str | None = None
    id_masked: str | None = None
    name: str | None = None
    failures: int = 0

    def as_dict(self) -> dict[str, object]:
        """Return the state as slot-safe data."""
        return {"id_hash": self.id_hash, "id_masked": self.id_masked, "name": self.name}


@dataclass
class StatusTurn:
    """The reply to send and the state to keep; done when the conversation left the status flow."""

    text: str
    state: StatusState
    done: bool = False
    lookups: list[str] = field(default_factory=list)


class StatusService:
    """Answer status questions from the status store."""

    def __init__(self, kb: KnowledgeBase, store: StatusStore, calendar: WorkCalendar, max_attempts: int = 5,
                 today: date | None = None) -> None:
        self.kb = kb
        self.store = store
        self.calendar = calendar
        self.max_attempts = max_attempts
        self.today = today
        self.answers = Answers(kb, calendar)

    def locked_text(self) -> str:
        """Say that look-ups stop here, and whom to call."""
        return (f"本次对话中身份信息核对失败已达{self.max_attempts}次，为保护个人信息，暂停在线查询。\n"
                + self.answers.fallback_contacts().text())

    def turn(self, text: str, state: StatusState) -> StatusTurn:
        """Handle one message in the status conversation."""
        if state.failures >= self.max_attempts:
            return StatusTurn(self.locked_text(), state, done=True)
        raw_id = idnumber.find_id(text)
        name = idnumber.find_name(text) or state.name
        if raw_id:
            check = idnumber.validate(raw_id, self.today)
            if not check.ok:
                return self._fail(state, check.problem or "")
            state = StatusState(self.store.id_hash(check.number), mask_id(check.number), name, state.failures)
        elif name:
            state = StatusState(state.id_hash, state.id_masked, name, state.failures)
        if not state.id_hash:
            ask = "请提供您的身份证号（18位）。" if state.name else ASK_IDENTITY
            return StatusTurn(ask, state)
        if not state.name:
            return StatusTurn(f"已收到身份证号 {state.id_masked}，请再提供申请人的姓名。", state)
        records = [r for r in self.store.find_by_hash(state.id_hash) if r.name == state.name]
        if not records:
            return self._fail(StatusState(failures=state.failures), NOT_FOUND)
        return StatusTurn(self.report(records, state.id_masked or ""), StatusState(failures=state.failures),
                          done=True, lookups=[r.application_no for r in records])

    def _fail(self, state: StatusState, message: str) -> StatusTurn:
        failures = state.failures + 1
        state = StatusState(state.id_hash, state.id_masked, state.name, failures)
        if failures >= self.max_attempts:
            return StatusTurn(message + "\n" + self.locked_text(), state, done=True)
        return StatusTurn(message + f"（还可尝试{self.max_attempts - failures}次）", state)

    def report(self, records: list[ApplicationRecord], id_masked: str) -> str:
        """Describe every application of one person."""
        return self.answers.status_report(records, id_masked, today=self.today or date.today()).text()

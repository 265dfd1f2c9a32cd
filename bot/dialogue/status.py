"""The status conversation: ask for ID number and name, check them, report every application."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.answers.render import Answers
from bot.applications.limits import LookupGuard
from bot.applications.store import ApplicationRecord, StatusStore
from bot.knowledge.base import KnowledgeBase
from bot.rules import idnumber
from bot.rules.workdays import WorkCalendar

ASKS_STATUS = re.compile(
    r"进度|状态|办到哪|到哪一步|哪一步|办好了没|办完了没|办好了吗|办完了吗|办结了|结果|受理了|审核了|批了|批下来|通过了没|"
    r"通过了吗|查一下我的|查询我的|查查我的|我的申请|我的件|办件|件办|申请情况"
)
STATUS_WORDS = {
    "已提交": "已提交，尚未受理",
    "已受理": "已受理，正在按时限办理",
    "审核中": "审核中",
    "需补正": "需补正：书面材料不符合要求，需要补充后重新申报",
    "已办结": "已办结",
    "不予受理": "不予受理",
}
ASK_IDENTITY = "请提供您的身份证号和姓名（可以在一条消息里一起发送，例如：身份证号 3305…… 姓名 张三）。"
NOT_FOUND = ("未查询到与您提供的身份证号和姓名一致的办理记录。请核实身份证号和姓名后重新输入；"
             "如刚提交不久，记录可能尚未录入。")


def asks_status(text: str) -> bool:
    """Say whether a message asks about the progress of an application."""
    return bool(ASKS_STATUS.search(text))


@dataclass
class StatusState:
    """What the status conversation holds between turns (never the full ID number, a partial one only sealed)."""

    id_hash: str | None = None
    id_masked: str | None = None
    name: str | None = None
    pending: str | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the state as slot-safe data."""
        return {"id_hash": self.id_hash, "id_masked": self.id_masked, "name": self.name, "pending": self.pending}


@dataclass
class StatusTurn:
    """The reply to send and the state to keep; done when the conversation left the status flow."""

    text: str
    state: StatusState
    done: bool = False
    lookups: list[str] = field(default_factory=list)


class StatusService:
    """Answer status questions from the status store, within the look-up limits of the shared guard."""

    def __init__(self, kb: KnowledgeBase, store: StatusStore, calendar: WorkCalendar, guard: LookupGuard,
                 seal_key: str, today: date | None = None) -> None:
        self.kb = kb
        self.store = store
        self.calendar = calendar
        self.guard = guard
        self.seal_key = seal_key
        self.today = today
        self.answers = Answers(kb)

    def locked_text(self) -> str:
        """Say that look-ups are paused, and whom to call (the same whether or not the ID is on file)."""
        minutes = int(self.guard.counter.window.total_seconds() // 60)
        return (f"查询核对失败次数过多，为保护个人信息，在线查询已暂停，请{minutes}分钟后再试。如需帮助，"
                + self.answers.fallback_contacts())

    def turn(self, text: str, state: StatusState, client: str) -> StatusTurn:
        """Handle one message in the status conversation from one client."""
        pending = idnumber.unseal(state.pending, self.seal_key) if state.pending else None
        read = idnumber.read_id(text, pending)
        name = idnumber.find_name(text) or state.name
        if read.number:
            check = idnumber.validate(read.number, self.today)
            if not check.ok:
                self.guard.record_failure(id_hash=None, client=client)
                return StatusTurn(check.problem or "", StatusState(name=name))
            state = StatusState(self.store.id_hash(check.number), idnumber.mask_id(check.number), name)
        elif read.partial:
            rest = idnumber.ID_LENGTH - len(read.partial)
            return StatusTurn(f"已收到身份证号前{len(read.partial)}位，请继续输入剩余的{rest}位；"
                              "如号码有误，请重新输入完整的18位号码。",
                              StatusState(state.id_hash, state.id_masked, name,
                                          idnumber.seal(read.partial, self.seal_key)))
        else:
            state = StatusState(state.id_hash, state.id_masked, name)
        if not state.id_hash:
            return StatusTurn("请提供您的身份证号（18位）。" if state.name else ASK_IDENTITY, state)
        if not state.name:
            return StatusTurn(f"已收到身份证号 {state.id_masked}，请再提供申请人的姓名。", state)
        if self.guard.blocked(id_hash=state.id_hash, client=client):
            return StatusTurn(self.locked_text(), StatusState(), done=True)
        records = [r for r in self.store.find_by_hash(state.id_hash) if r.name == state.name]
        if not records:
            self.guard.record_failure(id_hash=state.id_hash, client=client)
            if self.guard.blocked(id_hash=state.id_hash, client=client):
                return StatusTurn(NOT_FOUND + "\n" + self.locked_text(), StatusState(), done=True)
            return StatusTurn(NOT_FOUND, StatusState())
        return StatusTurn(self.report(records, state.id_masked or ""), StatusState(), done=True,
                          lookups=[r.application_no for r in records])

    def report(self, records: list[ApplicationRecord], id_masked: str) -> str:
        """Describe every application of one person."""
        parts = [f"身份证号 {id_masked} 名下共有 {len(records)} 件申请："]
        for i, r in enumerate(records, 1):
            parts.append(f"{i}. " + self.describe(r))
        return "\n\n".join(parts)

    def describe(self, r: ApplicationRecord) -> str:
        """Describe one application: matter, status, dates, expected completion, next step."""
        proc = self.kb.procedures[r.procedure_code]
        lines = [f"【{proc.title}】（申请编号 {r.application_no}）", f"状态：{STATUS_WORDS[r.status]}"]
        dates = [f"提交 {r.submitted_date}"]
        if r.accepted_date:
            dates.append(f"受理 {r.accepted_date}")
        if r.completed_date:
            dates.append(f"办结 {r.completed_date}")
        lines.append("日期：" + "，".join(dates))
        if r.status in ("已受理", "审核中"):
            lines.append(self._expected(r))
        elif r.status == "已提交":
            lines.append("下一步：等待受理；受理后按该事项的办理时限开始计算。")
        if r.status == "需补正":
            lines.append("需要补正的材料（一次性告知）：\n" + "\n".join(f"- {m}" for m in r.missing_materials))
            lines.append("下一步：补齐上述材料后重新申报。按“最多跑一次”的规定，"
                         + self.kb.policies["not_extra_trip"].text + "这次补正不算多跑。")
        if r.status == "不予受理":
            reasons = list(r.missing_materials) + ([r.note] if r.note else [])
            lines.append("原因：" + "；".join(reasons))
            lines.append("下一步：如有疑问请咨询 " + self.answers.contact_line(self.kb.contacts[proc.handler]))
        if r.status == "已办结":
            lines.append("下一步：" + (proc.printing.text if proc.printing else proc.steps[-1]))
        elif r.note and r.status != "不予受理":
            lines.append(f"备注：{r.note}")
        return "\n".join(lines)

    def _expected(self, r: ApplicationRecord) -> str:
        proc = self.kb.procedures[r.procedure_code]
        days = proc.time.working_days
        if days is None:
            return "预计办结：" + proc.time.text[0]
        if r.accepted_date is None:
            return f"预计办结：受理后{days}个工作日内（尚无受理日期）。" if days else "受理成功后即可办理。"
        if days == 0:
            return "预计办结：" + (proc.printing.text if proc.printing else proc.time.text[0])
        due = self.calendar.add(r.accepted_date, days)
        note = "（估算：该年度节假日安排未知，按周一至周五计算）" if due.estimated else ""
        return f"预计办结：{due.day}（自受理日起{days}个工作日，{proc.time.clock_starts or '受理'}起算）{note}"

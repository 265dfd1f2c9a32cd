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
from bot.rules.workdays import WorkCalendar

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

    def __init__(self, kb: KnowledgeBase, store: StatusStore, answers: Answers, calendar: WorkCalendar,
                 names: NameReader, max_attempts: int = 5) -> None:
        self.kb = kb
        self.store = store
        self.answers = answers
        self.calendar = calendar
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

    def lookup(self, id_hash: str, id_masked: str, name: str, failures: int) -> Lookup:
        """Look up the applications of an ID number under a name; a miss counts as a failure."""
        if failures >= self.max_attempts:
            return Lookup(self.locked_text(), failures=failures, locked=True)
        records = [r for r in self.store.find_by_hash(id_hash) if r.name == name]
        if records:
            return Lookup(self.report(records, id_masked), records, failures)
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

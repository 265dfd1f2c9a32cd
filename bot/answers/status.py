"""Report a person's applications: status, dates, the expected dates counted in working days, next step."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.answers.model import Answer, Section
from bot.answers.parts import Parts, phones_of
from bot.applications.store import ApplicationRecord
from bot.knowledge.base import Contact, Deadline, Procedure
from bot.rules.workdays import WorkCalendar

UNDER_WAY = ("已受理", "审核中")
ESTIMATED = "（估算：该年度节假日安排未知，按周一至周五计算）"


class StatusAnswers:
    """Render status reports from application records and the procedures' time limits."""

    def __init__(self, parts: Parts, calendar: WorkCalendar) -> None:
        self.parts = parts
        self.kb = parts.kb
        self.calendar = calendar

    def report(self, records: list[ApplicationRecord], id_masked: str, *, today: date) -> Answer:
        """Describe every application of one person."""
        sections = [Section("text", text=f"身份证号 {id_masked} 名下共有 {len(records)} 件申请：")]
        contacts: list[Contact] = []
        sources: list[str] = []
        for i, r in enumerate(records, 1):
            proc = self.kb.procedures.get(r.procedure_code)
            title = proc.title if proc else r.procedure_code
            lines, called = self.describe(r, proc, today)
            contacts += called
            sources += [proc.source] if proc else []
            sections.append(Section("status", heading=f"{i}. 【{title}】（申请编号 {r.application_no}）",
                                    text="\n".join(lines)))
        return Answer("status", "办理进度", sections, phones=phones_of(contacts), source=self.parts.cite(*sources),
                      procedures=list(dict.fromkeys(r.procedure_code for r in records)))

    def describe(self, r: ApplicationRecord, proc: Procedure | None, today: date) -> tuple[list[str], list[Contact]]:
        """Return the lines about one application and the contacts they name."""
        status = self.kb.statuses.get(r.status)
        lines = [f"状态：{status.label if status else r.status}"]
        dates = [f"提交 {r.submitted_date}"]
        dates += [f"受理 {r.accepted_date}"] if r.accepted_date else []
        dates += [f"办结 {r.completed_date}"] if r.completed_date else []
        lines.append("日期：" + "，".join(dates))
        contacts: list[Contact] = []
        if proc is not None and r.status in UNDER_WAY:
            expected, overdue = self.expected(proc, r, today)
            lines += expected
            if overdue:
                contacts = self.kb.contacts_for(proc)
                lines.append("已超过预计日期，可以咨询：" + "；".join(self.parts.call_line(c).text for c in contacts))
        if r.status == "已提交" and status and status.next:
            lines.append("下一步：" + status.next)
        if r.status == "需补正":
            lines.append("需要补正的材料（一次性告知）：" + "；".join(r.missing_materials))
            lines += [f"下一步：{status.next}"] if status and status.next else []
            if proc is not None and self.kb.one_trip_covers(proc):
                lines.append("按“最多跑一次”的规定：" + self.kb.policies["not_extra_trip"].text)
        if r.status == "不予受理":
            lines.append("原因：" + "；".join([*r.missing_materials, *([r.note] if r.note else [])]))
            if proc is not None:
                contacts = self.kb.contacts_for(proc)
                lines.append("如有疑问可以咨询：" + "；".join(self.parts.call_line(c).text for c in contacts))
        if r.status == "已办结" and proc is not None:
            lines.append("下一步：" + self.after_completion(proc))
        elif r.note and r.status != "不予受理":
            lines.append(f"备注：{r.note}")
        return lines, contacts

    def reasons(self, records: list[dict[str, Any]]) -> Answer:
        """Say why applications stand where they do (the reason of a refusal, what a correction needs), from
        the records of the last look-up (kept without the ID number)."""
        sections: list[Section] = []
        contacts: list[Contact] = []
        for r in records:
            proc = self.kb.procedures.get(str(r.get("code")))
            status = self.kb.statuses.get(str(r.get("status")))
            why = [*(r.get("missing") or []), *([r["note"]] if r.get("note") else [])]
            lines = [f"状态：{status.label if status else r.get('status')}"]
            if r.get("status") == "需补正":
                lines.append("需要补正的材料（一次性告知）：" + "；".join(why))
            elif why:
                lines.append("原因：" + "；".join(why))
            else:
                lines.append("办理记录中没有写明其他原因。")
            if proc is not None:
                contacts += self.kb.contacts_for(proc)
            sections.append(Section("status", heading=f"【{proc.title if proc else r.get('code')}】",
                                    text="\n".join(lines)))
        contacts = list({c.key: c for c in contacts}.values())
        if contacts:
            sections.append(Section("contacts", heading="如有疑问可以咨询：",
                                    items=[self.parts.call_line(c) for c in contacts]))
        return Answer("status", "办理情况说明", sections, phones=phones_of(contacts),
                      procedures=[str(r.get("code")) for r in records])

    def after_completion(self, proc: Procedure) -> str:
        """Say what follows approval: the later visit, the printing, or the seed's last step."""
        if proc.visits[1:]:
            return proc.step_text(proc.visits[1])
        if proc.then:
            return proc.step_text(proc.then)
        return proc.printing.text if proc.printing else proc.steps[-1]

    def expected(self, proc: Procedure, r: ApplicationRecord, today: date) -> tuple[list[str], bool]:
        """Return the expected dates of an application under way, each saying what it counts, and if all passed."""
        counted = [d for d in proc.deadlines if d.from_acceptance]
        if not counted:
            return ["预计办结：" + proc.time.text[0]], False
        lines, overdue = [], False
        for d in counted:
            last = d is counted[-1]
            label, what = ("预计办结", f"{d.name}，") if last else (f"预计{d.name}", "")
            if r.accepted_date is None:
                lines.append(f"{label}：受理后{self._span(d)}（{what}尚无受理日期）")
            elif d.working_days == 0:
                lines.append(f"{label}：受理当日" + (f"（{d.name}）" if last else ""))
            else:
                due = self.calendar.add(r.accepted_date, d.working_days)
                lines.append(f"{label}：{due.day}（{what}受理日起{self._span(d)}）" + (ESTIMATED if due.estimated else ""))
                overdue = due.day < today
        lines += [f"{d.name}：{d.working_days}个工作日后（文件没有写明从哪天起算）"
                  for d in proc.deadlines if not d.from_acceptance]
        return lines, overdue

    def _span(self, d: Deadline) -> str:
        return "当日" if d.working_days == 0 else f"{d.working_days}个工作日内"

"""Report a person's applications: status, dates, the expected dates counted in working days, next step.

Status words live in knowledge/statuses.yml; the code reads what each means from its `stage`. A date
computed here says from which day it is counted, and, where the documents give no start day, that they
do not fix it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.answers.model import Answer, Section
from bot.answers.parts import Parts, phones_of
from bot.applications.store import ApplicationRecord
from bot.knowledge.base import Contact, Procedure
from bot.rules.workdays import WorkCalendar

UNDER_WAY = ("accepted", "reviewing")  # stages whose expected dates are counted


class StatusAnswers:
    """Render status reports from application records and the procedures' time limits."""

    def __init__(self, parts: Parts, calendar: WorkCalendar) -> None:
        self.parts = parts
        self.kb = parts.kb
        self.say = parts.say
        self.calendar = calendar

    def report(self, records: list[ApplicationRecord], id_masked: str, *, today: date) -> Answer:
        """Describe every application of one person."""
        sections = [Section("text", text=self.say("status.count", id=id_masked, count=len(records)))]
        contacts: list[Contact] = []
        sources: list[str] = []
        for i, r in enumerate(records, 1):
            proc = self.kb.procedures.get(r.procedure_code)
            title = proc.title if proc else r.procedure_code
            lines, called = self.describe(r, proc, today)
            contacts += called
            sources += [proc.source] if proc else []
            sections.append(Section("status", heading=self.say("status.heading", n=i, title=title, no=r.application_no),
                                    text="\n".join(lines)))
        return self.parts.answer("status", self.say("status.title"), sections, phones=phones_of(contacts),
                                 sources=sources, procedures=list(dict.fromkeys(r.procedure_code for r in records)))

    def describe(self, r: ApplicationRecord, proc: Procedure | None, today: date) -> tuple[list[str], list[Contact]]:
        """Return the lines about one application and the contacts they name."""
        status = self.kb.statuses.get(r.status)
        stage = self.kb.stage(r.status)
        lines = [self.say("status.status", status=status.label if status else r.status)]
        dates = [self.say("status.submitted", day=r.submitted_date)]
        dates += [self.say("status.accepted", day=r.accepted_date)] if r.accepted_date else []
        dates += [self.say("status.completed", day=r.completed_date)] if r.completed_date else []
        lines.append(self.say("status.dates", dates=self.say("join.dates").join(dates)))
        contacts: list[Contact] = []
        if proc is not None and stage in UNDER_WAY:
            expected, overdue = self.expected(proc, r, today)
            lines += expected
            if overdue:
                contacts = self.kb.contacts_for(proc)
                lines.append(self.say("status.overdue", calls=self._calls(contacts)))
        if stage == "submitted" and status and status.next:
            lines.append(self.say("status.next", next=status.next))
        if stage == "correction":
            lines.append(self.say("status.to_supplement", materials=self.say("join.reasons").join(r.missing_materials)))
            lines += [self.say("status.next", next=status.next)] if status and status.next else []
            if proc is not None and self.kb.one_trip_covers(proc):
                lines.append(self.say("status.not_extra_trip", rule=self.kb.policies["not_extra_trip"].text))
        if stage == "refused":
            lines.append(self.say("status.reason", reasons=self.say("join.reasons").join(
                [*r.missing_materials, *([r.note] if r.note else [])])))
            if proc is not None:
                contacts = self.kb.contacts_for(proc)
                lines.append(self.say("status.questions", calls=self._calls(contacts)))
        if stage == "completed" and proc is not None:
            lines.append(self.say("status.next", next=self.after_completion(proc)))
        elif r.note and stage != "refused":
            lines.append(self.say("status.note", note=r.note))
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
            lines = [self.say("status.status", status=status.label if status else r.get("status"))]
            if self.kb.stage(str(r.get("status"))) == "correction":
                lines.append(self.say("status.to_supplement", materials=self.say("join.reasons").join(why)))
            elif why:
                lines.append(self.say("status.reason", reasons=self.say("join.reasons").join(why)))
            else:
                lines.append(self.say("status.no_reason"))
            if proc is not None:
                contacts += self.kb.contacts_for(proc)
            sections.append(Section("status", heading=self.say("guide.part", title=proc.title if proc else r.get("code")),
                                    text="\n".join(lines)))
        contacts = list({c.key: c for c in contacts}.values())
        if contacts:
            sections.append(Section("contacts", heading=self.say("status.questions_heading"),
                                    items=[self.parts.call_line(c) for c in contacts]))
        return self.parts.answer("status", self.say("status.reasons_title"), sections, phones=phones_of(contacts),
                                 procedures=[str(r.get("code")) for r in records])

    def after_completion(self, proc: Procedure) -> str:
        """Say what follows approval: the later visit, the printing, or the seed's last step."""
        if proc.visits[1:]:
            return proc.step_text(proc.visits[1])
        if proc.then:
            return proc.step_text(proc.then)
        return proc.printing.text if proc.printing else proc.steps[-1]

    def expected(self, proc: Procedure, r: ApplicationRecord, today: date) -> tuple[list[str], bool]:
        """Return the expected dates of an application under way, each saying from which day it is counted (and
        where the documents do not fix that day), and whether all have passed."""
        counted = [d for d in proc.deadlines if d.from_acceptance or d.estimated]
        if not counted:
            return [self.say("status.expected_end", what=proc.time.text[0])], False
        lines, overdue, printing_said = [], False, False
        for d in counted:
            last = d is counted[-1]
            label = self.say("status.expected_end_label") if last else self.say("status.expected_label", name=d.name)
            what = self.say("status.which", name=d.name) if last else ""
            if d.working_days == 0:  # "即可打印": the seed's line, no date of our own
                if not printing_said:
                    lines.append(self.say("time.printing_line", text=proc.printing.text if proc.printing
                                          else proc.time.text[0]))
                printing_said = True
            elif r.accepted_date is None:
                key = "status.due_unaccepted" if d.from_acceptance else "status.due_unaccepted_estimated"
                lines.append(self.say(key, label=label, what=what, days=d.working_days))
            else:
                due = self.calendar.add(r.accepted_date, d.working_days)
                key = "status.due" if d.from_acceptance else "status.due_estimated"
                lines.append(self.say(key, label=label, what=what, days=d.working_days, due=due.day)
                             + (self.say("status.holidays_unknown") if due.estimated else ""))
                overdue = due.day < today
        lines += [self.say("status.uncounted", name=d.name, days=d.working_days)
                  for d in proc.deadlines if not (d.from_acceptance or d.estimated)]
        return lines, overdue

    def _calls(self, contacts: list[Contact]) -> str:
        return self.say("join.reasons").join(self.parts.call_line(c).text for c in contacts)

"""Say a one-trip verdict: how many visits, which, who may make them, or why the case cannot go ahead."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.model import Answer, Item, Section
from bot.answers.parts import Parts, forms_named, phones_of
from bot.knowledge.base import Procedure
from bot.rules.onetrip import FAILS, MET, NOT_YET, Finding, Question, Verdict

# Verdicts whose first line says why the case cannot go ahead as it stands (labels.yml keys).
HEADLINES = {"not_yet": "verdict.not_yet", "cannot": "verdict.cannot", "unclear": "verdict.unclear"}
# Aspects that, asked beside the one-trip question ("办完证书怎么拿到手"), put the procedure's printing,
# QR-code or collection line inside the verdict line.
COLLECTION_ASPECTS = frozenset({"collection", "time"})
# Verdicts about a case that goes ahead (now or once complete): what comes out at the end is worth saying.
GOING_AHEAD = frozenset({"one", "two_visits", "not_yet", "unclear"})


class VerdictAnswers:
    """Render verdicts from the knowledge base; every fact comes from the procedure, its notes and policies."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.kb = parts.kb
        self.say = parts.say

    def question_text(self, question: Question) -> str:
        """Word a deciding question: a condition's own question, which case applies, or whether all is ready."""
        if question.kind == "variant":
            return self.say("questions.variant", cases=self.say("join.list").join(question.options))
        if question.kind == "materials":
            return self.say("questions.materials", materials="\n".join(
                self.say("questions.material", material=m) for m in question.options))
        return question.text

    def reason_item(self, proc: Procedure, finding: Finding) -> Item:
        """Say what one finding means, quoting the condition (and the note where the documents are unclear)."""
        c = finding.condition
        if finding.outcome == FAILS:
            outside = self.say("verdict.outside", outside=finding.outside) if finding.outside else ""
            return Item(self.say("verdict.fails", condition=c.said, outside=outside))
        if finding.outcome == NOT_YET:
            return Item(self.say("verdict.too_early", condition=c.said))
        note = self.kb.note_on(proc.code, c.check)
        return Item(self.say("verdict.unsaid", condition=c.text) + (self.say("verdict.note", note=note.text) if note else ""))

    def assessment(self, proc: Procedure, verdict: Verdict) -> list[Section]:
        """Return what the stated facts mean for the conditions, and what was taken as met."""
        reasons = [self.reason_item(proc, f) for f in verdict.reasons]
        text = "" if reasons else self.say("verdict.all_met")
        opened = [Item(self.say("verdict.window_open", condition=f.condition.text)) for f in verdict.findings
                  if f.outcome == MET and self.kb.checks[f.condition.check].window]  # "最早啥时候能去续": now
        return [Section("verdict", heading=self.say("verdict.as_told") if reasons else "", text=text,
                        items=reasons + opened), *self._assumptions(verdict, materials=False)]

    def answer(self, proc: Procedure, verdict: Verdict, aspects: Sequence[str] = ()) -> Answer:
        """Render a verdict of any kind; asked beside how the certificate comes out, the verdict line says it."""
        covered = self.kb.one_trip_covers(proc)
        sections = [self._headline(proc, verdict, covered, aspects), *self.parts.warning_section(proc)]
        if verdict.kind == "zero":
            return self.parts.answer("verdict", proc.title, sections, sources=[proc.source], procedures=[proc.code],
                                     verdict=verdict.kind)
        if verdict.kind == "ask":
            if proc.conditions:  # the conditions, marked where what the person told already meets them
                met = [f.condition for f in verdict.findings if f.outcome == MET]
                sections.append(Section("conditions", heading=self.say("verdict.conditions"), items=[
                    Item(line) for line in self.parts.condition_lines(proc.conditions, met)]))
            if not covered:
                sections.append(self._visits_headline(proc))
            sections.append(self.parts.visits_section(proc, self.say("verdict.steps_for_reference")))
            if set(aspects) & COLLECTION_ASPECTS:  # "…要不要再去拿证": how it comes out, while the facts are asked
                lines = [*self.parts.collection_lines(proc), *(n.text for n in self.kb.notes_for(proc.code, ["collection"]))]
                sections.append(Section("collection", heading=self.say("verdict.comes_out"),
                                        items=[Item(line) for line in dict.fromkeys(lines)]))
        else:
            if verdict.questions and verdict.kind != "cannot":
                sections.append(Section("questions", heading=self.say("verdict.also_tell"),
                                        items=[Item(self.question_text(q)) for q in verdict.questions]))
            if verdict.missing:
                sections.append(Section("materials", heading=self.say("verdict.missing"),
                                        items=[self.parts.material_item(m) for m in verdict.missing]))
            sections += self._trip_sections(proc, verdict)
            sections += self._assumptions(verdict, materials=verdict.kind in ("one", "two_visits"))
            sections += self._notes(proc, verdict, covered, sections)
        contacts = self.kb.contacts_for(proc)
        sections.append(self.parts.call_section(contacts, heading=self.say("verdict.call")))
        sources = [proc.source] + ([self.kb.policies["not_extra_trip"].source] if covered and verdict.missing else [])
        sources += self.parts.policy_sources(proc) if verdict.kind in ("one", "two_visits", "not_yet") else []
        return self.parts.answer("verdict", proc.title, sections, sources=sources, phones=phones_of(contacts),
                                 procedures=[proc.code], forms=forms_named(sections), verdict=verdict.kind)

    def _headline(self, proc: Procedure, verdict: Verdict, covered: bool, aspects: Sequence[str]) -> Section:
        """Return the verdict line, with how the certificate comes out where that is part of the answer."""
        place = self.kb.contacts[proc.handler].name
        if verdict.kind == "zero":
            return Section("verdict", text=self.say("verdict.zero", summary=proc.summary))
        if verdict.kind == "ask":  # the rule first where the documents give it: complete and eligible, one trip
            text = self.say("verdict.ask_covered", when=self.kb.policies["one_trip_definition"].when) if covered \
                else self.say("verdict.ask")
            return Section("verdict", text=text, items=[Item(self.question_text(q)) for q in verdict.questions])
        if verdict.kind in HEADLINES:
            headline = Section("verdict", text=self.say(HEADLINES[verdict.kind]),
                               items=[self.reason_item(proc, f) for f in verdict.reasons])
        elif covered:
            headline = Section("verdict", text=self.say("verdict.one", place=place))
        else:
            headline = self._visits_headline(proc)
        headline.items += self._outcome_items(proc, verdict, covered, aspects, headline)
        return headline

    def _outcome_items(self, proc: Procedure, verdict: Verdict, covered: bool, aspects: Sequence[str],
                       headline: Section) -> list[Item]:
        """Return what comes out at the end, for the verdict line: the printing line (and what the documents do
        not say about collecting the certificate) of a one-visit case; the printing, QR-code or collection line
        of any case going ahead when the question asks how the certificate comes out."""
        lines: list[str] = []
        if verdict.kind == "one" and covered and proc.printing:
            lines.append(self.say("time.printing_line", text=proc.printing.text))
        if set(aspects) & COLLECTION_ASPECTS and verdict.kind in GOING_AHEAD:
            lines += self.parts.collection_lines(proc)
        if lines:
            lines += [n.text for n in self.kb.notes_for(proc.code, ["collection"])]
        said = "\n".join([headline.text, *(i.text for i in headline.items)])
        return [Item(line) for line in dict.fromkeys(lines) if line not in said]

    def _visits_headline(self, proc: Procedure) -> Section:
        """Say how many visits the national text describes, and which; with a final step that starts another
        procedure, the whole path: this procedure's visits and each procedure that may follow."""
        place = self.kb.contacts[proc.handler].name
        names = self.say("join.list").join(v.name for v in proc.visits)
        if proc.then is None:
            each = self.say("verdict.each") if proc.trips > 1 else ""
            return Section("verdict", text=self.say("verdict.visits", place=place, count=self.parts.times(proc.trips),
                                                    visits=names, each=each))
        text = self.say("verdict.whole_path", place=place, count=self.parts.path_count(proc),
                        own=self.parts.times(proc.trips), visits=names, step=proc.step_text(proc.then))
        return Section("verdict", text=text, items=self.parts.follow_on_section(proc)[0].items)

    def _trip_sections(self, proc: Procedure, verdict: Verdict) -> list[Section]:
        """Return the steps, what to bring to each visit, and where; for cases that can go ahead."""
        if verdict.kind not in ("one", "two_visits", "not_yet"):
            return []
        sections = [self.parts.visits_section(proc, self.say("verdict.steps"))] if verdict.kind != "not_yet" else []
        sections += self._bring(proc, verdict) + self.parts.policy_sections(proc)
        if verdict.kind != "not_yet":
            sections += self.parts.bring_sections(proc)
        sections.append(Section("place", heading=self.say("place.heading"), text=self.parts.place_text(proc)))
        return sections

    def _bring(self, proc: Procedure, verdict: Verdict) -> list[Section]:
        if verdict.variant is None and len(proc.variants) > 1:
            return [Section("materials", heading=self.say("materials.case", case=v.name),
                            items=[self.parts.material_item(m) for m in v.materials]) for v in proc.variants]
        heading = self.say("verdict.bring_first") if len(proc.visits) > 1 else self.say("materials.heading")
        return [Section("materials", heading=heading, items=[self.parts.material_item(m) for m in verdict.bring])]

    def _assumptions(self, verdict: Verdict, *, materials: bool) -> list[Section]:
        items = [Item(line) for line in self.parts.condition_lines(verdict.assumed)]
        if materials and not verdict.materials_confirmed:
            items.append(Item(self.say("verdict.all_brought")))
        return [Section("assumptions", heading=self.say("verdict.assumed"), items=items)] if items else []

    def _notes(self, proc: Procedure, verdict: Verdict, covered: bool, said: list[Section]) -> list[Section]:
        sections = []
        if covered and verdict.missing:
            sections.append(Section("notes", text=self.kb.policies["not_extra_trip"].text + self.say("verdict.complete_first")))
        if not covered:
            sections.append(Section("notes", text=self.kb.policies["one_trip_definition"].outside_note or ""))
        if verdict.kind not in ("one", "two_visits"):
            return sections
        notes = self.kb.notes_for(proc.code, ["trips"])
        notes += [n for code in (proc.then.procedures if proc.then else ()) for n in self.kb.notes_for(code, ["trips"])]
        return sections + self.parts.notes_section(notes, [*said, *sections])

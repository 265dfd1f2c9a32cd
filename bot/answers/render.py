"""Render every answer in Chinese from knowledge-base records; no fact and no phrase is written here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.answers.guide import ProcedureAnswers
from bot.answers.model import Answer, Button, Item, Section
from bot.answers.parts import Parts, phones_of
from bot.answers.status import StatusAnswers
from bot.answers.verdict import VerdictAnswers
from bot.applications.store import ApplicationRecord
from bot.knowledge.base import CONTACT as CONTACT_ASPECT
from bot.knowledge.base import Contact, KnowledgeBase, Procedure
from bot.rules.onetrip import Facts, Verdict
from bot.rules.workdays import WorkCalendar

COMPLETE = "complete"  # policy situation: materials complete and conditions met


class Answers:
    """Build every answer from one knowledge base."""

    def __init__(self, kb: KnowledgeBase, calendar: WorkCalendar | None = None) -> None:
        self.kb = kb
        self.parts = Parts(kb)
        self.say = self.parts.say
        self.verdicts = VerdictAnswers(self.parts)
        self.procedures = ProcedureAnswers(self.parts, self.verdicts)
        self.statuses = StatusAnswers(self.parts, calendar or WorkCalendar(kb.holidays))

    # ------------------------------------------------------------------ procedures and verdicts
    def procedure(self, codes: list[str], aspects: list[str], variant: str | None = None, *,
                  facts: Facts | None = None) -> Answer:
        """Answer aspects of procedures; [] or ["guide"] gives the whole guide."""
        return self.procedures.answer(codes, aspects, variant, facts=facts)

    def verdict(self, proc: Procedure, verdict: Verdict, aspects: Sequence[str] = ()) -> Answer:
        """Say a one-trip verdict of any kind; `aspects` asked beside it (collection, time) join the verdict line."""
        return self.verdicts.answer(proc, verdict, aspects)

    def status_report(self, records: list[ApplicationRecord], id_masked: str, *, today: date) -> Answer:
        """Report every application of one person."""
        return self.statuses.report(records, id_masked, today=today)

    def status_reasons(self, records: list[dict[str, Any]]) -> Answer:
        """Say why the applications of the last look-up stand where they do."""
        return self.statuses.reasons(records)

    # ------------------------------------------------------------------ forms, contacts, policies
    def form(self, key: str, asked: Sequence[str] = ()) -> Answer:
        """Describe a form: its 附件 number and title, what uses it, its fields and signatures; first, whether it
        has the fields asked about ("有没有性别这一栏")."""
        f = self.kb.forms[key]
        sections = [Section("forms", items=[Item(self.say("form.has_field" if f.has_field(w) else "form.no_field",
                                                          field=w, key=f.key)) for w in asked])] if asked else []
        sections.append(Section("forms", heading=self.say("form.used_by"),
                                items=[Item(self.kb.procedures[c].title) for c in f.used_by]))
        if set(f.names_in_text) - {f.title}:
            sections.append(Section("forms", heading=self.say("form.names"), items=[Item(n) for n in f.names_in_text]))
        sections.append(Section("forms", heading=self.say("form.fields"), items=[Item(x) for x in f.fields]))
        if f.signatures:
            sections.append(Section("forms", heading=self.say("form.signatures"), items=[Item(x) for x in f.signatures]))
        return self.parts.answer("form", self.say("form.title", key=f.key, title=f.title), sections, sources=[f.source],
                                 procedures=list(f.used_by), forms=[f.key])

    def material(self, ids: list[str]) -> Answer:
        """Say which procedures ask for a material, in each one's words, and whom to ask about the rest."""
        sections: list[Section] = []
        asking = {q.code for m in ids for q in self.kb.asking_for(m)}
        procs = [p for p in self.kb.procedures.values() if p.code in asking]
        for p in procs:
            texts = [m.text for v in p.variants for m in v.materials if m.id in ids]
            texts += [self.say("material.on_visit", visit=v.name, material=m.text)
                      for v in p.visits for m in v.bring if m.id in ids]
            sections.append(Section("materials", heading=self.say("material.procedure", title=p.title),
                                    items=[Item(t) for t in dict.fromkeys(texts)]))
        contacts = self._contacts_for([p.code for p in procs])
        sections += [Section("notes", text=self.say("material.only_this")),
                     self.parts.call_section(contacts, heading=self.say("fallback.heading"))]
        return self.parts.answer("material", self.say("material.title"), sections, phones=phones_of(contacts),
                                 sources=[p.source for p in procs], procedures=[p.code for p in procs])

    def contact(self, keys: list[str], asked: Sequence[str] = ()) -> Answer:
        """Describe contacts: what each handles, address (unless only the phone is asked), person, phones; for one
        with no phone in the documents, whom to call about what it handles."""
        contacts = [self.kb.contacts[k] for k in keys]
        address = not (set(asked) and set(asked) <= {CONTACT_ASPECT})
        sections = [self.parts.contact_section(c, address=address) for c in contacts]
        instead = [self.kb.contacts[k] for c in contacts if not c.phones for k in self._contacts_of_handled(c.key)
                   if k not in keys]
        if instead:
            sections.append(self.parts.call_section(list(dict.fromkeys(instead))))
        everyone = [*contacts, *instead]
        return self.parts.answer("contact", self.say("join.list").join(c.name for c in contacts), sections,
                                 phones=phones_of(everyone), sources=[c.source for c in everyone])

    def _contacts_of_handled(self, key: str) -> list[str]:
        """Return whom to call about the certificates whose procedures a contact handles."""
        certificates = dict.fromkeys(p.certificate for p in self.kb.procedures.values() if p.handler == key)
        return [k for c in certificates for k in self.kb.certificates[c].contacts]

    def policy(self, key: str, situation: str | None = None) -> Answer:
        """State a policy in the seed's words; for 不算多跑, say which listed case the situation is, if known."""
        p = self.kb.policies[key]
        definition = self.kb.policies["one_trip_definition"]
        notes = [n for n in self.kb.notes if key in n.policies]
        if key != "not_extra_trip":
            sections = [Section("text", text=p.text), *(Section("text", text=self.kb.policies[k].text)
                                                         for k in p.said_with)]
            if key == definition.key and definition.outside_note:
                sections.append(Section("notes", text=definition.outside_note))
            return self.parts.answer("policy", p.title, sections + self.parts.notes_section(notes), sources=[p.source])
        cases = {c.key: c for c in p.exceptions}
        names = self.say("join.list").join(c.name for c in p.exceptions)
        sections, contacts = [], []
        if situation in cases:
            sections.append(Section("verdict", text=self.say("policy.listed_case", case=cases[situation].name)))
        elif situation == COMPLETE:
            handlers = dict.fromkeys(q.handler for q in self.kb.procedures.values() if self.kb.one_trip_covers(q))
            contacts = [self.kb.contacts[h] for h in handlers]
            sections.append(Section("verdict", text=self.say("policy.complete_sent_back", when=definition.when,
                                                             cases=names)))
        sections += [Section("summary", heading=self.say("policy.part", title=definition.title), text=definition.text),
                     Section("text", heading=self.say("policy.part", title=p.title), text=p.text)]
        if situation not in cases and situation != COMPLETE:
            sections.append(Section("questions", heading=self.say("policy.which_case"),
                                    items=[Item(self.say("policy.case", case=c.name)) for c in p.exceptions]
                                    + [Item(self.say("policy.case_complete", when=definition.when))]))
        if definition.outside_note:
            sections.append(Section("notes", text=definition.outside_note))
        if contacts:
            sections.append(self.parts.call_section(contacts))
        return self.parts.answer("policy", p.title, sections + self.parts.notes_section(notes), phones=phones_of(contacts),
                                 sources=[definition.source, p.source])

    # ------------------------------------------------------------------ clarifying
    def clarify_certificate(self, options: list[str], matter: str | None, matters: Sequence[str] = ()) -> Answer:
        """Ask which certificate a question is about, with one button each; asked of several matters at once, name
        them all, and each certificate by its own name (two alike for one matter may differ for another)."""
        several = len(matters) > 1
        if several:
            what = self.say("join.list").join(self.kb.matters[m].name for m in matters)
        else:
            what = self.kb.matters[matter].name if matter else self.say("clarify.this_matter")
        buttons = [Button(self.kb.certificates[k].name if several else self._certificate_choice(k, matter),
                          self.kb.certificates[k].name) for k in options]
        section = Section("text", text=self.say("clarify.which_certificate", matter=what),
                          items=[Item(b.title) for b in buttons])
        return self.parts.answer("clarify", sections=[section], buttons=buttons)

    def _certificate_choice(self, key: str, matter: str | None) -> str:
        """Name a certificate as a choice; a training certificate whose procedure the other one shares names both."""
        name = self.kb.certificates[key].name
        for proc in self.kb.find(key, matter) if matter else []:
            alike = [p for p in self.kb.procedures.values() if p.same_as == proc.code]
            if alike:
                others = self.say("join.list").join(self.kb.certificates[p.certificate].name for p in alike)
                return self.say("clarify.alike_choice", name=name, others=others)
        return name

    def clarify_matter(self, certificate: str | None, aspects: list[str] | tuple[str, ...] = ()) -> Answer:
        """Ask which matter, offering the procedures of a certificate (or the certificates); a forms or time question
        about a certificate whose procedures all say the same of it gets that first."""
        sections = []
        if certificate is None:
            buttons = [Button(c.name, c.name) for c in self.kb.certificates.values()]
            text = self.say("clarify.which_certificate_first")
        else:
            cert = self.kb.certificates[certificate]
            buttons = [Button(p.title, p.title) for p in self.kb.procedures.values() if p.certificate == certificate]
            text = self.say("clarify.which_matter", certificate=cert.name)
            if "forms" in aspects and cert.forms_note:
                sections.append(Section("forms", heading=self.say("clarify.forms_of", certificate=cert.name),
                                        text=cert.forms_note))
                text = self.say("clarify.choose_for_more")
            # the same for every item: "国注审批有没有规定几个工作日", "批没批去哪看"
            if {"time", "collection"} & set(aspects) and cert.time_note:
                sections.append(Section("time", heading=self.say("clarify.time_of", certificate=cert.name),
                                        text=cert.time_note))
                text = self.say("clarify.choose_for_more")
        sections.append(Section("text", text=text, items=[Item(b.title) for b in buttons]))
        return self.parts.answer("clarify", sections=sections, buttons=buttons)

    # ------------------------------------------------------------------ what the documents do not answer
    def no_such_procedure(self, matter: str, certificate: str | None) -> Answer:
        """Say the documents have no such procedure, list what they do have, and whom to call."""
        what = self.kb.matters[matter].name
        if certificate is None:
            sections = [Section("text", text=self.say("missing.no_procedure", matter=what))]
        else:
            cert = self.kb.certificates[certificate]
            have = [Item(p.title) for p in self.kb.procedures.values() if p.certificate == certificate]
            sections = [Section("text", text=self.say("missing.no_procedure_of", certificate=cert.name, matter=what)),
                        Section("text", heading=self.say("missing.what_there_is", certificate=cert.name), items=have)]
        return self._with_fallback("no_such_procedure", sections)

    def silent(self, topic: str, codes: list[str] | None = None) -> Answer:
        """Say the documents do not state something, rather than guess; whom to ask about those procedures."""
        section = Section("text", text=self.say("missing.silent", topic=topic))
        if not codes:
            return self._with_fallback("silent", [section])
        contacts = self._contacts_for(codes)
        return self.parts.answer("silent", sections=[section, self.parts.call_section(
            contacts, heading=self.say("fallback.heading"))], phones=phones_of(contacts))

    def out_of_scope(self) -> Answer:
        """Say honestly the question is outside the documents, with the numbers to call."""
        return self._with_fallback("out_of_scope", [Section("text", text=self.say("fallback.out_of_scope") + self._scope())])

    def not_understood(self) -> Answer:
        """Say the question was not understood, and whom to call."""
        return self._with_fallback("not_understood", [Section("text", text=self.say("fallback.not_understood")
                                                              + self._scope())])

    def complaint(self) -> Answer:
        """Apologise, offer the look-up by ID number, and say whom to call."""
        return self._with_fallback("complaint", [Section("text", text=self.say("complaint.apology")),
                                                 Section("text", text=self.say("complaint.look_up"))])

    def fallback_contacts(self) -> Answer:
        """Return whom to call when the assistant cannot answer."""
        return self._with_fallback("contacts", [])

    def _contacts_for(self, codes: list[str]) -> list[Contact]:
        """Return whom to call about some procedures, each contact once."""
        return list({c.key: c for code in codes for c in self.kb.contacts_for(self.kb.procedures[code])}.values())

    def _scope(self) -> str:
        names = [c.name for c in self.kb.certificates.values()]
        return self.say("fallback.scope", certificates=self.say("join.list").join(names[:-1]), last=names[-1])

    def _with_fallback(self, kind: str, sections: list[Section]) -> Answer:
        contacts = [self.kb.contacts[k] for k in self.kb.fallback_contacts]
        return self.parts.answer(kind, sections=[*sections, self.parts.call_section(
            contacts, heading=self.say("fallback.heading"))], phones=phones_of(contacts))

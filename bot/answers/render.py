"""Render every answer in Chinese from knowledge-base records; no fact is written here."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.answers.guide import ProcedureAnswers
from bot.answers.model import Answer, Button, Item, Section
from bot.answers.parts import Parts, phones_of
from bot.answers.status import StatusAnswers
from bot.answers.verdict import VerdictAnswers
from bot.applications.store import ApplicationRecord
from bot.knowledge.base import Contact, KnowledgeBase, Procedure
from bot.rules.onetrip import Facts, Verdict
from bot.rules.workdays import WorkCalendar

COMPLETE = "complete"  # policy situation: materials complete and conditions met


class Answers:
    """Build every answer from one knowledge base."""

    def __init__(self, kb: KnowledgeBase, calendar: WorkCalendar | None = None) -> None:
        self.kb = kb
        self.parts = Parts(kb)
        self.verdicts = VerdictAnswers(self.parts)
        self.procedures = ProcedureAnswers(self.parts, self.verdicts)
        self.statuses = StatusAnswers(self.parts, calendar or WorkCalendar(kb.holidays))

    # ------------------------------------------------------------------ procedures and verdicts
    def procedure(self, codes: list[str], aspects: list[str], variant: str | None = None, *,
                  facts: Facts | None = None) -> Answer:
        """Answer aspects of procedures; [] or ["guide"] gives the whole guide."""
        return self.procedures.answer(codes, aspects, variant, facts=facts)

    def verdict(self, proc: Procedure, verdict: Verdict) -> Answer:
        """Say a one-trip verdict of any kind."""
        return self.verdicts.answer(proc, verdict)

    def status_report(self, records: list[ApplicationRecord], id_masked: str, *, today: date) -> Answer:
        """Report every application of one person."""
        return self.statuses.report(records, id_masked, today=today)

    def status_reasons(self, records: list[dict[str, Any]]) -> Answer:
        """Say why the applications of the last look-up stand where they do."""
        return self.statuses.reasons(records)

    # ------------------------------------------------------------------ forms, contacts, policies
    def form(self, key: str) -> Answer:
        """Describe a form: its 附件 number and title, what uses it, its fields and signatures."""
        f = self.kb.forms[key]
        sections = [Section("forms", heading="用于：", items=[Item(self.kb.procedures[c].title) for c in f.used_by])]
        if set(f.names_in_text) - {f.title}:
            sections.append(Section("forms", heading="办理事项中的名称：", items=[Item(n) for n in f.names_in_text]))
        sections.append(Section("forms", heading="需要填写：", items=[Item(x) for x in f.fields]))
        if f.signatures:
            sections.append(Section("forms", heading="签字盖章：", items=[Item(x) for x in f.signatures]))
        return Answer("form", f"{f.key}《{f.title}》", sections, source=self.parts.cite(f.source),
                      procedures=list(f.used_by), forms=[f.key])

    def material(self, ids: list[str]) -> Answer:
        """Say which procedures ask for a material, in each one's words, and whom to ask about the rest."""
        sections: list[Section] = []
        asking = {q.code for m in ids for q in self.kb.asking_for(m)}
        procs = [p for p in self.kb.procedures.values() if p.code in asking]
        for p in procs:
            texts = [m.text for v in p.variants for m in v.materials if m.id in ids]
            texts += [f"{v.name}时：{m.text}" for v in p.visits for m in v.bring if m.id in ids]
            sections.append(Section("materials", heading=f"{p.title}：", items=[Item(t) for t in dict.fromkeys(texts)]))
        contacts = self._contacts_for([p.code for p in procs])
        sections += [Section("notes", text="文件对这项材料只写了以上内容，没有写明的细节我不能替您猜测。"),
                     self.parts.call_section(contacts, heading="可以咨询：")]
        return Answer("material", "需要这项材料的办理事项", sections, phones=phones_of(contacts),
                      source=self.parts.cite(*(p.source for p in procs)), procedures=[p.code for p in procs])

    def contact(self, keys: list[str]) -> Answer:
        """Describe contacts: what each handles, address, person, phones."""
        contacts = [self.kb.contacts[k] for k in keys]
        return Answer("contact", "、".join(c.name for c in contacts), [self.parts.contact_section(c) for c in contacts],
                      phones=phones_of(contacts), source=self.parts.cite(*(c.source for c in contacts)))

    def policy(self, key: str, situation: str | None = None) -> Answer:
        """State a policy in the seed's words; for 不算多跑, say which listed case the situation is, if known."""
        p = self.kb.policies[key]
        definition = self.kb.policies["one_trip_definition"]
        notes = [n for n in self.kb.notes if key in n.policies]
        if key != "not_extra_trip":
            sections = [Section("text", text=p.text)]
            if key == definition.key and definition.outside_note:
                sections.append(Section("notes", text=definition.outside_note))
            return Answer("policy", p.title, sections + self.parts.notes_section(notes), source=self.parts.cite(p.source))
        cases = {c.key: c for c in p.exceptions}
        names = "、".join(c.name for c in p.exceptions)
        sections, contacts = [], []
        if situation in cases:
            sections.append(Section("verdict", text=f"您的情况属于文件列出的“{cases[situation].name}”，不算多跑。"))
        elif situation == COMPLETE:
            handlers = dict.fromkeys(q.handler for q in self.kb.procedures.values() if self.kb.one_trip_covers(q))
            contacts = [self.kb.contacts[h] for h in handlers]
            sections.append(Section("verdict", text=f"您说的是{definition.when}时仍被要求再跑：这不属于文件列出的不算多跑的"
                                                     f"情况（{names}）。文件对“最多跑一次”的定义见下；如被要求再跑，可以咨询协会。"))
        sections += [Section("summary", heading=f"{definition.title}：", text=definition.text),
                     Section("text", heading=f"{p.title}：", text=p.text)]
        if situation not in cases and situation != COMPLETE:
            sections.append(Section("questions", heading="您的情况属于哪一种？",
                                    items=[Item(f"{c.name}：不算多跑") for c in p.exceptions]
                                    + [Item(f"{definition.when}时仍被要求再跑：不属于以上情况")]))
        if definition.outside_note:
            sections.append(Section("notes", text=definition.outside_note))
        if contacts:
            sections.append(self.parts.call_section(contacts))
        return Answer("policy", p.title, sections + self.parts.notes_section(notes), phones=phones_of(contacts),
                      source=self.parts.cite(definition.source, p.source))

    # ------------------------------------------------------------------ clarifying
    def clarify_certificate(self, options: list[str], matter: str | None) -> Answer:
        """Ask which certificate a question is about, with one button each."""
        what = self.kb.matters[matter].name if matter else "这项业务"
        buttons = [Button(self._certificate_choice(k, matter), self.kb.certificates[k].name) for k in options]
        section = Section("text", text=f"请问您要办理{what}的是哪一种证书？", items=[Item(b.title) for b in buttons])
        return Answer("clarify", sections=[section], buttons=buttons)

    def _certificate_choice(self, key: str, matter: str | None) -> str:
        """Name a certificate as a choice; a training certificate whose procedure the other one shares names both."""
        name = self.kb.certificates[key].name
        for proc in self.kb.find(key, matter) if matter else []:
            alike = [p for p in self.kb.procedures.values() if p.same_as == proc.code]
            if alike:
                others = "、".join(self.kb.certificates[p.certificate].name for p in alike)
                return f"{name}或{others}（两者此项办理要求相同）"
        return name

    def clarify_matter(self, certificate: str | None, aspects: list[str] | tuple[str, ...] = ()) -> Answer:
        """Ask which matter, offering the procedures of a certificate (or the certificates); a forms question about
        a certificate whose procedures share where their forms come from gets that first."""
        sections = []
        if certificate is None:
            buttons = [Button(c.name, c.name) for c in self.kb.certificates.values()]
            text = "请问您咨询的是哪一种证书的哪项业务？可以先选证书："
        else:
            cert = self.kb.certificates[certificate]
            buttons = [Button(p.title, p.title) for p in self.kb.procedures.values() if p.certificate == certificate]
            text = f"{cert.name}可以办理以下事项，请问您要办哪一项？"
            if "forms" in aspects and cert.forms_note:
                sections.append(Section("forms", heading=f"{cert.name}的申请表：", text=cert.forms_note))
                text = "如需某一事项的材料和步骤，请选择："
        sections.append(Section("text", text=text, items=[Item(b.title) for b in buttons]))
        return Answer("clarify", sections=sections, buttons=buttons)

    # ------------------------------------------------------------------ what the documents do not answer
    def no_such_procedure(self, matter: str, certificate: str | None) -> Answer:
        """Say the documents have no such procedure, list what they do have, and whom to call."""
        what = self.kb.matters[matter].name
        if certificate is None:
            sections = [Section("text", text=f"两份文件中没有“{what}”的办理事项。")]
        else:
            cert = self.kb.certificates[certificate]
            have = [Item(p.title) for p in self.kb.procedures.values() if p.certificate == certificate]
            sections = [Section("text", text=f"文件中没有{cert.name}“{what}”的办理事项，文件对此没有规定。"),
                        Section("text", heading=f"{cert.name}可办理的事项：", items=have)]
        return self._with_fallback("no_such_procedure", sections)

    def silent(self, topic: str, codes: list[str] | None = None) -> Answer:
        """Say the documents do not state something, rather than guess; whom to ask about those procedures."""
        section = Section("text", text=f"两份办事文件都没有写明{topic}，我不能替您猜测。")
        if not codes:
            return self._with_fallback("silent", [section])
        contacts = self._contacts_for(codes)
        return Answer("silent", sections=[section, self.parts.call_section(contacts, heading="可以咨询：")],
                      phones=phones_of(contacts))

    def out_of_scope(self) -> Answer:
        """Say honestly the question is outside the documents, with the numbers to call."""
        return self._with_fallback("out_of_scope", [Section("text", text="抱歉，这个问题不在我能回答的范围内。" + self._scope())])

    def not_understood(self) -> Answer:
        """Say the question was not understood, and whom to call."""
        return self._with_fallback("not_understood", [Section("text", text="抱歉，我没能理解您的问题。" + self._scope())])

    def fallback_contacts(self) -> Answer:
        """Return whom to call when the assistant cannot answer."""
        return self._with_fallback("contacts", [])

    def _contacts_for(self, codes: list[str]) -> list[Contact]:
        """Return whom to call about some procedures, each contact once."""
        return list({c.key: c for code in codes for c in self.kb.contacts_for(self.kb.procedures[code])}.values())

    def _scope(self) -> str:
        names = [c.name for c in self.kb.certificates.values()]
        return f"我只能解答{'、'.join(names[:-1])}和{names[-1]}的办理事项。"

    def _with_fallback(self, kind: str, sections: list[Section]) -> Answer:
        contacts = [self.kb.contacts[k] for k in self.kb.fallback_contacts]
        return Answer(kind, sections=[*sections, self.parts.call_section(contacts, heading="可以咨询：")],
                      phones=phones_of(contacts))

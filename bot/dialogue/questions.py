"""Decide what a question asks, from its entities and the conversation so far, and answer it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from bot.answers.render import Answers
from bot.knowledge.base import KnowledgeBase, Procedure
from bot.language.parse import Parse
from bot.language.situation import facts_of

# Rasa intents that name the aspect of a procedure being asked about, when no aspect word is in the message.
INTENT_ASPECTS = {
    "ask_materials": "materials",
    "ask_conditions": "conditions",
    "ask_process": "process",
    "ask_time": "time",
    "ask_forms": "forms",
    "ask_contact": "contact",
}
GUIDE = "guide"
FIELDS = "fields"  # what to fill in or sign on a form: answered with the form itself
REASON = "reason"  # why: after a status look-up, the record's reason; otherwise the conditions
NOT_EXTRA_TRIP = "not_extra_trip"  # the policy a trip situation ("问了问啥也没办") asks about
CERTIFICATE_ORDER = ("P", "H", "N")
# Aspects the dialogue reads but the renderer knows under another name.
RENDERED_AS = {FIELDS: "forms", REASON: "conditions"}


@dataclass
class Context:
    """What the conversation has settled so far (kept in Rasa slots)."""

    procedures: list[str] = field(default_factory=list)
    certificate: str | None = None
    matter: str | None = None
    aspects: list[str] = field(default_factory=list)
    variant: str | None = None
    form: str | None = None
    contact: str | None = None
    options: list[str] = field(default_factory=list)
    status_records: list[dict[str, Any]] = field(default_factory=list)  # the last status look-up (no ID number)


@dataclass
class Decision:
    """What to answer."""

    kind: str  # answer | clarify | clarify_matter | no_such_procedure | form | contact | policy | silent |
    #            status_reason | out_of_scope | unknown | no_options
    codes: list[str] = field(default_factory=list)
    aspects: list[str] = field(default_factory=list)
    variant: str | None = None
    keys: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    matter: str | None = None
    certificate: str | None = None
    policies: list[str] = field(default_factory=list)  # policies that bear on the procedure answered
    records: list[dict[str, Any]] = field(default_factory=list)  # status records a status answer speaks of
    unsaid: list[str] = field(default_factory=list)  # what the question also asks that the documents do not say

    @property
    def answered(self) -> bool:
        """Say whether the decision answers from the knowledge base."""
        return self.kind not in ("out_of_scope", "unknown")


class Questions:
    """Decide answers to questions with one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    # ------------------------------------------------------------------ procedures
    def procedures_for(self, certificates: list[str], matter: str) -> list[Procedure]:
        """Return the procedures for a matter under the given certificates, mapping near-synonyms."""
        covers = self.kb.matters[matter].covers if matter in self.kb.matters else {}
        return [p for c in certificates for m in covers.get(c, (matter,)) for p in self.kb.find(c, m)]

    def _groups(self, procs: list[Procedure]) -> list[list[Procedure]]:
        """Group procedures the seed words identically (same_as) or that share a certificate."""
        groups: list[list[Procedure]] = []
        for p in procs:
            for g in groups:
                if p.same_as == g[0].code or g[0].same_as == p.code or p.certificate == g[0].certificate:
                    g.append(p)
                    break
            else:
                groups.append([p])
        return groups

    # ------------------------------------------------------------------ deciding
    def decide(self, parse: Parse, ctx: Context, intent: str | None = None) -> Decision:
        """Decide what to answer for one message in a conversation."""
        aspects = self._aspects(parse, ctx, intent)
        if parse.ordinal is not None and not (parse.certificates or parse.matters):
            if not ctx.options:
                return Decision("no_options")
            index = parse.ordinal - 1 if parse.ordinal > 0 else len(ctx.options) - 1
            if 0 <= index < len(ctx.options):
                return self._choose(ctx.options[index], ctx)
            return Decision("clarify", options=ctx.options, aspects=ctx.aspects, matter=ctx.matter)
        issued = [c for k in parse.contacts for c in self.kb.contacts[k].issues]
        if ctx.options and issued and not (parse.matters or parse.certificates):
            narrowed = [o for o in ctx.options if o in issued]  # "协会那个": the association's certificates
            if len(narrowed) == 1:
                return self._choose(narrowed[0], ctx)
            if narrowed:
                return Decision("clarify", options=narrowed, aspects=ctx.aspects, matter=ctx.matter)
        if parse.out_of_scope and parse.other_registration != "yes" and \
                not (parse.certificates and (parse.matters or parse.matter_hint)):
            return Decision("out_of_scope")  # another qualification, or a topic the documents do not cover
        if parse.topics and not ((parse.matters or parse.matter_hint) and parse.aspects):
            return Decision("silent", keys=parse.topics[:1])  # alone, or beside a procedure with nothing else asked

        certs = [c for c in parse.certificates if c in CERTIFICATE_ORDER or c == "training"]
        if not certs and parse.implied_certificate:
            certs = [parse.implied_certificate]
        if not certs and parse.generic_certificates and not parse.out_of_scope:
            certs = parse.generic_certificates[:1]  # "培训证" is P or H, "注册证书" the national one
        if certs == ["training"] or ("training" in certs and not set(certs) & {"P", "H"}):
            certs = [c for c in certs if c != "training"] + ["P", "H"]
        certs = [c for c in CERTIFICATE_ORDER if c in certs]
        matter = (parse.matters[0] if parse.matters else None) or parse.matter_hint

        form = self._form(parse, ctx, aspects, matter, certs)
        if form and matter and set(aspects) - {FIELDS, "forms", "conditions"}:  # "可以吗", "哪些内容" ask nothing else
            forms = [form]  # "要准备什么 谁来填表": answered below with the procedure, the form after it
        elif form:
            named = [str(f) for f in parse.forms if str(f) != form] if parse.forms and not matter else []
            return Decision("form", keys=[form, *named])
        else:
            forms = []
        asks_extra_trip = NOT_EXTRA_TRIP in parse.policies or "one_trip_definition" in parse.policies
        if parse.trip_situation and asks_extra_trip:
            return Decision("policy", keys=[NOT_EXTRA_TRIP])  # "填错了被打回来，再去算不算多跑", whatever the matter
        if not parse.matters and not parse.matter_hint and parse.policies:
            return Decision("policy", keys=parse.policies[:1])
        contacts = self._contacts(parse, ctx, aspects, certs, matter)
        if contacts:
            return Decision("contact", keys=contacts)
        if ctx.status_records and not (parse.matters or parse.certificates) and \
                (REASON in aspects or ("materials" in aspects and self._supplement(ctx))):
            return Decision("status_reason", codes=ctx.procedures, records=ctx.status_records, aspects=aspects)

        if matter is None and not certs:
            if ctx.procedures and (parse.aspects or intent in INTENT_ASPECTS or parse.variants or parse.states_facts):
                return self._answer(ctx.procedures, aspects, parse, ctx)
            by_material = self._by_material(parse, aspects)
            if by_material:
                return by_material
            if parse.aspects or parse.variants:
                return Decision("clarify_matter", aspects=aspects)
            return Decision("unknown", aspects=aspects)
        if matter is None:
            matter = ctx.matter
            if matter is None:
                return self._asked_check_of_certificate(parse, ctx, certs) or \
                    Decision("clarify_matter", certificate=certs[0] if len(certs) == 1 else None, aspects=aspects)
        if not certs:
            if ctx.certificate and self.procedures_for([ctx.certificate], matter):
                certs = [ctx.certificate]
            else:
                certs = [c for c in CERTIFICATE_ORDER if self.procedures_for([c], matter)]
        procs = self.procedures_for(certs, matter)
        named_certs = [c for c in parse.certificates if c in CERTIFICATE_ORDER]
        if len(procs) > 1 and set(ctx.procedures) & {p.code for p in procs}:
            procs = [p for p in procs if p.code in ctx.procedures]  # "那个变更" after a look-up: the one in context
        asking = {q.code for m in self._telling(parse.materials) for q in self.kb.asking_for(m)}
        if len(procs) > 1 and not named_certs and {p.code for p in procs} & asking:
            procs = [p for p in procs if p.code in asking]  # "补办要登报吗": the reissue that asks for a newspaper
        if not procs:
            return Decision("no_such_procedure", matter=matter, certificate=certs[0] if len(certs) == 1 else None,
                            aspects=aspects)
        decision = self._answer([p.code for p in procs], aspects, parse, ctx, several=len(set(named_certs)) > 1)
        decision.policies = [k for k in parse.policies if self._bears_on(k, decision.codes)]
        if decision.kind == "answer":
            decision.keys = forms
            other = parse.out_of_scope[:1] if parse.other_registration != "yes" else []  # not "还挂着造价师证"
            decision.unsaid = parse.topics[:1] + [f"“{t}”" for t in other]  # "能邮寄吗", "要考试吗"
            decision.unsaid += self._unwritten_checks(parse, decision.codes)  # "国家注册有没有年龄卡着"
        elif parse.topics:
            return Decision("silent", keys=parse.topics[:1])
        return decision

    def _unwritten_checks(self, parse: Parse, codes: list[str]) -> list[str]:
        """Return the checks asked about that none of these procedures has, as what the documents do not say."""
        out = []
        told = [c.key for c in self.kb.checks.values() if any(getattr(parse, f, None) is not None for f in c.told_by)]
        for key in dict.fromkeys(parse.asked_checks + told):
            check = self.kb.checks.get(key)
            if check and check.asked_as and codes and not any(
                    c.check == key for code in codes for c in self.kb.procedures[code].conditions):
                out.append("、".join(self.kb.procedures[code].title for code in codes) + f"的{check.asked_as}")
        return out

    def _asked_check_of_certificate(self, parse: Parse, ctx: Context, certs: list[str]) -> Decision | None:
        """Decide a check asked about for a whole certificate ("湖州培训证有年龄限制吗"): the conditions of the
        procedures that have it; none has it ("国家注册有年龄限制吗"): that the documents do not say."""
        if len(certs) != 1 or not parse.asked_checks:
            return None
        codes = [p.code for p in self.kb.procedures.values() if p.certificate == certs[0]]
        having = [p.code for p in self.kb.procedures.values() if p.code in codes
                  and any(c.check in parse.asked_checks for c in p.conditions)]
        if having:
            return self._answer(having, ["conditions"], parse, ctx, several=True)
        if len(self._unwritten_checks(parse, codes)) < len(parse.asked_checks):
            return None
        what = f"{self.kb.certificates[certs[0]].name}各办理事项的" + \
            "、".join(str(self.kb.checks[k].asked_as) for k in parse.asked_checks)
        return Decision("silent", keys=[what], codes=codes)

    def _by_material(self, parse: Parse, aspects: list[str]) -> Decision | None:
        """Decide a question about a material named without a procedure ("一寸照要几张"): the procedures asking
        for it. A material most procedures ask for (the certificate, an application form) tells none of them."""
        telling = self._telling(parse.materials)
        if not telling:
            return None
        codes = list(dict.fromkeys(p.code for m in telling for p in self.kb.asking_for(m)))
        return Decision("material", codes=codes, keys=telling, aspects=aspects)

    def _telling(self, materials: list[str]) -> list[str]:
        """Return the materials that tell procedures apart: together asked for by some, not by most."""
        asking = {p.code for m in materials for p in self.kb.asking_for(m)}
        return [m for m in materials if self.kb.asking_for(m)] if len(asking) <= len(self.kb.procedures) // 2 else []

    def _aspects(self, parse: Parse, ctx: Context, intent: str | None) -> list[str]:
        """Return the aspects asked: named ones; else, for a follow-up naming only a certificate or matter, the
        aspects asked before; else the intent's; else the whole guide."""
        if GUIDE in parse.aspects:
            return [GUIDE]  # "怎么办理", even beside "多久": the whole guide, which holds every aspect
        if parse.aspects:
            return list(parse.aspects)
        follow_up = not parse.aspects and (parse.ordinal is not None or bool(
            (parse.certificates or parse.matters or parse.variants) and not (parse.certificates and parse.matters)))
        if follow_up and ctx.aspects:
            return list(ctx.aspects)
        if intent in INTENT_ASPECTS and not (parse.certificates and parse.matters):
            return [INTENT_ASPECTS[intent or ""]]  # a procedure named with no aspect word ("湖州证要延续"): the guide
        return [GUIDE]

    def _supplement(self, ctx: Context) -> bool:
        """Say whether the last look-up found an application that needs supplementing (需补正)."""
        return any(self.kb.stage(str(r.get("status"))) == "correction" for r in ctx.status_records)

    def _form(self, parse: Parse, ctx: Context, aspects: list[str], matter: str | None,
              certs: list[str]) -> str | None:
        """Return the form a question is about: named, or the one form of the procedure in question."""
        asks_form = FIELDS in aspects or "forms" in aspects
        if parse.forms and (asks_form or not matter):
            if matter:  # "延续的汇总表": of the forms the words may mean, the one the procedure uses
                used = {f for p in self.procedures_for(certs or list(CERTIFICATE_ORDER), matter)
                        for f in (self._only_form(p),) if f}
                return next((str(f) for f in parse.forms if f in used), str(parse.forms[0]))
            return str(parse.forms[0])
        if FIELDS in aspects and not matter and not parse.certificates and ctx.form:
            return ctx.form
        if FIELDS in aspects and matter:
            procs = self.procedures_for(certs or [c for c in CERTIFICATE_ORDER if self.kb.find(c, matter)], matter)
            forms = {self._only_form(p) for p in procs}
            if len(forms) == 1 and None not in forms:
                return forms.pop()
        return None

    @staticmethod
    def _only_form(proc: Procedure) -> str | None:
        """Return the one form a procedure uses, if it uses exactly one."""
        forms = {m.form for v in proc.variants for m in v.materials if m.form}
        return forms.pop() if len(forms) == 1 else None

    def _contacts(self, parse: Parse, ctx: Context, aspects: list[str], certs: list[str],
                  matter: str | None) -> list[str]:
        """Return the contacts a question asks for, if it asks for contacts rather than a procedure."""
        topical = [c for c in parse.contacts if self.kb.contacts[c].topical]
        asks = "contact" in parse.aspects or "place" in parse.aspects
        if topical and (not parse.matters or asks):
            return topical  # "监理锁坏了找谁": the lock, not a reissue
        if matter or parse.matters:
            return []
        if "place" in aspects and certs and not parse.contacts:
            handlers = {p.handler for p in self.kb.procedures.values() if p.certificate in certs}
            if len(handlers) == 1:
                return list(handlers)
        if parse.contacts and (asks or not [a for a in parse.aspects if a != GUIDE]):
            return list(parse.contacts)
        asked = set(parse.aspects)
        if ctx.contact and not certs and asked and asked <= {"place", "contact"}:
            return [ctx.contact]  # "地址呢" after a contact's answer
        if "contact" in aspects:
            if ctx.contact and not certs:
                return [ctx.contact]
            about = certs or [self.kb.procedures[c].certificate for c in ctx.procedures[:1]] or \
                ([ctx.certificate] if ctx.certificate in CERTIFICATE_ORDER else [])
            keys = [k for c in about for k in self.kb.certificates[c].contacts]
            return list(dict.fromkeys(keys)) or list(self.kb.fallback_contacts)
        return []

    def _bears_on(self, policy: str, codes: list[str]) -> bool:
        p = self.kb.policies[policy]
        if p.procedures:
            return bool(set(p.procedures) & set(codes))
        return True

    def _answer(self, codes: list[str], aspects: list[str], parse: Parse, ctx: Context, *,
                several: bool = False) -> Decision:
        procs = [self.kb.procedures[c] for c in codes]
        groups = self._groups(procs)
        if len(groups) > 1 and not several:
            return Decision("clarify", options=[g[0].certificate for g in groups], aspects=aspects,
                            matter=procs[0].matter)
        chosen = [p for g in groups for p in g]
        variant = next((v for v in parse.variants if chosen[0].variant(v)), None)
        if variant is None and ctx.variant and chosen[0].variant(ctx.variant):
            variant = ctx.variant
        return Decision("answer", codes=[p.code for p in chosen], aspects=aspects, variant=variant,
                        matter=chosen[0].matter, certificate=chosen[0].certificate if len(groups) == 1 else None)

    def _choose(self, option: str, ctx: Context) -> Decision:
        if option in self.kb.procedures:
            p = self.kb.procedures[option]
            return Decision("answer", codes=[p.code], aspects=ctx.aspects or [GUIDE], matter=p.matter,
                            certificate=p.certificate, variant=ctx.variant)
        procs = self.procedures_for([option], ctx.matter) if ctx.matter else []
        if not procs:
            return Decision("clarify_matter", certificate=option, aspects=ctx.aspects or [GUIDE])
        group = self._groups(procs)[0]
        return Decision("answer", codes=[p.code for p in group], aspects=ctx.aspects or [GUIDE],
                        matter=group[0].matter, certificate=option, variant=ctx.variant)

    # ------------------------------------------------------------------ context
    def next_context(self, decision: Decision, ctx: Context) -> Context:
        """Return the context to keep after answering a decision."""
        if decision.kind == "answer":
            forms = {self._only_form(self.kb.procedures[c]) for c in decision.codes} - {None}
            form = forms.pop() if len(forms) == 1 and ("forms" in decision.aspects or FIELDS in decision.aspects) \
                else ctx.form
            return Context(procedures=decision.codes, certificate=decision.certificate, matter=decision.matter,
                           aspects=decision.aspects, variant=decision.variant, form=form, contact=ctx.contact,
                           status_records=ctx.status_records)
        if decision.kind == "clarify":
            return replace(ctx, options=decision.options, matter=decision.matter, aspects=decision.aspects,
                           procedures=[], certificate=None)
        if decision.kind == "clarify_matter":
            return replace(ctx, options=[], certificate=decision.certificate, aspects=decision.aspects,
                           procedures=[], matter=None)
        if decision.kind == "material" and len(decision.codes) == 1:  # "那要带什么" next: that procedure
            proc = self.kb.procedures[decision.codes[0]]
            return Context(procedures=decision.codes, certificate=proc.certificate, matter=proc.matter,
                           aspects=["materials"], status_records=ctx.status_records)
        if decision.kind == "form":
            return replace(ctx, options=[], form=decision.keys[0])
        if decision.kind == "contact":
            return replace(ctx, options=[], contact=decision.keys[0])
        return replace(ctx, options=[])


@dataclass
class Step:
    """The answers to send and the context to keep after one question."""

    answers: list[Any]
    context: Context
    decision: Decision


class QuestionAnswerer:
    """Answer questions about procedures, forms, contacts and policies from the knowledge base."""

    def __init__(self, kb: KnowledgeBase, answers: Answers) -> None:
        self.kb = kb
        self.questions = Questions(kb)
        self.answers = answers

    def step(self, parse: Parse, ctx: Context, intent: str | None, today: date) -> Step:
        """Decide and render the answer to one message."""
        d = self.questions.decide(parse, ctx, intent)
        after = self.questions.next_context(d, ctx)
        if parse.contacts and not after.contact:  # "协会周日上班吗" then "地址呢": the contact named stays
            after = replace(after, contact=parse.contacts[0])
        return Step(self.render(d, parse, today), after, d)

    def render(self, d: Decision, parse: Parse, today: date) -> list[Any]:
        """Render a decision from the knowledge base."""
        a = self.answers
        if d.kind == "answer":
            proc = self.kb.procedures[d.codes[0]]
            facts = facts_of(parse, proc, today) if parse.states_facts else None
            aspects = list(dict.fromkeys(RENDERED_AS.get(x, x) for x in d.aspects))
            lacking = next((v for v in parse.variants if self.kb.case_notes(d.codes, v)), None)
            out = [a.procedure(d.codes, aspects, d.variant or lacking, facts=facts)]  # a case they lack: said so
            out += [a.form(key) for key in d.keys]
            out += [a.policy(k, situation=parse.trip_situation) for k in d.policies]
            return out + [a.silent(topic, d.codes) for topic in d.unsaid]
        if d.kind == "clarify":
            return [a.clarify_certificate(d.options, d.matter)]
        if d.kind == "clarify_matter":
            return [a.clarify_matter(d.certificate, d.aspects)]
        if d.kind == "no_such_procedure":
            return [a.no_such_procedure(d.matter or "", d.certificate)]
        if d.kind == "material":
            return [a.material(d.keys)]
        if d.kind == "form":
            return [a.form(key) for key in d.keys]
        if d.kind == "contact":
            return [a.contact(d.keys)]
        if d.kind == "policy":
            return [a.policy(d.keys[0], situation=parse.trip_situation)]
        if d.kind == "silent":
            return [a.silent(d.keys[0], d.codes or None)]
        if d.kind == "status_reason":  # what the record says, and for "还要补啥" the procedure's list too
            materials = [a.procedure(d.codes, ["materials"])] if "materials" in d.aspects and d.codes else []
            return [a.status_reasons(d.records), *materials]
        if d.kind == "out_of_scope":
            return [a.out_of_scope()]
        return [a.not_understood()]

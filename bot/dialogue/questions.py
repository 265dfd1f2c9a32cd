"""Decide what a question asks, from its entities and the conversation so far, and answer it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from bot.answers.render import Answers
from bot.knowledge.base import (
    COLLECTION,
    CONDITIONS,
    FIELDS,
    FORMS,
    GUIDE,
    MATERIALS,
    PLACE,
    PROCESS,
    REASON,
    TIME,
    KnowledgeBase,
    Procedure,
)
from bot.knowledge.base import CONTACT as CONTACT_ASPECT
from bot.language import intents as i
from bot.language.parse import Parse
from bot.language.situation import facts_of

TRAINING = "training"  # a training certificate named without saying which: P or H
NOT_EXTRA_TRIP = "not_extra_trip"  # the policy a trip situation ("问了问啥也没办") asks about
ONE_TRIP_DEFINITION = "one_trip_definition"
CERTIFICATE_ORDER = ("P", "H", "N")
# Aspects the dialogue reads but the renderer knows under another name.
RENDERED_AS = {FIELDS: FORMS, REASON: CONDITIONS}

# What a decision answers (Decision.kind).
ANSWER = "answer"  # a procedure's aspects
CLARIFY = "clarify"  # which certificate
CLARIFY_MATTER = "clarify_matter"  # which matter
NO_SUCH_PROCEDURE = "no_such_procedure"  # the certificate has no such matter
MATERIAL = "material"  # the procedures asking for a material
FORM = "form"
CONTACT = "contact"
POLICY = "policy"
SILENT = "silent"  # what the documents do not say
STATUS_REASON = "status_reason"  # what the last looked-up record says
OUT_OF_SCOPE = "out_of_scope"
COMPLAINT = "complaint"  # displeasure: an apology, the look-up offered, whom to call
UNKNOWN = "unknown"
NO_OPTIONS = "no_options"  # an option picked where none was offered
UNANSWERED = frozenset({OUT_OF_SCOPE, UNKNOWN, COMPLAINT})  # queued for staff review


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
    matters: list[str] = field(default_factory=list)  # several matters asked together, awaiting the certificate
    policy: str | None = None  # the policy answered last ("从啥时候开始的" asks about it)


@dataclass
class Decision:
    """What to answer."""

    kind: str  # one of the kinds above
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
    parts: list[list[str]] = field(default_factory=list)  # several matters answered: the codes of each, in order
    matters: list[str] = field(default_factory=list)  # several matters asked, the certificate to be chosen
    displeased: bool = False  # asked in displeasure ("说好的最多跑一次，我都跑了三趟"): the apology and whom to call too

    @property
    def answered(self) -> bool:
        """Say whether the decision answers from the knowledge base."""
        return self.kind not in UNANSWERED


@dataclass
class Question:
    """One message read in its conversation: what the decision rules look at."""

    parse: Parse
    ctx: Context
    intent: str | None
    aspects: list[str]  # the aspects asked (named, or carried over, or the intent's, or the whole guide)
    certs: list[str]  # the certificates it is about (named, implied by the matter, or by a general word)
    matter: str | None  # the matter named or hinted at
    form: str | None = None  # the form it asks about
    matters: list[str] = field(default_factory=list)  # every matter named ("延续和补证各要什么")

    @property
    def form_follows(self) -> bool:
        """Say whether the form is asked beside other aspects of a procedure ("要准备什么 谁来填表"): it then follows
        the procedure's answer ("可以吗", "哪些内容" ask nothing else)."""
        return bool(self.form and self.matter and set(self.aspects) - {FIELDS, FORMS, CONDITIONS})


def _training_beside_another_kind(parse: Parse) -> bool:
    """Say whether a training certificate is named by a general word beside another kind named ("培训证和国家注册证
    都要销"): both kinds are asked about."""
    named = set(parse.certificates)
    return TRAINING in parse.generic_certificates and bool(named & set(CERTIFICATE_ORDER)) and \
        not named & {"P", "H", TRAINING}


class Questions:
    """Decide answers to questions with one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.aspect_of_intent = kb.aspect_of_intent()

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
        """Decide what to answer for one message in a conversation: the first rule that decides."""
        q = self.read(parse, ctx, intent)
        for rule in self.rules:
            decision = rule(q)
            if decision is not None:
                return decision
        raise AssertionError("the last rule always decides")  # pragma: no cover

    @property
    def rules(self) -> tuple[Callable[[Question], Decision | None], ...]:
        """Return the decision rules, in the order they are tried."""
        return (self.a_complaint, self.choose_by_position, self.choose_by_name, self.choose_by_issuer,
                self.choose_by_place, self.a_place_alone,
                self.another_qualification, self.an_uncovered_topic, self.a_form, self.an_extra_trip, self.a_policy,
                self.the_policy_in_context, self.a_topical_contact, self.the_office_of_a_certificate,
                self.a_contact_named, self.the_contact_in_context, self.whom_to_call, self.a_status_reason,
                self.the_procedure_in_context, self.the_procedures_asking_for_a_material,
                self.an_aspect_of_no_procedure, self.nothing_understood, self.a_check_of_a_certificate,
                self.a_certificate_without_a_matter, self.several_matters, self.the_procedure)

    def read(self, parse: Parse, ctx: Context, intent: str | None) -> Question:
        """Read what a message is about, in its conversation."""
        aspects = self._aspects(parse, ctx, intent)
        certs = [c for c in parse.certificates if c in CERTIFICATE_ORDER or c == TRAINING]
        if not certs and parse.implied_certificate:
            certs = [parse.implied_certificate]
        if not certs and parse.generic_certificates and not parse.out_of_scope:
            certs = parse.generic_certificates[:1]  # "培训证" is P or H, "注册证书" the national one
        if _training_beside_another_kind(parse):
            certs.append(TRAINING)  # "培训证和国家注册证都要销": both kinds named
        if TRAINING in certs and not set(certs) & {"P", "H"}:
            certs = [c for c in certs if c != TRAINING] + ["P", "H"]
        certs = [c for c in CERTIFICATE_ORDER if c in certs]
        matter = (parse.matters[0] if parse.matters else None) or parse.matter_hint
        if not certs and matter and parse.contacts:  # "补证材料交到协会了": the certificates the association handles
            handled = {proc.certificate for proc in self.kb.procedures.values() if proc.handler in parse.contacts}
            certs = [c for c in CERTIFICATE_ORDER if c in handled and self.procedures_for([c], matter)]
        q = Question(parse, ctx, intent, aspects, certs, matter, matters=list(parse.matters))
        q.form = self._form(parse, ctx, aspects, matter, certs)
        return q

    def a_complaint(self, q: Question) -> Decision | None:
        """"等了半个月还没动静", "回答了跟没说一样", "单位变更材料交了十来天还没消息，我要投诉": displeasure with the service
        or the answers, naming nothing to answer (no certificate, even one a matter implies, form, policy or
        material; a matter may say what it is about): an apology, the look-up offered, whom to call."""
        p = q.parse
        if q.ctx.status_records:
            return None  # "还差啥", "为啥不受理" after a look-up ask about the application found
        if p.variants and p.matters and q.ctx.procedures:
            return None  # "要是不是丢了是撕坏了呢" after an answer: which case of the matter, asked
        if q.intent == i.COMPLAIN and not (p.certificates or p.implied_certificate or p.forms or p.policies
                                            or p.materials or p.missing):  # "不想登报行不行" asks about a material
            return Decision(COMPLAINT)  # a matter alone says what the displeasure is about ("湖州的证延续太麻烦了" asks)
        return None

    def choose_by_position(self, q: Question) -> Decision | None:
        """"第二个", "2": the option at that place of the last clarification, or of the procedures the last answer
        was for when it offered none ("第一样东西是啥表" about one procedure asks about that procedure instead), or
        after a form's answer the attachment at that place."""
        p, ctx = q.parse, q.ctx
        if p.ordinal is None or p.certificates or p.matters:
            return None
        if not ctx.options and len(ctx.procedures) > 1 and p.ordinal <= len(ctx.procedures):
            # "第二个要交哪些东西" after an answer for two procedures: the second of them
            return self._choose(ctx.procedures[p.ordinal - 1 if p.ordinal > 0 else -1], ctx, p.aspects)
        forms = list(self.kb.forms)
        if not ctx.options and ctx.form in forms and 0 < p.ordinal <= len(forms):
            return Decision(FORM, keys=[forms[p.ordinal - 1]])  # "第六个呢" after 附件五's answer: 附件六
        if not ctx.options:
            return None if p.aspects and ctx.procedures else Decision(NO_OPTIONS)
        index = p.ordinal - 1 if p.ordinal > 0 else len(ctx.options) - 1
        if 0 <= index < len(ctx.options):
            return self._choose(ctx.options[index], ctx, q.parse.aspects)
        return Decision(CLARIFY, options=ctx.options, aspects=ctx.aspects, matter=ctx.matter)

    def choose_by_name(self, q: Question) -> Decision | None:
        """"国家注册监理工程师注册证书" after "which certificate?": that option, with the matter and aspects asked
        before (even when they ask where: the procedure's place, not the office of every procedure)."""
        p, ctx = q.parse, q.ctx
        named = [c for c in q.certs if c in ctx.options]
        if not ctx.options or p.matters or p.matter_hint or len(named) != 1 or not ctx.matter:
            return None
        return self._choose(named[0], ctx, [a for a in p.aspects if a != GUIDE])

    def choose_by_issuer(self, q: Question) -> Decision | None:
        """"协会那个" after a clarification: the options that contact issues."""
        p, ctx = q.parse, q.ctx
        issued = [c for k in p.contacts for c in self.kb.contacts[k].issues]
        if not ctx.options or not issued or p.matters or p.certificates:
            return None
        narrowed = [o for o in ctx.options if o in issued]
        if len(narrowed) == 1:
            return self._choose(narrowed[0], ctx)
        if narrowed:
            return Decision(CLARIFY, options=narrowed, aspects=ctx.aspects, matter=ctx.matter)
        return None

    def choose_by_place(self, q: Question) -> Decision | None:
        """"湖州的" after a clarification: the certificate of that place among the options (also one offered within
        an option, where two certificates' procedures for the matter are alike)."""
        p, ctx = q.parse, q.ctx
        if not ctx.options or p.certificates or p.matters:
            return None
        offered = {k for c in ctx.options if c in self.kb.certificates for k in self._stands_for(c, ctx.matter)}
        placed = [k for k in CERTIFICATE_ORDER if k in offered and set(self.kb.certificates[k].regions) & set(p.regions)]
        return self._choose(placed[0], ctx) if len(placed) == 1 else None

    def _stands_for(self, certificate: str, matter: str | None) -> set[str]:
        """Return the certificates an option stands for: itself, and those whose procedure for the matter the seed
        words alike (offered as one option, "…或湖州市…（两者此项办理要求相同）")."""
        procs = self.procedures_for([certificate], matter) if matter else []
        return {certificate} | {other.certificate for proc in procs for other in self.kb.procedures.values()
                                if other.same_as == proc.code or proc.same_as == other.code}

    def a_place_alone(self, q: Question) -> Decision | None:
        """"湖州天气怎么样", "杭州到湖州开车多久": a place names no certificate; with nothing of ours named, and no
        aspect asked but in words that ask about anything, the documents do not cover the question."""
        if q.parse.regions and not q.parse.names_anything(self.kb.generic_aspects()):
            return Decision(OUT_OF_SCOPE)
        return None

    def another_qualification(self, q: Question) -> Decision | None:
        """"一建证书丢了咋补": another qualification, or a topic the documents do not cover, is out of scope
        (unless it is another registration the person holds, beside a procedure of ours)."""
        p = q.parse
        if p.out_of_scope and p.other_registration != "yes" and not (p.certificates and (p.matters or p.matter_hint)):
            return Decision(OUT_OF_SCOPE)
        return None

    def an_uncovered_topic(self, q: Question) -> Decision | None:
        """"能邮寄吗": a topic the documents are silent on, alone or beside a procedure with nothing else asked."""
        p = q.parse
        if p.contacts and {CONTACT_ASPECT, PLACE} & set(p.aspects):
            return None  # "协会周六开门吗，电话地址给我": the contact, then what the documents do not say
        if p.topics and not ((p.matters or p.matter_hint) and p.aspects):
            return Decision(SILENT, keys=p.topics[:1])
        return None

    def a_form(self, q: Question) -> Decision | None:
        """"附件三怎么填": a form asked about, unless it is asked beside a procedure's other aspects (then the
        form follows the procedure's answer); "补办表和注销表各是附件几": every form named, each of its matter."""
        if not q.form or q.form_follows:
            return None
        each = not q.matter or len(q.parse.matters) > 1
        named = [str(f) for f in q.parse.forms if str(f) != q.form] if q.parse.forms and each else []
        return Decision(FORM, keys=[q.form, *named])

    def an_extra_trip(self, q: Question) -> Decision | None:
        """"填错了被打回来，再去算不算多跑": what does not count as another trip, whatever the matter."""
        p = q.parse
        if p.trip_situation and (NOT_EXTRA_TRIP in p.policies or ONE_TRIP_DEFINITION in p.policies):
            return Decision(POLICY, keys=[NOT_EXTRA_TRIP], displeased=q.intent == i.COMPLAIN)
        return None

    def a_policy(self, q: Question) -> Decision | None:
        """"最多跑一次是什么意思": a policy asked about with no procedure."""
        p = q.parse
        if not p.matters and not p.matter_hint and p.policies:
            return Decision(POLICY, keys=p.policies[:1], displeased=q.intent == i.COMPLAIN)
        return None

    def the_policy_in_context(self, q: Question) -> Decision | None:
        """"从啥时候开始的" after a policy's answer: that policy again, when nothing else is named."""
        p = q.parse
        if q.ctx.policy and p.aspects and not (p.matters or p.matter_hint or q.certs or p.forms or p.contacts
                                               or p.materials or p.topics):
            return Decision(POLICY, keys=[q.ctx.policy])
        return None

    def a_topical_contact(self, q: Question) -> Decision | None:
        """"监理锁坏了找谁", "系统里填错了能撤回吗": a contact for a topic of its own, named with no procedure or asked
        for (the lock, not a reissue; the system, not a correction)."""
        p = q.parse
        topical = [c for c in p.contacts if self.kb.contacts[c].topical]
        procedure = p.matters or (p.matter_hint and p.certificates)  # a hint names one only beside a certificate
        if topical and (not procedure or CONTACT_ASPECT in p.aspects or PLACE in p.aspects):
            return Decision(CONTACT, keys=topical, aspects=list(p.aspects), unsaid=p.topics[:1])
        return None

    def the_office_of_a_certificate(self, q: Question) -> Decision | None:
        """"国家注册在哪办": where a certificate's procedures are handled, when one office handles them all."""
        if q.matter or q.parse.matters or PLACE not in q.aspects or not q.certs or q.parse.contacts:
            return None
        handlers = {p.handler for p in self.kb.procedures.values() if p.certificate in q.certs}
        return Decision(CONTACT, keys=list(handlers)) if len(handlers) == 1 else None

    def a_contact_named(self, q: Question) -> Decision | None:
        """"协会电话多少", "省厅2号窗口": a contact named, asked for or with nothing else asked."""
        p = q.parse
        if q.matter or p.matters or not p.contacts:
            return None
        if CONTACT_ASPECT in p.aspects or PLACE in p.aspects or not [a for a in p.aspects if a != GUIDE]:
            return Decision(CONTACT, keys=list(p.contacts), aspects=list(p.aspects), unsaid=p.topics[:1])
        return None

    def the_contact_in_context(self, q: Question) -> Decision | None:
        """"地址呢" after a contact's answer: that contact again."""
        asked = set(q.parse.aspects)
        if not q.matter and not q.parse.matters and q.ctx.contact and not q.certs and asked and \
                asked <= {PLACE, CONTACT_ASPECT}:
            return Decision(CONTACT, keys=[q.ctx.contact], aspects=list(q.parse.aspects), unsaid=q.parse.topics[:1])
        return None

    def whom_to_call(self, q: Question) -> Decision | None:
        """"打哪个电话": the contacts of the certificate asked about (or in context), else the fallback ones (asked
        in words: an intent alone asks no contact of a message that names nothing of ours)."""
        if q.matter or q.parse.matters or CONTACT_ASPECT not in q.parse.aspects:
            return None
        ctx = q.ctx
        if ctx.contact and not q.certs:
            return Decision(CONTACT, keys=[ctx.contact], aspects=list(q.parse.aspects))
        about = q.certs or [self.kb.procedures[c].certificate for c in ctx.procedures[:1]] or \
            ([ctx.certificate] if ctx.certificate in CERTIFICATE_ORDER else [])
        keys = [k for c in about for k in self.kb.certificates[c].contacts]
        return Decision(CONTACT, keys=list(dict.fromkeys(keys)) or list(self.kb.fallback_contacts),
                        aspects=list(q.parse.aspects))

    def a_status_reason(self, q: Question) -> Decision | None:
        """"为啥不受理", "还要补啥", "补齐以后要重新申请吗" after a look-up: what the record says (and, for one to
        supplement, what comes next); "补齐以后要多久" asks the procedure's time instead."""
        p, ctx = q.parse, q.ctx
        supplementing = {MATERIALS, PROCESS} & set(q.aspects) and TIME not in q.aspects and self._supplement(ctx)
        if ctx.status_records and not (p.matters or p.certificates) and (REASON in q.aspects or supplementing):
            return Decision(STATUS_REASON, codes=ctx.procedures, records=ctx.status_records, aspects=q.aspects)
        return None

    def the_procedure_in_context(self, q: Question) -> Decision | None:
        """"那要多久", "那跑几趟": an aspect of (or the verdict on) the procedure the conversation is about, when
        nothing else is named."""
        p, ctx = q.parse, q.ctx
        if q.matter is None and not q.certs and ctx.procedures and (
                p.aspects or q.intent in self.aspect_of_intent or q.intent in i.VERDICT or p.variants
                or p.states_facts):
            return self._answer(ctx.procedures, q.aspects, p, ctx)
        return None

    def the_procedures_asking_for_a_material(self, q: Question) -> Decision | None:
        """"一寸照要几张": the procedures asking for a material named without a procedure (one most procedures ask
        for, like the certificate or an application form, tells none of them)."""
        if q.matter is not None or q.certs:
            return None
        telling = self._telling(q.parse.materials)
        if not telling:
            return None
        codes = list(dict.fromkeys(p.code for m in telling for p in self.kb.asking_for(m)))
        return Decision(MATERIAL, codes=codes, keys=telling, aspects=q.aspects)

    def an_aspect_of_no_procedure(self, q: Question) -> Decision | None:
        """"要带什么材料": an aspect asked with no certificate or matter: which matter?"""
        if q.matter is None and not q.certs and (q.parse.aspects or q.parse.variants):
            return Decision(CLARIFY_MATTER, aspects=q.aspects)
        return None

    def nothing_understood(self, q: Question) -> Decision | None:
        """Nothing of ours named or asked."""
        return Decision(UNKNOWN, aspects=q.aspects) if q.matter is None and not q.certs else None

    def a_check_of_a_certificate(self, q: Question) -> Decision | None:
        """"湖州培训证有年龄限制吗": the conditions of the certificate's procedures that have the check; none has it
        ("国家注册有年龄限制吗"): that the documents do not say."""
        p = q.parse
        if q.matter is not None or q.ctx.matter is not None or len(q.certs) != 1 or not p.asked_checks:
            return None
        codes = [proc.code for proc in self.kb.procedures.values() if proc.certificate == q.certs[0]]
        having = [code for code in codes if any(c.check in p.asked_checks for c in self.kb.procedures[code].conditions)]
        if having:
            return self._answer(having, [CONDITIONS], p, q.ctx, several=True)
        if len(self._unwritten_checks(p, codes)) < len(p.asked_checks):
            return None
        what = self.kb.labels.say("missing.checks_of_certificate", certificate=self.kb.certificates[q.certs[0]].name,
                                  checks=self.kb.labels.say("join.list").join(str(self.kb.checks[k].asked_as)
                                                                              for k in p.asked_checks))
        return Decision(SILENT, keys=[what], codes=codes)

    def a_certificate_without_a_matter(self, q: Question) -> Decision | None:
        """"湖州的证": a certificate named with no matter, and none in the conversation: which matter?"""
        if q.matter is None and q.ctx.matter is None:
            return Decision(CLARIFY_MATTER, certificate=q.certs[0] if len(q.certs) == 1 else None, aspects=q.aspects)
        return None

    def several_matters(self, q: Question) -> Decision | None:
        """"延续和补证各要带什么": each matter answered, in the order asked (then "第二个" picks one); asked without a
        certificate that tells which procedures: which certificate, the matters kept for it."""
        if len(q.matters) < 2:
            return None
        certs = q.certs or ([q.ctx.certificate] if q.ctx.certificate else [])
        decision = self._answer_matters(q.matters, certs, q.aspects, q.ctx)
        return None if decision.kind == ANSWER and not decision.parts else decision  # one procedure after all

    def _answer_matters(self, matters: list[str], certs: list[str], aspects: list[str], ctx: Context) -> Decision:
        """Answer several matters under the certificates (all that have them when none is given)."""
        parts: list[list[str]] = []
        for matter in matters:
            under = certs or [c for c in CERTIFICATE_ORDER if self.procedures_for([c], matter)]
            groups = self._groups(self.procedures_for(under, matter))
            if len(groups) > 1:
                having = [c for c in CERTIFICATE_ORDER if all(self.procedures_for([c], m) for m in matters)]
                return Decision(CLARIFY, options=having, aspects=aspects, matter=matter, matters=matters)
            parts += [codes for g in groups if (codes := [p.code for p in g]) not in parts]
        if len(parts) == 1:  # "跳槽…转注册": two words for one procedure
            return self._answer(parts[0], aspects, Parse(), ctx)
        if not parts:
            return Decision(NO_SUCH_PROCEDURE, matter=matters[0], certificate=certs[0] if len(certs) == 1 else None,
                            aspects=aspects)
        codes = [c for part in parts for c in part]
        return Decision(ANSWER, codes=codes, aspects=aspects, parts=parts, options=[part[0] for part in parts],
                        certificate=certs[0] if len(certs) == 1 else None, variant=ctx.variant)

    def the_procedure(self, q: Question) -> Decision:
        """The procedure of the matter under the certificates named (or in the conversation, or all that have it);
        several certificates not named: which one?"""
        p, ctx = q.parse, q.ctx
        matter = q.matter or ctx.matter or ""
        certs = q.certs
        if not certs:
            if ctx.certificate and self.procedures_for([ctx.certificate], matter):
                certs = [ctx.certificate]
            else:
                certs = [c for c in CERTIFICATE_ORDER if self.procedures_for([c], matter)]
        procs = self.procedures_for(certs, matter)
        named_certs = [c for c in p.certificates if c in CERTIFICATE_ORDER]
        kinds = set(named_certs) | ({TRAINING} if _training_beside_another_kind(p) else set())
        if len(procs) > 1 and set(ctx.procedures) & {x.code for x in procs}:
            procs = [x for x in procs if x.code in ctx.procedures]  # "那个变更" after a look-up: the one in context
        asking = {x.code for m in self._telling(p.materials) for x in self.kb.asking_for(m)}
        if len(procs) > 1 and not named_certs and {x.code for x in procs} & asking:
            procs = [x for x in procs if x.code in asking]  # "补办要登报吗": the reissue that asks for a newspaper
        if not procs:
            return Decision(NO_SUCH_PROCEDURE, matter=matter, certificate=certs[0] if len(certs) == 1 else None,
                            aspects=q.aspects)
        # "补办用的是附件几": which form each certificate's procedure uses is a short answer, given for every one
        forms_only = not named_certs and bool(q.aspects) and set(q.aspects) <= {FORMS, FIELDS}
        decision = self._answer([x.code for x in procs], q.aspects, p, ctx,
                                several=len(kinds) > 1 or forms_only)
        decision.policies = [k for k in p.policies if self._bears_on(k, decision.codes)]
        if decision.kind == ANSWER:
            decision.keys = [q.form] if q.form else []
            other = p.out_of_scope[:1] if p.other_registration != "yes" else []  # not "还挂着造价师证"
            decision.unsaid = p.topics[:1] + [f"“{t}”" for t in other]  # "能邮寄吗", "要考试吗"
            decision.unsaid += self._unwritten_checks(p, decision.codes)  # "国家注册有没有年龄卡着"
        elif p.topics:
            return Decision(SILENT, keys=p.topics[:1])
        return decision

    def _unwritten_checks(self, parse: Parse, codes: list[str]) -> list[str]:
        """Return the checks asked about that none of these procedures has, as what the documents do not say."""
        out = []
        told = [c.key for c in self.kb.checks.values() if any(getattr(parse, f, None) is not None for f in c.told_by)]
        for key in dict.fromkeys(parse.asked_checks + told):
            check = self.kb.checks.get(key)
            if check and check.asked_as and codes and not any(
                    c.check == key for code in codes for c in self.kb.procedures[code].conditions):
                titles = self.kb.labels.say("join.list").join(self.kb.procedures[code].title for code in codes)
                out.append(self.kb.labels.say("missing.check_of_procedures", procedures=titles, check=check.asked_as))
        return out

    def _telling(self, materials: list[str]) -> list[str]:
        """Return the materials that tell procedures apart: together asked for by some, not by most."""
        asking = {p.code for m in materials for p in self.kb.asking_for(m)}
        return [m for m in materials if self.kb.asking_for(m)] if len(asking) <= len(self.kb.procedures) // 2 else []

    def _aspects(self, parse: Parse, ctx: Context, intent: str | None) -> list[str]:
        """Return the aspects asked: named ones (what to bring to collect is the collection step's); else, for a
        follow-up naming only a certificate or matter, the aspects asked before; else the intent's; else the whole
        guide."""
        if GUIDE in parse.aspects:
            return [GUIDE]  # "怎么办理", even beside "多久": the whole guide, which holds every aspect
        if COLLECTION in parse.aspects:  # "领证要带什么": what to bring to collect, which the collection step says
            return [a for a in parse.aspects if a != MATERIALS]
        if parse.aspects:
            return list(parse.aspects)
        follow_up = not parse.aspects and (parse.ordinal is not None or bool(
            (parse.certificates or parse.matters or parse.variants) and not (parse.certificates and parse.matters)))
        if follow_up and ctx.aspects:
            return list(ctx.aspects)
        if intent in self.aspect_of_intent and not (parse.certificates and parse.matters):
            return [self.aspect_of_intent[intent or ""]]  # a procedure named with no aspect word ("湖州证要延续"): the guide
        return [GUIDE]

    def _supplement(self, ctx: Context) -> bool:
        """Say whether the last look-up found an application that needs supplementing (需补正)."""
        return any(self.kb.stage(str(r.get("status"))) == "correction" for r in ctx.status_records)

    def _form(self, parse: Parse, ctx: Context, aspects: list[str], matter: str | None,
              certs: list[str]) -> str | None:
        """Return the form a question is about: named, or the one form of the procedure in question."""
        asks_form = FIELDS in aspects or FORMS in aspects
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
            forms = {self._only_form(p) for p in procs} - {None}  # a national item has no 附件 form to ask of
            if len(forms) == 1:
                return forms.pop()
        return None

    @staticmethod
    def _only_form(proc: Procedure) -> str | None:
        """Return the one form a procedure uses, if it uses exactly one."""
        forms = {m.form for v in proc.variants for m in v.materials if m.form}
        return forms.pop() if len(forms) == 1 else None

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
            return Decision(CLARIFY, options=[g[0].certificate for g in groups], aspects=aspects,
                            matter=procs[0].matter)
        chosen = [p for g in groups for p in g]
        variant = next((v for v in parse.variants if chosen[0].variant(v)), None)
        if variant is None and ctx.variant and chosen[0].variant(ctx.variant):
            variant = ctx.variant
        return Decision(ANSWER, codes=[p.code for p in chosen], aspects=aspects, variant=variant,
                        matter=chosen[0].matter, certificate=chosen[0].certificate if len(groups) == 1 else None)

    def _choose(self, option: str, ctx: Context, asked: list[str] | None = None) -> Decision:
        """Answer the option chosen: a procedure, or a certificate for the matter (or matters) in context; with the
        aspects the choice asks ("第二个要多久"), else those asked before."""
        aspects = list(asked or ctx.aspects or [GUIDE])
        if option in self.kb.procedures:
            p = self.kb.procedures[option]
            return Decision(ANSWER, codes=[p.code], aspects=aspects, matter=p.matter, certificate=p.certificate,
                            variant=ctx.variant)
        if len(ctx.matters) > 1:
            return self._answer_matters(ctx.matters, [option], aspects, ctx)
        procs = self.procedures_for([option], ctx.matter) if ctx.matter else []
        if not procs:
            return Decision(CLARIFY_MATTER, certificate=option, aspects=aspects)
        group = self._groups(procs)[0]
        return Decision(ANSWER, codes=[p.code for p in group], aspects=aspects, matter=group[0].matter,
                        certificate=option, variant=ctx.variant)

    # ------------------------------------------------------------------ context
    def next_context(self, decision: Decision, ctx: Context) -> Context:
        """Return the context to keep after answering a decision."""
        if decision.kind == ANSWER:
            forms = {self._only_form(self.kb.procedures[c]) for c in decision.codes} - {None}
            form = forms.pop() if len(forms) == 1 and (FORMS in decision.aspects or FIELDS in decision.aspects) \
                else ctx.form
            return Context(procedures=decision.codes, certificate=decision.certificate, matter=decision.matter,
                           aspects=decision.aspects, variant=decision.variant, form=form, contact=ctx.contact,
                           status_records=ctx.status_records, options=decision.options)
        if decision.kind == CLARIFY:
            return replace(ctx, options=decision.options, matter=decision.matter, aspects=decision.aspects,
                           procedures=[], certificate=None, matters=decision.matters)
        if decision.kind == CLARIFY_MATTER:
            return replace(ctx, options=[], certificate=decision.certificate, aspects=decision.aspects,
                           procedures=[], matter=None)
        if decision.kind == MATERIAL and len(decision.codes) == 1:  # "那要带什么" next: that procedure
            proc = self.kb.procedures[decision.codes[0]]
            return Context(procedures=decision.codes, certificate=proc.certificate, matter=proc.matter,
                           aspects=[MATERIALS], status_records=ctx.status_records)
        if decision.kind == FORM:
            return replace(ctx, options=[], form=decision.keys[0])
        if decision.kind == CONTACT:
            return replace(ctx, options=[], contact=decision.keys[0])
        if decision.kind == POLICY:
            return replace(ctx, options=[], policy=decision.keys[0])
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
        if d.kind == ANSWER:
            proc = self.kb.procedures[d.codes[0]]
            facts = facts_of(parse, proc, today) if parse.states_facts else None
            aspects = list(dict.fromkeys(RENDERED_AS.get(x, x) for x in d.aspects))
            lacking = next((v for v in parse.variants if self.kb.case_notes(d.codes, v)), None)
            out = [a.procedure(part, aspects, d.variant or lacking, facts=facts)  # a case they lack: said so
                   for part in d.parts or [d.codes]]
            out += [a.form(key) for key in d.keys]
            out += [a.policy(k, situation=parse.trip_situation) for k in d.policies]
            return out + [a.silent(topic, d.codes) for topic in d.unsaid]
        if d.kind == CLARIFY:
            return [a.clarify_certificate(d.options, d.matter, d.matters)]
        if d.kind == CLARIFY_MATTER:
            return [a.clarify_matter(d.certificate, d.aspects)]
        if d.kind == NO_SUCH_PROCEDURE:
            return [a.no_such_procedure(d.matter or "", d.certificate)]
        if d.kind == MATERIAL:
            return [a.material(d.keys)]
        if d.kind == FORM:  # the fields asked about ("有没有性别这一栏") are said of the form asked about
            return [a.form(key, parse.fields if n == 0 else ()) for n, key in enumerate(d.keys)]
        if d.kind == CONTACT:  # what the documents do not say beside it ("开门吗"), after it
            return [a.contact(d.keys, d.aspects), *(a.silent(topic) for topic in d.unsaid)]
        if d.kind == POLICY:
            return [a.policy(d.keys[0], situation=parse.trip_situation), *([a.complaint()] if d.displeased else [])]
        if d.kind == SILENT:
            return [a.silent(d.keys[0], d.codes or None)]
        if d.kind == STATUS_REASON:  # what the record says, and for "还要补啥" the procedure's list too
            materials = [a.procedure(d.codes, [MATERIALS])] if MATERIALS in d.aspects and d.codes else []
            return [a.status_reasons(d.records), *materials]
        if d.kind == OUT_OF_SCOPE:
            return [a.out_of_scope()]
        if d.kind == COMPLAINT:
            return [a.complaint()]
        return [a.not_understood()]

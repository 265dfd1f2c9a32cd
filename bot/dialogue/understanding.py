"""Turn a question (and the conversation so far) into what the assistant should answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.knowledge.base import KnowledgeBase, Procedure
from bot.language import terms as nlp
from bot.language.terms import Term, TermFinder
from bot.language.text import chinese_number, normalise

# Rasa intents that name the aspect of a procedure being asked about.
INTENT_ASPECTS = {
    "ask_materials": "materials",
    "ask_conditions": "conditions",
    "ask_process": "process",
    "ask_time": "time",
    "ask_forms": "forms",
    "ask_guide": "guide",
}
ASPECT_PRIORITY = ("forms", "proxy", "time", "collection", "materials", "conditions", "process", "trips", "guide")
CONTACT_ASK = re.compile(r"电话|联系方式|怎么联系|联系人|联系谁|地址|在哪里|在什么地方|哪位|找谁|打哪|咨询哪|问谁|号码")
FORM_FIELDS_ASK = re.compile(r"填|内容|栏目|信息|签字|盖章|字段|项目|格式|样子|哪些项")
ONLY_CONTACT_TOPICS = frozenset({"supervision_lock", "system_tech", "registration_review", "zhejiang_association"})
ORDINAL = re.compile(r"^(?:选|要|是)?\s*(?:第\s*)?([1-9一二三四五六七八九两])\s*(?:个|项|种|条|号)?\s*(?:吧|的|呀|啊)?[。.!！]?$")


@dataclass
class Analysis:
    """What a question names, read from its text alone."""

    text: str
    terms: list[Term]
    certificates: list[str] = field(default_factory=list)
    training: bool = False
    matters: list[str] = field(default_factory=list)
    aspects: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    out_of_scope: bool = False
    silent: list[str] = field(default_factory=list)
    ordinal: int | None = None

    def keys(self, label: str) -> list[str]:
        """Return the distinct keys of one label, in order of first appearance."""
        seen: list[str] = []
        for t in self.terms:
            if t.label == label and t.key not in seen:
                seen.append(t.key)
        return seen

    @property
    def names_domain(self) -> bool:
        """Say whether the question names one of our certificates, forms or contacts."""
        return bool(self.certificates or self.training or self.forms or self.contacts)


@dataclass
class Context:
    """What the conversation has settled so far (kept in Rasa slots)."""

    procedure: str | None = None
    certificate: str | None = None
    matter: str | None = None
    aspect: str | None = None
    options: list[str] = field(default_factory=list)


@dataclass
class Decision:
    """What to answer: answer, clarify, clarify_matter, no_such_procedure, policy, contact, form, silent,
    out_of_scope or unknown."""

    kind: str
    codes: list[str] = field(default_factory=list)
    aspect: str = "guide"
    variant: str | None = None
    key: str | None = None
    options: list[str] = field(default_factory=list)
    matter: str | None = None
    certificate: str | None = None


# Context words that mean nothing once they stand inside a longer term of any kind.
CONTEXT_LABELS = frozenset({nlp.COMPANY, nlp.HUZHOU, nlp.TRAINING, nlp.RENAME, nlp.NATIONAL})


def _drop_nested(terms: list[Term]) -> list[Term]:
    """Drop terms inside a longer term of their kind, and context words inside any longer term."""
    out = []
    for t in terms:
        end = t.start + len(t.text)
        inside = any(
            o.start <= t.start and end <= o.start + len(o.text) and len(o.text) > len(t.text)
            and (o.label == t.label or t.label in CONTEXT_LABELS)
            for o in terms
        )
        if not inside:
            out.append(t)
    return out


def ordinal(text: str) -> int | None:
    """Return the option number a short reply like '第二个' or '2' picks."""
    m = ORDINAL.match(text.strip())
    if not m:
        return None
    return int(chinese_number(m.group(1)) or 0)


class Understanding:
    """Read questions against one knowledge base."""

    def __init__(self, kb: KnowledgeBase, finder: TermFinder | None = None) -> None:
        self.kb = kb
        self.finder = finder or TermFinder(kb)

    def analyse(self, raw: str) -> Analysis:
        """Return the knowledge-base terms of a question, grouped by kind."""
        text = normalise(raw)
        terms = _drop_nested(self.finder.find(text))
        a = Analysis(text=text, terms=terms)
        a.certificates = a.keys(nlp.CERT)
        a.training = bool(a.keys(nlp.TRAINING))
        if a.training and a.keys(nlp.HUZHOU) and "P" not in a.certificates and "H" not in a.certificates:
            a.certificates.append("H")
        a.matters = self._matters(a)
        found = set(a.keys(nlp.ASPECT))
        a.aspects = [k for k in ASPECT_PRIORITY if k in found]
        a.variants = a.keys(nlp.VARIANT)
        a.forms = a.keys(nlp.FORM)
        a.contacts = a.keys(nlp.CONTACT)
        a.policies = self._policies(a)
        a.out_of_scope = bool(a.keys(nlp.OUT_OF_SCOPE))
        a.silent = a.keys(nlp.SILENT)
        a.ordinal = ordinal(text)
        return a

    def _matters(self, a: Analysis) -> list[str]:
        matters = a.keys(nlp.MATTER)
        if a.keys(nlp.RENAME) or "company_rename" in matters:
            if a.keys(nlp.COMPANY) or "company_rename" in matters:
                matters = ["company_rename"] + [m for m in matters if m not in ("company_rename", "change_employer")]
            else:
                matters = ["personal_change", *matters]
        return matters

    def _policies(self, a: Analysis) -> list[str]:
        counts: dict[str, int] = {}
        for t in a.terms:
            if t.label == nlp.POLICY:
                counts[t.key] = counts.get(t.key, 0) + 1
        order = list(self.kb.policies)
        return sorted(counts, key=lambda k: (-counts[k], order.index(k)))

    def procedures_for(self, certificates: list[str], matter: str) -> list[Procedure]:
        """Return the procedures for a matter under the given certificates, mapping near-synonyms."""
        out: list[Procedure] = []
        for cert in certificates:
            m = matter
            if cert == "N":
                m = {"change_employer": "transfer", "correct": "personal_change"}.get(m, m)
            else:
                m = {"transfer": "change_employer", "personal_change": "correct", "initial": ""}.get(m, m)
            out += self.kb.find(cert, m)
        return out

    def decide(self, a: Analysis, ctx: Context, intent: str | None = None) -> Decision:
        """Decide what to answer for an analysed question in a conversation context."""
        aspect = self._aspect(a, intent)
        if not a.aspects and intent not in INTENT_ASPECTS and ctx.aspect:
            aspect = ctx.aspect  # "那注销呢？" or a bare certificate name keeps the aspect asked before
        if a.ordinal is not None and ctx.options:
            if 1 <= a.ordinal <= len(ctx.options):
                return self._choose(ctx.options[a.ordinal - 1], ctx)
            return Decision("clarify", options=ctx.options, aspect=ctx.aspect or "guide", matter=ctx.matter)
        if a.out_of_scope and not a.certificates and not a.training:
            return Decision("out_of_scope")
        if a.out_of_scope and not a.matters:
            return Decision("out_of_scope")
        if not a.certificates and not a.training and a.keys(nlp.NATIONAL):
            a.certificates = ["N"]
        if a.silent:
            return Decision("silent", key=a.silent[0])

        certs = list(a.certificates) or (["P", "H"] if a.training else [])
        matter = a.matters[0] if a.matters else None

        if a.forms and (FORM_FIELDS_ASK.search(a.text) or not matter):
            return Decision("form", key=a.forms[0])
        contact = self._contact(a, matter)
        if contact:
            return Decision("contact", key=contact)
        if a.policies and (intent == "ask_policy" or not matter):
            return Decision("policy", key=a.policies[0])
        if a.contacts and not matter:
            return Decision("contact", key=a.contacts[0])

        if matter is None and not certs:
            if ctx.procedure and (a.aspects or intent in INTENT_ASPECTS or a.variants):
                return self._answer([ctx.procedure], aspect, a, ctx)
            if a.aspects or a.variants:
                return Decision("clarify_matter", aspect=aspect)
            return Decision("unknown", aspect=aspect)
        if matter is None:
            matter = ctx.matter
            if matter is None:
                return Decision("clarify_matter", certificate=certs[0] if len(certs) == 1 else None, aspect=aspect)
        if not certs:
            certs = [ctx.certificate] if ctx.certificate and self.procedures_for([ctx.certificate], matter) else []
        if not certs:
            # A matter only one certificate has by name (转注册, 初始注册) means that certificate.
            certs = [c for c in ("P", "H", "N") if self.kb.find(c, matter)]
            certs = certs or [c for c in ("P", "H", "N") if self.procedures_for([c], matter)]
        procs = self.procedures_for(certs, matter)
        if not procs:
            return Decision("no_such_procedure", matter=matter, certificate=certs[0] if len(certs) == 1 else None,
                            aspect=aspect)
        return self._answer([p.code for p in procs], aspect, a, ctx)

    def _answer(self, codes: list[str], aspect: str, a: Analysis, ctx: Context) -> Decision:
        procs = [self.kb.procedures[c] for c in codes]
        groups = _group_same(procs)
        if len(groups) > 1:
            return Decision("clarify", options=[g[0].certificate for g in groups], aspect=aspect,
                            matter=procs[0].matter)
        group = groups[0]
        variant = next((v for v in a.variants if group[0].variant(v)), None)
        return Decision("answer", codes=[p.code for p in group], aspect=aspect, variant=variant,
                        matter=group[0].matter, certificate=group[0].certificate)

    def _choose(self, option: str, ctx: Context) -> Decision:
        if option in self.kb.procedures:
            p = self.kb.procedures[option]
            return Decision("answer", codes=[p.code], aspect=ctx.aspect or "guide", matter=p.matter,
                            certificate=p.certificate)
        procs = self.procedures_for([option], ctx.matter) if ctx.matter else []
        if not procs:
            return Decision("clarify_matter", certificate=option, aspect=ctx.aspect or "guide")
        group = _group_same(procs)[0]
        return Decision("answer", codes=[p.code for p in group], aspect=ctx.aspect or "guide",
                        matter=group[0].matter, certificate=option)

    def _aspect(self, a: Analysis, intent: str | None) -> str:
        wanted = INTENT_ASPECTS.get(intent or "")
        if wanted and wanted in a.aspects:
            return wanted
        specific = [x for x in a.aspects if x != "guide"]
        if specific:
            return specific[0]
        return wanted or "guide"

    def _contact(self, a: Analysis, matter: str | None) -> str | None:
        only = [c for c in a.contacts if c in ONLY_CONTACT_TOPICS]
        if only:
            return only[0]
        if a.contacts and CONTACT_ASK.search(a.text) and not matter:
            return a.contacts[0]
        if CONTACT_ASK.search(a.text) and not matter and not a.contacts and not a.policies:
            if a.certificates == ["N"]:
                return "province_window"
            if a.training or set(a.certificates) & {"P", "H"}:
                return "huzhou_association"
        return None


def _group_same(procs: list[Procedure]) -> list[list[Procedure]]:
    """Group procedures that the seed words identically (same_as), or that share a certificate."""
    groups: list[list[Procedure]] = []
    for p in procs:
        for g in groups:
            if p.same_as == g[0].code or g[0].same_as == p.code or p.certificate == g[0].certificate:
                g.append(p)
                break
        else:
            groups.append([p])
    return groups

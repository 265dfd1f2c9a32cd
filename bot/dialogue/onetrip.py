"""The one-trip conversation: find the procedure, ask the deciding questions, give the verdict."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot.answers.render import Answers
from bot.dialogue.questions import Reply
from bot.dialogue.understanding import Context, Understanding
from bot.knowledge.base import KnowledgeBase, Material
from bot.language.text import chinese_number
from bot.rules.onetrip import Facts, decide

MAX_ROUNDS = 2
NEGATION = re.compile(r"没|未|缺|差|忘|不全|拿不到|不齐|还没|没有|丢了|找不到|办不下来")
HAVE_ONLY = re.compile(r"只(?:带|有|准备|拿)了?")
ALL_READY = re.compile(r"(?:材料|资料|东西)?(?:都|全部?|已经?)?(?:带齐|备齐|准备齐|齐全|准备好|齐了|都带了|都有)")
EXPIRED = re.compile(r"过期|过了有效期|超过有效期|超出有效期|失效|不在有效期|已经到期|已到期|过了期")
VALID = re.compile(r"在有效期内|还在有效期|没过期|未过期|还有效|没有过期|尚未到期|还没到期")
PROXY = re.compile(r"同事|别人|他人|代办|代为|委托|朋友|家人|单位派人|公司派人|派人|让.{0,8}(?:去|帮|代)|帮我去|替我")
IN_PERSON = re.compile(r"本人去|本人到场|亲自|自己去|我本人")
OTHER_REG = re.compile(r"(?:还有|名下|另有|另外有|有一个|有个|持有).{0,12}(?:注册证书|注册证|注册在)")
NO_OTHER_REG = re.compile(r"没有(?:其他|别的)?(?:的)?注册证书|无其他注册")
ONE_TRIP_QUESTION = re.compile(
    r"(?:能|可以|可不可以|能不能|能否|是否)(?:只跑|一次|一趟|去一次|去一趟|跑一次|跑一趟)|一次(?:办好|办成|办完|搞定|性办结|办下来)|"
    r"一趟(?:能|可以)?(?:办好|办成|办完|搞定)|跑几趟|跑几次|几趟|只跑一次|只跑一趟|白跑|零跑|不用跑|能办成吗|能办好吗|办得成吗"
)


def asks_one_trip(text: str) -> bool:
    """Say whether a message asks if the case can be done in one trip."""
    return bool(ONE_TRIP_QUESTION.search(text))


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[，,。；;！!？?\n]|但是|但|可是|不过|而且", text) if c.strip()]


def _materials_in(clause: str, materials: tuple[Material, ...]) -> set[str]:
    """Return the materials named in a clause; a name inside a longer one does not count."""
    spans = [(m.start(), m.start() + len(alias), mat.id)
             for mat in materials for alias in mat.aliases for m in re.finditer(re.escape(alias), clause)]
    return {mid for start, end, mid in spans
            if not any(s <= start and end <= e and (e - s) > (end - start) and other != mid for s, e, other in spans)}


def read_facts(text: str, materials: tuple[Material, ...]) -> Facts:
    """Read the deciding facts of a case out of a message."""
    f = Facts()
    m = re.search(r"(\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?:周岁|岁)", text)
    if m:
        f.age = chinese_number(m.group(1))
    if EXPIRED.search(text):
        f.within_validity = False
    elif VALID.search(text):
        f.within_validity = True
    m = re.search(r"(?:还有|还剩|剩|再过)\s*(\d{1,2}|[一二两三四五六七八九十半]{1,2})\s*个?多?月", text)
    if m and f.within_validity is not False:
        f.months_to_expiry = chinese_number(m.group(1))
        f.within_validity = True
    elif re.search(r"下个?月到期|这个月到期|本月到期|下周到期|快到期|马上到期|即将到期|月底到期", text):
        f.months_to_expiry = 1
        f.within_validity = f.within_validity if f.within_validity is not None else True
    elif re.search(r"还有半年|半年后到期", text):
        f.months_to_expiry = 6
    elif re.search(r"还有一年|明年才到期|一年后到期", text):
        f.months_to_expiry = 12
    m = re.search(r"(?:已经?|原来|证书上|原证书上)?(?:有|满)了?\s*(两|二|2|三|3|一|1)\s*(?:个|项)\s*专业", text)
    if m:
        f.specialties = int(chinese_number(m.group(1)) or 0)
    elif re.search(r"专业已满|已满两项", text):
        f.specialties = 2
    if PROXY.search(text):
        f.proxy = True
    elif IN_PERSON.search(text):
        f.proxy = False
    if NO_OTHER_REG.search(text):
        f.other_registration = False
    elif OTHER_REG.search(text):
        f.other_registration = True
    f.all_ready = bool(ALL_READY.search(text)) and not NEGATION.search(text)
    mentioned: set[str] = set()
    for clause in _clauses(text):
        hits = _materials_in(clause, materials)
        if not hits:
            continue
        if NEGATION.search(clause):
            f.missing |= hits
        else:
            mentioned |= hits
    if HAVE_ONLY.search(text):
        f.have = mentioned - f.missing
        f.missing |= {mat.id for mat in materials} - f.have
    elif f.all_ready:
        f.have = {mat.id for mat in materials} - f.missing
    elif mentioned:
        f.have = mentioned
    return f


@dataclass
class OneTripState:
    """What the one-trip conversation holds between turns."""

    codes: list[str] = field(default_factory=list)
    variant: str | None = None
    facts: Facts = field(default_factory=Facts)
    rounds: int = 0

    def as_dict(self) -> dict[str, object]:
        """Return the state as slot-safe data."""
        return {"codes": self.codes, "variant": self.variant, "facts": self.facts.as_dict(), "rounds": self.rounds}

    @classmethod
    def from_dict(cls, data: dict[str, object] | None) -> OneTripState:
        """Rebuild the state from slot data."""
        data = data or {}
        return cls(list(data.get("codes") or []), data.get("variant"),  # type: ignore[arg-type]
                   Facts.from_dict(data.get("facts")), int(data.get("rounds") or 0))  # type: ignore[arg-type]


AFFIRM_FACTS = Facts(within_validity=True, proxy=False, other_registration=False, all_ready=True)




@dataclass
class OneTripTurn:
    """The reply, the state to keep, and whether the flow is over."""

    reply: Reply
    state: OneTripState
    done: bool
    context: Context | None = None


class OneTripService:
    """Tell a person whether their case counts as "only one trip", and why."""

    def __init__(self, kb: KnowledgeBase, understanding: Understanding) -> None:
        self.kb = kb
        self.understanding = understanding
        self.answers = Answers(kb)

    def turn(self, text: str, state: OneTripState, context: Context, intent: str | None = None) -> OneTripTurn:
        """Handle one message of the one-trip conversation."""
        analysis = self.understanding.analyse(text)
        codes = state.codes
        new_context = None
        if not codes or analysis.matters or analysis.certificates or analysis.ordinal is not None:
            decision = self.understanding.decide(analysis, context, "ask_one_trip")
            if decision.kind == "answer":
                if decision.codes != codes:
                    state = OneTripState(codes=decision.codes, facts=state.facts if not codes else Facts())
                codes = decision.codes
                new_context = Context(procedure=codes[0], certificate=decision.certificate,
                                      matter=decision.matter, aspect="trips")
                if decision.variant:
                    state = replace(state, variant=decision.variant)
            elif not codes:
                if decision.kind == "clarify":
                    reply = Reply.of(self.answers.clarify_certificate(decision.options, decision.matter))
                    ctx = Context(matter=decision.matter, aspect="trips", options=decision.options)
                else:
                    reply = Reply.of(self.answers.clarify_matter(decision.certificate))
                    reply.text = "请先告诉我您要办理哪个证书的哪项业务，我来判断能否“最多跑一次”。" + reply.text
                    ctx = Context(certificate=decision.certificate, aspect="trips")
                return OneTripTurn(reply, replace(state, facts=state.facts.merge(
                    read_facts(analysis.text, ()))), False, ctx)
        proc = self.kb.procedures[codes[0]]
        facts = read_facts(analysis.text, proc.materials(state.variant))
        if intent == "affirm" and state.rounds:
            facts = AFFIRM_FACTS.merge(facts)
        state = replace(state, facts=state.facts.merge(facts), rounds=state.rounds + 1)
        verdict = decide(proc, state.facts, state.variant, final=state.rounds >= MAX_ROUNDS)
        reply = Reply.of(self.answers.verdict(proc, verdict))
        return OneTripTurn(reply, state, verdict.kind != "ask", new_context)

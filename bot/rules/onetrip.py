"""Decide whether a person's case will take zero trips, one trip, or is not ready yet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.knowledge.base import Material, Procedure
from bot.language.text import chinese_number

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


@dataclass
class Facts:
    """What a person said about their case; None means not said."""

    age: float | None = None
    within_validity: bool | None = None
    months_to_expiry: float | None = None
    specialties: int | None = None
    proxy: bool | None = None
    other_registration: bool | None = None
    have: set[str] | None = None  # material ids the person has; None = not said
    missing: set[str] = field(default_factory=set)
    all_ready: bool = False

    def merge(self, other: Facts) -> Facts:
        """Return these facts updated by newer ones."""
        merged = Facts(**{k: v for k, v in vars(self).items()})
        for k, v in vars(other).items():
            if k == "missing":
                merged.missing = (self.missing - (other.have or set())) | other.missing
            elif k == "all_ready":
                merged.all_ready = self.all_ready or other.all_ready
            elif v is not None:
                setattr(merged, k, v)
        return merged

    def as_dict(self) -> dict[str, object]:
        """Return the facts as slot-safe data."""
        d = dict(vars(self))
        d["have"] = sorted(self.have) if self.have is not None else None
        d["missing"] = sorted(self.missing)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, object] | None) -> Facts:
        """Rebuild facts from slot data."""
        data = dict(data or {})
        have = data.pop("have", None)
        missing = data.pop("missing", None) or []
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known, have=set(have) if have is not None else None, missing=set(missing))  # type: ignore[arg-type]


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
class Verdict:
    """The one-trip verdict: zero, one (or two window visits), not_yet, cannot, or ask."""

    kind: str
    reasons: list[str] = field(default_factory=list)
    missing: list[Material] = field(default_factory=list)
    bring: list[Material] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


def questions_for(proc: Procedure, facts: Facts) -> list[str]:
    """Return the deciding questions still open for a procedure."""
    q: list[str] = []
    for c in proc.conditions:
        if c.check == "within_validity" and facts.within_validity is None:
            q.append("证书目前是否还在有效期内？")
        elif c.check == "renew_window" and facts.months_to_expiry is None and facts.within_validity is not False:
            q.append("证书（或注册）还有几个月到期？")
        elif c.check == "max_age" and facts.age is None:
            q.append("您今年多少周岁？")
        elif c.check == "max_specialties" and facts.specialties is None:
            q.append("原证书上现在有几个专业？")
        elif c.check == "in_person" and facts.proxy is None:
            q.append("是证书持有人本人去办理吗？")
        elif c.check == "no_other_registration" and facts.other_registration is None:
            q.append("您名下是否还有其他注册证书？")
    if proc.variants and facts.have is None and not facts.all_ready and not facts.missing:
        q.append("以下材料是否都已备齐？\n" + "\n".join(f"- {m.text}" for m in proc.materials(None)))
    return list(dict.fromkeys(q))


def decide(proc: Procedure, facts: Facts, variant: str | None = None, *, final: bool = False) -> Verdict:
    """Decide the verdict for a procedure from the stated facts; ask when a deciding fact is open."""
    if proc.trips == 0:
        return Verdict("zero", [proc.trips_text])
    reasons: list[str] = []
    fatal = False
    for c in proc.conditions:
        if c.check == "within_validity" and facts.within_validity is False:
            reasons.append(f"不符合受理条件：{c.text}。证书已过有效期的，不能按此事项办理。")
            fatal = True
        elif c.check == "max_age" and facts.age is not None and c.value is not None:
            if facts.age > c.value:
                reasons.append(f"不符合受理条件：{c.text}（您{facts.age:g}周岁，已超过{c.value}周岁）。")
                fatal = True
            elif facts.age == c.value and c.note:
                reasons.append(f"说明：{c.note}")
        elif c.check == "renew_window" and facts.months_to_expiry is not None and c.value is not None:
            if facts.months_to_expiry > c.value:
                reasons.append(f"还不能办理：{c.text}，现在距到期还有{facts.months_to_expiry:g}个月，"
                               f"太早了，请在到期前{c.value}个月内再申报。")
        elif c.check == "max_specialties" and facts.specialties is not None and c.value is not None:
            if facts.specialties >= c.value:
                reasons.append(f"不符合受理条件：{c.text}。")
                fatal = True
        elif c.check == "in_person" and facts.proxy:
            reasons.append(f"不能代办：{c.text}，须证书持有人本人到协会办理。")
            fatal = True
        elif c.check == "no_other_registration" and facts.other_registration:
            reasons.append(f"还不能直接办理：{c.text}。请先办结其他注册证书的转注册或注销，再来办理，"
                           "否则这一趟无法办成。")
    materials = proc.materials(variant)
    missing = [m for m in materials if m.id in facts.missing]
    if reasons:
        return Verdict("cannot" if fatal else "not_yet", reasons, missing, list(materials))
    if missing:
        return Verdict("not_yet", ["材料还不齐全，缺少的材料补齐后再去，才能一次办成。"], missing, list(materials))
    open_questions = questions_for(proc, facts)
    if open_questions and not final:
        return Verdict("ask", questions=open_questions, bring=list(materials))
    return Verdict("one", [proc.trips_text], [], list(materials))


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

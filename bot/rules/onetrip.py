"""Decide how many visits a person's case takes, or why it cannot be done yet, from stated facts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bot.knowledge.base import Condition, Material, Procedure, Visit

# Finding outcomes: what the facts say about one condition. MOOT: another finding makes it beside the point
# (the renewal window of an expired certificate); it is neither a reason nor an assumption.
MET, FAILS, NOT_YET, UNCLEAR, OPEN, ASSUMED, MOOT = "met", "fails", "not_yet", "unclear", "open", "assumed", "moot"
# Of alternatives (conditions sharing one_of), the best outcome counts for the group, in this order.
BEST_FIRST = (MET, ASSUMED, OPEN, UNCLEAR, NOT_YET, FAILS)
# Verdict kinds.
VERDICT_KINDS = ("zero", "one", "two_visits", "not_yet", "cannot", "unclear", "ask")


@dataclass
class Facts:
    """What a person said about their case; None means not said."""

    age: float | None = None  # 周岁
    within_validity: bool | None = None
    months_to_expiry: float | None = None  # months from today to expiry; negative: expired
    specialties: int | None = None  # specialties on the certificate now
    proxy: bool | None = None  # someone other than the holder goes
    other_registration: bool | None = None  # other registration certificates not yet moved or cancelled
    employer_region: str | None = None  # "huzhou" | "zhejiang" (in province, outside Huzhou) | "other_province"
    employer_trained_here: bool | None = None  # the new employer registered its training through the association
    correction_outside: str | None = None  # what the person wants corrected that the correction scope does not list
    have: set[str] | None = None  # material ids the person has (None: not said)
    missing: set[str] = field(default_factory=set)
    all_ready: bool = False


@dataclass(frozen=True)
class Question:
    """A deciding question, as data the answer words: a condition's own question, which case applies (the case
    names), or whether the materials are ready (the material texts)."""

    kind: str  # condition | variant | materials
    text: str = ""  # condition: the question (checks.yml, or the procedure's own wording)
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """What the facts say about one condition: met, fails, not_yet, unclear, open or assumed."""

    condition: Condition
    outcome: str
    outside: str | None = None  # what the person named that the condition's list leaves out ("工作单位")


@dataclass
class Verdict:
    """The verdict on one procedure for one person's facts."""

    kind: str  # zero | one | two_visits | not_yet | cannot | unclear | ask
    findings: list[Finding] = field(default_factory=list)
    missing: list[Material] = field(default_factory=list)  # first-visit materials the person lacks
    bring: list[Material] = field(default_factory=list)  # first-visit materials (every variant's when none is known)
    questions: list[Question] = field(default_factory=list)  # deciding questions still open
    visits: tuple[Visit, ...] = ()
    variant: str | None = None
    materials_confirmed: bool = False  # the person said every material is ready

    @property
    def reasons(self) -> list[Finding]:
        """Return the findings that stop the case or leave it open in the documents."""
        return [f for f in self.findings if f.outcome in (FAILS, NOT_YET, UNCLEAR)]

    @property
    def assumed(self) -> list[Condition]:
        """Return the conditions the verdict did not check and takes as met."""
        return [f.condition for f in self.findings if f.outcome == ASSUMED]


def _expired(facts: Facts) -> bool | None:
    if facts.within_validity is False or (facts.months_to_expiry is not None and facts.months_to_expiry < 0):
        return True
    if facts.within_validity or facts.months_to_expiry is not None:
        return False
    return None


def _employer(facts: Facts) -> str:
    if facts.employer_region == "huzhou":
        return MET
    if facts.employer_region == "zhejiang":
        return UNCLEAR
    if facts.employer_region == "other_province" and facts.employer_trained_here is not None:
        return MET if facts.employer_trained_here else FAILS
    return OPEN


def _outcome(c: Condition, facts: Facts, variant: str | None) -> str:
    """Return what the facts say about one condition."""
    limit = c.value
    if c.check == "within_validity":
        expired = _expired(facts)
        return OPEN if expired is None else FAILS if expired else MET
    if c.check == "renew_window":
        if _expired(facts):
            return MOOT  # past expiry the window is beside the point: the validity condition says why
        if facts.months_to_expiry is None or limit is None:
            return OPEN
        return NOT_YET if facts.months_to_expiry > limit else MET
    if c.check == "max_age":
        if facts.age is None or limit is None:
            return OPEN
        whole = math.floor(facts.age)  # 周岁 count whole years
        return FAILS if whole > limit else UNCLEAR if whole == limit else MET
    if c.check == "max_specialties":
        if facts.specialties is None or limit is None:
            return OPEN
        return FAILS if facts.specialties >= limit else MET
    if c.check == "employer_scope":
        return _employer(facts)
    if c.check == "in_person":
        return OPEN if facts.proxy is None else FAILS if facts.proxy else MET
    if c.check == "no_other_registration":
        return OPEN if facts.other_registration is None else NOT_YET if facts.other_registration else MET
    if c.check == "correction_scope" and facts.correction_outside:
        return FAILS  # e.g. the specialty: the scope lists name, gender and ID number only
    if c.check == "correction_scope" and variant is not None:
        return MET  # the variants are exactly what may be corrected
    return ASSUMED  # no fact tells: has_certificate, reason, correction_scope without a variant


def implied_variant(proc: Procedure, facts: Facts) -> str | None:
    """Return the only material variant holding every material the person named, if exactly one does."""
    named = (facts.have or set()) | facts.missing
    if len(proc.variants) < 2 or not named:
        return None
    fits = [v.key for v in proc.variants if named <= {m.id for m in v.materials}]
    return fits[0] if len(fits) == 1 else None


def _first_materials(proc: Procedure, variant: str | None) -> tuple[Material, ...]:
    if variant is not None or len(proc.variants) < 2:
        return proc.materials(variant)
    return proc.all_materials()


def _confirmed(materials: tuple[Material, ...], facts: Facts) -> bool:
    return facts.all_ready or (facts.have is not None and {m.id for m in materials} <= facts.have)


def _findings(proc: Procedure, facts: Facts, variant: str | None) -> list[Finding]:
    """Return what the facts say about each condition; of alternatives, the best outcome stands for each."""
    findings = [Finding(c, _outcome(c, facts, variant),
                        outside=facts.correction_outside if c.check == "correction_scope" else None)
                for c in proc.conditions]
    groups: dict[str, list[str]] = {}
    for f in findings:
        if f.condition.one_of is not None:
            groups.setdefault(f.condition.one_of, []).append(f.outcome)
    rank = {outcome: i for i, outcome in enumerate(BEST_FIRST)}
    best = {key: min(outcomes, key=lambda o: rank.get(o, len(rank))) for key, outcomes in groups.items()}
    return [Finding(f.condition, best[f.condition.one_of], f.outside) if f.condition.one_of in best else f
            for f in findings]


def questions_for(proc: Procedure, facts: Facts, variant: str | None = None) -> list[Question]:
    """Return the deciding questions still open, in the order of the conditions, then variant and materials."""
    if not proc.visits:
        return []
    variant = variant or implied_variant(proc, facts)
    questions: list[Question] = []
    for f in _findings(proc, facts, variant):
        c = f.condition
        if f.outcome != OPEN or c.question is None:
            continue
        follow = c.check == "employer_scope" and facts.employer_region == "other_province"
        questions.append(Question("condition", c.follow_up if follow and c.follow_up else c.question))
    if variant is None and len(proc.variants) > 1:
        questions.append(Question("variant", options=tuple(v.name for v in proc.variants)))
    materials = _first_materials(proc, variant)
    if materials and not _confirmed(materials, facts) and not facts.missing:
        questions.append(Question("materials", options=tuple(m.text for m in materials)))
    return list(dict.fromkeys(questions))


def decide(proc: Procedure, facts: Facts, variant: str | None = None, *, final: bool = False) -> Verdict:
    """Decide the verdict for a procedure from the stated facts; ask while a deciding fact is open, unless final."""
    if not proc.visits:
        return Verdict("zero")
    variant = variant or implied_variant(proc, facts)
    findings = _findings(proc, facts, variant)
    if final:
        findings = [Finding(f.condition, ASSUMED) if f.outcome == OPEN else f for f in findings]
    materials = _first_materials(proc, variant)
    outcomes = {f.outcome for f in findings}
    missing = [m for m in materials if m.id in facts.missing]
    questions = [] if final else questions_for(proc, facts, variant)
    if FAILS in outcomes:
        kind = "cannot"
    elif UNCLEAR in outcomes:
        kind = "unclear"
    elif NOT_YET in outcomes or missing:
        kind = "not_yet"
    elif questions:
        kind = "ask"
    else:  # the whole path counts: a final step that starts another procedure adds its visits
        kind = "one" if proc.path_trips[0] == 1 else "two_visits"
    return Verdict(kind, findings, missing, list(materials), questions, proc.visits, variant,
                   _confirmed(materials, facts))

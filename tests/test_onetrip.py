"""The one-trip verdict: visits as the seed gives them, each condition checked or named as assumed."""

from __future__ import annotations

import pytest

from bot.knowledge.base import default_knowledge
from bot.knowledge.lexicon import EMPLOYER_REGIONS
from bot.rules.onetrip import ASSUMED, FAILS, MOOT, NOT_YET, UNCLEAR, Facts, Question, decide, questions_for

KB = default_knowledge()
CODES = sorted(KB.procedures)
WITH_VISITS = [c for c in CODES if KB.procedures[c].visits]
NATIONAL_TWO = ["N-INITIAL", "N-RENEW", "N-LOST", "N-TRANSFER", "N-ADD-SPECIALTY", "N-COMPANY-RENAME"]
GOOD = dict(age=40, within_validity=True, months_to_expiry=1, specialties=1, proxy=False, other_registration=False,
            employer_region="huzhou", all_ready=True)
FAILING = {  # a fact that fails each check, and the verdict it gives
    "within_validity": ({"within_validity": False}, "cannot"),
    "max_age": ({"age": 70}, "cannot"),
    "renew_window": ({"months_to_expiry": 5}, "not_yet"),
    "max_specialties": ({"specialties": 2}, "cannot"),
    "in_person": ({"proxy": True}, "cannot"),
    "no_other_registration": ({"other_registration": True}, "not_yet"),
    "employer_scope": ({"employer_region": "other_province", "employer_trained_here": False}, "cannot"),
}


def good(**changes: object) -> Facts:
    return Facts(**{**GOOD, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize("code", CODES)
def test_complete_case_takes_the_visits_the_seed_gives(code):
    proc = KB.procedures[code]
    verdict = decide(proc, good(), proc.variants[0].key if len(proc.variants) > 1 else None)
    assert verdict.kind == {0: "zero", 1: "one"}.get(proc.path_trips[0], "two_visits")
    assert verdict.visits == proc.visits
    if proc.visits:
        assert [m.id for m in verdict.bring] == [m.id for m in proc.variants[0].materials]


@pytest.mark.parametrize("code", NATIONAL_TWO)
def test_two_visit_national_procedures_are_never_one_trip(code):
    verdict = decide(KB.procedures[code], good(), final=True)
    assert verdict.kind == "two_visits" and [v.step for v in verdict.visits] == [2, 3]


@pytest.mark.parametrize("code", CODES)
def test_each_failing_condition_is_named(code):
    proc = KB.procedures[code]
    for condition in proc.conditions:
        if condition.check not in FAILING:
            continue
        change, kind = FAILING[condition.check]
        verdict = decide(proc, good(**change), final=True)
        assert verdict.kind == kind, (code, condition.check)
        assert condition in [f.condition for f in verdict.reasons], (code, condition.check)


@pytest.mark.parametrize(("age", "kind"), [(64, "one"), (64.9, "one"), (65, "unclear"), (65.5, "unclear"), (66, "cannot")])
def test_the_documents_are_silent_on_exactly_65(age, kind):
    verdict = decide(KB.procedures["H-RENEW"], good(age=age))
    assert verdict.kind == kind
    if kind == "unclear":
        assert [f.outcome for f in verdict.reasons] == [UNCLEAR]


@pytest.mark.parametrize(("region", "trained", "kind"), [
    ("huzhou", None, "one"), ("zhejiang", None, "unclear"), ("zhejiang", True, "unclear"),
    ("other_province", True, "one"), ("other_province", False, "cannot"), ("other_province", None, "ask"),
    (None, None, "ask"),
])
@pytest.mark.parametrize("code", ["P-CHANGE-EMPLOYER", "P-CHANGE-COMPANY-NAME"])
def test_employer_condition_is_checked(code, region, trained, kind):
    verdict = decide(KB.procedures[code], good(employer_region=region, employer_trained_here=trained))
    assert verdict.kind == kind


def test_every_employer_region_is_decided():
    proc = KB.procedures["P-CHANGE-EMPLOYER"]
    kinds = {region: decide(proc, good(employer_region=region, employer_trained_here=True)).kind
             for region in EMPLOYER_REGIONS}
    assert kinds == {"huzhou": "one", "zhejiang": "unclear", "other_province": "one"}


def test_employer_question_then_its_follow_up():
    proc = KB.procedures["P-CHANGE-EMPLOYER"]
    scope = proc.condition("employer_scope")
    assert Question("condition", scope.question) in questions_for(proc, good(employer_region=None))
    assert Question("condition", scope.follow_up) in questions_for(proc, good(employer_region="other_province"))
    assert not questions_for(proc, good())


@pytest.mark.parametrize("code", WITH_VISITS)
def test_unchecked_conditions_are_named_as_assumed(code):
    proc = KB.procedures[code]
    verdict = decide(proc, Facts(), final=True)
    checked_by_facts = {"within_validity", "max_age", "renew_window", "max_specialties", "employer_scope", "in_person",
                        "no_other_registration"}
    assert verdict.assumed == list(proc.conditions)  # nothing said: every condition is assumed
    assert not verdict.materials_confirmed
    verdict = decide(proc, good(), final=True)
    assert verdict.assumed == [c for c in proc.conditions if c.check not in checked_by_facts]


def test_correction_scope_is_met_by_the_variant_asked():
    proc = KB.procedures["P-CORRECT"]
    assert proc.condition("correction_scope") in decide(proc, good(), final=True).assumed
    assert proc.condition("correction_scope") not in decide(proc, good(), "id_number", final=True).assumed


@pytest.mark.parametrize("code", WITH_VISITS)
def test_missing_material_means_not_yet(code):
    proc = KB.procedures[code]
    first = proc.materials()[0]
    verdict = decide(proc, good(all_ready=False, missing={first.id}))
    assert verdict.kind == "not_yet" and verdict.missing == [first]


@pytest.mark.parametrize("code", WITH_VISITS)
def test_open_facts_are_asked_until_final(code):
    proc = KB.procedures[code]
    assert decide(proc, Facts()).kind == "ask"
    assert decide(proc, Facts(), final=True).kind in ("one", "two_visits")


def test_the_deciding_questions_in_order():
    checks = KB.checks
    renew = questions_for(KB.procedures["H-RENEW"], Facts())
    assert [q.text for q in renew[:3]] == [checks[c].question for c in ("within_validity", "max_age", "renew_window")]
    assert renew[3] == Question("materials", options=tuple(m.text for m in KB.procedures["H-RENEW"].materials()))
    assert len(renew) == 4
    assert questions_for(KB.procedures["N-CANCEL"], Facts(all_ready=True)) == []
    in_person = Question("condition", checks["in_person"].question)
    assert questions_for(KB.procedures["P-CANCEL"], Facts(all_ready=True)) == [in_person]
    assert questions_for(KB.procedures["H-RENEW"], good(age=None)) == [Question("condition", checks["max_age"].question)]
    assert questions_for(KB.procedures["P-RENEW"], Facts()) == []
    partly = questions_for(KB.procedures["H-RENEW"], good(all_ready=False, have={"renew_summary"}))
    assert partly == [Question("materials", options=("监理工程师延续汇总表（附件六）", "《监理工程师培训合格证》原件"))]


def test_variant_is_asked_and_implied_by_the_materials_named():
    proc = KB.procedures["P-CORRECT"]
    assert Question("variant", options=("姓名、性别勘误", "身份证号勘误")) in questions_for(proc, good())
    verdict = decide(proc, good(all_ready=False, have={"correct_form", "id_copy"}, missing={"police_proof"}))
    assert verdict.variant == "id_number" and [m.id for m in verdict.missing] == ["police_proof"]


@pytest.mark.parametrize(("months", "outcome"), [(3, None), (3.5, NOT_YET), (-1, FAILS)])
def test_renewal_window_and_expiry(months, outcome):
    verdict = decide(KB.procedures["N-RENEW"], good(within_validity=None, months_to_expiry=months))
    assert [f.outcome for f in verdict.reasons] == ([outcome] if outcome else [])


def test_zero_visits_whatever_is_said():
    assert decide(KB.procedures["P-RENEW"], Facts(within_validity=False, proxy=True)).kind == "zero"


def test_final_turns_open_conditions_into_assumptions():
    proc = KB.procedures["H-RENEW"]
    verdict = decide(proc, Facts(all_ready=True), final=True)
    assert {f.outcome for f in verdict.findings} == {ASSUMED} and not verdict.questions


def test_an_expired_certificate_is_not_also_assumed_within_the_renewal_window():
    """Issue 18.16: "不符合：证书在有效期内" then "假定您符合：到期前三个月内" contradicted itself."""
    for code in ("H-RENEW", "N-RENEW"):
        proc = KB.procedures[code]
        for facts in (Facts(within_validity=False, age=50), Facts(months_to_expiry=-2, age=50)):
            verdict = decide(proc, facts, final=True)
            window = next(f for f in verdict.findings if f.condition.check == "renew_window")
            assert verdict.kind == "cannot" and window.outcome == MOOT
            assert window.condition not in verdict.assumed and window not in verdict.reasons


def test_alternatives_are_one_condition_met_by_either():
    """Issue 18.14: 注销's two reasons are alternatives (离开监理行业 … or 其他原因)."""
    proc = KB.procedures["P-CANCEL"]
    reasons = [c for c in proc.conditions if c.one_of]
    assert [c.text for c in reasons] == ["离开监理行业，不再从事监理工作", "其他原因申请注销的"]
    verdict = decide(proc, Facts(proxy=False, all_ready=True), final=True)
    assert verdict.kind == "one" and {f.outcome for f in verdict.findings if f.condition.one_of} == {ASSUMED}


def test_a_final_step_that_starts_another_procedure_counts_its_visits():
    """Issue 18.13: 身份证、姓名等其他变更 is one visit, then a 遗失补办 of one or two more."""
    proc = KB.procedures["N-PERSONAL-CHANGE"]
    assert proc.trips == 1 and proc.path_trips == (2, 3)
    assert decide(proc, good(), final=True).kind == "two_visits"


def test_a_rename_is_not_asked_about_a_new_employer():
    """Issue 18.15: a company rename has no new employer; its question names the renamed company."""
    scope = KB.procedures["P-CHANGE-COMPANY-NAME"].condition("employer_scope")
    assert "新聘用单位" not in scope.question and "更名" in scope.question
    assert scope.text == KB.procedures["P-CHANGE-EMPLOYER"].condition("employer_scope").text

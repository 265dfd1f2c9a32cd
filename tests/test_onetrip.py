"""The one-trip verdict for every procedure, and the facts read from a message."""

from __future__ import annotations

import pytest

from bot.knowledge.base import default_knowledge
from bot.rules.onetrip import Facts, decide, questions_for, read_facts

CODES = sorted(default_knowledge().procedures)
GOOD = Facts(age=40, within_validity=True, months_to_expiry=1, specialties=1, proxy=False,
             other_registration=False, all_ready=True, have=None)


@pytest.mark.parametrize("code", CODES)
def test_complete_case_takes_the_trips_the_seed_gives(kb, code):
    proc = kb.procedures[code]
    facts = Facts(**{**vars(GOOD), "have": {m.id for m in proc.materials()}})
    verdict = decide(proc, facts)
    assert verdict.kind == ("zero" if proc.trips == 0 else "one")
    assert proc.trips_text in verdict.reasons
    assert [m.id for m in verdict.bring] == [m.id for m in proc.materials()]


@pytest.mark.parametrize("code", CODES)
def test_each_failing_condition_is_named(kb, code):
    proc = kb.procedures[code]
    failing = {
        "within_validity": {"within_validity": False},
        "max_age": {"age": 70},
        "renew_window": {"months_to_expiry": 5},
        "max_specialties": {"specialties": 2},
        "in_person": {"proxy": True},
        "no_other_registration": {"other_registration": True},
    }
    for condition in proc.conditions:
        if condition.check not in failing:
            continue
        verdict = decide(proc, Facts(**{**vars(GOOD), **failing[condition.check]}))
        assert verdict.kind in ("cannot", "not_yet"), (code, condition.check)
        assert any(condition.text in r for r in verdict.reasons), (code, condition.check)


@pytest.mark.parametrize("code", [c for c in CODES if default_knowledge().procedures[c].trips])
def test_missing_material_means_not_yet(kb, code):
    proc = kb.procedures[code]
    first = proc.materials()[0]
    verdict = decide(proc, Facts(**{**vars(GOOD), "missing": {first.id}}))
    assert verdict.kind == "not_yet" and verdict.missing == [first]


@pytest.mark.parametrize("code", [c for c in CODES if default_knowledge().procedures[c].trips])
def test_open_facts_are_asked(kb, code):
    proc = kb.procedures[code]
    verdict = decide(proc, Facts())
    assert verdict.kind == "ask" and verdict.questions == questions_for(proc, Facts())


def test_reads_facts_from_one_message(kb):
    proc = kb.procedures["P-CORRECT"]
    facts = read_facts("身份证号要勘误，我只带了勘误申请表和身份证复印件，证书还在有效期内", proc.materials("id_number"))
    assert facts.have == {"correct_form", "id_copy"} and facts.missing == {"police_proof"}
    assert facts.within_validity is True


@pytest.mark.parametrize(("text", "field", "value"), [
    ("我今年67岁", "age", 67),
    ("我六十五周岁", "age", 65),
    ("还有五个月才到期", "months_to_expiry", 5),
    ("证书下个月到期", "months_to_expiry", 1),
    ("已经过了有效期", "within_validity", False),
    ("证书上已经有两个专业了", "specialties", 2),
    ("想让同事帮我去办", "proxy", True),
    ("我本人去", "proxy", False),
    ("我还有一个其他专业的注册证书在别的企业", "other_registration", True),
    ("没有其他注册证书", "other_registration", False),
])
def test_fact_words(text, field, value):
    assert getattr(read_facts(text, ()), field) == value


def test_missing_material_in_its_clause(kb):
    proc = kb.procedures["H-CHANGE-EMPLOYER"]
    facts = read_facts("劳动合同带了，解除劳动合同的证明还没拿到", proc.materials())
    assert facts.missing == {"termination_proof"} and "new_contract" in facts.have

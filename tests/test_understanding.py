"""Questions in our own words reach the right procedure, aspect and reply."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.dialogue.questions import QuestionAnswerer
from bot.dialogue.understanding import Context, ordinal

CASES = yaml.safe_load((Path(__file__).parent / "data" / "routing.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def qa(kb, understanding):
    return QuestionAnswerer(kb, understanding)


@pytest.mark.parametrize("case", CASES, ids=[c["q"] for c in CASES])
def test_routing(qa, kb, case):
    step = qa.step(case["q"], Context())
    d = step.decision
    assert d.kind == case["kind"]
    if "codes" in case:
        assert sorted(d.codes) == sorted(case["codes"])
    if "aspect" in case:
        assert d.aspect == case["aspect"]
    if "variant" in case:
        assert d.variant == case["variant"]
    if "key" in case:
        assert d.key == case["key"]
    text = step.replies[0].text
    if d.kind == "answer" and d.aspect == "materials":
        proc = kb.procedures[d.codes[0]]
        assert all(m.text in text for m in proc.materials(d.variant))
    if d.kind == "contact":
        assert all(p in text for p in kb.contacts[d.key].phones)


def test_every_procedure_is_answered_by_its_title(qa, kb):
    for proc in kb.procedures.values():
        step = qa.step(f"{proc.title}需要哪些材料", Context())
        assert proc.code in step.decision.codes, proc.code
        assert step.decision.aspect == "materials"
        text = step.replies[0].text
        assert all(m.text in text for v in proc.variants for m in v.materials) or step.decision.variant


def test_broad_question_gets_the_whole_guide(qa, kb):
    step = qa.step("湖州市监理工程师培训合格证增加专业怎么办理", Context())
    proc = kb.procedures["H-ADD-SPECIALTY"]
    text = step.replies[0].text
    assert step.decision.aspect == "guide"
    for part in (proc.summary, proc.steps[0], proc.printing.text, proc.conditions[-1].text):
        assert part in text
    assert all(m.text in text for m in proc.materials())


def test_narrow_question_gets_only_that_aspect(qa, kb):
    text = qa.step("湖州市监理工程师培训合格证增加专业要多久", Context()).replies[0].text
    proc = kb.procedures["H-ADD-SPECIALTY"]
    assert proc.printing.text in text
    assert not any(m.text in text for m in proc.materials())


def test_follow_ups_keep_the_procedure(qa, kb):
    first = qa.step("湖州市监理工程师培训合格证丢了要带什么", Context())
    assert first.decision.codes[0] == "H-REISSUE"
    then = qa.step("那要多久？", first.context)
    assert then.decision.codes[0] == "H-REISSUE" and then.decision.aspect == "time"
    assert kb.procedures["H-REISSUE"].printing.text in then.replies[0].text
    cancel = qa.step("那注销呢？", then.context)
    assert cancel.decision.certificate == "H" and cancel.decision.matter == "cancel"


def test_clarify_then_pick_by_number(qa, kb):
    ask = qa.step("证书丢了怎么补办", Context())
    assert ask.decision.kind == "clarify"
    assert [b["payload"] for b in ask.replies[0].buttons] == [kb.certificates["P"].name, kb.certificates["N"].name]
    pick = qa.step("第二个", ask.context)
    assert pick.decision.codes == ["N-LOST", "N-REISSUE-WITH-ORIGINAL"]
    text = pick.replies[0].text
    assert "第4项" in text and "第9项" in text


def test_clarify_then_name_the_certificate(qa):
    ask = qa.step("增加专业要带什么", Context())
    assert ask.decision.kind == "clarify"
    answer = qa.step("湖州市监理工程师培训合格证", ask.context)
    assert answer.decision.codes == ["H-ADD-SPECIALTY"] and answer.decision.aspect == "materials"


def test_contradiction_is_said(qa, kb):
    text = qa.step("国家注册证书遗失了需要什么材料", Context()).replies[0].text
    for code in ("N-LOST", "N-REISSUE-WITH-ORIGINAL"):
        assert all(m.text in text for m in kb.procedures[code].materials())


def test_national_time_says_no_working_days(qa, kb):
    text = qa.step("国家注册监理工程师转注册要几个工作日", Context()).replies[0].text
    assert kb.procedures["N-TRANSFER"].time.text[0] in text


def test_out_of_scope_gives_phone_and_no_procedure(qa, kb):
    step = qa.step("一级建造师延续注册要什么材料", Context())
    assert step.decision.kind == "out_of_scope"
    text = step.replies[0].text
    assert kb.contacts["huzhou_association"].phones[0] in text
    assert not any(m.text in text for p in kb.procedures.values() for m in p.materials())


def test_traditional_characters(qa):
    step = qa.step("湖州市監理工程師培訓合格證增加專業要帶什麼", Context())
    assert step.decision.codes == ["H-ADD-SPECIALTY"]


@pytest.mark.parametrize(("text", "number"), [("第二个", 2), ("2", 2), ("选1", 1), ("第三项", 3), ("一", 1)])
def test_ordinal(text, number):
    assert ordinal(text) == number


def test_no_ordinal_in_a_question():
    assert ordinal("第二个证书丢了怎么办") is None

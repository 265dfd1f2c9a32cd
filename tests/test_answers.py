"""Issue 9, point by point: what people are told matches the documents."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from bot.answers.render import COMPLETE, Answers
from bot.applications.store import ApplicationRecord
from bot.knowledge.base import default_knowledge
from bot.rules.onetrip import Facts, decide
from tests.conftest import ROOT

KB = default_knowledge()
NATIONAL_TWO = ["N-INITIAL", "N-RENEW", "N-LOST", "N-TRANSFER", "N-ADD-SPECIALTY", "N-COMPANY-RENAME"]
READY = Facts(age=40, within_validity=True, months_to_expiry=1, specialties=1, proxy=False, other_registration=False,
              employer_region="huzhou", all_ready=True)


@pytest.fixture(scope="module")
def answers() -> Answers:
    return Answers(KB)


def verdict_text(answers: Answers, code: str, facts: Facts, variant: str | None = None, final: bool = False) -> str:
    proc = KB.procedures[code]
    return answers.verdict(proc, decide(proc, facts, variant, final=final)).text()


def record(code: str, status: str, accepted: date | None, **kw: object) -> ApplicationRecord:
    fields = dict(application_no="T1", id_masked="330*************12", name="张伟", phone="", procedure_code=code,
                  status=status, submitted_date=date(2026, 11, 16), accepted_date=accepted, completed_date=None,
                  missing_materials=(), note="")
    return ApplicationRecord(**{**fields, **kw})  # type: ignore[arg-type]


# 1. Two-visit procedures are never called one trip -----------------------------------------------------------
@pytest.mark.parametrize("code", NATIONAL_TWO)
def test_two_visit_procedures_say_both_visits_and_who_may_make_them(answers, code):
    proc = KB.procedures[code]
    for facts in (READY, Facts(all_ready=True, missing={proc.materials()[0].id})):
        text = verdict_text(answers, code, facts, final=True)
        assert "可以“最多跑一次”" not in text and "仍属" not in text and "条件时：跑一次" not in text
        assert KB.policies["one_trip_definition"].outside_note in text
    text = verdict_text(answers, code, READY, final=True)
    assert "两次" in text and all(proc.step_text(v) in text for v in proc.visits)
    assert "本人或企业代办人员" in text and "（文件没有写明由谁前往）" in text


def test_association_procedures_are_one_trip_and_say_so(answers):
    text = verdict_text(answers, "H-ADD-SPECIALTY", READY, final=True)
    assert text.count("可以“最多跑一次”") == 1 and "两次" not in text


# 2. Exactly 65 -------------------------------------------------------------------------------------------------
def test_exactly_65_says_the_document_is_silent_and_gives_the_phone(answers):
    text = verdict_text(answers, "H-RENEW", Facts(age=65, within_validity=True, months_to_expiry=1, all_ready=True))
    assert KB.note_on("H-RENEW", "max_age").text in text
    assert KB.contacts["huzhou_association"].phones[0] in text
    for word in ("不符合", "不能", "补齐", "无法办成"):
        assert word not in text


# 3. "不算多跑" only where it applies ----------------------------------------------------------------------------
def test_not_extra_trip_quotes_definition_and_exceptions_when_the_case_is_unknown(answers):
    policy = KB.policies["not_extra_trip"]
    answer = answers.policy("not_extra_trip")
    text = answer.text()
    assert KB.policies["one_trip_definition"].text in text and policy.text in text
    assert all(c.name in text for c in policy.exceptions)
    assert not answer.sections[0].text.startswith("不算多跑")


@pytest.mark.parametrize("case", [c.key for c in KB.policies["not_extra_trip"].exceptions])
def test_a_listed_exception_does_not_count(answers, case):
    verdict = answers.policy("not_extra_trip", case).sections[0]
    assert verdict.kind == "verdict" and "不算多跑" in verdict.text


def test_complete_materials_sent_back_are_not_told_it_does_not_count(answers):
    answer = answers.policy("not_extra_trip", COMPLETE)
    verdict = answer.sections[0]
    assert "不算多跑" not in verdict.text.replace("不算多跑的情况", "") and "不属于" in verdict.text
    assert KB.contacts["huzhou_association"].phones[0] in answer.text()


# 4. Proxy lines only where the document has them ---------------------------------------------------------------
@pytest.mark.parametrize("code", ["N-CANCEL", "N-REISSUE-WITH-ORIGINAL", "N-PERSONAL-CHANGE"])
def test_no_collection_proxy_line_where_there_is_no_collection(answers, code):
    text = answers.procedure([code], ["proxy"]).text()
    assert "本人或企业代办人员" not in text and "领取或贴条" not in text and "文件没有写明由谁前往" in text


def test_renewal_proxy_line_brings_the_certificate(answers):
    text = answers.procedure(["N-RENEW"], ["proxy"]).text()
    assert "贴条：可以由本人或企业代办人员办理，携带单位介绍信、注册证书原件。" in text


def test_cancellation_cannot_be_done_by_others(answers):
    text = answers.procedure(["P-CANCEL"], ["proxy"]).text()
    assert "只能由证书持有人办理" in text and KB.procedures["P-CANCEL"].condition("in_person").text in text


# 5. Working days counted right, and the data fields as the text says -------------------------------------------
@pytest.mark.parametrize("code", ["P-REISSUE", "H-REISSUE", "P-CORRECT"])
def test_status_counts_review_and_printing_separately(answers, code):
    text = answers.status_report([record(code, "审核中", date(2026, 11, 17))], "330*************12",
                                 today=date(2026, 11, 21)).text()
    review = "预计系统审核：2026-11-26（文件只写了7个工作日内完成，没有写明从哪天起算；此日期从受理日起算，仅供参考）"
    assert review in text  # the seed: "于七个工作日内完成系统审核", no start day
    assert "预计办结：2026-12-01（证书打印，受理日起10个工作日内）" in text  # the seed: "受理成功十个工作日完成打印"


def test_qr_check_days_are_not_counted_from_a_day_the_document_does_not_give(answers):
    text = answers.status_report([record("P-CHANGE-EMPLOYER", "审核中", date(2026, 11, 17))], "x",
                                 today=date(2026, 11, 21)).text()
    assert "预计办结：2026-11-24（系统审核，文件只写了5个工作日内完成，没有写明从哪天起算；此日期从受理日起算" in text
    assert "扫描二维码查询变更信息：7个工作日后（文件没有写明从哪天起算）" in text


def test_overdue_application_says_so_with_the_phone(answers):
    text = answers.status_report([record("P-CANCEL", "审核中", date(2026, 10, 1))], "x", today=date(2026, 11, 21)).text()
    assert "已超过预计日期" in text and KB.contacts["huzhou_association"].phones[0] in text


def test_national_status_gives_no_date(answers):
    text = answers.status_report([record("N-TRANSFER", "已受理", date(2026, 11, 19))], "x", today=date(2026, 11, 21)).text()
    assert KB.procedures["N-TRANSFER"].time.text[0] in text and "工作日" not in text.replace("以工作日计", "")


def test_supplement_says_it_does_not_count_only_for_association_procedures(answers):
    missing = ("专业监理工程师培训合格证证书补办申请表（附件三）",)
    association = answers.status_report([record("H-REISSUE", "需补正", None, missing_materials=missing)], "x",
                                        today=date(2026, 11, 21)).text()
    national = answers.status_report([record("N-TRANSFER", "需补正", None, missing_materials=("解聘证明",))], "x",
                                     today=date(2026, 11, 21)).text()
    assert KB.policies["not_extra_trip"].text in association and missing[0] in association
    assert "不算多跑" not in national


def test_materials_carry_what_the_document_says(answers):
    answer = answers.procedure(["H-CHANGE-EMPLOYER"], ["materials"])
    items = {i.text: i for s in answer.sections if s.kind == "materials" for i in s.items}
    assert items["与新聘用单位签订的劳动合同"].provide is None
    assert items["近三个月内的社会保险缴纳清单复印件（需核对原件）"].returned is None
    assert all(i.checkable for i in items.values())
    police = answers.procedure(["P-CORRECT"], ["materials"], "id_number")
    assert next(i for s in police.sections for i in s.items if "派出所" in i.text).provide is None


# 6. Notes said where they apply ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("code", "aspect", "note"), [
    ("P-CANCEL", "time", "review_wording_copied"), ("H-REISSUE", "time", "review_wording_copied"),
    ("H-CANCEL", "time", "review_wording_copied"), ("N-COMPANY-RENAME", "collection", "stamp_names"),
    ("P-CHANGE-COMPANY-NAME", "conditions", "employer_in_province"),
    ("P-CHANGE-COMPANY-NAME", "time", "review_and_qr_days"), ("H-RENEW", "conditions", "renew_certificate_names"),
])
def test_notes_are_said(answers, code, aspect, note):
    text = next(n.text for n in KB.notes if n.key == note)
    assert answers.procedure([code], [aspect]).text().count(text) == 1


def test_a_note_is_said_once(answers):
    text = answers.procedure(["H-RENEW"], ["conditions", "time", "process"]).text()
    assert text.count("没有说明刚满65周岁是否还符合") == 1


# 7. Conditions the verdict does not check are named --------------------------------------------------------------
def test_employer_elsewhere_in_zhejiang_is_unclear_with_the_note(answers):
    text = verdict_text(answers, "P-CHANGE-EMPLOYER", Facts(within_validity=True, employer_region="zhejiang",
                                                             all_ready=True))
    assert KB.note_on("P-CHANGE-EMPLOYER", "employer_scope").text in text and "可以“最多跑一次”" not in text


@pytest.mark.parametrize(("code", "variant", "assumed"), [
    ("P-CHANGE-EMPLOYER", None, ["has_certificate", "employer_scope"]),
    ("P-CORRECT", None, ["has_certificate", "correction_scope"]),
    ("P-CANCEL", None, ["reason"]),  # the two reasons are alternatives: one line
    ("H-CHANGE-EMPLOYER", None, ["has_certificate", "reason"]),
])
def test_unchecked_conditions_are_listed_as_assumed(answers, code, variant, assumed):
    proc = KB.procedures[code]
    facts = Facts(within_validity=True, proxy=False, all_ready=True)
    answer = answers.verdict(proc, decide(proc, facts, variant, final=True))
    listed = [i.text for s in answer.sections if s.kind == "assumptions" for i in s.items]
    assert answer.verdict == "one"
    expected = answers.parts.condition_lines([c for c in proc.conditions if c.check in assumed])
    assert listed == expected and all(c.text in "".join(listed) for c in proc.conditions if c.check in assumed)


def test_employer_is_asked(answers):
    text = verdict_text(answers, "P-CHANGE-EMPLOYER", Facts(within_validity=True, all_ready=True))
    assert KB.procedures["P-CHANGE-EMPLOYER"].condition("employer_scope").question in text


# 8. Review phones in national verdicts ----------------------------------------------------------------------------
@pytest.mark.parametrize("facts", [Facts(within_validity=False), Facts(months_to_expiry=5, within_validity=True)])
def test_national_cannot_and_not_yet_give_the_review_phones(answers, facts):
    proc = KB.procedures["N-RENEW"]
    answer = answers.verdict(proc, decide(proc, facts, final=True))
    assert answer.verdict in ("cannot", "not_yet")
    for number in KB.contacts["registration_review"].phones:
        assert number in answer.text() and number in [p.number for p in answer.phones]


# 9. No facts written in code -----------------------------------------------------------------------------------------
def fact_strings() -> set[str]:
    """Return the knowledge base's fact texts: names, phones, addresses, titles, materials, steps."""
    facts = {"第4项", "第9项", "领取或贴条", "专业监理工程师", "监理工程师培训合格证", "一寸照", "单位介绍信"}
    facts |= {c.name for c in KB.certificates.values()} | {c.short for c in KB.certificates.values()}
    for c in KB.contacts.values():
        facts |= {c.name, *c.phones, *([c.address] if c.address else [])}
    for f in KB.forms.values():
        facts |= {f.title, *f.names_in_text}
    for p in KB.procedures.values():
        facts |= {p.title, *p.steps, *(m.text for m in p.all_materials())}
    return facts


@pytest.mark.parametrize("path", sorted((ROOT / "bot" / "answers").glob("*.py")) + sorted((ROOT / "bot" / "rules").glob("*.py")),
                         ids=lambda p: p.name)
def test_no_fact_is_written_in_code(path: Path):
    literals = [n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    facts = fact_strings()
    for literal in literals:
        assert not [f for f in facts if f in literal], (path.name, literal)

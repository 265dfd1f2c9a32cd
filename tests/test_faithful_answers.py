"""Issue 18, point by point: every answer says what the documents say, and nothing they don't.

Points 1, 2, 4, 10 and the check itself are also covered for every procedure by tests/test_render_all.py and
tests/test_checklist.py; here each point is shown on the answers a person gets.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.answers.render import Answers
from bot.applications.store import ApplicationRecord
from bot.knowledge.base import default_knowledge
from bot.rules.onetrip import Facts, decide

KB = default_knowledge()
ANSWERS = Answers(KB)
READY = Facts(age=40, within_validity=True, months_to_expiry=1, specialties=1, proxy=False, other_registration=False,
              employer_region="huzhou", all_ready=True)
WITH_VISITS = sorted(code for code, p in KB.procedures.items() if p.visits)


def verdict(code: str, facts: Facts = READY, variant: str | None = None, aspects: tuple[str, ...] = (),
            final: bool = True):
    proc = KB.procedures[code]
    return ANSWERS.verdict(proc, decide(proc, facts, variant, final=final), aspects)


def status(code: str, accepted: date | None) -> str:
    record = ApplicationRecord("T1", "330*************12", "张伟", "", code, "审核中", date(2026, 11, 16), accepted, None,
                               (), "")
    return ANSWERS.status_report([record], "330*************12", today=date(2026, 11, 18)).text()


# 3. A damaged national certificate ----------------------------------------------------------------------------------
@pytest.mark.parametrize("aspects", [[], ["materials"], ["time"]])
def test_a_damaged_national_certificate_is_said_to_be_outside_the_documents(aspects):
    answer = ANSWERS.procedure(["N-LOST", "N-REISSUE-WITH-ORIGINAL"], aspects, "damaged")
    note = next(n for n in KB.notes if n.key == "national_damaged")
    assert answer.sections[0].text == note.text and "证书原件" in note.text  # first, and item 9 asks for the original
    assert "损坏" not in answer.title and "补证（遗失或损坏）" not in answer.text()
    assert all(KB.procedures[c].title in answer.text() for c in ("N-LOST", "N-REISSUE-WITH-ORIGINAL"))
    review = KB.contacts["registration_review"].phones
    assert all(n in answer.text() for n in review) and {p.number for p in answer.phones} >= set(review)
    lost = ANSWERS.procedure(["N-LOST", "N-REISSUE-WITH-ORIGINAL"], aspects, "lost").text()
    assert note.text not in lost  # a lost certificate is what the documents describe


# 5. Review deadlines have no start day in the documents ---------------------------------------------------------------
@pytest.mark.parametrize("code", ["P-CHANGE-EMPLOYER", "P-REISSUE", "P-CANCEL", "H-CANCEL"])
def test_review_dates_say_the_documents_do_not_fix_the_start(code):
    review = next(d for d in KB.procedures[code].deadlines if d.name == "系统审核")
    assert not review.from_acceptance and review.estimated
    for accepted in (date(2026, 11, 17), None):
        line = next(x for x in status(code, accepted).splitlines() if "系统审核" in x)
        assert "没有写明从哪天起算" in line and f"{review.working_days}个工作日内" in line
        assert "受理日起" not in line.split("；")[0]


def test_printing_counted_from_acceptance_as_the_seed_says():
    line = next(x for x in status("P-REISSUE", date(2026, 11, 17)).splitlines() if "证书打印" in x)
    assert "受理日起10个工作日内" in line and "没有写明" not in line
    renew = status("H-RENEW", date(2026, 11, 17))
    assert KB.procedures["H-RENEW"].printing.text in renew and "受理当日" not in renew and "0个工作日" not in renew


# 6. The paper 情况说明 of item 9 -----------------------------------------------------------------------------------------
def test_the_signature_wording_belongs_to_the_upload_of_item_9():
    proc = KB.procedures["N-REISSUE-WITH-ORIGINAL"]
    statement = next(m for m in proc.all_materials() if m.id == "statement")
    assert "签字" not in statement.text and "盖章" not in statement.text
    assert "本人签字和单位盖章" in proc.uploads
    materials = ANSWERS.procedure([proc.code], ["materials"])
    assert "情况说明本人签字和单位盖章" in next(s.text for s in materials.sections if s.kind == "uploads")


# 7. The 2018 notice with the registration materials ------------------------------------------------------------------
@pytest.mark.parametrize("code", ["N-INITIAL", "N-TRANSFER", "N-RENEW"])
def test_the_2018_notice_is_said_with_the_materials(code):
    notice = KB.policies["social_insurance_2018"]
    assert notice.text in ANSWERS.procedure([code], ["materials"]).text()
    assert notice.text in ANSWERS.procedure([code], []).text()
    assert notice.text in verdict(code).text()
    assert notice.text not in ANSWERS.procedure(["N-CANCEL"], ["materials"]).text()


# 8. Who signs and stamps each form ---------------------------------------------------------------------------------
@pytest.mark.parametrize("code", sorted(c for c, p in KB.procedures.items() if any(m.form for m in p.all_materials())))
def test_each_form_says_beside_it_who_signs_and_stamps_it(code):
    proc = KB.procedures[code]
    for answer in (ANSWERS.procedure([code], ["materials"]), verdict(code), ANSWERS.procedure([code], ["forms"])):
        items = [i for s in answer.sections for i in s.items if i.form]
        assert items, code
        for item in items:
            assert all(sign in item.text for sign in KB.forms[item.form].handed_in_with), (code, item.text)
    assert any("本人签字" in i.text for s in verdict(code).sections for i in s.items) == any(
        "本人签字" in KB.forms[m.form].handed_in_with for m in proc.all_materials() if m.form)


# 9. 注销 cannot be undone: said first ------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["P-CANCEL", "H-CANCEL"])
def test_cancellation_says_first_it_cannot_be_undone(code):
    warning = KB.procedures[code].warning
    assert warning == "证书注销后无法重新登记证书"
    for facts, final in ((READY, True), (Facts(proxy=True), True), (Facts(), False)):
        answer = verdict(code, facts, final=final)
        assert answer.sections[0].kind == "verdict" and warning in answer.sections[1].text, answer.verdict
    for aspects in ([], ["materials"], ["time"], ["proxy"]):
        answer = ANSWERS.procedure([code], aspects)
        assert warning in next(s.text for s in answer.sections if s.kind == "notes"), aspects
    assert "无法重新登记" not in verdict("N-CANCEL").text()  # the national text does not say it


# 11. National answers start at step (1) --------------------------------------------------------------------------------
@pytest.mark.parametrize("code", sorted(c for c, p in KB.procedures.items() if p.certificate == "N"))
def test_national_steps_start_with_the_declaration(code):
    proc = KB.procedures[code]
    for answer in (verdict(code), verdict(code, Facts(), final=False), ANSWERS.procedure([code], ["trips"])):
        steps = next(s for s in answer.sections if s.kind == "trips" and len(s.items) > 1 and "（2）" in s.items[1].text)
        assert steps.items[0].text == proc.steps[0] and steps.items[0].text.startswith("（1）申报")


# 12. The printing of 补证 and 勘误 in the verdict line ------------------------------------------------------------------
@pytest.mark.parametrize("code", ["P-REISSUE", "H-REISSUE", "P-CORRECT"])
def test_one_visit_verdict_line_says_printing_and_that_collection_is_not_written(code):
    proc = KB.procedures[code]
    line = verdict(code, variant=proc.variants[0].key).sections[0]
    said = [i.text for i in line.items]
    assert line.text == ANSWERS.say("verdict.one", place="湖州市监理协会")
    assert said[0] == ANSWERS.say("time.printing_line", text=proc.printing.text) and "十个工作日" in said[0]
    assert next(n.text for n in KB.notes if n.key == "printed_certificate_collection") in said


# 13. The whole path of 身份证、姓名等其他变更 -----------------------------------------------------------------------------
def test_personal_change_counts_the_lost_certificate_procedure_that_follows():
    answer = verdict("N-PERSONAL-CHANGE")
    line = answer.sections[0]
    assert answer.verdict == "two_visits" and "两次或三次" in line.text and "再申请遗失补办" in line.text
    assert "去一次：" not in answer.text() and "跑一次（" not in answer.text()
    titles = [KB.procedures[c].title for c in ("N-LOST", "N-REISSUE-WITH-ORIGINAL")]
    assert len(line.items) == 2 and all(i.text.startswith(t) for i, t in zip(line.items, titles, strict=True))


# 14. 注销's conditions are alternatives --------------------------------------------------------------------------------
def test_cancellation_reasons_are_shown_as_alternatives():
    conditions = next(s for s in ANSWERS.procedure(["P-CANCEL"], ["conditions"]).sections if s.kind == "conditions")
    assert [i.text for i in conditions.items] == [
        "离开监理行业，不再从事监理工作；或其他原因申请注销的（符合其一即可）",
        "注销工作不能由其他人或企业代为办理（即须由证书持有人本人办理）"]
    assumed = next(s for s in verdict("P-CANCEL", Facts(all_ready=True)).sections if s.kind == "assumptions")
    assert "符合其一即可" in assumed.items[0].text


# 15. A rename has no new employer ----------------------------------------------------------------------------------------
def test_a_rename_asks_about_the_renamed_company():
    text = verdict("P-CHANGE-COMPANY-NAME", Facts(within_validity=True, all_ready=True), final=False).text()
    assert "新聘用单位" not in text and "更名的单位" in text
    assert "新聘用单位" in verdict("P-CHANGE-EMPLOYER", Facts(within_validity=True, all_ready=True), final=False).text()


# 16. An expired certificate is not also assumed to be within the window -------------------------------------------------
def test_an_expired_renewal_is_not_assumed_inside_the_window():
    text = verdict("H-RENEW", Facts(within_validity=False, age=50, all_ready=True)).text()
    assert "不符合：证书在有效期内" in text and "到期前三个月内" not in text


# Issue 17 class 6: asked how the certificate comes out, the verdict line says it -------------------------------------
@pytest.mark.parametrize("code", WITH_VISITS)
@pytest.mark.parametrize("aspect", ["collection", "time"])
def test_asked_how_the_certificate_comes_out_the_verdict_line_says_it(code, aspect):
    proc = KB.procedures[code]
    line = verdict(code, variant=proc.variants[0].key if len(proc.variants) > 1 else None, aspects=(aspect,)).sections[0]
    said = "\n".join([line.text, *(i.text for i in line.items)])
    for expected in ANSWERS.parts.collection_lines(proc):
        assert expected in said, (code, expected)
    if proc.printing:
        assert proc.printing.text in said  # 即可打印 / 十个工作日完成打印 / 扫描二维码
    elif proc.visits[1:]:
        assert proc.step_text(proc.visits[-1]) in said  # 领取注册证书 / 贴条
    elif proc.then:
        assert proc.step_text(proc.then) in said  # 再申请遗失补办
    else:
        assert ANSWERS.say("collection.none") in said  # the documents have no such step


def test_the_collection_line_is_left_out_when_not_asked():
    line = verdict("N-RENEW").sections[0]
    assert KB.procedures["N-RENEW"].step_text(KB.procedures["N-RENEW"].visits[1]) not in line.text
    assert not line.items


@pytest.mark.parametrize("code", ["P-CHANGE-EMPLOYER", "H-ADD-SPECIALTY", "P-REISSUE", "N-RENEW"])
def test_while_the_facts_are_asked_how_the_certificate_comes_out_is_said_too(code):
    """A verdict that still asks for facts ("材料齐的话…要不要再去拿证") says how the certificate comes out."""
    answer = verdict(code, facts=Facts(), final=False, aspects=("collection",))
    assert answer.verdict == "ask"
    assert all(line in answer.text() for line in ANSWERS.parts.collection_lines(KB.procedures[code]))
    assert ANSWERS.say("verdict.comes_out") not in verdict(code, facts=Facts(), final=False).text()


def test_an_open_window_to_apply_in_is_said_as_open_now():
    """"明年1月10号到期，最早啥时候能去续" (today 2026-11-21): within three months of expiry, it may be done now."""
    proc = KB.procedures["H-RENEW"]
    said = "\n".join(s.text + "\n" + "\n".join(i.text for i in s.items)
                     for s in ANSWERS.verdicts.assessment(proc, decide(proc, Facts(months_to_expiry=1.6), None,
                                                                       final=True)))
    window = next(c for c in proc.conditions if KB.checks[c.check].window)
    assert ANSWERS.say("verdict.window_open", condition=window.text) in said
    closed = ANSWERS.verdicts.assessment(proc, decide(proc, Facts(months_to_expiry=7.0), None, final=True))
    assert ANSWERS.say("verdict.window_open", condition=window.text) not in str(closed)


@pytest.mark.parametrize("code", [c for c, p in KB.procedures.items() if p.certificate == "N"])
def test_a_forms_question_of_a_procedure_without_an_attachment_names_its_own_application_form(code):
    """"那个申请表叫啥": the national procedures have no 附件; the answer names the form they hand in."""
    said = ANSWERS.procedure([code], ["forms"]).text()
    assert all(m.text in said for m in KB.procedures[code].all_materials() if m.id == "application_form")

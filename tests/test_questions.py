"""Questions.decide over what the EntityReader reads, and the answers rendered from the knowledge base.

Every message here is our own wording (none comes from the evaluation sets). Conversations are played turn by
turn: each decision's next_context is the context of the next message, as the answer action keeps it in slots.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.answers.render import Answers
from bot.dialogue.questions import Context, Decision, QuestionAnswerer, Questions
from bot.rules.workdays import WorkCalendar
from tests.conftest import parse_of

TODAY = date(2026, 11, 21)
CASES = yaml.safe_load((Path(__file__).parent / "data" / "routing.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def questions(kb) -> Questions:
    return Questions(kb)


@pytest.fixture(scope="module")
def qa(kb) -> QuestionAnswerer:
    return QuestionAnswerer(kb, Answers(kb, WorkCalendar(kb.holidays)))


class Talk:
    """A conversation with the question answerer: each message is read, decided and rendered in its context."""

    def __init__(self, reader, qa: QuestionAnswerer) -> None:
        self.reader = reader
        self.qa = qa
        self.context = Context()
        self.text = ""

    def say(self, message: str, intent: str | None = None) -> Decision:
        step = self.qa.step(parse_of(self.reader, message), self.context, intent, TODAY)
        self.context = step.context
        self.text = "\n".join(a.text() for a in step.answers)
        return step.decision


@pytest.fixture()
def talk(reader, qa) -> Talk:
    return Talk(reader, qa)


def materials_text(kb, code: str, variant: str | None = None) -> list[str]:
    return [m.text for m in kb.procedures[code].materials(variant)]


# ---------------------------------------------------------------------------------------------- routing table
def _case(case: dict) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
    return pytest.param(case, marks=marks, id=case["q"])


@pytest.mark.parametrize("case", [_case(c) for c in CASES])
def test_routing(talk, kb, case):
    d = talk.say(case["q"])
    assert d.kind == case["kind"]
    if "codes" in case:
        assert sorted(d.codes) == sorted(case["codes"])
    if "aspects" in case:
        assert d.aspects == case["aspects"]
    if "variant" in case:
        assert d.variant == case["variant"]
    if "keys" in case:
        assert d.keys == case["keys"]
    if d.kind == "answer" and "materials" in d.aspects:
        assert all(m in talk.text for m in materials_text(kb, d.codes[0], d.variant))
    if d.kind == "contact":
        assert all(p in talk.text for k in d.keys for p in kb.contacts[k].phones)
    if d.kind == "form":
        assert kb.forms[d.keys[0]].title in talk.text


def test_every_procedure_is_answered_by_its_title(reader, questions, kb):
    for proc in kb.procedures.values():
        d = questions.decide(parse_of(reader, f"{proc.title}需要哪些材料"), Context())
        assert d.kind == "answer" and proc.code in d.codes, proc.code
        assert d.aspects == ["materials"]


def test_a_broad_question_gets_the_whole_guide(talk, kb):
    d = talk.say("湖州市监理工程师培训合格证增加专业怎么办理")
    proc = kb.procedures["H-ADD-SPECIALTY"]
    assert d.aspects == ["guide"]
    for part in (proc.summary, proc.steps[0], proc.conditions[-1].text, *materials_text(kb, "H-ADD-SPECIALTY")):
        assert part in talk.text


def test_a_narrow_question_gets_only_that_aspect(talk, kb):
    d = talk.say("湖州培训合格证加专业要多少天")
    assert d.codes == ["H-ADD-SPECIALTY"] and d.aspects == ["time"]
    assert not any(m in talk.text for m in materials_text(kb, "H-ADD-SPECIALTY"))


# ---------------------------------------------------------------------------------------------- typos reach the answer
@pytest.mark.parametrize(("text", "code"), [
    ("湖州的证想延需一下要带啥", "H-RENEW"),
    ("国家注册证书专叶变更要什么材料", "N-ADD-SPECIALTY"),
    ("省平台的证注锁要带什么", "P-CANCEL"),
    ("湖州证 zhuxiao 要带什么", "H-CANCEL"),
    ("湖州市監理工程師培訓合格證註銷要帶什麼", "H-CANCEL"),
])
def test_typos_still_get_the_answer(talk, kb, text, code):
    d = talk.say(text)
    assert d.kind == "answer" and d.codes == [code]
    assert all(m in talk.text for m in materials_text(kb, code))


def test_a_dropped_character_in_the_certificate_still_gets_the_answer(talk):
    d = talk.say("我那个培训合证要注销")
    assert d.kind == "answer" and sorted(d.codes) == ["H-CANCEL", "P-CANCEL"]


# ---------------------------------------------------------------------------------------------- clarification
@pytest.mark.parametrize(("reply", "code"), [
    ("部里发的那本", "N-CANCEL"),
    ("协会自己发的", "H-CANCEL"),
    ("省里统一的那个", "P-CANCEL"),
    ("第二个", "N-CANCEL"),
    ("2", "N-CANCEL"),
    ("最后一个", "N-CANCEL"),
    ("第一个", "P-CANCEL"),
])
def test_a_clarification_keeps_matter_and_aspects(talk, kb, reply, code):
    ask = talk.say("注销的话要准备哪些东西")
    assert ask.kind == "clarify" and ask.matter == "cancel" and ask.aspects == ["materials"]
    assert talk.context.options == ask.options
    d = talk.say(reply)
    assert d.kind == "answer" and code in d.codes and d.aspects == ["materials"]
    assert all(m in talk.text for m in materials_text(kb, code))
    assert talk.context.options == []


def test_a_clarification_keeps_several_aspects(talk, kb):
    ask = talk.say("增加专业要带什么，多久能好")
    assert ask.kind == "clarify" and ask.aspects == ["materials", "time"]
    d = talk.say("湖州的证")
    assert d.codes == ["H-ADD-SPECIALTY"] and d.aspects == ["materials", "time"]
    assert kb.procedures["H-ADD-SPECIALTY"].printing.text in talk.text


def test_a_clarification_answered_with_the_city(talk):
    talk.say("增加专业要带什么")
    assert talk.say("湖州市的").codes == ["H-ADD-SPECIALTY"]


def test_an_ordinal_out_of_range_asks_again(talk):
    ask = talk.say("注销要带啥")
    d = talk.say("第三个")
    assert d.kind == "clarify" and d.options == ask.options and d.matter == "cancel"


@pytest.mark.parametrize("reply", ["1", "第二个", "最后一个"])
def test_an_option_with_nothing_pending(talk, reply):
    assert talk.say(reply).kind == "no_options"


def test_naming_a_certificate_after_which_matter_was_asked(talk):
    ask = talk.say("湖州的培训合格证要带什么材料")
    assert ask.kind == "clarify_matter" and ask.certificate == "H"
    d = talk.say("延续")
    assert d.kind == "answer" and d.codes == ["H-RENEW"] and d.aspects == ["materials"]


# ---------------------------------------------------------------------------------------------- several aspects
def test_several_aspects_in_one_question_are_all_answered(talk, kb):
    d = talk.say("省平台的证换单位，材料和时限都说一下，还有交到哪里")
    assert d.codes == ["P-CHANGE-EMPLOYER"] and d.aspects == ["materials", "time", "place"]
    proc = kb.procedures["P-CHANGE-EMPLOYER"]
    assert all(m in talk.text for m in materials_text(kb, "P-CHANGE-EMPLOYER"))
    assert proc.time.text[0] in talk.text


# ---------------------------------------------------------------------------------------------- conditions and forms
def test_a_condition_question_gets_the_conditions(talk, kb):
    d = talk.say("湖州证增加专业要满足哪些条件")
    assert d.codes == ["H-ADD-SPECIALTY"] and d.aspects == ["conditions"]
    assert all(c.text in talk.text for c in kb.procedures["H-ADD-SPECIALTY"].conditions)
    assert not any(m in talk.text for m in materials_text(kb, "H-ADD-SPECIALTY"))


def test_a_condition_question_with_another_verb_for_adding(talk):
    d = talk.say("湖州的证要啥条件才允许多报一个专业")
    assert d.kind == "answer" and d.codes == ["H-ADD-SPECIALTY"] and d.aspects == ["conditions"]


def test_which_employers_may_take_a_holder_over(talk):
    d = talk.say("哪种企业可以接收变更过来的人")
    assert d.kind in ("answer", "clarify") and d.aspects == ["conditions"]
    assert d.matter == "change_employer"


@pytest.mark.parametrize(("text", "key"), [
    ("附件二是做什么用的", "附件二"),
    ("补办申请表需要本人签字吗", "附件三"),
    ("注销申请表要单位盖公章不", "附件五"),
    ("延续汇总表是哪个附件", "附件六"),
])
def test_form_questions_get_the_form(talk, kb, text, key):
    d = talk.say(text)
    assert d.kind == "form" and d.keys == [key]
    form = kb.forms[key]
    assert form.title in talk.text


def test_the_summary_sheet_alone_gets_the_forms(talk):
    assert talk.say("那张汇总表是第几个附件").kind == "form"


def test_a_form_question_about_a_procedure_with_one_form(talk, kb):
    d = talk.say("湖州证补证那张表要填什么")
    assert d.kind == "form" and d.keys == ["附件三"]
    then = talk.say("要本人签字吗")
    assert then.kind == "form" and then.keys == ["附件三"]


def test_a_form_question_beside_another_aspect_gets_both(talk, kb):
    d = talk.say("湖州证注销要准备啥，申请表谁签字")
    assert d.kind == "answer" and d.codes == ["H-CANCEL"] and d.keys == ["附件五"]
    assert kb.forms["附件五"].title in talk.text and materials_text(kb, "H-CANCEL")[0] in talk.text


def test_the_issuer_named_after_which_certificate_was_asked(talk, kb):
    first = talk.say("延续要带什么")
    assert first.kind == "clarify" and len(first.options) > 2
    then = talk.say("协会发的那个")
    issued = list(kb.contacts["huzhou_association"].issues)
    assert then.kind == "clarify" and then.options == [o for o in first.options if o in issued]


@pytest.mark.parametrize("text", ["一寸的证件照要交几张", "登报用哪家报纸"])
def test_a_material_named_without_a_procedure_gets_the_procedures_asking_for_it(talk, kb, text):
    d = talk.say(text)
    assert d.kind == "material" and d.codes
    for code in d.codes:
        texts = [m.text for v in kb.procedures[code].variants for m in v.materials if m.id in d.keys]
        assert kb.procedures[code].title in talk.text and all(t in talk.text for t in texts)
    assert not [p.code for p in kb.procedures.values() if p.code not in d.codes and
                any(m.id in d.keys for v in p.variants for m in v.materials)]


def test_a_material_narrows_the_procedures_of_a_matter(talk, kb):
    d = talk.say("补办还要登报吗")
    assert d.kind == "answer" and d.codes
    assert all(any(m.id == "newspaper_or_statement" for m in kb.procedures[c].all_materials()) for c in d.codes)


def test_materials_most_procedures_ask_for_tell_no_procedure(talk):
    assert talk.say("证书原件要带吗").kind != "material"


def test_the_one_procedure_asking_for_a_material_is_kept_for_a_follow_up(talk, kb):
    d = talk.say("登报的那个报纸要原件吗")
    assert d.kind == "material" and len(d.codes) == 1
    then = talk.say("那还要准备什么")
    assert then.kind == "answer" and then.codes == d.codes


def test_a_procedure_named_without_an_aspect_word_gets_the_guide_whatever_the_intent(talk):
    d = talk.say("湖州的培训证要续一下", "ask_time")
    assert d.codes == ["H-RENEW"] and d.aspects == ["guide"]


def test_facts_that_stop_the_case_come_with_the_aspect_asked(talk, kb):
    d = talk.say("我还有张二建的注册证没转出来，想办国家注册监理初始注册，带些什么")
    assert d.kind == "answer" and d.codes == ["N-INITIAL"] and d.aspects == ["materials"]
    assert kb.procedures["N-INITIAL"].condition("no_other_registration").text in talk.text
    assert "没有写明" not in talk.text


def test_another_provinces_authority_is_not_ours(talk):
    assert talk.say("上海住建委那边注册证书延续怎么弄").kind == "out_of_scope"
    assert talk.say("新单位在上海，湖州证单位变更要带啥").kind == "answer"


def test_what_the_documents_do_not_say_beside_a_procedure_question(talk, kb):
    d = talk.say("湖州证延续批了以后能不能快递给我")
    assert d.kind == "answer" and d.codes == ["H-RENEW"] and d.unsaid
    assert "没有写明" in talk.text and kb.contacts["huzhou_association"].phones[0] in talk.text


def test_a_contact_named_stays_for_the_next_question(talk, kb):
    talk.say("礼拜六协会开门吗")
    then = talk.say("那地址在哪")
    assert then.kind == "contact" and then.keys == ["huzhou_association"]
    assert kb.contacts["huzhou_association"].address in talk.text


# ---------------------------------------------------------------------------------------------- follow-ups
def test_follow_ups_keep_the_procedure_and_change_what_they_name(talk, kb):
    first = talk.say("湖州市培训合格证丢了要带啥")
    assert first.codes == ["H-REISSUE"] and first.aspects == ["materials"]
    then = talk.say("那要多久")
    assert then.codes == ["H-REISSUE"] and then.aspects == ["time"]
    assert kb.procedures["H-REISSUE"].printing.text in talk.text
    cancel = talk.say("那注销呢")
    assert cancel.codes == ["H-CANCEL"] and cancel.certificate == "H" and cancel.aspects == ["time"]
    other = talk.say("国家注册那本呢")
    assert other.codes == ["N-CANCEL"] and other.aspects == ["time"]


def test_a_follow_up_with_only_an_intent(talk):
    talk.say("国家注册证书延续怎么办理")
    d = talk.say("那这个呢", intent="ask_materials")
    assert d.codes == ["N-RENEW"] and d.aspects == ["materials"]


@pytest.mark.parametrize("text", ["再问一下要多久", "问一下协会电话多少"])
def test_a_polite_ask_is_no_trip_situation(talk, text):
    talk.say("湖州证延续要带啥")
    assert talk.say(text).kind in ("answer", "contact")


# ---------------------------------------------------------------------------------------------- contacts, policies
@pytest.mark.parametrize(("text", "keys"), [
    ("湖州监理协会的地址在哪", ["huzhou_association"]),
    ("监理系统报错了打哪个电话", ["system_tech"]),
    ("注册审查有问题问谁", ["registration_review"]),
    ("加密锁插上没反应怎么办", ["supervision_lock"]),
])
def test_contacts(talk, kb, text, keys):
    d = talk.say(text)
    assert d.kind == "contact" and d.keys == keys
    assert all(p in talk.text for k in keys for p in kb.contacts[k].phones)


def test_whom_to_call_about_a_certificate(talk, kb):
    """A certificate's calls are the contacts certificates.yml gives for it (the 2号窗口 has no phone)."""
    assert talk.say("国家注册证书的事打哪个电话").keys == list(kb.certificates["N"].contacts)


@pytest.mark.parametrize(("text", "key"), [
    ("零次跑是怎么回事", "one_trip_definition"),
    ("材料没带全被退回来，这算多跑了吗", "not_extra_trip"),
    ("现在注册还要上传社保吗", "social_insurance_2018"),
])
def test_policies(talk, kb, text, key):
    d = talk.say(text)
    assert d.kind == "policy" and d.keys == [key]
    assert kb.policies[key].text in talk.text


def test_a_policy_that_bears_on_the_procedure_comes_with_the_answer(talk, kb):
    d = talk.say("省平台的证注销能让同事代为办理吗")
    assert d.codes == ["P-CANCEL"] and "cancellation_rules" in d.policies
    assert kb.policies["cancellation_rules"].text in talk.text


# ---------------------------------------------------------------------------------------------- out of scope, silent
@pytest.mark.parametrize("text", ["一建证书丢了怎么补办", "二级建造师延续注册要啥", "造价工程师变更注册要带什么",
                                  "监理员证怎么注销", "安全员证书换单位", "监理工程师考试哪天开始报名"])
def test_other_qualifications_are_out_of_scope(talk, kb, text):
    d = talk.say(text)
    assert d.kind == "out_of_scope" and not d.answered
    assert kb.contacts["huzhou_association"].phones[0] in talk.text
    assert not any(m.text in talk.text for p in kb.procedures.values() for m in p.all_materials())


@pytest.mark.parametrize(("text", "topic"), [("湖州证延续收费吗", "办理费用"), ("注册证书有效期多长", "证书有效期的年限"),
                                             ("协会周六上班吗", "办公时间"), ("补好的证能快递给我吗", "邮寄办理或邮寄证书")])
def test_topics_the_documents_are_silent_on(talk, text, topic):
    d = talk.say(text)
    assert d.kind == "silent" and d.keys == [topic]


def test_nothing_understood(talk):
    assert talk.say("明天会下雨吗").kind in ("unknown", "out_of_scope")


# ---------------------------------------------------------------------------------------------- third parties, English
@pytest.mark.parametrize("text", ["我是公司HR，帮同事问下湖州证 renew 需要哪些 documents",
                                  "帮我老公问问，他湖州的培训合格证延续要准备啥",
                                  "我是代办的，湖州市培训合格证延续需要什么材料"])
def test_third_parties_and_english_words(talk, kb, text):
    d = talk.say(text)
    assert d.codes == ["H-RENEW"] and "materials" in d.aspects  # an agent saying so may also get the proxy rules
    assert all(m in talk.text for m in materials_text(kb, "H-RENEW"))


# ---------------------------------------------------------------------------------------------- after a look-up
def test_why_after_a_status_result_gives_the_record_reason(reader, questions):
    records = [{"code": "H-RENEW", "status": "不予受理", "missing": [], "note": "超过年龄"}]
    ctx = Context(procedures=["H-RENEW"], certificate="H", status_records=records)
    d = questions.decide(parse_of(reader, "为什么不给办"), ctx)
    assert d.kind == "status_reason" and d.records == records


def test_what_is_missing_after_a_supplement_result_stays_on_that_procedure(reader, questions):
    records = [{"code": "H-REISSUE", "status": "需补正", "missing": ["证书持有人身份证原件"], "note": ""}]
    ctx = Context(procedures=["H-REISSUE"], certificate="H", status_records=records)
    d = questions.decide(parse_of(reader, "还要补交哪些材料"), ctx, "ask_materials")
    assert d.kind in ("answer", "status_reason") and (d.codes == ["H-REISSUE"] or d.records == records)


@pytest.mark.parametrize(("text", "kind", "aspects"), [("帮领导问一下，他的国家注册证书延续要带啥", "answer", ["materials"]),
                                                      ("帮领导问一下，要带哪些材料", "clarify_matter", ["materials"])])
def test_asking_for_the_boss(talk, text, kind, aspects):
    d = talk.say(text)
    assert d.kind == kind and d.aspects == aspects


# ---------------------------------------------------------------------------------------------- checks asked about
def test_a_check_no_answered_procedure_has_is_said_to_be_unwritten(talk, kb):
    d = talk.say("我快七十了 办国家注册延续注册有没有年龄上的要求")
    assert d.kind == "answer" and d.codes == ["N-RENEW"]
    assert any(kb.checks["max_age"].asked_as in u for u in d.unsaid) and "没有写明" in talk.text


def test_a_check_asked_of_a_certificate_answers_the_procedures_that_have_it(talk, kb):
    d = talk.say("湖州那本培训证 岁数大了有限制没")
    having = [p.code for p in kb.procedures.values() if p.certificate == "H"
              and any(c.check == "max_age" for c in p.conditions)]
    assert d.kind == "answer" and d.codes == having and "conditions" in d.aspects
    assert not d.unsaid


def test_a_check_no_procedure_of_the_certificate_has_is_unwritten_for_all(talk, kb):
    d = talk.say("国家注册那边对年纪卡不卡")
    assert d.kind == "silent" and {kb.procedures[c].certificate for c in d.codes} == {"N"}
    assert kb.checks["max_age"].asked_as in talk.text
    assert all(p in talk.text for p in kb.contacts["registration_review"].phones)


def test_a_field_outside_the_correction_scope_is_named_in_the_verdict(talk):
    talk.say("全省平台培训证勘误可以改什么")
    talk.say("证书上的专业印错了能勘误吗")
    assert "“专业”不在其中" in talk.text


def test_asking_whether_another_trip_is_needed_gets_the_visits(talk, kb):
    d = talk.say("国家注册延续 交完材料是不是就不用再跑了")
    assert d.kind == "verdict" or "trips" in d.aspects
    assert "两次" in talk.text


def test_a_condition_is_said_with_what_it_comes_to(talk, kb):
    talk.say("湖州培训证注销需要满足什么条件")
    restated = kb.checks["in_person"].restated
    assert restated and f"（{restated}）" in talk.text


def test_a_forms_question_about_a_certificate_gets_where_its_forms_come_from(talk, kb):
    d = talk.say("国家注册那边的申请表要去哪下载")
    note = kb.certificates["N"].forms_note
    assert d.kind == "clarify_matter" and note and note in talk.text
    assert not any(m.form for p in kb.procedures.values() if p.certificate == "N" for m in p.all_materials())


def test_the_forms_note_says_what_every_first_step_of_the_certificate_says(kb):
    for cert in kb.certificates.values():
        if cert.forms_note:
            said = cert.forms_note.split("：", 1)[1].rstrip("。")
            for p in kb.procedures.values():
                if p.certificate == cert.key:
                    first = p.steps[0]
                    assert all(part.split("（")[0] in first for part in said.split("，")), p.code


def test_a_stated_age_asks_the_age_check_too(talk, kb):
    d = talk.say("国家注册的延续，我今年67了还能办不")
    assert d.kind == "answer" and any(kb.checks["max_age"].asked_as in u for u in d.unsaid)
    talk2 = Talk(talk.reader, talk.qa)
    d2 = talk2.say("湖州培训证延续，我今年60，能办吗")
    assert not d2.unsaid


def test_a_case_the_certificate_lacks_is_answered_as_outside_the_documents(talk, kb):
    """Issue 18.3: the national documents describe only a lost certificate; a damaged one is said to be outside."""
    note = next(n.text for n in kb.notes if n.key == "national_damaged")
    talk.say("注册监理工程师的注册证书被水泡烂了，要准备哪些东西")
    assert talk.text.count(note) == 1 and kb.contacts["registration_review"].phones[0] in talk.text
    talk.say("注册监理工程师的注册证书找不到了，要准备哪些东西")
    assert note not in talk.text


# ---------------------------------------------------------------------------------------------- several matters
def test_two_matters_in_one_question_are_both_answered_then_the_second_is_picked(talk, kb):
    d = talk.say("省平台的培训证勘误和注销分别要带什么")
    assert d.kind == "answer" and d.parts == [["P-CORRECT"], ["P-CANCEL"]]
    assert all(m.text in talk.text for code in ("P-CORRECT", "P-CANCEL") for m in kb.procedures[code].materials())
    d = talk.say("第二个呢，要多久")
    assert d.kind == "answer" and d.codes == ["P-CANCEL"] and d.aspects == ["time"]


def test_two_matters_without_a_certificate_ask_which_one_and_keep_both(talk):
    d = talk.say("延续跟增加专业各要什么材料")
    assert d.kind == "clarify" and set(d.options) == {"H", "N"}  # the certificates that have both
    d = talk.say("湖州的")
    assert d.kind == "answer" and d.parts == [["H-RENEW"], ["H-ADD-SPECIALTY"]]


def test_two_matters_offer_each_certificate_by_its_own_name(talk, kb):
    d = talk.say("证书丢了，补办和换单位哪个先办，各要带啥")
    assert d.kind == "clarify" and len(d.options) == len(set(d.options)) >= 2
    names = [kb.certificates[k].name for k in d.options]
    assert all(talk.text.count(name) == 1 for name in names)  # no certificate named beside another as alike
    assert all(kb.matters[m].name in talk.text for m in ("reissue", "change_employer"))  # both matters asked


@pytest.mark.parametrize("message", ["加专业的话要不要考试", "湖州证延续需要继续教育学时吗"])
def test_an_exam_or_training_hours_asked_of_a_matter_of_ours_is_what_the_documents_leave_out(talk, message):
    d = talk.say(message)
    assert d.kind == "silent" and "考试" in d.keys[0]


def test_a_place_picks_the_option_that_stands_for_its_certificate_too(talk):
    d = talk.say("证书找不着了咋补")
    assert d.kind == "clarify" and "H" not in d.options  # the province's and Huzhou's offered as one
    d = talk.say("湖州这边的")
    assert d.kind == "answer" and d.codes == ["H-REISSUE"]


def test_a_follow_up_about_the_policy_just_answered_is_about_that_policy(talk):
    first = talk.say("国家注册现在还用交社保证明吗")
    assert first.kind == "policy"
    assert talk.say("那是哪一天开始的").keys == first.keys


# ---------------------------------------------------------------------------------------------- told, then asked
def test_what_was_handed_in_is_told_and_the_time_asked_of_the_procedure_in_context(talk):
    talk.say("湖州市监理工程师培训合格证增加专业要带什么")
    d = talk.say("东西前天都交上去了，几天能好")
    assert d.kind == "answer" and d.codes == ["H-ADD-SPECIALTY"] and d.aspects == ["time"]


def test_what_was_handed_in_without_a_certificate_asks_which_one(talk):
    d = talk.say("资料上礼拜交过了，啥时候能批")
    assert d.kind == "clarify_matter" and d.aspects == ["time"]


def test_handed_in_at_the_association_tells_the_certificate(talk):
    d = talk.say("勘误的资料昨天送到协会了，要等多久")
    assert d.kind == "answer" and d.codes == ["P-CORRECT"] and d.aspects == ["time"]


@pytest.mark.parametrize(("message", "code"), [
    ("附件六连同证书原件上周一起送过去了，几天能打证", "H-RENEW"),
    ("已经把勘误申请表交上去了，大概多久", "P-CORRECT"),
])
def test_a_form_handed_in_tells_the_procedure_and_asks_nothing_of_the_form(talk, message, code):
    d = talk.say(message)
    assert d.kind == "answer" and d.codes == [code] and d.aspects == ["time"]


def test_the_time_after_supplementing_a_looked_up_application_is_the_procedures_time(talk):
    talk.context = Context(procedures=["H-REISSUE"], certificate="H", status_records=[
        {"code": "H-REISSUE", "status": "需补正", "missing": ["附件三"], "note": ""}])
    d = talk.say("东西补上之后还得等几天")
    assert d.kind == "answer" and d.codes == ["H-REISSUE"] and "time" in d.aspects


def test_who_may_go_asked_after_a_procedure_is_that_procedures_proxy_rule(talk):
    talk.say("全省统一平台的培训证要注销，怎么弄")
    d = talk.say("是不是谁来办都可以")
    assert d.kind == "answer" and d.codes == ["P-CANCEL"] and d.aspects == ["proxy"]


def test_every_form_named_is_answered(talk):
    d = talk.say("延续汇总表跟补办申请表各自是附件几")
    assert d.kind == "form" and d.keys == ["附件六", "附件三"]


@pytest.mark.parametrize("message", ["山东省的监理工程师培训合格证到期了怎么延续", "那台州的监理证怎么补",
                                     "帮客户问下广东专业监理工程师培训合格证书换单位流程"])
def test_another_places_certificate_is_out_of_scope(talk, message):
    assert talk.say(message).kind == "out_of_scope"


def test_a_certificate_issued_in_another_zhejiang_city_for_the_platform_is_ours(talk):
    assert talk.say("丽水协会发的培训证丢了咋补办").kind != "out_of_scope"


@pytest.mark.parametrize(("message", "code", "aspect"), [
    ("how long 是 initial registration 国家注册的", "N-INITIAL", "time"),
    ("湖州的证 after approval 下一步干啥，我是增加专业", "H-ADD-SPECIALTY", "collection"),
    ("湖州嘅培训证唔见咗，要带乜嘢去补", "H-REISSUE", "materials"),
    ("侬好，阿拉湖州个培训证要延续，啥辰光好去办", "H-RENEW", "time"),
])
def test_english_and_dialect_words_read_as_the_mandarin_they_stand_for(talk, message, code, aspect):
    d = talk.say(message)
    assert d.kind == "answer" and d.codes == [code] and aspect in d.aspects


@pytest.mark.parametrize("message", ["湖州的培训合格证被水泡坏了，字迹模糊，要补吗带啥", "湖州培训证让娃撕烂了咋补",
                                     "湖州那本培训证放柜子里发霉了，字都看不清了怎么办"])
def test_damage_said_in_everyday_words_is_the_reissue_of_a_damaged_certificate(talk, message):
    d = talk.say(message)
    assert d.kind == "answer" and d.codes == ["H-REISSUE"] and d.variant == "damaged"


def test_a_general_matter_keeps_only_the_hints_it_may_mean(talk):
    d = talk.say("全省平台的培训证，劳动合同到期了没再签，换到另一家监理公司上班了，去协会办变更带啥")
    assert d.kind == "answer" and d.codes == ["P-CHANGE-EMPLOYER"]


def test_how_long_a_period_a_document_covers_asks_the_materials(talk):
    d = talk.say("湖州的证单位变更，社保清单得开几个月的")
    assert d.kind == "answer" and d.codes == ["H-CHANGE-EMPLOYER"] and d.aspects == ["materials"]


@pytest.mark.parametrize("message", ["湖州二手车过户要啥手续", "公积金提取去哪里办", "护照过期了怎么续",
                                     "湖州的幼儿园报名要什么条件"])
def test_a_subject_the_documents_never_use_is_out_of_scope_not_a_question_back(talk, message):
    assert talk.say(message).kind == "out_of_scope"


@pytest.mark.parametrize("message", ["名单出来以后拿证带啥", "我那个本本要怎么弄", "你是真人吗", "我老婆的证丢了怎么补",
                                     "证书上盖的是啥章"])
def test_a_noun_of_the_documents_a_person_or_chat_is_no_foreign_subject(talk, message):
    assert talk.say(message).kind != "out_of_scope"


def test_what_is_on_the_certificate_after_an_answer_asks_about_that_procedure(talk):
    talk.say("国家注册的企业更名怎么办")
    d = talk.say("那证书上会盖什么章")
    assert d.kind == "answer" and d.codes == ["N-COMPANY-RENAME"] and d.aspects == ["collection"]


def test_forms_listed_by_number_after_one_are_each_answered(talk):
    d = talk.say("附件二、五各是什么表")
    assert d.kind == "form" and d.keys == ["附件二", "附件五"]


def test_a_training_certificate_named_beside_a_national_one_answers_both(talk):
    d = talk.say("培训证跟国家注册的证我都不要了，都要销掉，咋办")
    assert d.kind == "answer" and set(d.codes) == {"P-CANCEL", "H-CANCEL", "N-CANCEL"}


def test_how_many_visits_says_what_comes_out_of_the_one_visit(talk, kb):
    talk.say("全省统一平台的培训证补证要跑几趟")
    assert kb.procedures["P-REISSUE"].printing.text in talk.text


@pytest.mark.parametrize(("message", "code", "aspect"), [
    ("湖州的证换单位，我自己去办就行吗", "H-CHANGE-EMPLOYER", "proxy"),
    ("全省统一平台的证书上名字印成别人的了，咋弄", "P-CORRECT", None),
    ("湖州市监理工程师培训合格证忘在出租车上了，怎么办", "H-REISSUE", None),
    ("全省统一平台的证，我辞职去了新公司，要带什么", "P-CHANGE-EMPLOYER", "materials"),
])
def test_a_matter_or_aspect_said_in_two_words(talk, message, code, aspect):
    d = talk.say(message)
    assert d.kind == "answer" and d.codes == [code] and (aspect is None or d.aspects == [aspect])


def test_where_a_form_comes_from_is_asked_of_the_form_not_the_office(talk):
    d = talk.say("湖州市监理工程师培训合格证延续的汇总表去哪里弄")
    assert d.kind == "form" and d.keys == ["附件六"]


def test_a_validity_said_with_only_is_read(reader):
    assert any(e.entity == "expiry" for e in reader.read("证的有效期只到明年五月底，能延续吗"))


def test_a_form_in_a_list_of_what_one_has_ready_is_no_question_about_the_form(talk):
    d = talk.say("湖州证增加专业，附件一、业务手册、证书原件都备齐了，跑一趟能办完吗")
    assert d.kind == "answer" and d.codes == ["H-ADD-SPECIALTY"] and not d.keys


def test_a_field_asked_of_a_matter_is_asked_of_the_one_attached_form_that_has_it(talk):
    d = talk.say("补办用的那张表，事由一栏要怎么写")
    assert d.kind == "form" and d.keys == ["附件三"]


def test_where_approval_is_announced_is_said_for_the_certificate(talk, kb):
    talk.say("国注审批下来了没有，在哪个网站查")
    assert kb.certificates["N"].time_note in talk.text


# ---------------------------------------------------------------------------------------------- a field of a form
@pytest.mark.parametrize(("message", "key", "field", "has"), [
    ("补办申请表上要不要填性别", "附件三", "性别", False), ("附件二要填手机号吗", "附件二", "手机号", True),
])
def test_a_question_about_one_field_of_a_form_says_whether_the_form_has_it(talk, qa, message, key, field, has):
    d = talk.say(message)
    assert d.kind == "form" and d.keys[0] == key
    phrase = qa.answers.say("form.has_field" if has else "form.no_field", key=key, field=field)
    assert phrase in talk.text


def test_how_to_go_on_after_a_supplement_result_is_what_the_record_says(talk, qa):
    talk.context = Context(procedures=["H-REISSUE"], certificate="H", status_records=[
        {"code": "H-REISSUE", "status": "需补正", "missing": ["附件三"], "note": ""}])
    d = talk.say("东西补好以后要重新申报吗")
    assert d.kind == "status_reason" and "附件三" in talk.text


# ---------------------------------------------------------------------------------------------- contacts
def test_the_phone_asked_is_given_without_the_address_and_the_address_asked_with_it(talk, kb):
    huzhou = kb.contacts["huzhou_association"]
    talk.say("湖州协会的号码是多少")
    assert huzhou.phones[0] in talk.text and huzhou.address not in talk.text
    talk.say("湖州协会的地址在哪里")
    assert huzhou.address in talk.text


def test_a_contact_without_a_phone_gives_whom_to_call_about_what_it_handles(talk, kb):
    d = talk.say("省厅那个2号窗口有没有电话")
    assert d.kind == "contact" and d.keys == ["province_window"]
    assert all(p in talk.text for k in kb.certificates["N"].contacts for p in kb.contacts[k].phones)


def test_the_province_then_an_association_is_the_provincial_one(talk):
    assert talk.say("浙江省那边的那个协会电话给一下").keys == ["zhejiang_association"]


def test_a_silence_beside_a_contact_asked_is_said_after_the_contact(talk, kb):
    d = talk.say("协会礼拜天上班不，顺便把地址给我")
    assert d.kind == "contact" and kb.contacts["huzhou_association"].address in talk.text
    assert d.unsaid and d.unsaid[0] in talk.text


def test_a_time_question_of_a_certificate_whose_items_all_give_none_says_so_first(talk, kb):
    d = talk.say("国注的审批一般几个工作日能完")
    assert d.kind == "clarify_matter" and kb.certificates["N"].time_note in talk.text


def test_the_one_trip_definition_is_said_with_what_does_not_count_as_another_trip(talk, kb):
    talk.say("什么叫最多跑一次")
    assert kb.policies["not_extra_trip"].text in talk.text

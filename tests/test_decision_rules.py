"""Each decision rule of Questions (bot/dialogue/questions.py) in its situation, and silent outside it.

Our own wording throughout; `Questions.read` reads the message in its context exactly as `decide` does, and the
rule is called alone.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.answers.render import Answers
from bot.dialogue import questions as q
from bot.dialogue.questions import Context, Questions
from bot.rules.workdays import WorkCalendar
from tests.conftest import parse_of

AFTER_CLARIFY = Context(options=["P", "H"], matter="change", aspects=["materials"])
AFTER_LOOKUP = Context(procedures=["H-REISSUE"], certificate="H",
                       status_records=[{"code": "H-REISSUE", "status": "需补正", "missing": ["附件三"], "note": ""}])
IN_CONTEXT = Context(procedures=["H-RENEW"], certificate="H", matter="renew", aspects=["materials"])


@pytest.fixture(scope="module")
def questions(kb) -> Questions:
    return Questions(kb)


def decided(questions, reader, rule: str, text: str, ctx: Context, intent: str | None = None):
    return getattr(questions, rule)(questions.read(parse_of(reader, text), ctx, intent))


@pytest.mark.parametrize(("rule", "text", "ctx", "kind"), [
    ("choose_by_position", "第二个", AFTER_CLARIFY, q.ANSWER),
    ("choose_by_position", "第二个", Context(), q.NO_OPTIONS),
    ("choose_by_issuer", "协会那个", Context(options=["P", "N"], matter="renew"), q.ANSWER),
    ("another_qualification", "一建证书丢了咋补", Context(), q.OUT_OF_SCOPE),
    ("an_uncovered_topic", "证书能邮寄吗", Context(), q.SILENT),
    ("a_form", "附件三怎么填", Context(), q.FORM),
    ("an_extra_trip", "表格填错了被打回来，再去一趟算不算多跑", Context(), q.POLICY),
    ("a_policy", "最多跑一次到底啥意思", Context(), q.POLICY),
    ("a_topical_contact", "监理锁坏了找谁", Context(), q.CONTACT),
    ("the_office_of_a_certificate", "国家注册在哪里办", Context(), q.CONTACT),
    ("a_contact_named", "协会的号码给我一下", Context(), q.CONTACT),
    ("the_contact_in_context", "地址呢", Context(contact="huzhou_association"), q.CONTACT),
    ("whom_to_call", "湖州市监理工程师培训合格证的事打哪个电话", Context(), q.CONTACT),
    ("a_status_reason", "还要补啥", AFTER_LOOKUP, q.STATUS_REASON),
    ("the_procedure_in_context", "那要多久", IN_CONTEXT, q.ANSWER),
    ("the_procedures_asking_for_a_material", "一寸照要几张", Context(), q.MATERIAL),
    ("an_aspect_of_no_procedure", "要带什么材料", Context(), q.CLARIFY_MATTER),
    ("nothing_understood", "今天吃了吗", Context(), q.UNKNOWN),
    ("a_check_of_a_certificate", "湖州市监理工程师培训合格证有年龄限制吗", Context(), q.ANSWER),
    ("a_certificate_without_a_matter", "湖州市监理工程师培训合格证", Context(), q.CLARIFY_MATTER),
    ("the_policy_in_context", "从哪天开始的", Context(policy="social_insurance_2018"), q.POLICY),
    ("several_matters", "湖州的证延续和注销各要带什么", Context(), q.ANSWER),
    ("several_matters", "延续和补证分别交什么", Context(), q.CLARIFY),
    ("the_procedure", "湖州市监理工程师培训合格证延续要带什么", Context(), q.ANSWER),
    ("the_procedure", "延续要带什么", Context(), q.CLARIFY),
])
def test_a_rule_decides_its_situation(questions, reader, rule, text, ctx, kind):
    assert decided(questions, reader, rule, text, ctx).kind == kind


@pytest.mark.parametrize(("rule", "text", "ctx"), [
    ("choose_by_position", "湖州市监理工程师培训合格证延续要带什么", AFTER_CLARIFY),
    ("choose_by_issuer", "协会的号码给我一下", Context()),
    ("another_qualification", "还挂着造价师证，国家注册转注册能办吗", Context()),
    ("an_uncovered_topic", "湖州市监理工程师培训合格证延续要带什么", Context()),
    ("a_form", "湖州市监理工程师培训合格证延续要带什么，用哪张表，多久能好", Context()),
    ("an_extra_trip", "最多跑一次到底啥意思", Context()),
    ("a_policy", "湖州市监理工程师培训合格证延续要带什么", Context()),
    ("a_topical_contact", "协会的号码给我一下", Context()),
    ("the_office_of_a_certificate", "国家注册延续在哪里办", Context()),
    ("a_contact_named", "湖州协会那边延续要带什么", Context()),
    ("the_contact_in_context", "地址呢", Context()),
    ("whom_to_call", "湖州市监理工程师培训合格证延续要带什么", Context()),
    ("a_status_reason", "还要补啥", Context()),
    ("the_procedure_in_context", "那要多久", Context()),
    ("the_procedures_asking_for_a_material", "湖州证延续要带证书原件吗", Context()),
    ("an_aspect_of_no_procedure", "湖州市监理工程师培训合格证要带什么", Context()),
    ("nothing_understood", "湖州市监理工程师培训合格证", Context()),
    ("a_check_of_a_certificate", "湖州市监理工程师培训合格证延续有年龄限制吗", Context()),
    ("a_certificate_without_a_matter", "湖州市监理工程师培训合格证要带什么", IN_CONTEXT),
    ("the_policy_in_context", "延续要多久", Context(policy="social_insurance_2018")),
    ("several_matters", "湖州的证延续要带什么", Context()),
    ("several_matters", "跳槽了，国家注册转注册要带什么", Context()),  # two words for one procedure
])
def test_a_rule_has_no_say_outside_its_situation(questions, reader, rule, text, ctx):
    assert decided(questions, reader, rule, text, ctx) is None


def test_the_rules_are_tried_in_order_and_the_last_always_decides(questions, reader):
    assert questions.rules[-1] == questions.the_procedure
    assert all(r.__doc__ for r in questions.rules)


def test_a_place_answering_which_certificate_picks_that_places_certificate(questions, reader):
    d = decided(questions, reader, "choose_by_place", "湖州这边的", Context(options=["P", "H"], matter="renew"))
    assert d.kind == q.ANSWER and d.codes == ["H-RENEW"]
    assert decided(questions, reader, "choose_by_place", "湖州这边的", Context()) is None


@pytest.mark.parametrize("text", ["湖州明天天气如何", "杭州到湖州开车多久"])
def test_a_place_alone_is_out_of_scope(questions, reader, text):
    assert questions.decide(parse_of(reader, text), Context()).kind == q.OUT_OF_SCOPE


def test_a_place_beside_something_of_ours_is_no_place_alone(questions, reader):
    assert decided(questions, reader, "a_place_alone", "在湖州，培训证延续要带啥", Context()) is None


def test_a_certificate_named_after_which_one_was_asked_is_chosen_with_what_was_asked(questions, reader):
    ctx = Context(options=["P", "H", "N"], matter="renew", aspects=["materials", "place"])
    d = decided(questions, reader, "choose_by_name", "国家注册监理工程师注册证书", ctx)
    assert d.kind == q.ANSWER and d.codes == ["N-RENEW"] and d.aspects == ["materials", "place"]
    assert decided(questions, reader, "choose_by_name", "国家注册监理工程师注册证书", Context()) is None


def test_what_to_bring_to_collect_is_the_collection_step(questions, reader):
    d = questions.decide(parse_of(reader, "国家注册延续名单公布以后去贴条要带什么"), Context())
    assert d.kind == q.ANSWER and d.codes == ["N-RENEW"] and d.aspects == ["collection"]


def test_a_topical_contact_gives_way_to_a_procedure_only_when_one_is_named(questions, reader):
    system = decided(questions, reader, "a_topical_contact", "系统里的表格填错了，还没交到省厅，能撤回不", Context())
    assert system.kind == q.CONTACT and "system_tech" in system.keys
    assert decided(questions, reader, "a_topical_contact",
                   "国家注册证加了个专业，建设信息港名单出来了，下一步干嘛", Context()) is None


def test_displeasure_naming_nothing_gets_an_apology_the_look_up_and_whom_to_call(questions, reader, kb):
    d = decided(questions, reader, "a_complaint", "等了快一个月了也没个信儿", Context(), intent="complain")
    assert d.kind == q.COMPLAINT and not d.answered  # queued for staff review
    qa = q.QuestionAnswerer(kb, Answers(kb, WorkCalendar(kb.holidays)))
    answer = qa.render(d, parse_of(reader, "等了快一个月了也没个信儿"), date(2026, 11, 21))[0]
    text = "".join(s.text or "" for s in answer.sections)
    assert qa.answers.say("complaint.look_up") in text and answer.phones
    assert decided(questions, reader, "a_complaint", "在协会窗口排了半天队", Context(), intent="complain").kind == q.COMPLAINT
    assert decided(questions, reader, "a_complaint", "湖州的证延续太麻烦了", Context(), intent="complain") is None
    waited = decided(questions, reader, "a_complaint", "单位变更材料交了十来天还没消息，我要投诉", Context(), intent="complain")
    assert waited.kind == q.COMPLAINT  # a matter alone says what it is about
    looked_up = Context(procedures=["H-REISSUE"], status_records=[
        {"code": "H-REISSUE", "status": "需补正", "missing": ["附件三"], "note": ""}])
    assert decided(questions, reader, "a_complaint", "怎么还缺东西", looked_up, intent="complain") is None
    after_reissue = Context(procedures=["H-REISSUE"], aspects=["materials"])
    assert decided(questions, reader, "a_complaint", "那要是没丢，是让水泡坏了呢", after_reissue, intent="complain") is None
    assert decided(questions, reader, "a_complaint", "证书弄坏了你们也不管", Context(), intent="complain").kind == q.COMPLAINT
    lost_n = Context(procedures=["N-LOST"], certificate="N", matter="reissue", aspects=["materials"])
    assert decided(questions, reader, "a_complaint", "登报太麻烦了能不能不登", lost_n, intent="complain") is None
    assert decided(questions, reader, "a_complaint", "报纸上没登能行吗", lost_n, intent="complain") is None
    assert decided(questions, reader, "a_complaint", "刚考出来的想办初始注册还要带啥", Context(), intent="complain") is None


def test_a_policy_asked_in_displeasure_is_answered_with_the_apology_and_whom_to_call(questions, reader, kb):
    text = "不是说只用跑一趟吗，我来回折腾四次了，你们这叫什么办事"
    d = decided(questions, reader, "a_policy", text, Context(), intent="complain")
    assert d.kind == q.POLICY and d.displeased and d.answered
    qa = q.QuestionAnswerer(kb, Answers(kb, WorkCalendar(kb.holidays)))
    answers = qa.render(d, parse_of(reader, text), date(2026, 11, 21))
    assert answers[-1].phones and qa.answers.say("complaint.look_up") in "".join(s.text or "" for s in answers[-1].sections)
    assert not decided(questions, reader, "a_policy", "最多跑一次是什么意思", Context(), intent="ask_policy").displeased


def test_a_position_after_an_answer_for_two_procedures_chooses_one_of_them(questions, reader):
    both = Context(procedures=["P-RENEW", "N-RENEW"], aspects=["guide"])
    d = decided(questions, reader, "choose_by_position", "第二个要交哪些东西", both)
    assert d.kind == q.ANSWER and d.codes == ["N-RENEW"] and "materials" in d.aspects


def test_a_position_after_a_forms_answer_is_the_attachment_at_that_place(questions, reader, kb):
    d = decided(questions, reader, "choose_by_position", "那第四个呢", Context(form="附件二"))
    assert d.kind == q.FORM and d.keys == [list(kb.forms)[3]]


def test_a_position_asking_about_the_procedure_in_context_is_no_choice(questions, reader):
    assert decided(questions, reader, "choose_by_position", "第二样是什么表", IN_CONTEXT) is None
    d = questions.decide(parse_of(reader, "第二样是什么表"), IN_CONTEXT, "ask_forms")
    assert d.kind == q.ANSWER and d.codes == ["H-RENEW"] and d.aspects == ["forms"]

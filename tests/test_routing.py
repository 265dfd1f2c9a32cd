"""The intent rules of bot/language/routing.py: where a message's entities overrule the classifier's intent.

Each rule is tested on its own (`ruled_out` per rule) and through the router with a ranking, on entities the
EntityReader reads from our own wording (none from the evaluation sets).
"""

from __future__ import annotations

import pytest

from bot.knowledge.base import default_knowledge
from bot.language import intents as i
from bot.language import routing
from bot.language.routing import IntentRouter, Reading
from tests.conftest import rasa_entities

ROUTER = IntentRouter(default_knowledge())


def reading(reader, text: str) -> Reading:
    return Reading.of(rasa_entities(reader, text), frozenset(default_knowledge().aspect_of_intent()))


def test_parting_words_the_classifier_was_torn_between_are_the_better_ranked():
    torn = [("nlu_fallback", 0.3), (i.THANK, 0.5), (i.GOODBYE, 0.42), (i.ASK_TIME, 0.03)]
    assert ROUTER.route(i.NLU_FALLBACK, torn, []) == i.THANK
    unsure = [("nlu_fallback", 0.3), (i.THANK, 0.5), (i.ASK_TIME, 0.42)]
    assert ROUTER.route(i.NLU_FALLBACK, unsure, []) in (None, i.NLU_FALLBACK)


@pytest.mark.parametrize(("rule", "intent", "text", "out"), [
    (routing.an_id_number_is_a_look_up, i.ASK_MATERIALS, "周芳 330502198503120112，补正还要交啥", i.ALL - i.STATUS),
    (routing.a_position_is_a_choice, i.INFORM_IDENTITY, "2", i.ALL - {i.CHOOSE_OPTION}),
    (routing.a_position_is_a_choice, i.DENY, "最后一个", i.ALL - {i.CHOOSE_OPTION}),
    (routing.progress_is_a_look_up, i.ASK_GUIDE, "我的延续办好没", i.ALL - i.STATUS),
    (routing.facts_without_an_id_are_a_question, i.CHECK_STATUS, "我老婆帮我去交可以不", i.SMALL_TALK | i.STATUS),
    (routing.finding_out_is_a_question, i.CHECK_STATUS, "审核结果去哪里看", i.SMALL_TALK | i.STATUS),
    (routing.an_aspect_alone_is_no_verdict, i.ASK_ONE_TRIP, "现在补办来得及吗", i.SMALL_TALK | i.STATUS | i.VERDICT),
    (routing.trips_with_facts_are_a_verdict, i.ASK_MATERIALS, "申请表还没填好，能一次办好吗",
     i.ALL - i.VERDICT - i.SITUATION),
    (routing.a_situation_tells_a_fact, i.INFORM_SITUATION, "那还差哪些材料", i.SITUATION),
    (routing.facts_told_are_a_situation_when_unsure, i.NLU_FALLBACK, "我本人去，资料都备齐了",
     i.ALL - i.SITUATION - i.VERDICT),
    (routing.a_question_is_a_question_when_unsure, i.NLU_FALLBACK, "那还差哪些材料",
     frozenset({i.NLU_FALLBACK}) | i.SMALL_TALK | i.STATUS),
    (routing.a_yes_or_no_telling_facts_is_a_situation, i.AFFIRM, "本人亲自跑，资料也都带齐了", frozenset({i.AFFIRM, i.DENY})),
    (routing.a_question_is_no_small_talk_or_look_up, i.DENY, "那注销呢", i.SMALL_TALK | i.STATUS),
    (routing.a_question_is_no_small_talk_or_look_up, i.DENY, "一寸照要不", i.SMALL_TALK | i.STATUS),
])
def test_each_rule_rules_out_in_its_situation(reader, rule, intent, text, out):
    assert rule(intent, reading(reader, text)) == out


@pytest.mark.parametrize(("rule", "intent", "text"), [
    (routing.an_id_number_is_a_look_up, i.ASK_MATERIALS, "身份证尾号0235，补正还要交啥"),
    (routing.a_position_is_a_choice, i.ASK_GUIDE, "第二个证书延续怎么办"),
    (routing.progress_is_a_look_up, i.CHECK_STATUS, "我的延续办好没"),
    (routing.progress_is_a_look_up, i.ASK_TIME, "我的延续办好没，还要多久"),
    (routing.facts_without_an_id_are_a_question, i.CHECK_STATUS, "我64岁 330502198503120112"),
    (routing.finding_out_is_a_question, i.CHECK_STATUS, "330502198503120112 在哪看结果"),
    (routing.an_aspect_alone_is_no_verdict, i.ASK_ONE_TRIP, "我65岁了，现在补办来得及吗"),
    (routing.trips_with_facts_are_a_verdict, i.ASK_MATERIALS, "能一次办好吗"),
    (routing.a_situation_tells_a_fact, i.INFORM_SITUATION, "我64岁，还差哪些材料"),
    (routing.facts_told_are_a_situation_when_unsure, i.NLU_FALLBACK, "今天天气怎么样"),
    (routing.a_question_is_a_question_when_unsure, i.NLU_FALLBACK, "今天天气怎么样"),
    (routing.a_question_is_a_question_when_unsure, i.NLU_FALLBACK, "我本人去，资料都备齐了"),
    (routing.a_yes_or_no_telling_facts_is_a_situation, i.AFFIRM, "是的，东西都备全了"),
    (routing.a_question_is_no_small_talk_or_look_up, i.AFFIRM, "是的，东西都备全了"),
])
def test_each_rule_has_no_say_outside_its_situation(reader, rule, intent, text):
    assert rule(intent, reading(reader, text)) == frozenset()


def keep(intent: str, entities: list[dict], ranking: list[tuple[str, float]]) -> str:
    """Return the intent a message ends with: the router's, or the classifier's where it has no say."""
    return ROUTER.route(intent, ranking, entities) or intent


def test_small_talk_naming_a_matter_becomes_the_best_question_intent(reader):
    entities = rasa_entities(reader, "那注销呢")
    assert keep("deny", entities, [("deny", 0.7), ("affirm", 0.1), ("ask_guide", 0.1)]) == "ask_guide"


def test_small_talk_naming_a_matter_is_not_taken_for_a_look_up(reader):
    entities = rasa_entities(reader, "叫我爱人去办湖州证延续，行不")
    ranking = [("deny", 0.5), ("check_status", 0.2), ("ask_conditions", 0.1)]
    assert keep("deny", entities, ranking) == "ask_conditions"


def test_small_talk_asking_about_a_material_becomes_a_question(reader):
    entities = rasa_entities(reader, "那个登报的声明去哪登")
    assert keep("affirm", entities, [("affirm", 0.6), ("ask_materials", 0.2)]) == "ask_materials"


def test_how_to_find_out_a_result_is_a_question_not_a_look_up(reader):
    entities = rasa_entities(reader, "延续注册的审核结果到哪里去看")
    assert keep("check_status", entities, [("check_status", 0.9), ("ask_process", 0.05)]) == "ask_process"


def test_a_look_up_naming_a_material_stays_a_look_up(reader):
    entities = rasa_entities(reader, "帮我看下材料审核通过没")
    assert keep("check_status", entities, [("check_status", 0.9), ("ask_materials", 0.05)]) == "check_status"


def test_a_time_question_is_no_verdict(reader):
    entities = rasa_entities(reader, "下周就要用证，现在去补来不来得及")
    assert keep("ask_one_trip", entities, [("ask_one_trip", 0.8), ("ask_time", 0.1)]) == "ask_time"


def test_a_situation_that_tells_no_fact_and_asks_an_aspect_is_a_question(reader):
    entities = rasa_entities(reader, "那现在还缺什么证明")
    assert keep("inform_situation", entities, [("inform_situation", 0.5), ("ask_materials", 0.4)]) == "ask_materials"


def test_an_intent_taken_instead_is_ruled_out_in_turn(reader):
    entities = rasa_entities(reader, "那现在还缺什么证明")
    ranking = [("deny", 0.5), ("inform_situation", 0.2), ("ask_materials", 0.1)]
    assert keep("deny", entities, ranking) == "ask_materials"


def test_an_aspect_question_is_named_by_the_one_aspect_it_asks(reader):
    entities = rasa_entities(reader, "那还差哪些材料")
    assert keep("ask_forms", entities, [("ask_forms", 0.6), ("ask_materials", 0.3)]) == "ask_materials"


def test_an_aspect_question_asking_several_aspects_keeps_its_intent(reader):
    entities = rasa_entities(reader, "延续要带什么材料，多久能办好")
    assert keep("ask_time", entities, [("ask_time", 0.6), ("ask_materials", 0.3)]) == "ask_time"


def test_asking_about_trips_while_telling_what_is_missing_is_a_verdict(reader):
    entities = rasa_entities(reader, "跟原单位解除劳动合同的证明还没拿到，我先把别的带过去办湖州证变更，能一次办成吗")
    ranking = [("ask_materials", 0.7), ("ask_conditions", 0.2), ("inform_situation", 0.05)]
    assert keep("ask_materials", entities, ranking) in ("ask_one_trip", "inform_situation")


def test_a_verdict_question_telling_a_missing_material_stays_a_verdict(reader):
    entities = rasa_entities(reader, "原单位的证明还没拿到，先带别的材料去办湖州证变更，行不行")
    assert keep("ask_one_trip", entities, [("ask_one_trip", 0.9), ("ask_materials", 0.05)]) == "ask_one_trip"


def test_a_situation_telling_facts_stays_a_situation(reader):
    entities = rasa_entities(reader, "我64岁，证还有两个月到期，要准备啥")
    assert keep("inform_situation", entities, [("inform_situation", 0.6), ("ask_materials", 0.3)]) == "inform_situation"


def test_small_talk_that_only_tells_facts_stays_small_talk(reader):
    entities = rasa_entities(reader, "是的，东西都备全了")
    assert keep("affirm", entities, [("affirm", 0.8), ("ask_materials", 0.1)]) == "affirm"


def test_generic_and_hint_roles_do_not_make_a_question():
    entities = [{"entity": "certificate", "value": "N", "role": "generic"},
                {"entity": "matter", "value": "renew", "role": "hint"}]
    assert keep("thank", entities, [("thank", 0.9), ("ask_guide", 0.05)]) == "thank"


def test_a_question_intent_is_never_replaced():
    entities = [{"entity": "matter", "value": "cancel"}]
    assert keep("ask_time", entities, [("ask_time", 0.6), ("ask_guide", 0.3)]) == "ask_time"


def test_a_progress_question_naming_only_the_whole_guide_is_a_look_up(reader):
    entities = rasa_entities(reader, "麻烦帮我看下办理的进度")
    assert keep("ask_guide", entities, [("ask_guide", 0.9), ("check_status", 0.05)]) == "check_status"

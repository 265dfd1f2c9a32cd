"""The Rasa actions route each message and keep context in slots."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker

from actions import slots
from actions.actions import ActionAnswerQuestion, ActionCheckStatus, ActionOneTrip, Router
from bot.applications.importer import import_file
from tests.conftest import SHARED


def tracker(text: str, intent: str, slot_values: dict[str, Any] | None = None) -> Tracker:
    return Tracker("test", slot_values or {}, {"text": text, "intent": {"name": intent, "confidence": 0.9}},
                   [], False, None, {}, "action_listen")


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture()
def router(services):
    return Router(services)


async def run(action, dispatcher, t, domain):
    return await action.run(dispatcher, t, domain)


@pytest.mark.asyncio
async def test_answer_sets_context_and_follow_up_uses_it(router, dispatcher, domain, kb):
    question = tracker("湖州市监理工程师培训合格证丢了要带什么", "ask_materials")
    events = await run(ActionAnswerQuestion(router), dispatcher, question, domain)
    state = slot_events(events)
    assert state[slots.PROCEDURE] == "H-REISSUE"
    assert kb.procedures["H-REISSUE"].materials("lost")[0].text in dispatcher.messages[0]["text"]
    dispatcher.messages.clear()
    await run(ActionAnswerQuestion(router), dispatcher, tracker("那要多久？", "ask_time", state), domain)
    assert kb.procedures["H-REISSUE"].printing.text in dispatcher.messages[0]["text"]


@pytest.mark.asyncio
async def test_clarify_sends_buttons(router, dispatcher, domain):
    events = await run(ActionAnswerQuestion(router), dispatcher, tracker("证书丢了怎么补办", "ask_guide"), domain)
    assert len(dispatcher.messages[0]["buttons"]) == 2
    assert slot_events(events)[slots.OPTIONS] == ["P", "N"]


@pytest.mark.asyncio
async def test_out_of_scope_is_logged_for_staff(router, dispatcher, domain, services):
    await run(ActionAnswerQuestion(router), dispatcher, tracker("安全员C证怎么考", "out_of_scope"), domain)
    assert "抱歉" in dispatcher.messages[0]["text"]
    assert services.store.unanswered_counts() == [("安全员C证怎么考", 1)]


@pytest.mark.asyncio
async def test_status_two_turns(router, dispatcher, domain, services, kb):
    assert import_file(SHARED / "eval" / "applications.csv", services.store, set(kb.procedures)).ok
    events = await run(ActionCheckStatus(router), dispatcher, tracker("查一下进度", "check_status"), domain)
    state = slot_events(events)
    assert state[slots.FLOW] == slots.FLOW_STATUS
    dispatcher.messages.clear()
    await run(ActionAnswerQuestion(router), dispatcher,
              tracker("身份证号330102199005150477，姓名刘洋", "ask_guide", state), domain)
    assert "已受理" in dispatcher.messages[0]["text"] and "330102199005150477" not in dispatcher.messages[0]["text"]


@pytest.mark.asyncio
async def test_one_trip_routed_even_when_intent_says_materials(router, dispatcher, domain):
    text = "培训合格证上身份证号要勘误，我只带了勘误申请表和身份证复印件，能一次办好吗？"
    await run(ActionAnswerQuestion(router), dispatcher, tracker(text, "ask_materials"), domain)
    assert "派出所" in dispatcher.messages[0]["text"] and "还缺少" in dispatcher.messages[0]["text"]


@pytest.mark.asyncio
async def test_one_trip_asks_then_decides(router, dispatcher, domain):
    events = await run(ActionOneTrip(router), dispatcher, tracker("湖州市培训合格证延续能只跑一次吗", "ask_one_trip"), domain)
    state = slot_events(events)
    assert state[slots.FLOW] == slots.FLOW_ONE_TRIP and "周岁" in dispatcher.messages[0]["text"]
    dispatcher.messages.clear()
    events = await run(ActionOneTrip(router), dispatcher,
                       tracker("在有效期内，还有两个月到期，今年70岁", "inform_situation", state), domain)
    assert "不符合" in dispatcher.messages[0]["text"] and slot_events(events)[slots.FLOW] is None


@pytest.mark.asyncio
async def test_a_failing_service_gives_a_polite_reply(router, dispatcher, domain, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(router.services.questions, "step", boom)
    await run(ActionAnswerQuestion(router), dispatcher, tracker("注销要带什么", "ask_materials"), domain)
    assert "抱歉" in dispatcher.messages[0]["text"]


def test_domain_declares_every_slot_and_action(domain):
    names = {v for k, v in vars(slots).items() if k.isupper()} - {slots.FLOW_STATUS, slots.FLOW_ONE_TRIP}
    assert names == set(domain["slots"])
    assert {ActionAnswerQuestion().name(), ActionCheckStatus().name(), ActionOneTrip().name()} <= set(domain["actions"])


@pytest.mark.asyncio
async def test_a_question_misread_as_identity_is_still_answered(router, dispatcher, domain, kb):
    text = "全省统一平台的专业监理工程师培训合格证上我的姓名打错了，勘误需要什么材料？"
    await run(ActionCheckStatus(router), dispatcher, tracker(text, "inform_identity"), domain)
    assert kb.procedures["P-CORRECT"].materials("name_gender")[0].text in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("text", ["我的补证申请批了吗", "查一下进度", "我的申请到哪一步了"])
def test_progress_questions_are_recognised(text):
    from bot.dialogue.status import asks_status

    assert asks_status(text)

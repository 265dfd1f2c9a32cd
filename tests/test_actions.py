"""The Rasa custom actions, rasa-demo style: a CollectingDispatcher, rasa_sdk Trackers whose latest message carries
the entities the NLU component emits (built with the real EntityReader), the domain, and services with a fixed today
on a scratch status store holding the sample applications.

Slots that Rasa fills from entities (`from_entity` mappings in domain.yml) are filled here the way Rasa does it before
a form's validation action runs: entity and role must match the mapping; a list slot takes every value.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from actions.one_trip import ActionAskTripAnswered, ActionOneTripVerdict, ValidateOneTripForm
from actions.questions import ActionAnswerQuestion
from actions.status import ActionAskIdHash, ActionReportStatus, ValidateStatusForm
from bot.applications.importer import import_file
from tests.conftest import SHARED, rasa_entities

ZHANG = "330502198503120112"  # 张伟: P-CHANGE-EMPLOYER 审核中, P-CORRECT 已提交
LI = "330503197907080235"  # 李娜: H-REISSUE 需补正
LIU = "330102199005150477"  # 刘洋: N-TRANSFER 已受理


@pytest.fixture()
def services(services, kb):
    assert import_file(SHARED / "eval" / "applications.csv", services.store, set(kb.procedures)).ok
    return services


def entity_slots(domain: dict, entities: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the slots Rasa fills from a message's entities by the domain's from_entity mappings."""
    out: dict[str, Any] = {}
    for name, slot in domain["slots"].items():
        for mapping in slot.get("mappings", []):
            if mapping.get("type") != "from_entity":
                continue
            found = [e["value"] for e in entities
                     if e["entity"] == mapping["entity"] and e.get("role") == mapping.get("role")]
            if found:
                out[name] = list(dict.fromkeys(found)) if slot["type"] == "list" else found[0]
                break
    return out


@pytest.fixture()
def tracker(reader, domain):
    """Build the tracker of a conversation's latest message (slots carried over from before, entities filled)."""

    def make(text: str, intent: str, before: dict[str, Any] | None = None, *, active_loop: str | None = None,
             sender: str = "tester") -> Tracker:
        entities = rasa_entities(reader, text)
        values: dict[str, Any] = {name: None for name in domain["slots"]}
        values.update(before or {})
        values.update(entity_slots(domain, entities))
        latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities, "metadata": {}}
        return Tracker(sender, values, latest, [], False, None, {"name": active_loop} if active_loop else {},
                       "action_listen")

    return make


# rasa_sdk's ValidationAction keeps only the events of the form's required slots: whatever else an extract_ method
# returns (id_masked, id_pending, requested_slot, options, matter, the facts affirmed …) never reaches Rasa.
def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


class Conversation:
    """Carry slots from turn to turn as Rasa does: the slots set by each action are the next turn's slots."""

    def __init__(self, tracker, dispatcher, domain) -> None:
        self.tracker = tracker
        self.dispatcher = dispatcher
        self.domain = domain
        self.slots: dict[str, Any] = {}
        self.text = ""

    async def run(self, action, text: str, intent: str, *, active_loop: str | None = None) -> dict[str, Any]:
        self.dispatcher.messages.clear()
        t = self.tracker(text, intent, self.slots, active_loop=active_loop)
        self.slots = {k: v for k, v in t.slots.items()}
        events = await action.run(self.dispatcher, t, self.domain)
        changed = slot_events(events)
        self.slots.update(changed)
        self.text = texts(self.dispatcher)
        return changed


@pytest.fixture()
def talk(tracker, dispatcher, domain) -> Conversation:
    return Conversation(tracker, dispatcher, domain)


def test_the_domain_declares_every_slot_and_action(domain):
    names = {v for k, v in vars(slots).items() if k.isupper()} - {slots.STATUS_FORM, slots.ONE_TRIP_FORM,
                                                                   slots.REQUESTED_SLOT}
    assert names <= set(domain["slots"])
    actions = [ActionAnswerQuestion, ValidateStatusForm, ActionAskIdHash, ActionReportStatus, ValidateOneTripForm,
               ActionAskTripAnswered, ActionOneTripVerdict]
    assert {a().name() for a in actions} <= set(domain["actions"])
    assert set(domain["forms"]) == {slots.STATUS_FORM, slots.ONE_TRIP_FORM}


def test_every_entity_the_reader_emits_is_declared(reader, domain):
    from bot.language.entities import ENTITY_NAMES

    declared = {next(iter(e)) if isinstance(e, dict) else e for e in domain["entities"]}
    assert set(ENTITY_NAMES) <= declared


# ---------------------------------------------------------------------------------------------- status form
@pytest.mark.asyncio
async def test_a_bare_id_number_fills_the_id_hash(services, talk):
    action = ValidateStatusForm(services)
    changed = await talk.run(action, ZHANG, "inform_identity", active_loop=slots.STATUS_FORM)
    assert changed[slots.ID_HASH] == services.store.id_hash(ZHANG)
    assert slots.APPLICANT_NAME not in changed and ZHANG not in repr(changed)


@pytest.mark.asyncio
async def test_a_bare_id_number_keeps_its_masked_form(services, talk):
    changed = await talk.run(ValidateStatusForm(services), ZHANG, "inform_identity", active_loop=slots.STATUS_FORM)
    assert changed[slots.ID_MASKED] == "330*************12"


@pytest.mark.asyncio
@pytest.mark.parametrize("message", [f"张伟 {ZHANG}", f"{ZHANG} 张伟", f"帮我查一下，姓名张伟，身份证{ZHANG}"])
async def test_a_name_before_or_after_the_id_number(services, talk, message):
    changed = await talk.run(ValidateStatusForm(services), message, "inform_identity", active_loop=slots.STATUS_FORM)
    assert changed[slots.APPLICANT_NAME] == "张伟" and changed[slots.ID_HASH] == services.store.id_hash(ZHANG)


@pytest.mark.asyncio
@pytest.mark.parametrize("message", ["帮我看下我那个申请走到哪了", "审核到哪一步了", "批下来没有"])
async def test_a_progress_question_is_not_a_name(services, talk, message):
    talk.slots = {slots.REQUESTED_SLOT: slots.APPLICANT_NAME}
    changed = await talk.run(ValidateStatusForm(services), message, "check_status", active_loop=slots.STATUS_FORM)
    assert slots.APPLICANT_NAME not in changed


@pytest.mark.asyncio
async def test_the_name_alone_after_it_was_asked(services, talk):
    talk.slots = {slots.REQUESTED_SLOT: slots.APPLICANT_NAME, slots.ID_HASH: services.store.id_hash(ZHANG)}
    changed = await talk.run(ValidateStatusForm(services), "张伟", "inform_identity", active_loop=slots.STATUS_FORM)
    assert changed[slots.APPLICANT_NAME] == "张伟"


@pytest.mark.asyncio
async def test_an_id_number_split_over_two_messages_is_sealed_in_between(services, talk):
    action = ValidateStatusForm(services)
    first = await talk.run(action, "身份证 330502 19850312", "inform_identity", active_loop=slots.STATUS_FORM)
    assert first[slots.ID_PENDING] and "19850312" not in first[slots.ID_PENDING] and not first.get(slots.ID_HASH)
    await talk.run(ActionAskIdHash(services), "身份证 330502 19850312", "inform_identity")
    assert "剩余的4位" in talk.text
    second = await talk.run(action, "0112", "inform_identity", active_loop=slots.STATUS_FORM)
    assert second[slots.ID_HASH] == services.store.id_hash(ZHANG) and second[slots.ID_PENDING] is None


@pytest.mark.asyncio
async def test_the_name_beside_the_rest_of_a_split_number(services, tracker):
    pending = services.status.read_id("330502 19850312", None, services.today()).pending
    t = tracker("0112 张伟", "inform_identity", {slots.ID_PENDING: pending, slots.REQUESTED_SLOT: slots.ID_HASH},
                active_loop=slots.STATUS_FORM)
    found = await ValidateStatusForm(services).extract_applicant_name(CollectingDispatcher(), t, {})
    assert found == {slots.APPLICANT_NAME: "张伟"}


@pytest.mark.asyncio
async def test_an_invalid_id_number_is_said_in_chinese_and_counted(services, talk):
    changed = await talk.run(ValidateStatusForm(services), "330502198503120111 张伟", "inform_identity",
                             active_loop=slots.STATUS_FORM)
    assert changed[slots.ID_HASH] is None and "校验" in talk.text
    assert services.status.guard.counter.count(scope="client", subject="sender:tester") == 1


@pytest.mark.asyncio
async def test_a_wrong_name_is_asked_again_with_the_number_kept(services, talk):
    action = ValidateStatusForm(services)
    missed = await talk.run(action, f"{ZHANG} 张三", "inform_identity", active_loop=slots.STATUS_FORM)
    assert services.status.not_found in talk.text and "审核中" not in talk.text
    assert missed[slots.APPLICANT_NAME] is None and talk.slots[slots.ID_HASH] == services.store.id_hash(ZHANG)
    assert missed[slots.LOOKUP_MISSED] is True  # the form's ask then says to check the name (domain.yml)
    assert services.status.guard.counter.count(scope="id", subject=services.store.id_hash(ZHANG)) == 1
    talk.slots[slots.REQUESTED_SLOT] = slots.APPLICANT_NAME
    found = await talk.run(action, "张伟", "affirm", active_loop=slots.STATUS_FORM)
    assert found[slots.APPLICANT_NAME] == "张伟" and services.status.not_found not in talk.text


@pytest.mark.asyncio
async def test_misses_in_the_form_stop_the_look_up_when_locked(services, talk):
    action = ValidateStatusForm(services)
    for _ in range(10):
        changed = await talk.run(action, f"{ZHANG} 王芳", "inform_identity", active_loop=slots.STATUS_FORM)
        if slots.REQUESTED_SLOT in changed:
            break
    assert changed[slots.REQUESTED_SLOT] is None and changed[slots.ID_HASH] is None and "暂停" in talk.text
    report = await talk.run(ActionReportStatus(services), "王芳", "inform_identity")
    assert talk.text == "" and slots.STATUS_RECORDS not in report


async def look_up_in_the_form(services, talk, message: str) -> dict:
    """Play the status form on one message, as Rasa does before the report."""
    return await talk.run(ValidateStatusForm(services), message, "inform_identity", active_loop=slots.STATUS_FORM)


@pytest.mark.asyncio
async def test_the_form_looks_up_once_and_the_report_says_what_it_found(services, talk, monkeypatch):
    calls = []
    lookup = services.status.lookup
    monkeypatch.setattr(services.status, "lookup", lambda *a: calls.append(a) or lookup(*a))
    changed = await look_up_in_the_form(services, talk, f"李娜 {LI}")
    assert [r["procedure_code"] for r in changed[slots.STATUS_FOUND]] == ["H-REISSUE"] and talk.text == ""
    changed = await talk.run(ActionReportStatus(services), f"李娜 {LI}", "inform_identity")
    assert len(calls) == 1
    assert "需补正" in talk.text and "证书持有人身份证原件" in talk.text and LI not in talk.text
    assert talk.dispatcher.messages[0]["custom"]["answer"]["kind"] == "status"  # structured, as every answer
    assert changed[slots.PROCEDURE] == ["H-REISSUE"] and changed[slots.CERTIFICATE] == "H"
    assert changed[slots.STATUS_RECORDS][0]["status"] == "需补正"
    assert changed[slots.ID_HASH] is None and changed[slots.APPLICANT_NAME] is None
    assert changed[slots.STATUS_FOUND] is None


@pytest.mark.asyncio
async def test_a_follow_up_after_a_supplement_result(services, talk, kb):
    await look_up_in_the_form(services, talk, f"李娜 {LI}")
    await talk.run(ActionReportStatus(services), f"李娜 {LI}", "inform_identity")
    await talk.run(ActionAnswerQuestion(services), "那还需要带什么材料过去", "ask_materials")
    assert "抱歉" not in talk.text
    assert all(m.text in talk.text for m in kb.procedures["H-REISSUE"].materials("lost"))


@pytest.mark.asyncio
async def test_a_miss_in_the_form_counts_against_the_guard_and_the_report_says_nothing(services, talk):
    await look_up_in_the_form(services, talk, f"王芳 {ZHANG}")
    assert services.status.not_found in talk.text and "审核中" not in talk.text
    assert services.status.guard.counter.count(scope="id", subject=services.store.id_hash(ZHANG)) == 1
    changed = await talk.run(ActionReportStatus(services), "王芳", "inform_identity")
    assert talk.text == "" and slots.STATUS_RECORDS not in changed


@pytest.mark.asyncio
async def test_a_locked_number_is_said_and_forgotten(services, talk):
    id_hash = services.store.id_hash(ZHANG)
    for n in range(5):
        services.status.guard.record_failure(id_hash=id_hash, client=f"sender:other{n}")
    changed = await look_up_in_the_form(services, talk, f"张伟 {ZHANG}")
    assert "暂停" in talk.text and "审核中" not in talk.text
    assert changed[slots.ID_HASH] is None and changed[slots.REQUESTED_SLOT] is None


@pytest.mark.asyncio
async def test_asking_for_the_number_when_the_name_is_in(services, talk):
    talk.slots = {slots.APPLICANT_NAME: "张伟"}
    await talk.run(ActionAskIdHash(services), "张伟", "inform_identity")
    assert "身份证号" in talk.text and "姓名" not in talk.text


# ---------------------------------------------------------------------------------------------- answer action
@pytest.mark.asyncio
async def test_clarify_then_a_reply_in_words(services, talk, kb):
    await talk.run(ActionAnswerQuestion(services), "注销要准备什么", "ask_materials")
    assert talk.slots[slots.OPTIONS] and talk.slots[slots.MATTER] == "cancel"
    assert talk.slots[slots.ASPECT] == ["materials"] and talk.dispatcher.messages[0]["buttons"]
    changed = await talk.run(ActionAnswerQuestion(services), "部里发的那个", "inform_certificate")
    assert changed[slots.PROCEDURE] == ["N-CANCEL"] and changed[slots.OPTIONS] is None
    assert all(m.text in talk.text for m in kb.procedures["N-CANCEL"].materials())


@pytest.mark.asyncio
async def test_an_answer_sets_only_the_slots_it_changes(services, talk):
    first = await talk.run(ActionAnswerQuestion(services), "湖州市培训合格证丢了补证要带什么", "ask_materials")
    after_first = dict(talk.slots)
    again = await talk.run(ActionAnswerQuestion(services), "湖州市培训合格证丢了补证要带什么", "ask_materials")
    assert first[slots.PROCEDURE] and slots.FORM not in first  # form was None and stays None: no event
    assert again == {} and talk.slots == after_first  # the same question again: the same state, no slot event


def test_changes_keeps_a_slot_set_back_after_a_reset():
    from rasa_sdk.events import SlotSet

    from actions.common import changes

    tracker = Tracker("s", {slots.MATTER: "cancel", slots.FORM: None}, {}, [], False, None, {}, "action_listen")
    events = [SlotSet(slots.MATTER, None), SlotSet(slots.FORM, None), SlotSet(slots.MATTER, "cancel")]
    assert changes(tracker, events) == [SlotSet(slots.MATTER, None), SlotSet(slots.MATTER, "cancel")]


@pytest.mark.asyncio
async def test_a_bare_number_with_no_options_pending(services, talk):
    changed = await talk.run(ActionAnswerQuestion(services), "1", "choose_option")
    assert changed == {} and [m["response"] for m in talk.dispatcher.messages] == ["utter_no_options"]


@pytest.mark.asyncio
async def test_an_unanswered_question_is_logged_for_staff(services, talk, kb):
    await talk.run(ActionAnswerQuestion(services), "一建证书到期了怎么延续", "ask_guide")
    assert kb.contacts["huzhou_association"].phones[0] in talk.text
    assert services.store.unanswered_counts() == [("一建证书到期了怎么延续", 1)]


@pytest.mark.asyncio
async def test_the_answer_carries_its_structure(services, talk):
    await talk.run(ActionAnswerQuestion(services), "湖州证延续要带啥", "ask_materials")
    message = talk.dispatcher.messages[0]
    assert message["text"] and message["custom"]


def kept_turns(services) -> list:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from bot.database.tables import Turn

    with Session(services.store.engine) as session:
        return list(session.scalars(select(Turn).order_by(Turn.id)))


@pytest.mark.asyncio
async def test_each_reply_is_kept_and_its_last_answer_carries_the_rating_key(services, talk):
    await talk.run(ActionAnswerQuestion(services), "湖州证延续要带啥呀", "ask_materials")
    keys = [m["custom"].get("turn") for m in talk.dispatcher.messages]
    assert keys[-1] and not any(keys[:-1])
    [row] = kept_turns(services)
    assert (row.key, row.message, row.kind, row.procedures) == (keys[-1], "湖州证延续要带啥呀", "procedure", "H-RENEW")
    assert (row.intent, row.confidence, row.answered, row.rateable) == ("ask_materials", 0.9, True, True)


@pytest.mark.asyncio
async def test_the_reply_time_counts_from_when_the_channel_received_the_message(services, tracker, dispatcher, domain):
    import time

    t = tracker("湖州证延续多久能拿到", "ask_time")
    t.latest_message["metadata"] = {"client": "web:192.0.2.1", "received_at": time.time() - 0.8}
    await ActionAnswerQuestion(services).run(dispatcher, t, domain)
    [row] = kept_turns(services)
    assert 800 <= row.latency_ms < 5000 and row.channel == "web"


@pytest.mark.asyncio
async def test_a_clarification_is_kept_but_not_offered_for_rating(services, talk):
    await talk.run(ActionAnswerQuestion(services), "证书丢了该咋弄", "ask_guide")
    assert not any(m["custom"].get("turn") for m in talk.dispatcher.messages if m.get("custom"))
    [row] = kept_turns(services)
    assert row.kind == "clarify" and row.clarification and not row.rateable


@pytest.mark.asyncio
async def test_a_status_report_is_rated_but_what_the_person_typed_is_not_kept(services, talk):
    await look_up_in_the_form(services, talk, f"李娜 {LI}")
    await talk.run(ActionReportStatus(services), f"李娜 {LI}", "inform_identity")
    [row] = kept_turns(services)
    assert (row.message, row.kind, row.procedures) == ("", "status", "H-REISSUE")
    assert talk.dispatcher.messages[0]["custom"]["turn"] == row.key


# ---------------------------------------------------------------------------------------------- one-trip form
@pytest.mark.asyncio
async def test_the_procedure_and_the_facts_of_the_first_message(services, talk):
    changed = await talk.run(ValidateOneTripForm(services), "湖州证延续，我今年59岁，证书明年二月到期，能一次办好吗",
                             "ask_one_trip", active_loop=slots.ONE_TRIP_FORM)
    assert changed[slots.TRIP_PROCEDURE] == ["H-RENEW"]
    assert talk.slots["age"] == 59 and talk.slots["expiry"]


@pytest.mark.asyncio
async def test_asks_the_open_questions_once_then_gives_the_verdict(services, talk, kb):
    form = ValidateOneTripForm(services)
    await talk.run(form, "湖州市培训合格证延续能只跑一次吗", "ask_one_trip", active_loop=slots.ONE_TRIP_FORM)
    assert talk.slots[slots.TRIP_PROCEDURE] == ["H-RENEW"] and not talk.slots.get(slots.TRIP_ANSWERED)
    await talk.run(ActionAskTripAnswered(services), "湖州市培训合格证延续能只跑一次吗", "ask_one_trip")
    asked = talk.text
    assert talk.slots[slots.TRIP_ASKED] and "周岁" in asked
    changed = await talk.run(form, "我62岁，后年三月到期，材料都备齐了", "inform_situation",
                             active_loop=slots.ONE_TRIP_FORM)
    assert changed[slots.TRIP_ANSWERED] is True
    await talk.run(ActionOneTripVerdict(services), "我62岁，后年三月到期，材料都备齐了", "inform_situation")
    assert talk.text and talk.text != asked
    assert talk.slots[slots.TRIP_PROCEDURE] is None and talk.slots["age"] is None  # facts do not outlive the verdict
    kept = kept_turns(services)[-1]
    assert (kept.kind, kept.procedures, kept.rateable) == ("verdict", "H-RENEW", True)
    assert talk.dispatcher.messages[-1]["custom"]["turn"] == kept.key


@pytest.mark.asyncio
async def test_a_relative_expiry_decides_against_the_fixed_today(services, tracker, kb):
    form = ValidateOneTripForm(services)
    base = {slots.TRIP_PROCEDURE: ["H-RENEW"], slots.TRIP_ASKED: True}
    near = tracker("证书下个月底到期，62岁", "inform_situation", base, active_loop=slots.ONE_TRIP_FORM)
    far = tracker("证书大后年春天到期，62岁", "inform_situation", base, active_loop=slots.ONE_TRIP_FORM)
    months_near = form.facts(near, ["H-RENEW"]).months_to_expiry
    months_far = form.facts(far, ["H-RENEW"]).months_to_expiry
    assert months_near == pytest.approx(1.3, abs=0.1) and months_far == pytest.approx(28.8, abs=0.1)
    assert form.verdict(near, ["H-RENEW"], final=True).kind != form.verdict(far, ["H-RENEW"], final=True).kind


@pytest.mark.asyncio
async def test_affirm_answers_the_yes_or_no_questions(services, talk):
    form = ValidateOneTripForm(services)
    talk.slots = {slots.TRIP_PROCEDURE: ["P-CANCEL"], slots.TRIP_ASKED: True}
    changed = await talk.run(form, "是的", "affirm", active_loop=slots.ONE_TRIP_FORM)
    assert changed[slots.TRIP_ANSWERED] is True
    assert changed["proxy"] == "no" and changed["ready"] == "yes"


@pytest.mark.asyncio
async def test_a_policy_question_hands_over_to_the_answer(services, talk):
    changed = await talk.run(ValidateOneTripForm(services), "最多跑一次到底啥意思", "ask_one_trip",
                             active_loop=slots.ONE_TRIP_FORM)
    assert changed[slots.REQUESTED_SLOT] is None and changed.get(slots.TRIP_PROCEDURE) is None
    await talk.run(ActionOneTripVerdict(services), "最多跑一次到底啥意思", "ask_one_trip")
    assert "跑一次" in talk.text


@pytest.mark.asyncio
async def test_a_clarification_inside_the_form(services, talk):
    form = ValidateOneTripForm(services)
    changed = await talk.run(form, "注销能一次办完吗", "ask_one_trip", active_loop=slots.ONE_TRIP_FORM)
    assert changed[slots.OPTIONS] and talk.slots[slots.MATTER] == "cancel"
    changed = await talk.run(form, "省平台的", "inform_certificate", active_loop=slots.ONE_TRIP_FORM)
    assert changed[slots.TRIP_PROCEDURE] == ["P-CANCEL"]


@pytest.mark.asyncio
async def test_the_verdict_names_what_is_missing(services, talk, kb):
    talk.slots = {slots.TRIP_PROCEDURE: ["P-CORRECT"], slots.VARIANT: "id_number", slots.TRIP_ANSWERED: True}
    await talk.run(ActionOneTripVerdict(services), "公安的证明还没拿到，别的都有", "inform_situation")
    police = next(m for m in kb.procedures["P-CORRECT"].materials("id_number") if m.id == "police_proof")
    assert police.text in talk.text


@pytest.mark.asyncio
async def test_an_alternative_material_counts_inside_the_form(services, tracker):
    form = ValidateOneTripForm(services)
    t = tracker("用到期的劳动合同代替", "inform_situation", {slots.TRIP_PROCEDURE: ["H-CHANGE-EMPLOYER"]},
                active_loop=slots.ONE_TRIP_FORM)
    assert "termination_proof" in (form.facts(t, ["H-CHANGE-EMPLOYER"]).have or set())


@pytest.mark.asyncio
async def test_a_form_validation_returns_only_the_slots_it_changes(services, tracker, dispatcher, domain):
    """rasa-sdk validates again every slot set since the message; those that keep their value are not returned."""
    t = tracker("我六十七了，湖州的培训证下个月到期，去协会续期一次能弄好吗", "ask_one_trip",
                active_loop=slots.ONE_TRIP_FORM)
    set_by_message = {name: value for name, value in t.slots.items() if value is not None}
    t.events = [{"event": "user", "text": t.latest_message["text"]},
                *({"event": "slot", "name": name, "value": value} for name, value in set_by_message.items())]
    before = dict(t.slots)
    events = await ValidateOneTripForm(services).run(dispatcher, t, domain)
    assert set_by_message and events
    assert all(before.get(e["name"]) != e["value"] for e in events if e.get("event") == "slot")
    assert slot_events(events)[slots.TRIP_PROCEDURE] == ["H-RENEW"]


@pytest.mark.asyncio
async def test_a_fact_about_expiry_keeps_the_procedure(services, talk):
    talk.slots = {slots.TRIP_PROCEDURE: ["N-RENEW"], slots.PROCEDURE: ["N-RENEW"], slots.CERTIFICATE: "N",
                  slots.MATTER: "renew", slots.TRIP_ASKED: True}
    changed = await talk.run(ValidateOneTripForm(services), "证书前几天刚过期", "inform_situation",
                             active_loop=slots.ONE_TRIP_FORM)
    assert changed.get(slots.TRIP_PROCEDURE, ["N-RENEW"]) == ["N-RENEW"]


@pytest.mark.asyncio
async def test_a_question_while_the_verdict_asks_fills_nothing_so_the_rules_answer_it(services, tracker, dispatcher,
                                                                                      domain):
    before = {slots.TRIP_PROCEDURE: ["P-CORRECT"], slots.REQUESTED_SLOT: slots.TRIP_ANSWERED, slots.TRIP_ASKED: True}
    asked = tracker("那大概几天能拿到新证", "ask_time", before, active_loop=slots.ONE_TRIP_FORM)
    asked.events = [{"event": "user", "text": asked.latest_message["text"]},
                    {"event": "slot", "name": slots.ASPECT, "value": ["time"]}]
    events = await ValidateOneTripForm(services).run(dispatcher, asked, domain)
    assert not [e for e in events if e.get("event") == "slot" and e.get("name") != slots.REQUESTED_SLOT]
    answered = tracker("证书还在有效期内", "inform_situation", before, active_loop=slots.ONE_TRIP_FORM)
    assert slots.TRIP_ANSWERED in slot_events(await ValidateOneTripForm(services).run(dispatcher, answered, domain))


@pytest.mark.asyncio
async def test_what_is_asked_beside_the_verdict_follows_it(services, talk, kb):
    talk.slots = {slots.TRIP_PROCEDURE: ["H-RENEW"], slots.TRIP_ANSWERED: True,
                  slots.TRIP_ASPECTS: ["conditions", "materials"]}
    await talk.run(ActionOneTripVerdict(services), "快满六十五了，湖州证延续还来得及吗，要交哪些东西", "ask_one_trip")
    first = kb.procedures["H-RENEW"].materials(None)[0]
    assert first.text in talk.text and len(talk.dispatcher.messages) == 2  # the verdict, then the materials
    talk.slots = {slots.TRIP_PROCEDURE: ["H-RENEW"], slots.TRIP_ANSWERED: True, slots.TRIP_ASPECTS: ["trips"]}
    await talk.run(ActionOneTripVerdict(services), "湖州证延续能一次办好吗", "ask_one_trip")
    assert len(talk.dispatcher.messages) == 1


@pytest.mark.asyncio
async def test_the_verdict_without_a_procedure_answers_the_question(services, talk, kb):
    await talk.run(ActionOneTripVerdict(services), "协会的号码给我一下", "ask_contact")
    assert kb.contacts["huzhou_association"].phones[0] in talk.text


@pytest.mark.asyncio
async def test_a_verdict_asked_with_how_the_certificate_comes_out_says_that_too(services, talk, kb):
    form = ValidateOneTripForm(services)
    changed = await talk.run(form, "湖州证增加专业跑一趟能办完吗，新证怎么拿", "ask_one_trip",
                             active_loop=slots.ONE_TRIP_FORM)
    assert changed[slots.TRIP_PROCEDURE] == ["H-ADD-SPECIALTY"] and "collection" in changed[slots.TRIP_ASPECTS]
    talk.slots[slots.TRIP_ANSWERED] = True
    events = await talk.run(ActionOneTripVerdict(services), "都齐了", "affirm")
    lines = services.answers.parts.collection_lines(kb.procedures["H-ADD-SPECIALTY"])
    assert lines and all(line in talk.text for line in lines)
    assert events[slots.TRIP_ASPECTS] is None  # the next verdict starts afresh


@pytest.mark.asyncio
async def test_a_question_beside_an_id_number_that_finds_nothing_is_answered_too(services, talk, kb):
    await talk.run(ValidateStatusForm(services), f"{ZHANG} 白雪 查一下进度，另外湖州的证补证要多久", "check_status",
                   active_loop=slots.STATUS_FORM)
    assert services.status.not_found in talk.text
    assert kb.procedures["H-REISSUE"].printing.text in talk.text


@pytest.mark.asyncio
async def test_what_the_form_keeps_for_the_report_holds_no_mobile_number_or_name(services, talk):
    changed = await look_up_in_the_form(services, talk, f"李娜 {LI}")
    kept = str(changed[slots.STATUS_FOUND])
    assert "13800000002" not in kept and "李娜" not in kept and LI not in kept

"""A long conversation goes on in a bounded session: context and look-up limits survive the boundary.

The conversation runs on Rasa's own trackers, tracker store and session start, our action-call format and
our real actions (entities from the knowledge base's reader, as the NLU pipeline finds them).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from actions.questions import ActionAnswerQuestion
from actions.services import Services, build_services
from bot.applications.limits import client_key
from bot.knowledge.lexicon import default_lexicon
from rasa_ext.action_call import action_call
from rasa_ext.nlu import KnowledgeEntityExtractor, _reader
from rasa_ext.sessions import bounded, carried_slots, session_is_full, session_length
from rasa_ext.tracker_store import MaskingSQLTrackerStore
from tests.conftest import ROOT

MAX_EVENTS = 40
CLIENT = "rest:10.0.0.7"
QUESTION = "湖州市监理工程师培训合格证丢了，补证要带什么"
FOLLOW_UP = "那要多久能拿到"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


@pytest.fixture()
def services(kb, store, settings) -> Services:
    return build_services(kb, default_lexicon(), store, settings, today=lambda: date(2026, 11, 21))


def user(text: str, intent: str, *, timestamp: float | None = None) -> UserUttered:
    """Return a user message with the entities the NLU pipeline's knowledge-base extractor finds."""
    entities = [e.as_rasa(KnowledgeEntityExtractor.__name__) for e in _reader().read(text)]
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities}
    return UserUttered(text, parse["intent"], entities, parse_data=parse, metadata={"client": CLIENT},
                       timestamp=timestamp)


async def run_action(action: Any, tracker: DialogueStateTracker, domain: Domain) -> tuple[list[str], list[Event]]:
    """Run one of our actions on what Rasa sends the action server; return its texts and its events for Rasa."""
    request = action_call(RemoteAction(action.name(), None), tracker, domain)
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, Tracker.from_dict(request["tracker"]), request["domain"]) or []
    return [m.get("text") or "" for m in dispatcher.messages], [Event.from_parameters(e) for e in events]


async def answer(tracker: DialogueStateTracker, domain: Domain, services: Services, text: str,
                 intent: str) -> list[str]:
    """Play one question turn on the tracker as Rasa does: the message, the answer action, its slots, listen."""
    tracker.update(user(text, intent))
    texts, events = await run_action(ActionAnswerQuestion(services), tracker, domain)
    tracker.update(ActionExecuted("action_answer_question"))
    tracker.update_with_events([*events, *(BotUttered(t) for t in texts), ActionExecuted(ACTION_LISTEN_NAME)],
                               domain)
    return texts


def thanks(tracker: DialogueStateTracker) -> None:
    """Play one turn answered by a fixed response."""
    tracker.update_with_events([user("谢谢", "thank"), ActionExecuted("utter_thank"), BotUttered("不客气"),
                                ActionExecuted(ACTION_LISTEN_NAME)], None)


def new_conversation(domain: Domain) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("operator", [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(),
                                                         ActionExecuted(ACTION_LISTEN_NAME)], domain.slots)


def processor(domain: Domain) -> MessageProcessor:
    """Return a message processor with Rasa's own session handling, without a model (no prediction needed)."""
    p = object.__new__(MessageProcessor)
    p.domain, p.nlg, p.action_endpoint = domain, TemplatedNaturalLanguageGenerator(domain.responses), None
    return p


async def start_next_session(tracker: DialogueStateTracker, domain: Domain) -> None:
    update = bounded(MessageProcessor._update_tracker_session, lambda: MAX_EVENTS)
    await update(processor(domain), tracker, CollectingOutputChannel(), None)


@pytest.mark.asyncio
async def test_context_survives_the_session_boundary_and_the_store(domain, services, tmp_path):
    tracker = new_conversation(domain)
    first = await answer(tracker, domain, services, QUESTION, "ask_materials")
    assert services.kb.procedures["H-REISSUE"].materials("lost")[0].text in first[0]
    while session_length(tracker) < MAX_EVENTS:
        thanks(tracker)
    unbounded = tracker.copy()

    await start_next_session(tracker, domain)
    events = list(tracker.events)
    start = max(i for i, e in enumerate(events) if isinstance(e, SessionStarted))
    assert events[start - 1].action_name == ACTION_SESSION_START_NAME
    assert all(isinstance(e, SlotSet) for e in events[start + 1:-1]) and events[-1].action_name == ACTION_LISTEN_NAME
    store = MaskingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    await store.save(tracker)
    next_turn = await store.retrieve("operator")

    assert next_turn is not None and session_length(next_turn) < 15
    for name in (slots.CERTIFICATE, slots.MATTER, slots.PROCEDURE, slots.ASPECT, slots.VARIANT):
        assert next_turn.get_slot(name) == unbounded.get_slot(name) is not None
    after = await answer(next_turn, domain, services, FOLLOW_UP, "ask_time")
    without_boundary = await answer(unbounded, domain, services, FOLLOW_UP, "ask_time")
    assert after == without_boundary
    assert services.kb.procedures["H-REISSUE"].printing.text in after[0]


@pytest.mark.asyncio
async def test_a_status_lock_holds_across_the_session_boundary(domain, services, settings):
    tracker = new_conversation(domain)
    for _ in range(settings.max_client_failures):
        services.status.guard.record_failure(id_hash=None, client=CLIENT)
    while session_length(tracker) < MAX_EVENTS:
        thanks(tracker)
    await start_next_session(tracker, domain)
    assert session_length(tracker) < 5

    tracker.update(user("我想查一下办理进度", "check_status"))
    sent = Tracker.from_dict(action_call(RemoteAction("action_ask_id_hash", None), tracker, domain)["tracker"])
    client = client_key(sent.latest_message.get("metadata"), sent.sender_id)
    assert client == CLIENT and services.status.blocked(client)
    assert not services.status.blocked(client_key(None, sent.sender_id))


@pytest.mark.asyncio
async def test_no_boundary_in_the_middle_of_a_form(domain):
    tracker = new_conversation(domain)
    tracker.update_with_events([user("我想查一下办理进度", "check_status"), ActionExecuted("status_form"),
                                ActiveLoop("status_form"), SlotSet(slots.REQUESTED_SLOT, slots.ID_HASH),
                                ActionExecuted(ACTION_LISTEN_NAME)], domain)
    while session_length(tracker) < MAX_EVENTS:
        thanks(tracker)
    assert not session_is_full(tracker, MAX_EVENTS)
    before = len(tracker.events)
    await start_next_session(tracker, domain)
    assert len(tracker.events) == before and tracker.active_loop_name == "status_form"


@pytest.mark.asyncio
async def test_an_expired_session_still_starts_afresh(domain):
    tracker = DialogueStateTracker.from_events("operator", [
        ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME),
        user(QUESTION, "ask_materials", timestamp=time.time() - 2 * 3600), SlotSet(slots.CERTIFICATE, "H"),
        ActionExecuted(ACTION_LISTEN_NAME)], domain.slots)
    while session_length(tracker) < MAX_EVENTS:
        tracker.update_with_events([BotUttered("…"), ActionExecuted(ACTION_LISTEN_NAME)], None)
    await start_next_session(tracker, domain)
    assert isinstance(tracker.events[-2], SessionStarted) and tracker.get_slot(slots.CERTIFICATE) is None


def test_the_continued_session_carries_each_slot_once_at_its_current_value(domain):
    tracker = new_conversation(domain)
    tracker.update_with_events([SlotSet(slots.CERTIFICATE, "H"), SlotSet(slots.CERTIFICATE, "P"),
                                SlotSet(slots.MATTER, "reissue"), SlotSet(slots.MATTER, None)], domain)
    assert carried_slots(tracker) == [SlotSet(slots.CERTIFICATE, "P")]


@pytest.mark.asyncio
async def test_the_action_server_gets_the_current_turn_and_the_same_state(domain, services):
    tracker = new_conversation(domain)
    await answer(tracker, domain, services, QUESTION, "ask_materials")
    thanks(tracker)
    tracker.update_with_events([user(FOLLOW_UP, "ask_time"), ActionExecuted("status_form"),
                                ActiveLoop("status_form"), SlotSet(slots.APPLICANT_NAME, "张伟"),
                                SlotSet(slots.ID_PENDING, "x")], domain)
    full = Tracker.from_dict(tracker.current_state())
    full.events = [e.as_dict() for e in tracker.events]
    sent = Tracker.from_dict(action_call(RemoteAction("validate_status_form", None), tracker, domain)["tracker"])

    assert sent.events[0]["event"] == "user" and len(sent.events) == 5 < len(full.events)
    assert sent.slots == full.slots and sent.latest_message == full.latest_message
    assert sent.sender_id == full.sender_id and sent.active_loop == full.active_loop
    assert sent.slots_to_validate() == full.slots_to_validate() == {slots.APPLICANT_NAME: "张伟",
                                                                     slots.ID_PENDING: "x"}
    assert sent.get_latest_input_channel() == full.get_latest_input_channel()
    assert sent.latest_action_name == full.latest_action_name

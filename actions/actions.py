"""Custom actions: answer questions, look up status, give the one-trip verdict."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from actions.services import Services, default_services
from bot.answers.render import Reply
from bot.applications.limits import client_key
from bot.dialogue.status import StatusState, asks_status
from bot.dialogue.understanding import Context
from bot.rules.idnumber import ANY_DIGIT, find_name, mask_text, read_id
from bot.rules.onetrip import OneTripState, asks_one_trip, read_facts

logger = logging.getLogger(__name__)
LIKELY_ID_DIGITS = 15  # a number this long that is not whole is an ID number mistyped or split
FLOW_ANSWER_INTENTS = frozenset({"affirm", "deny", "inform_situation", "choose_option", "inform_certificate"})


def _context(tracker: Tracker) -> Context:
    return Context(
        procedure=tracker.get_slot(slots.PROCEDURE),
        certificate=tracker.get_slot(slots.CERTIFICATE),
        matter=tracker.get_slot(slots.MATTER),
        aspect=tracker.get_slot(slots.ASPECT),
        options=list(tracker.get_slot(slots.OPTIONS) or []),
    )


def _context_events(ctx: Context) -> list[EventType]:
    return [
        SlotSet(slots.PROCEDURE, ctx.procedure),
        SlotSet(slots.CERTIFICATE, ctx.certificate),
        SlotSet(slots.MATTER, ctx.matter),
        SlotSet(slots.ASPECT, ctx.aspect),
        SlotSet(slots.OPTIONS, ctx.options or None),
    ]


def _send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)


class Router:
    """Send each message to the status, one-trip or question service."""

    def __init__(self, services: Services | None = None) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        """Return the injected services, or the process-wide ones."""
        if self._services is None:
            self._services = default_services()
        return self._services

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, preferred: str) -> list[EventType]:
        """Answer the latest message, never raising to Rasa."""
        text = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        try:
            flow = self._flow(text, intent, tracker, preferred)
            if flow == slots.FLOW_STATUS:
                return self.status(dispatcher, tracker, text)
            if flow == slots.FLOW_ONE_TRIP:
                return self.one_trip(dispatcher, tracker, text, intent)
            return self.question(dispatcher, tracker, text, intent)
        except Exception:
            logger.exception("action failed on message %r", mask_text(text)[:200])
            dispatcher.utter_message(text="抱歉，系统暂时出了点问题，请稍后再试。"
                                          + self.services.questions.answers.fallback_contacts())
            return [SlotSet(slots.FLOW, None), SlotSet(slots.FLOW_STATE, None)]

    def _flow(self, text: str, intent: str | None, tracker: Tracker, preferred: str) -> str | None:
        active = tracker.get_slot(slots.FLOW)
        read = read_id(text)
        pending = active == slots.FLOW_STATUS and (tracker.get_slot(slots.FLOW_STATE) or {}).get("pending")
        if pending and ANY_DIGIT.search(text):
            return slots.FLOW_STATUS
        if read.number or (read.partial and (active == slots.FLOW_STATUS or len(read.partial) >= LIKELY_ID_DIGITS)):
            return slots.FLOW_STATUS
        if active == slots.FLOW_STATUS and (intent == "inform_identity" or (find_name(text) and len(text) <= 12)):
            return slots.FLOW_STATUS
        # A question DIET misreads as a status request (e.g. "姓名打错了") is answered as a question.
        if preferred == slots.FLOW_STATUS and (asks_status(text) or (intent == "check_status" and len(text) <= 12)):
            return slots.FLOW_STATUS
        if preferred == slots.FLOW_ONE_TRIP and (intent not in ("affirm", "deny") or active == slots.FLOW_ONE_TRIP):
            return slots.FLOW_ONE_TRIP
        if asks_one_trip(text):
            return slots.FLOW_ONE_TRIP
        if active == slots.FLOW_ONE_TRIP:
            state = OneTripState.from_dict(tracker.get_slot(slots.FLOW_STATE))
            facts = read_facts(text, ())
            if intent in FLOW_ANSWER_INTENTS or facts.age or facts.within_validity is not None or not state.codes:
                return slots.FLOW_ONE_TRIP
        return None

    def question(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str,
                 intent: str | None) -> list[EventType]:
        """Answer a question from the knowledge base, or say honestly it cannot."""
        if intent in ("affirm", "deny") and not tracker.get_slot(slots.OPTIONS):
            dispatcher.utter_message(text="好的。还有什么可以帮您？")
            return []
        step = self.services.questions.step(text, _context(tracker), intent)
        for reply in step.replies:
            _send(dispatcher, reply)
        if not step.answered:
            self.services.store.log_unanswered(text=text, reason=step.decision.kind)
        return [*_context_events(step.context), SlotSet(slots.FLOW, None), SlotSet(slots.FLOW_STATE, None)]

    def status(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType]:
        """Run one turn of the status look-up."""
        data = tracker.get_slot(slots.FLOW_STATE) if tracker.get_slot(slots.FLOW) == slots.FLOW_STATUS else None
        data = data or {}
        state = StatusState(data.get("id_hash"), data.get("id_masked"), data.get("name"), data.get("pending"))
        client = client_key(tracker.latest_message.get("metadata"), tracker.sender_id)
        turn = self.services.status.turn(text, state, client)
        dispatcher.utter_message(text=turn.text)
        return [
            SlotSet(slots.FLOW, None if turn.done else slots.FLOW_STATUS),
            SlotSet(slots.FLOW_STATE, None if turn.done else turn.state.as_dict()),
        ]

    def one_trip(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str,
                 intent: str | None) -> list[EventType]:
        """Run one turn of the one-trip verdict."""
        active = tracker.get_slot(slots.FLOW) == slots.FLOW_ONE_TRIP
        state = OneTripState.from_dict(tracker.get_slot(slots.FLOW_STATE) if active else None)
        turn = self.services.one_trip.turn(text, state, _context(tracker), intent)
        _send(dispatcher, turn.reply)
        events: list[EventType] = _context_events(turn.context) if turn.context else []
        return [
            *events,
            SlotSet(slots.FLOW, None if turn.done else slots.FLOW_ONE_TRIP),
            SlotSet(slots.FLOW_STATE, None if turn.done else turn.state.as_dict()),
        ]


class _Routed:
    """Mixin: run an action through the router (not itself an Action, so not registered)."""

    preferred = ""

    def __init__(self, router: Router | None = None) -> None:
        self.router = router or Router()

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        return self.router.run(dispatcher, tracker, self.preferred)


class ActionAnswerQuestion(_Routed, Action):
    """Answer a question about procedures, forms, contacts or policies."""

    def name(self) -> str:
        return "action_answer_question"


class ActionCheckStatus(_Routed, Action):
    """Look up application status by ID number and name."""

    preferred = slots.FLOW_STATUS

    def name(self) -> str:
        return "action_check_status"


class ActionOneTrip(_Routed, Action):
    """Say whether a case counts as "only one trip"."""

    preferred = slots.FLOW_ONE_TRIP

    def name(self) -> str:
        return "action_one_trip"

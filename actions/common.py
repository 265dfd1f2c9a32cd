"""What every action shares: its services, sending an answer, reading and keeping the conversation's context,
and keeping each reply (masked) for staff review, ratings and the dashboard."""

from __future__ import annotations

import time
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots
from actions.services import Services, default_services
from bot.answers.model import Answer
from bot.database.turns import RECEIVED_AT, TurnCreate
from bot.dialogue.questions import Context, Decision
from bot.language.parse import Parse


class WithServices:
    """Give an action the injected services, or the process-wide ones."""

    def __init__(self, services: Services | None = None) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        """Return the services."""
        if self._services is None:
            self._services = default_services()
        return self._services


def send(dispatcher: CollectingDispatcher, answer: Answer, turn: str | None = None) -> None:
    """Send an answer: its text and buttons, and its structure as a custom payload (with the key the reply is
    rated by, on the last answer of a reply that ends a question)."""
    buttons = [{"title": b.title, "payload": b.payload} for b in answer.buttons]
    payload = {**answer.payload(), "turn": turn} if turn else answer.payload()
    dispatcher.utter_message(text=answer.text(), buttons=buttons or None, json_message=payload)


def send_all(dispatcher: CollectingDispatcher, answers: list[Answer], turn: str | None) -> None:
    """Send a reply's answers, the last one carrying the key the reply is rated by."""
    for i, answer in enumerate(answers, 1):
        send(dispatcher, answer, turn if i == len(answers) else None)


def latency_ms(tracker: Tracker) -> int | None:
    """Return the milliseconds since the channel received the latest message (waiting, understanding, deciding
    and answering it); None when the channel did not say when."""
    stamp = (tracker.latest_message.get("metadata") or {}).get(RECEIVED_AT)
    return max(0, round((time.time() - stamp) * 1000)) if isinstance(stamp, (int, float)) else None


def channel_of(tracker: Tracker) -> str:
    """Return the channel of the latest message: web, rest, socketio or wechat (the client key's prefix)."""
    client = str((tracker.latest_message.get("metadata") or {}).get("client") or "")
    return client.split(":", 1)[0] if ":" in client else (tracker.get_latest_input_channel() or "unknown")


def record_turn(services: Services, tracker: Tracker, *, kind: str, procedures: list[str], answered: bool = True,
                clarification: bool = False, personal: bool = False) -> str:
    """Keep a reply (the message masked, or not at all when personal) and return the key it is rated by."""
    intent = tracker.latest_message.get("intent") or {}
    confidence = intent.get("confidence")
    return services.turns.record(TurnCreate(
        sender=tracker.sender_id, channel=channel_of(tracker), message=text_of(tracker),
        intent=str(intent.get("name") or ""), confidence=float(confidence) if confidence is not None else None,
        kind=kind, procedures=procedures, answered=answered, clarification=clarification, personal=personal,
        latency_ms=latency_ms(tracker)))


def record_decision(services: Services, tracker: Tracker, answers: list[Answer], decision: Decision) -> str | None:
    """Keep the reply to a question; return the key it is rated by when it ends the question (None when it asks)."""
    clarification = decision.kind in ("clarify", "clarify_matter")
    turn = record_turn(services, tracker, kind=answers[0].kind if answers else decision.kind,
                       procedures=decision.codes, answered=decision.answered, clarification=clarification)
    return None if clarification else turn


def parse_of(tracker: Tracker) -> Parse:
    """Return the entities of the latest message, grouped."""
    return Parse.from_entities(tracker.latest_message.get("entities"))


def intent_of(tracker: Tracker) -> str | None:
    """Return the intent of the latest message."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def text_of(tracker: Tracker) -> str:
    """Return the text of the latest message."""
    return tracker.latest_message.get("text") or ""


def context_of(tracker: Tracker) -> Context:
    """Return the conversation's context from its slots."""
    return Context(
        procedures=list(tracker.get_slot(slots.PROCEDURE) or []),
        certificate=tracker.get_slot(slots.CERTIFICATE),
        matter=tracker.get_slot(slots.MATTER),
        aspects=list(tracker.get_slot(slots.ASPECT) or []),
        variant=tracker.get_slot(slots.VARIANT),
        form=tracker.get_slot(slots.FORM),
        contact=tracker.get_slot(slots.CONTACT),
        options=list(tracker.get_slot(slots.OPTIONS) or []),
        status_records=list(tracker.get_slot(slots.STATUS_RECORDS) or []),
        matters=list(tracker.get_slot(slots.MATTERS) or []),
        policy=tracker.get_slot(slots.LAST_POLICY),
    )


def context_events(ctx: Context) -> list[EventType]:
    """Return the slot events that keep a context."""
    return [
        SlotSet(slots.PROCEDURE, ctx.procedures or None),
        SlotSet(slots.CERTIFICATE, ctx.certificate),
        SlotSet(slots.MATTER, ctx.matter),
        SlotSet(slots.ASPECT, ctx.aspects or None),
        SlotSet(slots.VARIANT, ctx.variant),
        SlotSet(slots.FORM, ctx.form),
        SlotSet(slots.CONTACT, ctx.contact),
        SlotSet(slots.OPTIONS, ctx.options or None),
        SlotSet(slots.MATTERS, ctx.matters or None),
        SlotSet(slots.LAST_POLICY, ctx.policy),
    ]


class ReturnsChangesOnly:
    """A form's validation that returns the slots of other questions only when it changes them.

    rasa-sdk validates again every slot set since the message (the entities' certificate, aspect, age …) and
    returns each one, most with the value it has: events Rasa stores and featurises at every later prediction
    of the session. The form's own slots are always returned: Rasa reads a form turn that returns none as
    "nothing was filled" and hands the turn to the rules. Mixed in before FormValidationAction (not an Action
    itself: rasa-sdk would register it as one).
    """

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Validate as rasa-sdk does (it writes what it validates into the tracker); drop the events that set
        another slot to the value it had before."""
        before = dict(tracker.slots)
        events = await super().run(dispatcher, tracker, domain)  # type: ignore[misc]
        form_slots = set(self.domain_slots(domain))  # type: ignore[attr-defined]
        own = form_slots | {slots.REQUESTED_SLOT}
        if not any(e.get("event") == "slot" and e.get("name") in form_slots for e in events):
            # nothing of the form's own was filled: no slot event at all, so that the form hands the turn to the
            # rules (the other slots were set from the message already, before the form ran)
            return [e for e in events if e.get("event") != "slot"]
        others = changed_from(before, [e for e in events if e.get("event") == "slot" and e.get("name") not in own])
        return [e for e in events if e.get("event") != "slot" or e.get("name") in own or e in others]


def changes(tracker: Tracker, events: list[EventType]) -> list[EventType]:
    """Return the events without those that set a slot to the value it has by then: each one Rasa would store,
    check, replay and featurise at every later turn of the session for nothing."""
    return changed_from(tracker.slots, events)


def changed_from(slot_values: dict[str, Any], events: list[EventType]) -> list[EventType]:
    """Return the events without those that set a slot to the value it has by then, starting from these values."""
    values = dict(slot_values)
    kept: list[EventType] = []
    for event in events:
        if event.get("event") == "slot":
            name, value = event.get("name"), event.get("value")
            if name in values and values[name] == value:
                continue
            values[name] = value
        kept.append(event)
    return kept

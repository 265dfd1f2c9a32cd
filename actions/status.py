"""The status look-up: a form for the ID number and the name, then the report of every application."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots
from actions.common import (
    ReturnsChangesOnly,
    WithServices,
    changes,
    context_events,
    parse_of,
    record_turn,
    send,
    send_all,
    text_of,
)
from bot.applications.limits import client_key
from bot.applications.store import ApplicationRecord
from bot.dialogue.questions import ANSWER, CONTACT, FORM, POLICY, Context
from bot.dialogue.status import IdRead
from bot.language.parse import Parse

# What a question asked beside a look-up that found nothing may be answered with (not a question back).
ANSWERS_BESIDE = frozenset({ANSWER, CONTACT, FORM, POLICY})


def _client(tracker: Tracker) -> str:
    return client_key(tracker.latest_message.get("metadata"), tracker.sender_id)


class ValidateStatusForm(WithServices, ReturnsChangesOnly, FormValidationAction):
    """Read the ID number and the name from whatever the person sends while the look-up is open, and look up as
    soon as both are in.

    rasa-sdk's form API: `extract_id_hash` reads the message's ID number once (IdRead) and hands the reading to
    `validate_id_hash` and the name reader; `validate_id_hash` keeps only its keyed hash and masked form (a partial
    number sealed); whichever validation completes the pair looks up, once, and keeps what it found for the
    report, or says nothing matched and asks again.
    """

    def name(self) -> str:
        return "validate_status_form"

    async def extract_id_hash(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        """Read the ID number of the latest message (with a partial one sealed before), once."""
        s = self.services
        read = s.status.read_id(text_of(tracker), tracker.get_slot(slots.ID_PENDING), s.today())
        return {slots.ID_HASH: asdict(read)} if read else {}

    async def extract_applicant_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """Take the applicant's name of the latest message: beside the ID number read, after a label, or alone when
        it was asked for."""
        read = tracker.get_slot(slots.ID_HASH)
        spans = tuple(tuple(span) for span in read["spans"]) if isinstance(read, dict) else ()
        asked = tracker.get_slot(slots.REQUESTED_SLOT) == slots.APPLICANT_NAME
        name = self.services.status.read_name(text_of(tracker), spans, asked=asked)
        return {slots.APPLICANT_NAME: name} if name else {}

    async def validate_id_hash(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        """Keep the keyed hash and masked form of a whole number, seal a partial one until the rest comes, say what
        is wrong with an invalid one; with the name given before, look up."""
        if not isinstance(value, dict):
            return {}
        s, read = self.services, IdRead(**{**value, "spans": ()})
        if read.problem:
            result = s.status.unreadable(read.problem, _client(tracker))
            dispatcher.utter_message(text=result.text)
            out: dict[str, Any] = {slots.ID_HASH: None, slots.ID_PENDING: None}
            return {**out, slots.REQUESTED_SLOT: None} if result.locked else out
        if read.pending:
            return {slots.ID_HASH: None, slots.ID_PENDING: read.pending}
        out = {slots.ID_HASH: read.id_hash, slots.ID_MASKED: read.id_masked, slots.ID_PENDING: None,
               slots.LOOKUP_MISSED: None}
        name = tracker.get_slot(slots.APPLICANT_NAME)
        if name and slots.APPLICANT_NAME not in tracker.slots_to_validate():  # the name came before the number
            out.update(self._look_up(dispatcher, tracker, str(read.id_hash), name))
        return out

    async def validate_applicant_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        """Keep the name; with the ID number in, look up."""
        id_hash = tracker.get_slot(slots.ID_HASH)
        if not value or not isinstance(id_hash, str):
            return {slots.APPLICANT_NAME: value or None}
        return {slots.APPLICANT_NAME: value, **self._look_up(dispatcher, tracker, id_hash, value)}

    def _look_up(self, dispatcher: CollectingDispatcher, tracker: Tracker, id_hash: str, name: str) -> dict[str, Any]:
        """Look up once: keep what was found for the report; a miss says so (answering a question asked beside
        it) and asks to check the name; too many misses stop the look-up."""
        s = self.services
        result = s.status.lookup(id_hash, name, _client(tracker))
        if result.records:
            return {slots.STATUS_FOUND: [r.to_slot() for r in result.records]}
        dispatcher.utter_message(text=result.text)
        parse = parse_of(tracker)
        if parse.aspects or parse.contacts:  # "…查一下进度，另外补证要多久 / 协会电话多少": answered too
            step = s.questions.step(parse, Context(), None, s.today())
            if step.decision.kind in ANSWERS_BESIDE:  # (not a question back: the look-up is what it is about)
                for answer in step.answers:
                    send(dispatcher, answer)
        if result.locked:
            return {slots.ID_HASH: None, slots.ID_MASKED: None, slots.APPLICANT_NAME: None,
                    slots.REQUESTED_SLOT: None}
        # The form asks again, to check the name (the ID number stays; a corrected one may come with the name).
        return {slots.APPLICANT_NAME: None, slots.LOOKUP_MISSED: True}


class ActionAskIdHash(WithServices, Action):
    """Ask for the ID number (the rest of it, or the name too when that is missing)."""

    def name(self) -> str:
        return "action_ask_id_hash"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        s = self.services
        if s.status.blocked(_client(tracker)):
            dispatcher.utter_message(text=s.status.locked_text())
            return [SlotSet(slots.REQUESTED_SLOT, None)]
        dispatcher.utter_message(text=s.status.ask_identity(
            have_name=bool(tracker.get_slot(slots.APPLICANT_NAME)),
            partial_length=s.status.pending_length(tracker.get_slot(slots.ID_PENDING))))
        return []


class ActionReportStatus(WithServices, Action):
    """Report the applications the form's look-up found, and answer a question asked with the ID number."""

    def name(self) -> str:
        return "action_report_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        s = self.services
        found = [ApplicationRecord.from_slot(r) for r in tracker.get_slot(slots.STATUS_FOUND) or []]
        events: list[EventType] = [SlotSet(slots.APPLICANT_NAME, None), SlotSet(slots.ID_PENDING, None),
                                   SlotSet(slots.LOOKUP_MISSED, None), SlotSet(slots.STATUS_FOUND, None),
                                   SlotSet(slots.ID_HASH, None), SlotSet(slots.ID_MASKED, None)]
        if not found:
            return changes(tracker, events)  # the look-up was stopped (too many misses): the validation said why
        codes = list(dict.fromkeys(r.procedure_code for r in found))
        turn = record_turn(s, tracker, kind="status", procedures=codes, personal=True)  # the message is who they are
        answers = [s.status.report(found, tracker.get_slot(slots.ID_MASKED) or "", today=s.today())]
        certificates = {s.kb.procedures[c].certificate for c in codes}
        records = [{"code": r.procedure_code, "status": r.status, "missing": list(r.missing_materials),
                    "note": r.note} for r in found]
        ctx = Context(procedures=codes, certificate=certificates.pop() if len(certificates) == 1 else None,
                      status_records=records)
        parse = parse_of(tracker)
        if parse.aspects:  # "补正要补啥？补完多久能出证？": answer the question asked with the ID number too
            answers += s.questions.step(Parse(aspects=parse.aspects, matters=parse.matters), ctx, None,
                                        s.today()).answers
        send_all(dispatcher, answers, turn)
        return changes(tracker, [*events, SlotSet(slots.STATUS_RECORDS, records), *context_events(ctx)])

"""The status look-up: a form for the ID number and the name, then the report of every application."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots
from actions.common import FormValidation, WithServices, context_events, parse_of, record_turn, send, send_all, text_of
from bot.applications.limits import client_key
from bot.dialogue.questions import Context
from bot.language.parse import Parse


def _client(tracker: Tracker) -> str:
    return client_key(tracker.latest_message.get("metadata"), tracker.sender_id)


class ValidateStatusForm(WithServices, FormValidation):
    """Read the ID number and the name from whatever the person sends while the look-up is open."""

    def name(self) -> str:
        return "validate_status_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Read the slots, then check the ID number and name as soon as both are in: a miss asks again."""
        events = await super().run(dispatcher, tracker, domain)
        changed = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        if not ({slots.ID_HASH, slots.APPLICANT_NAME} & set(changed)) or slots.REQUESTED_SLOT in changed:
            return events
        id_hash, name = tracker.get_slot(slots.ID_HASH), tracker.get_slot(slots.APPLICANT_NAME)
        if not id_hash or not name:
            return events
        s = self.services
        result = s.status.lookup(id_hash, tracker.get_slot(slots.ID_MASKED) or "", name, _client(tracker),
                                 today=s.today())
        if result.records:
            return events  # the form is done; the report follows
        dispatcher.utter_message(text=result.text)
        parse = parse_of(tracker)
        if parse.matters and parse.aspects:  # "…查一下进度，另外补证一般要多久": the question is answered too
            for answer in s.questions.step(parse, Context(), None, s.today()).answers:
                send(dispatcher, answer)
        if result.locked:
            return [*events, SlotSet(slots.ID_HASH, None), SlotSet(slots.ID_MASKED, None),
                    SlotSet(slots.APPLICANT_NAME, None), SlotSet(slots.REQUESTED_SLOT, None)]
        # The form asks again, to check the name (the ID number stays; a corrected one may come with the name).
        return [*events, SlotSet(slots.APPLICANT_NAME, None), SlotSet(slots.LOOKUP_MISSED, True)]

    async def extract_id_hash(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        """Take the ID number of the latest message (keyed hash and masked form; a partial one sealed)."""
        s = self.services
        read = s.status.read_id(text_of(tracker), tracker.get_slot(slots.ID_PENDING), s.today())
        if read is None:
            return {}
        if read.problem:
            result = s.status.unreadable(read.problem, _client(tracker))
            dispatcher.utter_message(text=result.text)
            out: dict[str, Any] = {slots.ID_HASH: None, slots.ID_PENDING: None}
            return {**out, slots.REQUESTED_SLOT: None} if result.locked else out
        if read.pending:
            return {slots.ID_PENDING: read.pending, slots.ID_HASH: None}
        return {slots.ID_HASH: read.id_hash, slots.ID_MASKED: read.id_masked, slots.ID_PENDING: None,
                slots.LOOKUP_MISSED: None}

    async def extract_applicant_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """Take the applicant's name of the latest message: next to the ID, after a label, or alone when asked."""
        s = self.services
        text = text_of(tracker)
        read = s.status.read_id(text, None, s.today())
        asked = tracker.get_slot(slots.REQUESTED_SLOT) == slots.APPLICANT_NAME
        name = s.status.read_name(text, read.spans if read else (), asked=asked)
        return {slots.APPLICANT_NAME: name} if name else {}


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
    """Report the applications the form's check found (looked up again; a miss there counts too)."""

    def name(self) -> str:
        return "action_report_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        s = self.services
        id_hash = tracker.get_slot(slots.ID_HASH)
        name = tracker.get_slot(slots.APPLICANT_NAME)
        if not id_hash or not name:
            return []  # the look-up was stopped (too many misses): the validation said why
        result = s.status.lookup(id_hash, tracker.get_slot(slots.ID_MASKED) or "", name, _client(tracker),
                                 today=s.today())
        codes = list(dict.fromkeys(r.procedure_code for r in result.records))
        turn = record_turn(s, tracker, kind="status", procedures=codes, personal=True)  # the message is who they are
        parse = parse_of(tracker)
        if not (result.records and parse.aspects):
            dispatcher.utter_message(text=result.text, json_message={"turn": turn})
        else:
            dispatcher.utter_message(text=result.text)
        events: list[EventType] = [SlotSet(slots.APPLICANT_NAME, None), SlotSet(slots.ID_PENDING, None),
                                   SlotSet(slots.LOOKUP_MISSED, None)]
        if result.locked:
            return [*events, SlotSet(slots.ID_HASH, None), SlotSet(slots.ID_MASKED, None)]
        if not result.records:
            return events
        certificates = {s.kb.procedures[c].certificate for c in codes}
        records = [{"code": r.procedure_code, "status": r.status, "missing": list(r.missing_materials),
                    "note": r.note} for r in result.records]
        ctx = Context(procedures=codes, certificate=certificates.pop() if len(certificates) == 1 else None,
                      status_records=records)
        if parse.aspects:  # "补正要补啥？补完多久能出证？": answer the question asked with the ID number too
            step = s.questions.step(Parse(aspects=parse.aspects, matters=parse.matters), ctx, None, s.today())
            send_all(dispatcher, step.answers, turn)
        return [*events, SlotSet(slots.ID_HASH, None), SlotSet(slots.ID_MASKED, None),
                SlotSet(slots.STATUS_RECORDS, records), *context_events(ctx)]

"""The status look-up: a form for the ID number and the name, then the report of every application."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots
from actions.services import Services, default_services
from bot.dialogue.status import StatusLookup


class _WithServices:
    """Give an action the injected services, or the process-wide ones."""

    def __init__(self, services: Services | None = None) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        """Return the services."""
        if self._services is None:
            self._services = default_services()
        return self._services

    @property
    def lookup(self) -> StatusLookup:
        """Return the status look-up over the services."""
        s = self.services
        return StatusLookup(s.kb, s.store, s.answers, s.calendar, s.names, s.max_attempts)


def _failures(tracker: Tracker) -> int:
    return int(tracker.get_slot(slots.STATUS_FAILURES) or 0)


class ValidateStatusForm(_WithServices, FormValidationAction):
    """Read the ID number and the name from whatever the person sends while the look-up is open."""

    def name(self) -> str:
        return "validate_status_form"

    async def extract_id_hash(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        """Take the ID number of the latest message (as its keyed hash and masked form)."""
        read = self.lookup.read_id(tracker.latest_message.get("text") or "", self.services.today())
        if read is None:
            return {}
        if read.problem:
            result = self.lookup.problem(read.problem, _failures(tracker))
            dispatcher.utter_message(text=result.text)
            events: dict[str, Any] = {slots.ID_HASH: None, slots.STATUS_FAILURES: float(result.failures)}
            if result.locked:
                events[slots.REQUESTED_SLOT] = None
            return events
        return {slots.ID_HASH: read.id_hash, slots.ID_MASKED: read.id_masked}

    async def extract_applicant_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """Take the applicant's name of the latest message: next to the ID, after a label, or alone when asked."""
        text = tracker.latest_message.get("text") or ""
        read = self.lookup.read_id(text, self.services.today())
        asked = tracker.get_slot(slots.REQUESTED_SLOT) == slots.APPLICANT_NAME
        name = self.lookup.read_name(text, read.spans if read else (), asked=asked)
        return {slots.APPLICANT_NAME: name} if name else {}


class ActionAskIdHash(_WithServices, Action):
    """Ask for the ID number (and the name, when that is missing too)."""

    def name(self) -> str:
        return "action_ask_id_hash"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(text=self.lookup.ask_identity(have_name=bool(tracker.get_slot(slots.APPLICANT_NAME))))
        return []


class ActionReportStatus(_WithServices, Action):
    """Look the applications up and report them; a miss counts towards the stop after repeated failures."""

    def name(self) -> str:
        return "action_report_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        id_hash = tracker.get_slot(slots.ID_HASH)
        name = tracker.get_slot(slots.APPLICANT_NAME)
        lookup = self.lookup
        if not id_hash or not name:
            dispatcher.utter_message(text=lookup.locked_text() if _failures(tracker) >= lookup.max_attempts
                                     else lookup.ask_identity(have_name=bool(name)))
            return []
        result = lookup.lookup(id_hash, tracker.get_slot(slots.ID_MASKED) or "", name, _failures(tracker))
        dispatcher.utter_message(text=result.text)
        events: list[EventType] = [SlotSet(slots.APPLICANT_NAME, None), SlotSet(slots.STATUS_FAILURES,
                                                                                 float(result.failures))]
        if not result.records:
            return events
        codes = list(dict.fromkeys(r.procedure_code for r in result.records))
        certificates = {self.services.kb.procedures[c].certificate for c in codes}
        records = [{"code": r.procedure_code, "status": r.status, "missing": list(r.missing_materials),
                    "note": r.note} for r in result.records]
        return [*events, SlotSet(slots.ID_HASH, None), SlotSet(slots.ID_MASKED, None),
                SlotSet(slots.STATUS_RECORDS, records), SlotSet(slots.PROCEDURE, codes),
                SlotSet(slots.CERTIFICATE, certificates.pop() if len(certificates) == 1 else None),
                SlotSet(slots.MATTER, None), SlotSet(slots.ASPECT, None), SlotSet(slots.OPTIONS, None)]

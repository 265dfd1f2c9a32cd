"""The one-trip verdict: a form settling the procedure and the deciding facts, then the verdict."""

from __future__ import annotations

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
    context_of,
    intent_of,
    parse_of,
    record_decision,
    record_turn,
    send,
    send_all,
)
from bot.dialogue import questions as q
from bot.language import entities as e
from bot.language.situation import facts_from
from bot.rules.onetrip import Facts, Verdict, implied_variant

# Questions that name no procedure to judge (a policy, a contact, a form …): answered, not judged.
NOT_A_VERDICT = frozenset({q.POLICY, q.CONTACT, q.FORM, q.SILENT, q.OUT_OF_SCOPE, q.STATUS_REASON})
# Replies that answer the deciding questions (besides messages that state facts).
ANSWER_INTENTS = frozenset({"inform_situation", "affirm", "deny", "ask_one_trip", "choose_option",
                            "inform_certificate"})
# "是的/都齐了" to the deciding questions: the yes/no ones are answered the way that lets the case go ahead.
AFFIRMED = {e.VALIDITY: "valid", e.PROXY: "no", e.OTHER_REGISTRATION: "no", e.READY: "yes"}


class _Verdicts(WithServices):
    """Read the facts of a case from the slots and decide its verdict."""

    def facts(self, tracker: Tracker, codes: list[str]) -> Facts:
        """Return the facts of the case, from the slots that keep what the person said."""
        values = {name: tracker.get_slot(name) for name in e.FACT_ENTITIES}
        proc = self.services.kb.procedures[codes[0]]
        return facts_from(values, tracker.get_slot(slots.MATERIALS_NAMED) or [],
                          tracker.get_slot(slots.MATERIALS_MISSING) or [], proc, self.services.today())

    def by_certificate(self, codes: list[str]) -> list[list[str]]:
        """Split procedure codes asked together into one group per certificate (each gets its own verdict)."""
        groups: dict[str, list[str]] = {}
        for code in codes:
            groups.setdefault(self.services.kb.procedures[code].certificate, []).append(code)
        return list(groups.values())

    def verdict(self, tracker: Tracker, codes: list[str], *, final: bool) -> Verdict:
        """Decide the verdict for the procedure from what the person said (the variant read from it if unsaid)."""
        facts = self.facts(tracker, codes)
        proc = self.services.kb.procedures[codes[0]]
        variant = tracker.get_slot(slots.VARIANT) or implied_variant(proc, facts)
        return self.services.one_trip.verdict(codes, facts, variant, final=final)


class ValidateOneTripForm(_Verdicts, ReturnsChangesOnly, FormValidationAction):
    """Settle the procedure, then read the deciding facts from whatever the person says.

    rasa-sdk's form API: each `extract_<slot>` says what the message gives for its slot, and each
    `validate_<slot>` turns that into the slots kept (the procedure with its certificate, matter and the aspects
    asked beside the trips; the options of a clarification; the facts a "是的" affirms).
    """

    def name(self) -> str:
        return "validate_one_trip_form"

    async def extract_trip_procedure(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """Decide which procedure the message (or the conversation) is about, when it names one or none is settled."""
        parse = parse_of(tracker)
        current = tracker.get_slot(slots.TRIP_PROCEDURE)
        names = parse.certificates or parse.matters or parse.implied_certificate or parse.ordinal is not None
        if current and not names:
            return {}
        d = self.services.one_trip.resolve(parse, context_of(tracker))
        return {slots.TRIP_PROCEDURE: {"current": current, "kind": d.kind, "codes": d.codes, "options": d.options,
                                       "matter": d.matter, "certificate": d.certificate, "variant": d.variant,
                                       "aspects": parse.aspects}}

    async def validate_trip_procedure(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        """Keep the procedure decided (with what goes with it) or the options to ask among (a procedure settled
        before stays); end the form for a question that names no procedure to judge."""
        if not isinstance(value, dict):
            return {}
        current, kind = value["current"], value["kind"]
        if kind == q.ANSWER:
            return {slots.TRIP_PROCEDURE: value["codes"], slots.PROCEDURE: value["codes"], slots.OPTIONS: None,
                    slots.CERTIFICATE: value["certificate"], slots.MATTER: value["matter"],
                    slots.VARIANT: value["variant"], slots.TRIP_ASPECTS: value["aspects"] or None}
        if kind in NOT_A_VERDICT and not current:
            return {slots.TRIP_PROCEDURE: None, slots.REQUESTED_SLOT: None}
        if kind == q.CLARIFY:
            return {slots.TRIP_PROCEDURE: current, slots.OPTIONS: value["options"], slots.MATTER: value["matter"]}
        return {slots.TRIP_PROCEDURE: current}

    async def extract_trip_answered(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        """Say how the message answers the deciding questions: its intent, and whether it tells facts. A question
        asked while they are open ("多久出新证") answers none of them: nothing is extracted, so the form hands the turn
        to the rules, which answer it, and then asks again."""
        intent, tells = intent_of(tracker), parse_of(tracker).states_facts
        if tracker.get_slot(slots.REQUESTED_SLOT) == slots.TRIP_ANSWERED and intent not in ANSWER_INTENTS and not tells:
            return {}
        return {slots.TRIP_ANSWERED: {"intent": intent, "tells": tells}}

    async def validate_trip_answered(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """Settle the facts: nothing deciding is open, or the person answered the questions ("是的" affirms the
        yes/no ones the way that lets the case go ahead)."""
        codes = tracker.get_slot(slots.TRIP_PROCEDURE)
        if not codes or not isinstance(value, dict):
            return {slots.TRIP_ANSWERED: None}
        asked = bool(tracker.get_slot(slots.TRIP_ASKED))
        out: dict[str, Any] = {}
        if asked and value["intent"] == "affirm":
            out = {name: v for name, v in AFFIRMED.items() if tracker.get_slot(name) is None}
            tracker.slots.update(out)
        if len(self.by_certificate(codes)) > 1:  # several certificates compared: verdicts on what was said
            return {**out, slots.TRIP_ANSWERED: True}
        verdict = self.verdict(tracker, codes, final=False)
        settled = verdict.kind != "ask" or (asked and (value["intent"] in ANSWER_INTENTS or value["tells"]))
        return {**out, slots.TRIP_ANSWERED: True if settled else None}


class ActionAskTripProcedure(_Verdicts, Action):
    """Ask which certificate (or which matter) the one-trip question is about."""

    def name(self) -> str:
        return "action_ask_trip_procedure"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        a = self.services.answers
        options = tracker.get_slot(slots.OPTIONS)
        if options:
            send(dispatcher, a.clarify_certificate(options, tracker.get_slot(slots.MATTER)))
        else:
            send(dispatcher, a.clarify_matter(tracker.get_slot(slots.CERTIFICATE)))
        return []


class ActionAskTripAnswered(_Verdicts, Action):
    """Ask every deciding question still open, in one message."""

    def name(self) -> str:
        return "action_ask_trip_answered"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        codes = tracker.get_slot(slots.TRIP_PROCEDURE)
        send(dispatcher, self.services.one_trip.render(codes, self.verdict(tracker, codes, final=False),
                                                       tracker.get_slot(slots.TRIP_ASPECTS) or ()))
        return [SlotSet(slots.TRIP_ASKED, True)]


class ActionOneTripVerdict(_Verdicts, Action):
    """Give the verdict: zero trips, one, two visits, not yet, cannot, or what the documents leave open."""

    def name(self) -> str:
        return "action_one_trip_verdict"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        codes = tracker.get_slot(slots.TRIP_PROCEDURE)
        if not codes:  # the question named no procedure to judge: answer it instead
            s = self.services
            step = s.questions.step(parse_of(tracker), context_of(tracker), intent_of(tracker), s.today())
            send_all(dispatcher, step.answers, record_decision(s, tracker, step.answers, step.decision))
            return changes(tracker, context_events(step.context))
        asked = tracker.get_slot(slots.TRIP_ASPECTS) or ()
        verdicts = [answer for group in self.by_certificate(codes)
                    for answer in (self.services.one_trip.render(group, self.verdict(tracker, group, final=True), asked),
                                   *self.services.one_trip.asked_beside(group, asked))]
        send_all(dispatcher, verdicts, record_turn(self.services, tracker, kind="verdict", procedures=codes))
        reset = [SlotSet(name, None) for name in (*e.FACT_ENTITIES, slots.MATERIALS_NAMED, slots.MATERIALS_MISSING,
                                                  slots.TRIP_PROCEDURE, slots.TRIP_ANSWERED, slots.TRIP_ASKED,
                                                  slots.TRIP_ASPECTS)]
        return changes(tracker, [*reset, SlotSet(slots.PROCEDURE, codes), SlotSet(slots.ASPECT, ["trips"])])

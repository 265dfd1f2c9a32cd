"""Answer questions about procedures, forms, contacts and policies."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    WithServices,
    changes,
    context_events,
    context_of,
    intent_of,
    parse_of,
    record_decision,
    send_all,
    text_of,
)
from bot.dialogue.questions import NO_OPTIONS
from bot.rules.idnumber import mask_text

logger = logging.getLogger(__name__)


class ActionAnswerQuestion(WithServices, Action):
    """Answer from the knowledge base, or say honestly it cannot and whom to call."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        s = self.services
        step = s.questions.step(parse_of(tracker), context_of(tracker), intent_of(tracker), s.today())
        if step.decision.kind == NO_OPTIONS:
            dispatcher.utter_message(response="utter_no_options")
            return []
        send_all(dispatcher, step.answers, record_decision(s, tracker, step.answers, step.decision))
        if not step.decision.answered:
            s.store.log_unanswered(text=text_of(tracker), reason=step.decision.kind)
            logger.info("unanswered (%s): %r", step.decision.kind, mask_text(text_of(tracker))[:200])
        return changes(tracker, context_events(step.context))

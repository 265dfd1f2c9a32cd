"""Answer questions about procedures, forms, contacts and policies."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import context_events, context_of, intent_of, parse_of, send
from actions.services import Services, default_services
from bot.dialogue.questions import QuestionAnswerer
from bot.rules.privacy import mask_text

logger = logging.getLogger(__name__)


class ActionAnswerQuestion(Action):
    """Answer from the knowledge base, or say honestly it cannot and whom to call."""

    def __init__(self, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_answer_question"

    @property
    def services(self) -> Services:
        """Return the injected services, or the process-wide ones."""
        if self._services is None:
            self._services = default_services()
        return self._services

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        s = self.services
        step = QuestionAnswerer(s.kb, s.answers).step(parse_of(tracker), context_of(tracker), intent_of(tracker),
                                                       s.today())
        if step.decision.kind == "no_options":
            dispatcher.utter_message(response="utter_no_options")
            return []
        for answer in step.answers:
            send(dispatcher, answer)
        if not step.decision.answered:
            text = tracker.latest_message.get("text") or ""
            s.store.log_unanswered(text=text, reason=step.decision.kind)
            logger.info("unanswered (%s): %r", step.decision.kind, mask_text(text)[:200])
        return context_events(step.context)

"""Bounded conversation sessions: a long conversation goes on in a new session that carries its slots over.

Rasa rebuilds a turn's tracker from every event of the current session, copies it for every action,
featurises all its past states for every prediction and sends all its events to the action server, so a
turn costs more the longer the session is. A person who keeps one chat open all day never reaches the
idle expiry (domain.yml session_config), so here a session that holds `max_session_events` events or more
is closed between two turns, as Rasa closes an expired one: `action_session_start`, `session_started`,
then the current value of every slot set in the conversation and `action_listen`. Nothing the dialogue
reads is lost: the rules look at the current turn, the active loop and the slots only, so a session is
never closed while a form is active, and the look-up limits live in the status store, not in the tracker.
An expired session still starts afresh (or with the slots, as the domain's session_config says).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.actions.action import ActionSessionStart
from rasa.core.channels.channel import OutputChannel
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.settings import get_settings

UpdateSession = Callable[[MessageProcessor, DialogueStateTracker, OutputChannel, "dict[str, Any] | None"],
                         Awaitable[None]]


def session_length(tracker: DialogueStateTracker) -> int:
    """Return how many events the tracker's latest session holds."""
    for count, event in enumerate(reversed(tracker.events)):
        if isinstance(event, SessionStarted):
            return count
    return len(tracker.events)


def session_is_full(tracker: DialogueStateTracker, max_events: int) -> bool:
    """Say whether the session holds `max_events` events or more and may close here: between turns, no loop."""
    return (session_length(tracker) >= max_events and tracker.active_loop_name is None
            and tracker.followup_action is None and not tracker.is_paused()
            and tracker.latest_action_name == ACTION_LISTEN_NAME)


def carried_slots(tracker: DialogueStateTracker) -> list[SlotSet]:
    """Return one event per slot whose value differs from its initial value, setting that value."""
    return [SlotSet(slot.name, slot.value) for slot in tracker.slots.values() if slot.value != slot.initial_value]


class ActionContinueSession(ActionSessionStart):
    """Start a session that goes on with the conversation: its slots as they are now."""

    async def run(self, output_channel: OutputChannel, nlg: Any, tracker: DialogueStateTracker,
                  domain: Domain) -> list[Event]:
        """Return the session start, the carried slots and a listen."""
        return [SessionStarted(), *carried_slots(tracker), ActionExecuted(ACTION_LISTEN_NAME)]


def bounded(update_session: UpdateSession, max_events: Callable[[], int]) -> UpdateSession:
    """Wrap MessageProcessor._update_tracker_session: also close a full session, carrying the slots over."""

    async def update_tracker_session(self: MessageProcessor, tracker: DialogueStateTracker,
                                     output_channel: OutputChannel, metadata: dict[str, Any] | None = None) -> None:
        if (tracker.applied_events() and not self._has_session_expired(tracker)
                and session_is_full(tracker, max_events())):
            await self._run_action(action=ActionContinueSession(), tracker=tracker, output_channel=output_channel,
                                   nlg=self.nlg,
                                   prediction=PolicyPrediction.for_action_name(self.domain, ACTION_SESSION_START_NAME))
            return
        await update_session(self, tracker, output_channel, metadata)

    return update_tracker_session


def installed(update_session: UpdateSession) -> UpdateSession:
    """Return MessageProcessor._update_tracker_session bounded to the settings' `max_session_events`."""
    return bounded(update_session, lambda: get_settings().max_session_events)

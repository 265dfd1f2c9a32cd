"""What Rasa sends the action server, and how it checks the answer: only what the actions read, checked once.

Rasa 3.6 sends every event of the session with every action call, and the action server parses them all
again, so an action call costs more the longer the conversation is. Our actions read the latest message
(text, intent, entities, metadata), the slots, the sender id and the active loop; rasa_sdk's
FormValidationAction reads the slots set at the end of the events (`slots_to_validate`) and the latest
input channel. So the call carries the tracker's whole state and the events of the current turn only,
from the latest user message on. `tracker.events` is read by nothing of ours.

Rasa 3.6 also opens a new HTTP client, and a new connection, for every action call; here each process
keeps one client per event loop and reuses its connections (the action server keeps an idle connection
open longer than the client does: SANIC_KEEP_ALIVE_TIMEOUT in scripts/serve.sh).

Rasa 3.6 also checks every action-server response with `jsonschema.validate`, which first re-validates
the (constant) response schema itself: about two thirds of a turn's CPU time. Responses are validated
here against the same schema with validators built once, each event against the schema of its type.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

import aiohttp
import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

CLIENT_KEEP_ALIVE_SECONDS = 15  # aiohttp's default; the servers we call keep connections open longer
_clients: dict[tuple[Any, ...], aiohttp.ClientSession] = {}


def current_turn(tracker: DialogueStateTracker) -> list[Event]:
    """Return the events of the current turn: from the latest user message on (all events if there is none)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index:]
    return events


def action_call(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> dict[str, Any]:
    """Return the request for the action server: the tracker's state with the current turn's events only."""
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in current_turn(tracker)]
    result: dict[str, Any] = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state,
                              "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain.as_dict()
    return result


class _KeptClient:
    """Hand out the process's long-lived HTTP client for this loop and endpoint; leaving does not close it."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        self.key = (asyncio.get_running_loop(), tuple(sorted(endpoint.headers.items())),
                    tuple(sorted(endpoint.basic_auth.items())))
        self.endpoint = endpoint

    async def __aenter__(self) -> aiohttp.ClientSession:
        client = _clients.get(self.key)
        if client is None or client.closed:
            auth = self.endpoint.basic_auth
            client = aiohttp.ClientSession(
                headers=self.endpoint.headers,
                auth=aiohttp.BasicAuth(auth["username"], auth["password"]) if auth else None,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=CLIENT_KEEP_ALIVE_SECONDS))
            _clients[self.key] = client
        return client

    async def __aexit__(self, *_exc: object) -> None:
        return None


def kept_client(self: EndpointConfig) -> _KeptClient:
    """Return the long-lived client for an endpoint (EndpointConfig.session, whose caller closes what it gets)."""
    return _KeptClient(self)


@lru_cache(maxsize=1)
def _validators() -> tuple[Any, dict[str, Any]]:
    """Return the response schema's validator, and one per event type for the events of a response.

    The schema says each event is `oneOf` the event types, each marked by its own constant `event` name,
    so an event is valid exactly when it is valid for the branch of its name: checking that branch alone
    gives the same verdict without trying the other twenty-two.
    """
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    event = schema["properties"]["events"]["items"]
    common = {key: value for key, value in event.items() if key != "oneOf"}
    per_type = {branch["properties"]["event"]["const"]: cls({**common, "allOf": [branch]})
                for branch in event["oneOf"]}
    return cls(schema), per_type if len(per_type) == len(event["oneOf"]) else {}


def _check(result: Any) -> None:
    """Raise jsonschema's ValidationError if the response does not follow Rasa's schema."""
    whole, per_type = _validators()
    events = result.get("events") if isinstance(result, dict) else None
    if not isinstance(events, list) or not all(isinstance(e, dict) and e.get("event") in per_type for e in events):
        whole.validate(result)  # Rasa's own check, for the error it gives
        return
    whole.validate({**result, "events": []})
    if not all(per_type[e["event"]].is_valid(e) for e in events):
        whole.validate(result)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Validate an action-server response as Rasa does, with validators compiled once."""
    try:
        _check(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> None:
    """Send the action server the current turn only, on kept connections; check its responses compiled."""
    RemoteAction._action_call_format = action_call  # type: ignore[method-assign]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    EndpointConfig.session = kept_client  # type: ignore[assignment]

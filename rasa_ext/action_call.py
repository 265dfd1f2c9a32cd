"""How Rasa runs our actions: in this process, or on action servers; within a time budget; sending what they read.

With no action server configured (ACTION_ENDPOINT_URL empty, as `make run` starts the assistant), the
actions run in the Rasa process (`InProcessActions`): rasa_sdk's ActionExecutor runs each call, as an
action server would, in a thread of its own with its own event loop, so an action's database work does not
hold the turns on the main loop. The HTTP action server stays for deployments on several machines.

An action that is not done within `action_seconds` ends its turn with the phone hand-off (`within_budget`).

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
import logging
import threading
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

import aiohttp
import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import OutputChannel
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.utils import AvailableEndpoints
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection as SdkRejection
from rasa_sdk.interfaces import ActionNotFoundException

from bot.settings import get_settings
from rasa_ext.replies import hand_off

logger = logging.getLogger(__name__)
ACTIONS_PACKAGE = "actions"
RunAction = Callable[[RemoteAction, OutputChannel, NaturalLanguageGenerator, DialogueStateTracker, Domain],
                     Awaitable[list[Event]]]

CLIENT_KEEP_ALIVE_SECONDS = 15  # aiohttp's default; the servers we call keep connections open longer
_clients: dict[tuple[Any, ...], aiohttp.ClientSession] = {}


def current_turn(tracker: DialogueStateTracker) -> list[Event]:
    """Return the events of the current turn: from the latest user message on (all events if there is none)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index:]
    return events


_domain: list[tuple[Domain, dict[str, Any]]] = []


def domain_dict(domain: Domain) -> dict[str, Any]:
    """Return the domain as the actions get it, made once per domain (a loaded model's domain never changes)."""
    if not _domain or _domain[0][0] is not domain:
        _domain[:] = [(domain, domain.as_dict())]
    return _domain[0][1]


def action_call(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> dict[str, Any]:
    """Return the request for the action server: the tracker's state with the current turn's events only."""
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in current_turn(tracker)]
    result: dict[str, Any] = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state,
                              "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain_dict(domain)
    return result


class InProcessActions(EndpointConfig):
    """The action endpoint that runs our actions in this process, in their own thread and event loop."""

    def __init__(self) -> None:
        super().__init__(url=None)
        self._executor: ActionExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._starting = threading.Lock()

    def start(self) -> asyncio.AbstractEventLoop:
        """Import the actions and start their thread (once); return its event loop."""
        with self._starting:
            if self._loop is None:
                executor = ActionExecutor()
                executor.register_package(ACTIONS_PACKAGE)
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="actions", daemon=True).start()
                self._executor, self._loop = executor, loop
        return self._loop

    async def request(self, method: str = "post", subpath: str | None = None,
                      content_type: str | None = "application/json", compress: bool = False,
                      **kwargs: Any) -> dict[str, Any]:
        """Run the action call given as `json` and return what an action server would answer."""
        loop = self.start()
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._run(kwargs["json"]), loop))

    async def _run(self, call: dict[str, Any]) -> dict[str, Any]:
        assert self._executor is not None
        try:
            return await self._executor.run(call) or {}
        except SdkRejection as e:  # the action server answers 400, which Rasa turns into its own rejection
            raise ActionExecutionRejection(e.action_name, e.message) from None
        except ActionNotFoundException as e:
            raise RasaException(f"Failed to execute custom action '{e.action_name}': {e.message}") from None


def with_actions(read_endpoints: Any) -> Any:
    """Wrap AvailableEndpoints.read_endpoints: with no action server's URL, run the actions in this process."""

    def read(cls: type[AvailableEndpoints], endpoint_file: str) -> AvailableEndpoints:
        endpoints: AvailableEndpoints = read_endpoints.__func__(cls, endpoint_file)
        if endpoints.action is None or not endpoints.action.url:
            endpoints.action = InProcessActions()
        return endpoints

    return classmethod(read)


def within_budget(run: RunAction, seconds: Callable[[], float]) -> RunAction:
    """Wrap RemoteAction.run: an action not done within `seconds()` says the phone hand-off instead."""

    async def run_action(self: RemoteAction, output_channel: OutputChannel, nlg: NaturalLanguageGenerator,
                         tracker: DialogueStateTracker, domain: Domain) -> list[Event]:
        try:
            return await asyncio.wait_for(run(self, output_channel, nlg, tracker, domain), seconds())
        except asyncio.TimeoutError:
            logger.warning("action %s not done within %ss", self.name(), seconds())
            return [BotUttered(hand_off())]

    return run_action


def timed(run: RunAction) -> RunAction:
    """Return RemoteAction.run within the settings' budget."""
    return within_budget(run, lambda: get_settings().action_seconds)


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

"""Every change we make to Rasa's own functions, in one place: why, for which Rasa, and a check that it still fits.

Rasa 3.6 offers no hook for what these do, so each replaces (or wraps) one attribute of a Rasa class or
module. They were written against Rasa 3.6.21 (WRITTEN_FOR). `source_sha256` is the hash of the source of
the function each one replaces, as it was in that version: tests/test_patches.py fails when an upgrade of
Rasa changes one of them, so that the patch is read again against the new code before it is trusted.
`rasa_ext.run` installs them all before Rasa's command line starts.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rasa.core.run
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel

from rasa_ext import action_call, events, model_loading, rules, server, sessions, trackers, turns

WRITTEN_FOR = "3.6.21"


@dataclass(frozen=True)
class Patch:
    """One attribute of Rasa replaced: where, by what (made from the original), why, and the original's hash."""

    owner: Any  # the class or module whose attribute is replaced
    name: str
    make: Callable[[Any], Any]  # the original attribute (as stored on the owner) -> its replacement
    why: str
    source_sha256: str

    @property
    def label(self) -> str:
        """Return where the patch applies, as Owner.name."""
        return f"{getattr(self.owner, '__name__', self.owner)}.{self.name}"


def _keep(replacement: Any) -> Callable[[Any], Any]:
    """Return a maker that ignores the original: the replacement does all of the original's work."""
    return lambda _original: replacement


PATCHES: tuple[Patch, ...] = (
    Patch(RemoteAction, "_action_call_format", _keep(action_call.action_call),
          "Rasa sends every event of the session with every action call and the action server parses them all: "
          "a call cost more the longer the conversation. Send the tracker's state and the current turn only "
          "(everything our actions and rasa_sdk's forms read), and the domain made once.",
          "428795b944f22edba142d278ec47a30098975b01463ba337ec447dade52a0492"),
    Patch(RemoteAction, "_validate_action_result", _keep(action_call.validate_action_result),
          "Rasa checks each action response with jsonschema.validate, which re-validates the constant schema "
          "itself every time (two thirds of a turn's CPU). Check with validators compiled once, same verdict.",
          "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42"),
    Patch(RemoteAction, "run", action_call.timed,
          "An action call has no time limit short of aiohttp's 5 minutes; one slow action held its person's "
          "turn. Wrap it: not done within action_seconds, the turn ends with the phone hand-off.",
          "ccabf6f1160d527a157fad5bd285ce69e8221b1bcad23f8a61499b4360a1c17e"),
    Patch(EndpointConfig, "session", _keep(action_call.kept_client),
          "Rasa opens a new HTTP client and connection for every call to an action server. Keep one client "
          "per event loop and endpoint, and its connections.",
          "e55aa13d9d4fb4bc440ac33b870a97ee162b76dda7ccb6bf68433567475fdffb"),
    Patch(AvailableEndpoints, "read_endpoints", action_call.with_actions,
          "Rasa needs an action server to run custom actions. With no action server's URL configured, run "
          "our actions in the Rasa process (rasa_sdk's executor in a thread of its own): no second process "
          "with its own copy of the knowledge base, no HTTP and JSON per action.",
          "9fa059bcb05cc08a92419abe9a5bd54409a1126e181f64915deeeb696d0849c9"),
    Patch(MessageProcessor, "_update_tracker_session", sessions.installed,
          "A session only ends after an idle hour, and a turn costs more the more events the session holds. "
          "Close a session of max_session_events events between two turns, carrying every slot over.",
          "b0d44217b5ca28ba5b5702ac4f37315d00f9e3e8f5e720ecff3ef727c0d05331"),
    Patch(Event, "resolve_by_type", lambda _original: staticmethod(events.resolve_by_type),
          "Rasa finds each stored event's class by listing every Event subclass anew: most of the time spent "
          "rebuilding a tracker. Remember the class found for each type name.",
          "b5cf570fa7f286c7059ec73d8880528d03a78b28cf4e80285a46079c0fa65968"),
    Patch(DialogueStateTracker, "__init__", trackers.installed,
          "Rasa copies every slot of the domain with copy.copy's generic path whenever it makes a tracker from "
          "another, several times a turn. Copy each slot's attributes directly: the same copies, a fifth of the cost.",
          "8f39eb22462aa62b140d9da1f6db986cbc76383d8f7cc4e3dc7664fa7d84cb2d"),
    Patch(RulePolicy, "_get_possible_keys", _keep(rules.possible_keys),
          "RulePolicy checks every rule against every state of the session, newest first, although a rule "
          "shorter than the states looked at so far fits them all. Stop after the longest rule: the same rules.",
          "2915fd81711e194c6d667728e00bd0e51e9c1c2791a0be14c55f0ef9938f9936"),
    Patch(Agent, "handle_message", turns.installed,
          "Rasa parses a message on the event loop, with no time limit, and starts every turn that arrives "
          "at once. Parse in a worker thread as soon as the message arrives, give the phone hand-off after "
          "parse_seconds, and let turns_in_progress turns run at once, first come first served.",
          "ba53507e4d5532a38d3615aa1968deba6a8086e4fb9601b1526749b132c06308"),
    Patch(RasaModel, "load", model_loading.without_training,
          "Rasa builds a loaded model's weights by one training step, which traces and keeps the training "
          "graph (~200 MB). Build them by one eager forward pass instead; the same predictions.",
          "84fd81c0fdd01a8048de2d9b5b3022bdbf1e155f7b4d67737eb51ecb0787d292"),
    Patch(rasa.core.run, "configure_app", server.configured,
          "Rasa's server reads request bodies of any size, waits 15 s for turns when asked to stop, and takes "
          "traffic before any path is warm. Bound the bodies, stop within stop_seconds, and answer 503 until "
          "every path and channel was walked once.",
          "72da30416f74c6488a1bbdae9878467bdc7ecd6b5a46b336220aadafd8b2f41a"),
)


@dataclass(frozen=True)
class Reliance:
    """A Rasa function we do not replace but whose behaviour a subclass or a patch of ours depends on."""

    owner: Any
    name: str
    why: str
    source_sha256: str

    @property
    def label(self) -> str:
        """Return the function, as Owner.name."""
        return f"{getattr(self.owner, '__name__', self.owner)}.{self.name}"


def _relied_on() -> tuple[Reliance, ...]:
    from rasa.core.channels.rest import RestInput
    from rasa.core.channels.socketio import SocketIOInput
    from rasa.core.lock_store import RedisLockStore
    from rasa.core.tracker_store import SQLTrackerStore

    return (
        Reliance(SQLTrackerStore, "_retrieve", "rasa_ext/tracker_store.py reads the events itself (plain statements)",
                 "c8adbf6f4b61ddd1124690944ebdf2ebc82d0723bd07c6704caab0b80120a0ef"),
        Reliance(SQLTrackerStore, "save", "rasa_ext/tracker_store.py writes the new events itself, masked",
                 "57165e46eab3de0866e77f03df0bf7fd5eac2c1de617ed431b934c9a4edfeef6"),
        Reliance(RedisLockStore, "issue_ticket", "rasa_ext/lock_store.py runs it under a Redis mutex",
                 "4dfdfb5e62c1dda994b30fe56f20994a55d54493d1f1b84e8a0ec2e8291036b8"),
        Reliance(RedisLockStore, "update_lock", "rasa_ext/lock_store.py runs it under a Redis mutex",
                 "d56816a13451e7a5fe53b6e8aa6c604775d58de1febbbd0f3664c3cf92f68cb3"),
        Reliance(RedisLockStore, "cleanup", "rasa_ext/lock_store.py runs it under a Redis mutex",
                 "f2ba1745c8153f923521ce87419bf04a30c5764e1680f15d5d30bd7e4d65dac5"),
        Reliance(RestInput, "blueprint", "rasa_ext/rest.py guards the on_new_message it is given",
                 "886a9338e4c2505a0d2e70242c27887311d1529a18037dbd6d1dbfe77f699d0f"),
        Reliance(SocketIOInput, "blueprint", "rasa_ext/socketio.py wraps the handlers it registers, by event name",
                 "1246d69fa05c3b1f3dcc77d4ef78e992674cc3d9f7077e9793fd578563b9ee73"),
        Reliance(MessageProcessor, "_parse_message_with_graph", "rasa_ext/turns.py parses with it in a thread",
                 "0bd50a53b5c013af8458cbefe5dbcbd5c02c82a671a841b1947b3e8964e5c3d1"),
        Reliance(MessageProcessor, "parse_message", "rasa_ext/turns.py does its work (message.parse_data skips it)",
                 "b98d8e49b9f2c433040af62752212dc374600d50cd21deec82386642b64d30dc"),
        Reliance(MessageProcessor, "_handle_message_with_tracker", "uses message.parse_data when it is set",
                 "f42e1ae303933d9ffed67c0b879a946d68bee26ab9c991676c62d9c0f7e374d2"),
        Reliance(DialogueStateTracker, "_reset_slots", "rasa_ext/trackers.py resets the slots it copied with it",
                 "684656f977ba992830ff8abf147a7ad6de850ccac15249e7daeb6d87ab5cb058"),
        Reliance(MessageProcessor, "_run_action", "turns an action's BotUttered events into messages sent",
                 "6d383d0179ef1187639887289168959a5a82f94e6949e4e27bb83b2165094995"),
    )


RELIED_ON: tuple[Reliance, ...] = _relied_on()
_originals: dict[tuple[int, str], Any] = {}


def stored(owner: Any, name: str) -> Any:
    """Return an attribute as the owner stores it (a classmethod or staticmethod object, not its binding)."""
    for holder in getattr(owner, "__mro__", (owner,)):
        if name in vars(holder):
            return vars(holder)[name]
    raise AttributeError(f"{owner!r} has no attribute {name!r}")


def original(patch: Patch) -> Any:
    """Return the attribute a patch replaces, as Rasa defines it (whether or not the patch is installed)."""
    return _originals.get((id(patch.owner), patch.name), getattr(patch.owner, patch.name))


def source_sha256(function: Any) -> str:
    """Return the SHA-256 of a function's source (of the function a classmethod or staticmethod wraps)."""
    return hashlib.sha256(inspect.getsource(inspect.unwrap(getattr(function, "__func__", function))).encode()).hexdigest()


def install() -> None:
    """Install every patch (once per process)."""
    for patch in PATCHES:
        key = (id(patch.owner), patch.name)
        if key in _originals:
            continue
        _originals[key] = getattr(patch.owner, patch.name)
        setattr(patch.owner, patch.name, patch.make(stored(patch.owner, patch.name)))

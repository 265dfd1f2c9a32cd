"""How Rasa runs our actions: responses checked as Rasa checks them (validators compiled once), kept
connections, the actions run in this process, and an action's time budget."""

from __future__ import annotations

import asyncio
from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_ext.action_call import validate_action_result

SLOT = {"event": "slot", "timestamp": None, "name": "certificate", "value": "H"}
BOT = {"event": "bot", "text": "您好", "data": {"buttons": []}, "metadata": {}}
RESPONSES: list[Any] = [
    {"events": [], "responses": []},
    {"events": [SLOT, {"event": "active_loop", "name": None}, {"event": "followup", "name": "utter_ok"}],
     "responses": [{"text": "好的", "buttons": []}]},
    {"events": [BOT, {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0}]},
    {"responses": [{"text": "只回答，不改槽位"}]},
    # not valid
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"name": "certificate", "value": "H"}]},
    {"events": [{**SLOT, "timestamp": "昨天"}]},
    {"events": [{**SLOT, "name": 5}]},
    {"events": [{"event": "user", "parse_data": "not an object"}]},
    {"events": [SLOT, "slot"]},
    {"events": {"event": "slot"}},
    {"events": [SLOT], "responses": ["不是对象"]},
    {"events": [{"event": "slot", "metadata": "x", "name": "a"}]},
    [],
]


def rasa_accepts(result: Any) -> bool:
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
        return True
    except jsonschema.ValidationError:
        return False


@pytest.mark.parametrize("result", RESPONSES)
def test_same_verdict_as_rasa(result):
    action = RemoteAction("action_answer_question", None)
    if rasa_accepts(result):
        assert validate_action_result(action, result)
    else:
        with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
            validate_action_result(action, result)


def test_both_kinds_are_exercised():
    assert 0 < sum(map(rasa_accepts, RESPONSES)) < len(RESPONSES)


@pytest.mark.asyncio
async def test_action_calls_reuse_one_connection(monkeypatch):
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    from rasa_ext.action_call import kept_client

    peers: list[tuple[str, int]] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    monkeypatch.setattr(EndpointConfig, "session", kept_client)
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")
    for _ in range(3):
        assert await endpoint.request(json={"next_action": "action_answer_question"}, method="post") == {
            "events": [], "responses": []}
    await runner.cleanup()
    assert len(peers) == 3 and len(set(peers)) == 1


@pytest.fixture()
def in_process(tmp_path, monkeypatch):
    """Our actions run in this process, on a scratch status store."""
    from actions.services import default_services
    from bot.database.engine import make_engine
    from bot.database.migrate import upgrade
    from bot.settings import get_settings

    url = f"sqlite:///{tmp_path / 'status.db'}"
    upgrade(make_engine(url))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    default_services.cache_clear()
    yield
    get_settings.cache_clear()
    default_services.cache_clear()


def question_tracker(domain, text: str):
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_ext.nlu import KnowledgeEntityExtractor, _reader

    entities = [e.as_rasa(KnowledgeEntityExtractor.__name__) for e in _reader().read(text)]
    parse = {"text": text, "intent": {"name": "ask_materials", "confidence": 0.9}, "entities": entities}
    return DialogueStateTracker.from_events("someone", [
        ActionExecuted(ACTION_LISTEN_NAME), UserUttered(text, parse["intent"], entities, parse_data=parse)],
        domain.slots)


@pytest.mark.asyncio
async def test_in_process_actions_answer_as_the_action_server_does(in_process):
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, SlotSet

    from bot.knowledge.base import default_knowledge
    from rasa_ext.action_call import InProcessActions, action_call
    from tests.conftest import ROOT

    domain = Domain.load(ROOT / "domain.yml")
    tracker = question_tracker(domain, "湖州市监理工程师培训合格证丢了，补证要带什么")
    action = RemoteAction("action_answer_question", InProcessActions())
    original = RemoteAction._action_call_format
    RemoteAction._action_call_format = action_call  # as installed: the current turn, the domain made once
    try:
        events = await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses),
                                  tracker, domain)
    finally:
        RemoteAction._action_call_format = original
    texts = [e.text for e in events if isinstance(e, BotUttered)]
    material = default_knowledge().procedures["H-REISSUE"].materials("lost")[0].text
    assert texts and material in texts[0]
    assert SlotSet("certificate", "H") in events and SlotSet("matter", "reissue") in events


@pytest.mark.asyncio
async def test_an_unknown_action_fails_like_a_missing_one_on_an_action_server(in_process):
    from rasa.shared.exceptions import RasaException

    from rasa_ext.action_call import InProcessActions

    with pytest.raises(RasaException, match="action_that_is_not"):
        await InProcessActions().request(json={"next_action": "action_that_is_not", "tracker": {}}, method="post")


@pytest.mark.asyncio
async def test_an_action_over_its_budget_ends_the_turn_with_the_phone_hand_off():
    from rasa.shared.core.events import BotUttered

    from rasa_ext.action_call import within_budget
    from rasa_ext.replies import hand_off

    async def stuck(*_args: Any) -> list[Any]:
        await asyncio.sleep(5)
        return []

    async def quick(*_args: Any) -> list[Any]:
        return [BotUttered("好的")]

    action = RemoteAction("action_answer_question", None)
    assert await within_budget(stuck, lambda: 0.05)(action, None, None, None, None) == [BotUttered(hand_off())]
    assert await within_budget(quick, lambda: 0.05)(action, None, None, None, None) == [BotUttered("好的")]

"""Action-server responses are checked exactly as Rasa checks them, with validators compiled once."""

from __future__ import annotations

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

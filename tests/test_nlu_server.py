"""Rasa asks the NLU server: it waits for a server that is starting, and fails rather than answer unparsed."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web
from rasa.core.channels.channel import UserMessage
from rasa.utils.endpoints import EndpointConfig

from rasa_ext import nlu_server
from rasa_ext.nlu_server import NLUServerError, NLUServerInterpreter

PARSE = {"text": "湖州市监理协会电话", "intent": {"name": "ask_contact", "confidence": 1.0}, "entities": []}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def serve(port: int, status: int = 200, asked: list[str] | None = None) -> web.AppRunner:
    async def parse(request: web.Request) -> web.Response:
        body = await request.json()
        if asked is not None:
            asked.append(body["text"])
        return web.json_response({**PARSE, "text": body["text"]}, status=status)

    app = web.Application()
    app.router.add_post("/model/parse", parse)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


@pytest.mark.asyncio
async def test_waits_for_a_server_that_is_starting(monkeypatch):
    port = free_port()
    interpreter = NLUServerInterpreter(EndpointConfig(url=f"http://127.0.0.1:{port}"))

    async def start_later() -> web.AppRunner:
        await asyncio.sleep(0.6)
        return await serve(port)

    starting = asyncio.create_task(start_later())
    parse = await interpreter.parse(UserMessage("湖州市监理协会电话"))
    runner = await starting
    assert parse["intent"]["name"] == "ask_contact" and parse["text"] == "湖州市监理协会电话"
    await interpreter.session.close()
    await runner.cleanup()


@pytest.mark.asyncio
async def test_a_message_is_understood_from_its_arrival_once():
    port, asked = free_port(), []
    runner = await serve(port, asked=asked)
    interpreter = NLUServerInterpreter(EndpointConfig(url=f"http://127.0.0.1:{port}"))
    message = UserMessage("湖州市监理协会电话")
    interpreter.ask(message)  # the message arrives; its turn waits for its lock
    await asyncio.sleep(0.3)
    assert asked == ["湖州市监理协会电话"]
    assert (await interpreter.parse(message))["intent"]["name"] == "ask_contact"
    assert asked == ["湖州市监理协会电话"] and message not in interpreter.asked
    await interpreter.session.close()
    await runner.cleanup()


@pytest.mark.asyncio
async def test_an_error_from_the_server_fails_the_turn():
    port = free_port()
    runner = await serve(port, status=500)
    interpreter = NLUServerInterpreter(EndpointConfig(url=f"http://127.0.0.1:{port}"))
    with pytest.raises(NLUServerError):
        await interpreter.parse(UserMessage("你好"))
    await interpreter.session.close()
    await runner.cleanup()


@pytest.mark.asyncio
async def test_a_server_that_never_comes_fails_the_turn(monkeypatch):
    monkeypatch.setattr(nlu_server, "WAIT_SECONDS", 0.5)
    interpreter = NLUServerInterpreter(EndpointConfig(url=f"http://127.0.0.1:{free_port()}"))
    with pytest.raises(NLUServerError):
        await interpreter.parse(UserMessage("你好"))
    await interpreter.session.close()


def test_rasa_started_with_an_nlu_url_asks_the_nlu_server(monkeypatch):
    import rasa.core.agent
    from rasa.core.utils import AvailableEndpoints

    from tests.conftest import ROOT

    monkeypatch.setattr(AvailableEndpoints, "read_endpoints", AvailableEndpoints.read_endpoints)
    monkeypatch.setattr(rasa.core.agent, "RasaNLUHttpInterpreter", rasa.core.agent.RasaNLUHttpInterpreter)
    monkeypatch.setattr(rasa.core.agent.Agent, "handle_message", rasa.core.agent.Agent.handle_message)
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    nlu_server.use("http://127.0.0.1:5015")
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    assert endpoints.nlu.url == "http://127.0.0.1:5015" and endpoints.action.url.endswith("/webhook")
    assert rasa.core.agent.RasaNLUHttpInterpreter is NLUServerInterpreter

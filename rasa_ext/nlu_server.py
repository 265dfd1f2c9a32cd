"""The NLU server: the model's language understanding in a process of its own, and how Rasa asks it.

    python -m rasa_ext.nlu_server --model models/assistant.tar.gz --port 5015 [--workers 1]

Understanding a message is half of a turn's CPU time. scripts/serve.sh runs it here, beside the dialogue
server, when the machine has two cores: the understanding of one message then runs while another turn's
dialogue, action calls and stores run in Rasa. Rasa (started by rasa_ext.run with NLU_URL set) sends each
message's text to POST /model/parse and gets back the parse a Rasa server with its API enabled returns
there: the same model, the same pipeline (whose components read only the text). The server listens on
loopback and serves nothing else (no model upload, no conversations).

Rasa's own HTTP interpreter answers an empty parse when the NLU server cannot be reached, and the
assistant would answer a message it never understood. Here Rasa waits for a server that is starting
(WAIT_SECONDS) and otherwise fails the turn, which the channel reports as an error.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import weakref
from typing import Any

import aiohttp
import rasa.core.agent
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.http_interpreter import RasaNLUHttpInterpreter
from rasa.core.utils import AvailableEndpoints
from rasa.utils.common import configure_logging_and_warnings
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.log_utils import configure_structlog
from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse, json

HOST = "127.0.0.1"
PARSE_PATH = "/model/parse"
WAIT_SECONDS = 60  # as long as loading the model may take
SERVER_KEEP_ALIVE_SECONDS = 75  # longer than the client's (aiohttp: 15 s), so a kept connection is never stale


class NLUServerError(RuntimeError):
    """The NLU server did not understand a message (it answered an error, or could not be reached)."""


def create_app(model: str) -> Sanic:
    """Return the app: POST /model/parse with {"text": ...}, and GET / to say it is up."""
    app = Sanic("nlu_server")
    app.config.KEEP_ALIVE_TIMEOUT = SERVER_KEEP_ALIVE_SECONDS

    @app.listener("before_server_start")
    async def load_model(app: Sanic, _loop: Any) -> None:
        app.ctx.agent = Agent.load(model)

    @app.get("/")
    async def up(_request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    @app.post(PARSE_PATH)
    async def parse(request: Request) -> HTTPResponse:
        text = request.json.get("text") if isinstance(request.json, dict) else None
        if not isinstance(text, str):
            raise SanicException("text must be a string", status_code=400)
        return json(await app.ctx.agent.parse_message(text))

    return app


class NLUServerInterpreter(RasaNLUHttpInterpreter):
    """Ask the NLU server to understand a message; wait while it starts, fail rather than guess.

    The question is asked as soon as a message arrives (`ask`), before its turn waits for its conversation's
    lock and for its place among the turns in progress: by the time the turn needs the parse, the NLU server
    has usually given it. The parse of a message depends on its text only.
    """

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        super().__init__(endpoint_config)
        self.asked: weakref.WeakKeyDictionary[UserMessage, asyncio.Task[dict[str, Any]]] = weakref.WeakKeyDictionary()

    def ask(self, message: UserMessage) -> None:
        """Start understanding a message that has just arrived."""
        if message not in self.asked:
            task = asyncio.get_running_loop().create_task(self._ask(message.text))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())  # a turn that never reads it
            self.asked[message] = task

    async def parse(self, message: UserMessage) -> dict[str, Any]:
        """Return the NLU server's parse of the message's text."""
        self.ask(message)
        return await self.asked.pop(message)

    async def _ask(self, text: str | None) -> dict[str, Any]:
        url = self.endpoint_config.url.rstrip("/") + PARSE_PATH
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_SECONDS
        while True:
            try:
                async with self.session.post(url, json={"text": text}) as response:
                    if response.status != 200:
                        raise NLUServerError(f"NLU server {url}: {response.status} {await response.text()}")
                    return await response.json()
            except aiohttp.ClientConnectionError as error:
                if loop.time() > deadline:
                    raise NLUServerError(f"NLU server {url} cannot be reached") from error
                await asyncio.sleep(0.25)


def use(url: str) -> None:
    """Make Rasa ask the NLU server at `url`, whatever the endpoints file says, as soon as a message arrives."""
    read_endpoints = AvailableEndpoints.read_endpoints.__func__  # type: ignore[attr-defined]

    def with_nlu_server(cls: type[AvailableEndpoints], endpoint_file: str) -> AvailableEndpoints:
        endpoints = read_endpoints(cls, endpoint_file)
        endpoints.nlu = EndpointConfig(url=url)
        return endpoints

    handle_message = Agent.handle_message

    async def ask_first(self: Agent, message: UserMessage) -> Any:
        interpreter = self.processor.http_interpreter if self.processor else None
        if isinstance(interpreter, NLUServerInterpreter) and message.text is not None:
            interpreter.ask(message)
        return await handle_message(self, message)

    AvailableEndpoints.read_endpoints = classmethod(with_nlu_server)  # type: ignore[method-assign,assignment]
    rasa.core.agent.RasaNLUHttpInterpreter = NLUServerInterpreter  # type: ignore[misc]
    Agent.handle_message = ask_first  # type: ignore[method-assign]


def main() -> None:
    """Serve the model's NLU on loopback."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)
    create_app(args.model).run(host=HOST, port=args.port, workers=args.workers, access_log=False)


if __name__ == "__main__":
    main()

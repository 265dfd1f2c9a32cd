"""The Rasa server as we run it: bounded requests, a quick stop, and ready only once every path is warm.

- Request bodies (REST JSON, WeChat XML, socket.io messages) larger than `max_request_bytes` are refused by
  Sanic before they are read into memory or parsed (413).
- Asked to stop (SIGTERM, Ctrl-C), the server lets the turns in progress finish for `stop_seconds` at most.
- Until the server has walked every path once (questions, a clarification and its choice, a look-up and a
  one-trip question, each left at once, through the REST, WeChat and socket.io channels), every request
  but the warm-up's gets 503 "starting": the first person waits no longer than the hundredth. The warm-up's
  conversations are then removed from the conversation store and its replies from the turn log (the dashboard
  and the review queue count people's turns only).
- What the start loaded (TensorFlow, the model, the knowledge base, jieba's dictionary: about 740,000 objects) is
  then left out of the garbage collector's passes (`gc.freeze`): a full pass over it took about 300 ms and fell on
  one person's turn (once in 1,470 turns measured; the collector's other passes cost 0.28 ms a turn).
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any

import aiohttp
import socketio
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

from bot.database.engine import make_engine
from bot.database.turns import TurnLog
from bot.settings import CONSOLE_PARSE_PATH, RELAY_SECRET_HEADER, get_settings

logger = logging.getLogger(__name__)
WARM_UP_HEADER = "X-Warm-Up"
WARM_UP_ARG = "warmup"  # socket.io's long polling sends the query string with every request, not the headers
WARM_UP_SENDER = "warmup"
# One conversation that walks every path: a greeting, a question and its follow-up, a clarification and its
# choice, a status look-up and a one-trip question (each left at once), thanks.
WARM_UP_TURNS = ("你好", "湖州市监理工程师培训合格证延续要带什么材料", "那要多久", "证书丢了怎么补办", "第二个",
                 "我想查一下办理进度", "算了", "国家注册延续能一次办好吗", "算了", "谢谢")
WARM_UP_SECONDS = 120  # a turn of the warm-up that takes longer is given up (and the server opens anyway)


def keep_loaded_out_of_collection() -> None:
    """Collect once, leave every object alive now out of the garbage collector's later passes, and turn it on."""
    gc.collect()
    gc.freeze()
    gc.enable()


def configured(configure_app: Callable[..., Sanic]) -> Callable[..., Sanic]:
    """Wrap rasa.core.run.configure_app: bound the requests, stop quickly, open after the warm-up."""

    def configure(*args: Any, **kwargs: Any) -> Sanic:
        app = configure_app(*args, **kwargs)
        prepare(app, kwargs.get("port") or get_settings().rasa_port)
        return app

    return configure


def prepare(app: Sanic, port: int) -> None:
    """Bound the app's requests and stop, and hold every request but the warm-up's until it is warm."""
    settings = get_settings()
    app.config.REQUEST_MAX_SIZE = settings.max_request_bytes
    app.config.WEBSOCKET_MAX_SIZE = settings.max_request_bytes
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = settings.stop_seconds
    app.ctx.ready = False
    app.ctx.warm_up_token = secrets.token_urlsafe(16)

    @app.middleware("request")
    async def starting(request: Request) -> HTTPResponse | None:
        token = request.headers.get(WARM_UP_HEADER) or request.args.get(WARM_UP_ARG) or ""
        if app.ctx.ready or secrets.compare_digest(token, app.ctx.warm_up_token):
            return None
        return json({"status": "starting"}, status=503)

    async def warm_up_then_open(app: Sanic) -> None:
        started = time.monotonic()
        try:
            await warm_up(app, f"http://127.0.0.1:{port}")
        except Exception:  # a path that fails here fails for people too; the logs say why
            logger.exception("the warm-up failed")
        keep_loaded_out_of_collection()
        app.ctx.ready = True
        logger.info("ready after a warm-up of %.1f s", time.monotonic() - started)

    @app.listener("after_server_start")
    async def start_warm_up(app: Sanic, _loop: Any) -> None:
        app.add_task(warm_up_then_open(app))

    @app.post(CONSOLE_PARSE_PATH)
    async def parse(request: Request) -> HTTPResponse:
        """Say how the serving model reads a text (the staff console asks), to the relay's holder only."""
        status, body = await console_parse(app.ctx.agent, request.headers.get(RELAY_SECRET_HEADER) or "",
                                           request.json)
        return json(body, status=status)


async def console_parse(agent: Any, secret: str, body: Any) -> tuple[int, dict[str, Any]]:
    """Return the status and the parse of a text for the staff console: the relay's secret is required, and the
    text is read no longer than a message may be."""
    settings = get_settings()
    if not secrets.compare_digest(secret, settings.relay_secret):
        return 403, {"error": "forbidden"}
    text = str((body if isinstance(body, dict) else {}).get("text") or "")[:settings.max_message_chars]
    return 200, await agent.parse_message(text)


async def warm_up(app: Sanic, url: str) -> None:
    """Walk every path once through each channel; then forget the warm-up's conversations."""
    agent = app.ctx.agent
    start_actions = getattr(agent.action_endpoint, "start", None)
    if start_actions is not None and agent.domain.user_actions:  # in-process: import them before a turn needs them
        await asyncio.get_running_loop().run_in_executor(None, start_actions)
    headers = {WARM_UP_HEADER: app.ctx.warm_up_token}
    senders = [f"{WARM_UP_SENDER}-{uuid.uuid4().hex[:12]}" for _ in range(3)]
    served = set(app.blueprints)  # the channels this server was started with (rasa shell: the REST route only)
    timeout = aiohttp.ClientTimeout(total=WARM_UP_SECONDS)
    try:
        async with aiohttp.ClientSession(headers=headers, timeout=timeout) as client:
            for text in WARM_UP_TURNS:
                async with client.post(f"{url}/webhooks/rest/webhook",
                                       json={"sender": senders[0], "message": text}) as r:
                    r.raise_for_status()
            if "wechat_webhook" in served and get_settings().wechat_token:
                await _wechat(client, url, senders[1])
        if "socketio_webhook" in served:
            await _socketio(f"{url}?{WARM_UP_ARG}={app.ctx.warm_up_token}", senders[2])
    finally:
        # Rasa wraps the configured store in a FailSafeTrackerStore.
        store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)
        if hasattr(store, "forget"):
            for sender in senders:
                store.forget(sender)
        engine = make_engine(get_settings().database_url)
        turn_log = TurnLog(engine, get_settings().id_hash_key)
        for sender in senders:
            turn_log.forget(sender)
        engine.dispose()


async def _wechat(client: aiohttp.ClientSession, url: str, sender: str) -> None:
    """Send one signed WeChat text message (plain mode) and read the reply."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(4)
    signature = hashlib.sha1("".join(sorted([get_settings().wechat_token, timestamp, nonce])).encode()).hexdigest()
    body = (f"<xml><ToUserName>warmup</ToUserName><FromUserName>{sender}</FromUserName>"
            f"<CreateTime>{timestamp}</CreateTime><MsgType>text</MsgType><Content>你好</Content>"
            f"<MsgId>{int(time.time() * 1000)}</MsgId></xml>")
    params = {"signature": signature, "timestamp": timestamp, "nonce": nonce}
    async with client.post(f"{url}/webhooks/wechat/webhook", params=params, data=body.encode()) as r:
        r.raise_for_status()


async def _socketio(url: str, sender: str) -> None:
    """Send one message over socket.io (long polling) and wait for the answer."""
    client = socketio.AsyncClient()
    answered = asyncio.Event()
    client.on("bot_uttered", lambda _data: answered.set())
    await client.connect(url, transports=["polling"], wait_timeout=10)
    try:
        await client.emit("session_request", {"session_id": sender})
        await client.emit("user_uttered", {"message": "你好", "session_id": sender})
        await asyncio.wait_for(answered.wait(), WARM_UP_SECONDS)
    finally:
        await client.disconnect()

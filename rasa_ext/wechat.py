"""WeChat official account channel: signed (and optionally AES-encrypted) passive replies.

Settings come from credentials.yml or, when empty there, from the settings (WECHAT_TOKEN, WECHAT_APP_ID,
WECHAT_AES_KEY; the AES key is needed only for the safe/encrypted mode). A signature whose timestamp is
more than WECHAT_MAX_CLOCK_SKEW_SECONDS off is refused (replay). Each message is answered once: a retry
(same MsgId, or same sender and CreateTime for events) gets the same reply without a second turn. The
dedup record and the numbered options live in the shared database, so replicas need no sticky sessions.
A reply that ends a question and offers no options asks for a rating ("回复 1 有用，2 没用"): the two answers are
remembered as the options, so the digit picks a rating, which is kept and acknowledged here, never sent to Rasa.
A body over `max_request_bytes` is refused before it is read (rasa_ext/server.py); a message too long or
too fast gets the refusal every channel gives (rasa_ext/guard.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.database.channel_memory import ChannelMemory
from bot.database.engine import make_engine
from bot.database.turns import RECEIVED_AT, TurnLog
from bot.rules.idnumber import mask_text
from bot.settings import get_settings
from rasa_ext.guard import guarded
from rasa_ext.wechat_format import (
    TIMEOUT,
    UNSUPPORTED,
    VOICE_UNRECOGNISED,
    WELCOME_PAYLOAD,
    offer_rating,
    rated_turn,
    rating_of,
    rating_reply,
    render,
    resolve,
)

logger = logging.getLogger(__name__)
REPLY_SECONDS = 4.5  # WeChat waits 5 seconds for a passive reply
RETRY_POLL_SECONDS = 0.2


def message_key(message: BaseMessage) -> str:
    """Return what identifies one delivery of a message across WeChat's retries."""
    if message.type == "event" or not getattr(message, "id", None):
        return f"wechat:{message.source}:{message.create_time.timestamp():.0f}:{message.type}"
    return f"wechat:msg:{message.id}"


class WeChatInput(InputChannel):
    """Receive WeChat messages on /webhooks/wechat/webhook and answer within the 5-second limit."""

    @classmethod
    def name(cls) -> str:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        creds = credentials or {}
        settings = get_settings()
        return cls(
            token=creds.get("token") or settings.wechat_token,
            app_id=creds.get("app_id") or settings.wechat_app_id,
            aes_key=creds.get("aes_key") or settings.wechat_aes_key,
            memory=ChannelMemory(make_engine(settings.database_url)),
            max_clock_skew=settings.wechat_max_clock_skew_seconds,
        )

    def __init__(self, token: str, app_id: str, aes_key: str, memory: ChannelMemory,
                 max_clock_skew: int = 300, clock: Callable[[], float] = time.time,
                 turns: TurnLog | None = None) -> None:
        self.token = token
        self.app_id = app_id
        self.crypto = WeChatCrypto(token, aes_key, app_id) if token and aes_key and app_id else None
        self.memory = memory
        self.turns = turns or TurnLog(memory.engine, get_settings().id_hash_key)
        self.max_clock_skew = max_clock_skew
        self.clock = clock

    def _refusal(self, request: Request) -> HTTPResponse | None:
        """Return the response refusing a request that is unconfigured, unsigned or stale, else None."""
        if not self.token:
            return response.text("WeChat channel is not configured", status=503)
        if not self._signed(request):
            return response.text("invalid signature", status=403)
        if not self._fresh(request.args.get("timestamp", "")):
            return response.text("stale timestamp", status=403)
        return None

    def _signed(self, request: Request) -> bool:
        args = request.args
        try:
            check_signature(self.token, args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", ""))
            return True
        except InvalidSignatureException:
            return False

    def _fresh(self, timestamp: str) -> bool:
        """Say whether a signature's timestamp is within the allowed clock skew (else it may be a replay)."""
        try:
            return abs(self.clock() - int(timestamp)) <= self.max_clock_skew
        except ValueError:
            return False

    async def _answer(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], user: str, text: str) -> str:
        collector = CollectingOutputChannel()
        user_key = f"wechat:{user}"
        chosen = resolve(text, self.memory.options(user_key=user_key))
        rating = rating_of(chosen) if chosen != text else None
        if rating is not None:
            return self._rate(user, user_key, *rating)
        message = UserMessage(chosen, collector, user, input_channel=self.name(),
                              metadata={"client": user_key, RECEIVED_AT: time.time()})
        try:
            await asyncio.wait_for(on_new_message(message), timeout=REPLY_SECONDS)
        except asyncio.TimeoutError:
            logger.warning("WeChat reply took longer than %ss", REPLY_SECONDS)
            return TIMEOUT
        reply, payloads = offer_rating(*render(collector.messages), rated_turn(collector.messages))
        self.memory.remember_options(user_key=user_key, payloads=payloads)
        return reply

    def _rate(self, user: str, user_key: str, turn: str, rating: str, reason: str | None) -> str:
        """Keep a rating picked by number and acknowledge it; it never reaches the dialogue."""
        saved = self.turns.rate(key=turn, sender=user, rating=rating, reason=reason)
        reply, payloads = rating_reply(turn, rating, reason, saved=saved)
        self.memory.remember_options(user_key=user_key, payloads=payloads)
        return reply

    async def _reply_text(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                          message: BaseMessage) -> str | None:
        """Return the reply to a message, or None when it needs none."""
        if message.type == "text":
            return await self._answer(on_new_message, message.source, message.content or "")
        if message.type == "voice":
            recognised = (getattr(message, "recognition", None) or "").strip()
            if not recognised:
                return VOICE_UNRECOGNISED
            return await self._answer(on_new_message, message.source, recognised)
        if message.type == "event":
            if getattr(message, "event", "") == "subscribe":
                return await self._answer(on_new_message, message.source, WELCOME_PAYLOAD)
            return None
        return UNSUPPORTED

    async def _once(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], message: BaseMessage) -> str | None:
        """Answer a message the first time it arrives; a retry gets the first reply without a second turn."""
        key = message_key(message)
        if self.memory.claim(message_key=key):
            reply = await self._reply_text(on_new_message, message)
            self.memory.save_reply(message_key=key, reply=reply or "")
            return reply
        deadline = time.monotonic() + REPLY_SECONDS
        while time.monotonic() < deadline:
            reply = self.memory.reply_for(message_key=key)
            if reply is not None:
                return reply or None
            await asyncio.sleep(RETRY_POLL_SECONDS)
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        wechat = Blueprint("wechat_webhook", __name__)
        on_new_message = guarded(on_new_message)

        @wechat.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @wechat.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            return self._refusal(request) or response.text(request.args.get("echostr", ""))

        @wechat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refusal = self._refusal(request)
            if refusal:
                return refusal
            args = request.args
            encrypted = args.get("encrypt_type") == "aes"
            body = request.body.decode("utf-8", errors="replace")
            try:
                if encrypted:
                    if self.crypto is None:
                        return response.text("encrypted mode is not configured", status=400)
                    body = self.crypto.decrypt_message(body, args.get("msg_signature", ""),
                                                       args.get("timestamp", ""), args.get("nonce", ""))
                message = parse_message(body) if body.strip() else None
            except (InvalidSignatureException, InvalidAppIdException):
                return response.text("invalid signature", status=403)
            except Exception:  # malformed XML or ciphertext
                logger.warning("unreadable WeChat message: %r", mask_text(body[:200]))
                return response.text("bad message", status=400)
            if message is None:
                return response.text("bad message", status=400)
            reply_text = await self._once(on_new_message, message)
            if reply_text is None:
                return response.text("success")
            xml = TextReply(content=reply_text, message=message).render()
            if encrypted and self.crypto is not None:
                xml = self.crypto.encrypt_message(xml, args.get("nonce", ""), args.get("timestamp", ""))
            return response.text(xml, content_type="application/xml")

        return wechat

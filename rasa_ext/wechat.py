"""WeChat official account channel: signed (and optionally AES-encrypted) passive replies.

Settings come from credentials.yml or, when empty there, from WECHAT_TOKEN, WECHAT_APP_ID
and WECHAT_AES_KEY (the AES key is needed only for the safe/encrypted mode).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.rules.idnumber import mask_text
from rasa_ext.wechat_format import TIMEOUT, UNSUPPORTED, WELCOME_PAYLOAD, OptionMemory, render

logger = logging.getLogger(__name__)
REPLY_SECONDS = 4.5  # WeChat waits 5 seconds for a passive reply


class WeChatInput(InputChannel):
    """Receive WeChat messages on /webhooks/wechat/webhook and answer within the 5-second limit."""

    @classmethod
    def name(cls) -> str:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        creds = credentials or {}
        return cls(
            token=creds.get("token") or os.environ.get("WECHAT_TOKEN", ""),
            app_id=creds.get("app_id") or os.environ.get("WECHAT_APP_ID", ""),
            aes_key=creds.get("aes_key") or os.environ.get("WECHAT_AES_KEY", ""),
        )

    def __init__(self, token: str, app_id: str = "", aes_key: str = "") -> None:
        self.token = token
        self.app_id = app_id
        self.crypto = WeChatCrypto(token, aes_key, app_id) if token and aes_key and app_id else None
        self.options = OptionMemory()

    def _refusal(self, request: Request) -> HTTPResponse | None:
        """Return the response refusing a request that is unconfigured or unsigned, else None."""
        if not self.token:
            return response.text("WeChat channel is not configured", status=503)
        if not self._signed(request):
            return response.text("invalid signature", status=403)
        return None

    def _signed(self, request: Request) -> bool:
        args = request.args
        try:
            check_signature(self.token, args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", ""))
            return True
        except InvalidSignatureException:
            return False

    async def _answer(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], user: str, text: str) -> str:
        collector = CollectingOutputChannel()
        message = UserMessage(self.options.resolve(user, text), collector, user, input_channel=self.name())
        try:
            await asyncio.wait_for(on_new_message(message), timeout=REPLY_SECONDS)
        except asyncio.TimeoutError:
            logger.warning("WeChat reply took longer than %ss", REPLY_SECONDS)
            return TIMEOUT
        reply, payloads = render(collector.messages)
        self.options.remember(user, payloads)
        return reply

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        wechat = Blueprint("wechat_webhook", __name__)

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

            if message.type == "text":
                reply_text = await self._answer(on_new_message, message.source, message.content or "")
            elif message.type == "event" and getattr(message, "event", "") == "subscribe":
                reply_text = await self._answer(on_new_message, message.source, WELCOME_PAYLOAD)
            elif message.type == "event":
                return response.text("success")
            else:
                reply_text = UNSUPPORTED
            xml = TextReply(content=reply_text, message=message).render()
            if encrypted and self.crypto is not None:
                xml = self.crypto.encrypt_message(xml, args.get("nonce", ""), args.get("timestamp", ""))
            return response.text(xml, content_type="application/xml")

        return wechat

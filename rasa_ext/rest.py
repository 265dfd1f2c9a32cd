"""Rasa's REST channel with its input checked and its client identified for the look-up and rate limits.

The client is the caller's address, or the browser's address that the web relay passes on, trusted only
when the relay proves itself with the shared relay secret. A caller's own "client" metadata is ignored.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.exceptions import SanicException
from sanic.request import Request

from bot.database.turns import RECEIVED_AT
from bot.settings import RELAY_SECRET_HEADER, get_settings
from rasa_ext.guard import guarded

MAX_SENDER = 128
CLIENT_HEADER = "X-Client-Address"


def request_client(*, peer: str, headers: Mapping[str, str], trusted_secret: str) -> str:
    """Return the client key of a REST request: the relayed browser address if the relay proved itself."""
    relayed, secret = headers.get(CLIENT_HEADER, ""), headers.get(RELAY_SECRET_HEADER, "")
    if relayed and trusted_secret and hmac.compare_digest(secret.encode(), trusted_secret.encode()):
        return f"web:{relayed[:64]}"
    return f"rest:{peer}"


class CheckedRestInput(RestInput):
    """Serve /webhooks/rest/webhook like RestInput, rejecting bodies without a text message."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Serve the webhook, refusing a message too long or too fast (rasa_ext/guard.py)."""
        return super().blueprint(guarded(on_new_message))

    def _body(self, req: Request) -> dict[str, Any]:
        body = req.json
        if not isinstance(body, dict):
            raise SanicException("请求体必须是 JSON 对象，例如 {\"sender\": \"abc\", \"message\": \"你好\"}", status_code=400)
        return body

    async def _extract_sender(self, req: Request) -> str:
        sender = self._body(req).get("sender", "default")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER:
            raise SanicException(f"sender 必须是不超过{MAX_SENDER}个字符的文本", status_code=400)
        return sender

    def _extract_message(self, req: Request) -> str:
        message = self._body(req).get("message")
        if not isinstance(message, str):
            raise SanicException("message 必须是文本", status_code=400)
        return message

    def get_metadata(self, request: Request) -> dict[str, Any]:
        """Return only the client this channel vouches for (nothing the caller claims), and when it came."""
        return {"client": request_client(peer=request.ip, headers=request.headers,
                                         trusted_secret=get_settings().relay_secret), RECEIVED_AT: time.time()}

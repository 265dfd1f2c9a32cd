"""Rasa's socket.io channel with the client identified by the connection's address, not by the caller, and
its messages bounded (the size of a socket.io packet, and rasa_ext/guard.py's length and rate)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput

from bot.database.turns import RECEIVED_AT
from bot.settings import get_settings
from rasa_ext.guard import guarded


class ClientSocketIOInput(SocketIOInput):
    """SocketIOInput whose messages carry the client address of their connection for the look-up limits."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SocketBlueprint:
        addresses: dict[str, str] = {}
        blueprint = super().blueprint(guarded(on_new_message))
        assert self.sio is not None
        self.sio.eio.max_http_buffer_size = get_settings().max_request_bytes
        handlers = self.sio.handlers[self.namespace or "/"]
        connect, message, disconnect = handlers["connect"], handlers[self.user_message_evt], handlers["disconnect"]

        async def on_connect(sid: str, environ: dict[str, Any], auth: dict[str, Any] | None = None) -> bool:
            request = environ.get("sanic.request")
            addresses[sid] = f"socketio:{request.ip if request is not None else 'unknown'}"
            return await connect(sid, environ, auth)

        async def on_message(sid: str, data: Any) -> None:
            if isinstance(data, dict):
                data = {**data, self.metadata_key: {"client": addresses.get(sid, f"socketio:{sid}"),
                                                    RECEIVED_AT: time.time()}}
            await message(sid, data)

        async def on_disconnect(sid: str) -> None:
            addresses.pop(sid, None)
            await disconnect(sid)

        handlers.update({"connect": on_connect, self.user_message_evt: on_message, "disconnect": on_disconnect})
        return blueprint

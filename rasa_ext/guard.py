"""What every channel checks before a message goes on to the dialogue: its length and its sender's rate.

The same on REST, socket.io and WeChat (the web relay checks the length itself before relaying): a message
longer than `max_message_chars`, or beyond `messages_per_sender` in its conversation or `messages_per_client`
from its client (an address, a WeChat user) within `message_window_seconds`, is answered with the refusal
of knowledge/channel.yml and never parsed. The counts live in the shared database (bot/database/rates.py),
so several servers share them; a database that cannot be reached lets messages through rather than refuse
everyone.

The text as it may be stored (ID numbers masked, bot/rules/idnumber.py) is made here, once per message,
and handed on in the metadata (`masked_text`): the conversation store and the logs use it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from rasa.core.channels.channel import UserMessage
from sqlalchemy.exc import SQLAlchemyError

from bot.database.engine import make_engine
from bot.database.rates import MessageRate
from bot.rules.idnumber import mask_text
from bot.settings import get_settings
from rasa_ext.replies import too_fast, too_long

logger = logging.getLogger(__name__)
MASKED_TEXT = "masked_text"
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@lru_cache(maxsize=1)
def _rates() -> MessageRate:
    settings = get_settings()
    return MessageRate(make_engine(settings.database_url, durable=False), window_seconds=settings.message_window_seconds)


def rate_limits(message: UserMessage) -> dict[str, int]:
    """Return the subjects a message counts against (its conversation, its client) with their limits."""
    settings = get_settings()
    client = (message.metadata or {}).get("client")
    if client in settings.unlimited_clients:
        return {}
    limits = {f"sender:{message.input_channel}:{message.sender_id}": settings.messages_per_sender}
    if isinstance(client, str) and client:
        limits[client] = settings.messages_per_client
    return limits


async def over_rate(message: UserMessage) -> bool:
    """Count the message; say whether its conversation or its client sent too many within the window."""
    limits = rate_limits(message)
    if not limits:
        return False
    try:
        over = await asyncio.to_thread(_rates().count, limits)
    except SQLAlchemyError:
        logger.exception("message counts unavailable: letting the message through")
        return False
    if over:
        logger.warning("rate limit reached by %s", over)
    return over is not None


async def refusal(message: UserMessage) -> str | None:
    """Return why a message is not passed on, in the person's words, or None when it may go on."""
    text = message.text or ""
    if len(text) > get_settings().max_message_chars:
        return too_long(len(text))
    if await over_rate(message):
        return too_fast()
    return None


def guarded(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wrap a channel's on_new_message: refuse a message too long or too fast, hand on its masked text."""

    async def on_message(message: UserMessage) -> Any:
        if message.text is not None and not isinstance(message.text, str):
            return None  # socket.io lets a client send any JSON as the message
        refused = await refusal(message)
        if refused:
            await message.output_channel.send_text_message(message.sender_id, refused)
            return None
        if message.text is not None:
            message.metadata = {**(message.metadata or {}), MASKED_TEXT: mask_text(message.text)}
        return await on_new_message(message)

    return on_message

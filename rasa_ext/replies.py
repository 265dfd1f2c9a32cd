"""What the channels and the turn say instead of an answer: the wording of knowledge/channel.yml, the numbers of
knowledge/contacts.yml (the same on every channel)."""

from __future__ import annotations

from functools import lru_cache

from bot.knowledge.base import default_knowledge
from bot.knowledge.channel import default_channel_phrases
from bot.settings import get_settings


@lru_cache(maxsize=1)
def hand_off() -> str:
    """Return the phone hand-off: the message could not be dealt with in time; whom to call (contacts.yml)."""
    kb = default_knowledge()
    contacts = [kb.contacts[key] for key in kb.fallback_contacts if kb.contacts[key].phones]
    lines = [f"{c.name}：{'、'.join(c.phones)}" for c in contacts]
    return "\n".join([default_channel_phrases().too_slow, *lines])


def too_long(length: int) -> str:
    """Return the refusal of a message longer than the settings' bound."""
    return default_channel_phrases().message_too_long(length=length, limit=get_settings().max_message_chars)


def too_fast() -> str:
    """Return the refusal of a message over a sender's or a client's rate."""
    return default_channel_phrases().too_fast

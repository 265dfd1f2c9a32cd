"""What the channels say when they refuse a message or a turn runs out of time (knowledge/channel.yml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import validator

from bot.knowledge.base import KNOWLEDGE_DIR, Record, Text, _parse

FILE = "channel.yml"


class ChannelPhrases(Record):
    """The refusals of a message, and the start of the phone hand-off after a turn that took too long."""

    too_long: Text
    too_fast: Text
    too_slow: Text

    @validator("too_long")
    def names_the_bound(cls, value: str) -> str:
        """Require the {limit} the message is held to (and allow {length}, nothing else)."""
        if "{limit}" not in value:
            raise ValueError("must say the bound: {limit}")
        try:
            value.format(limit=1, length=2)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"only {{limit}} and {{length}} can be filled in ({exc})") from None
        return value

    def message_too_long(self, *, length: int, limit: int) -> str:
        """Return the refusal of a message longer than the bound."""
        return self.too_long.format(length=length, limit=limit)


def load_channel_phrases(directory: Path | str = KNOWLEDGE_DIR) -> ChannelPhrases:
    """Read knowledge/channel.yml, naming the file and field on any problem."""
    phrases: ChannelPhrases = _parse(Path(directory), FILE, ChannelPhrases)
    return phrases


@lru_cache(maxsize=1)
def default_channel_phrases() -> ChannelPhrases:
    """Return the phrases in knowledge/channel.yml, read once per process."""
    return load_channel_phrases()

"""Rasa's console parse route (rasa_ext/server.py): how the serving model reads a text, for the relay's holder."""

from __future__ import annotations

from typing import Any

import pytest

from bot.settings import get_settings
from rasa_ext.server import console_parse


class Agent:
    """A model that reads every text as a greeting and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def parse_message(self, text: str) -> dict[str, Any]:
        self.asked.append(text)
        return {"text": text, "intent": {"name": "greet", "confidence": 1.0}, "entities": []}


@pytest.mark.asyncio
async def test_the_console_parse_reads_for_the_relays_holder_only_and_no_longer_than_a_message():
    agent, secret = Agent(), get_settings().relay_secret
    assert (await console_parse(agent, "", {"text": "你好"}))[0] == 403
    assert (await console_parse(agent, "not-it", {"text": "你好"}))[0] == 403
    status, body = await console_parse(agent, secret, {"text": "你好" * 1000})
    assert status == 200 and body["intent"]["name"] == "greet"
    assert agent.asked == ["你好" * (get_settings().max_message_chars // 2)]
    assert (await console_parse(agent, secret, ["not", "an", "object"]))[0] == 200 and agent.asked[-1] == ""

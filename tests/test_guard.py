"""Every channel's check before the dialogue: the length of a message and its sender's and client's rate."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.database.engine import make_engine
from bot.database.migrate import upgrade
from bot.database.rates import MessageRate
from bot.knowledge.base import KnowledgeError
from bot.knowledge.channel import ChannelPhrases, default_channel_phrases, load_channel_phrases
from bot.settings import get_settings
from rasa_ext import guard
from rasa_ext.guard import MASKED_TEXT, guarded
from tests.conftest import ROOT

ZHANG = "330502198503120112"


@pytest.fixture()
def limited(tmp_path, monkeypatch):
    """Settings with a scratch status store and small limits, read afresh by the guard."""
    url = f"sqlite:///{tmp_path / 'status.db'}"
    upgrade(make_engine(url))
    for name, value in {"DATABASE_URL": url, "MESSAGES_PER_SENDER": "3", "MESSAGES_PER_CLIENT": "5",
                        "MAX_MESSAGE_CHARS": "60", "UNLIMITED_CLIENTS": '["rest:127.0.0.1"]',
                        "VAR_DIR": str(tmp_path / "var")}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    guard._rates.cache_clear()
    rates = MessageRate(make_engine(url), window_seconds=60, now=lambda: 1_000_020.0)  # all in one window
    monkeypatch.setattr(guard, "_rates", lambda: rates)
    yield get_settings()
    get_settings.cache_clear()


async def send(text: str, *, sender: str = "someone", client: str = "web:203.0.113.7") -> tuple[list[Any], list[str]]:
    """Send a message through the guard; return what reached the dialogue and what the person was told."""
    reached: list[Any] = []

    async def dialogue(message: UserMessage) -> None:
        reached.append(message)

    out = CollectingOutputChannel()
    await guarded(dialogue)(UserMessage(text, out, sender, input_channel="rest", metadata={"client": client}))
    return reached, [m.get("text") or "" for m in out.messages]


@pytest.mark.asyncio
async def test_a_message_over_the_bound_is_refused_in_the_words_of_knowledge(limited):
    reached, told = await send("证" * 61)
    assert reached == []
    assert told == [default_channel_phrases().message_too_long(length=61, limit=60)]
    assert "60" in told[0] and "61" in told[0]
    reached, told = await send("证" * 60)
    assert len(reached) == 1 and told == []


@pytest.mark.asyncio
async def test_a_sender_and_a_client_over_their_rate_are_refused(limited):
    replies = [(await send("你好", sender="chatty"))[1] for _ in range(4)]
    assert replies[:3] == [[], [], []] and replies[3] == [default_channel_phrases().too_fast]
    # The same address under new conversation ids: the client's own limit (5 in the window) stops it too.
    rotated = [(await send("你好", sender=f"new-{n}"))[1] for n in range(3)]
    assert rotated[0] == [] and rotated[-1] == [default_channel_phrases().too_fast]
    # Another address is not affected; an unlimited client is never counted.
    assert (await send("你好", sender="calm", client="web:198.51.100.1"))[1] == []
    assert [(await send("你好", sender="bench", client="rest:127.0.0.1"))[1] for _ in range(10)] == [[]] * 10


@pytest.mark.asyncio
async def test_the_masked_text_is_made_once_and_handed_on(limited):
    reached, _ = await send(f"查询进度，身份证号{ZHANG}，尾号0112")
    metadata = reached[0].metadata
    assert ZHANG not in metadata[MASKED_TEXT] and "0112" not in metadata[MASKED_TEXT]
    assert metadata["client"] == "web:203.0.113.7" and reached[0].text.endswith("尾号0112")


def test_the_refusals_are_read_from_channel_yml(tmp_path):
    phrases = load_channel_phrases()
    assert isinstance(phrases, ChannelPhrases) and "{limit}" in phrases.too_long
    (tmp_path / "channel.yml").write_text((ROOT / "knowledge/channel.yml").read_text(encoding="utf-8")
                                          .replace("{limit}", "五百"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"channel\.yml: too_long"):
        load_channel_phrases(tmp_path)

"""A turn in one Rasa process: parsed in a worker thread as soon as it arrives, within a time budget, and a
bounded number of turns at once, first come first served."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.knowledge.base import default_knowledge
from rasa_ext import turns
from rasa_ext.replies import hand_off


class Processor:
    """Rasa's MessageProcessor as far as a parse goes: a pipeline that takes `seconds` per message, off the loop."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.threads: list[str] = []

    def _parse_message_with_graph(self, message: UserMessage, _tracker: Any, _only_output: bool) -> dict[str, Any]:
        self.threads.append(threading.current_thread().name)
        time.sleep(self.seconds)
        return {"text": message.text, "intent": {"name": "greet", "confidence": 1.0}, "entities": []}

    def _update_full_retrieval_intent(self, _parse: dict[str, Any]) -> None:
        return None

    def _check_for_unseen_features(self, _parse: dict[str, Any]) -> None:
        return None


class Agent:
    def __init__(self, processor: Processor) -> None:
        self.processor = processor


def message(text: str) -> UserMessage:
    return UserMessage(text, CollectingOutputChannel(), "someone")


@pytest.mark.asyncio
async def test_at_most_the_admitted_number_of_turns_run_at_once_and_all_finish_in_order_of_arrival():
    running, most, started = 0, 0, []

    async def handle_message(_agent: Any, m: UserMessage) -> str:
        nonlocal running, most
        running += 1
        most = max(most, running)
        started.append(m.text)
        await asyncio.sleep(0.01)  # an action, a store
        running -= 1
        return (m.text or "").upper()

    handle = turns.turns(handle_message, lambda: 2, lambda: 5.0)
    texts = [f"turn{i}" for i in range(7)]
    answers = await asyncio.gather(*(handle(Agent(Processor()), message(t)) for t in texts))
    assert answers == [t.upper() for t in texts] and most == 2 and started == texts


@pytest.mark.asyncio
async def test_the_parse_runs_in_the_worker_thread_and_reaches_the_turn():
    processor = Processor()
    seen: list[dict[str, Any] | None] = []

    async def handle_message(_agent: Any, m: UserMessage) -> None:
        seen.append(m.parse_data)

    await turns.turns(handle_message, lambda: 2, lambda: 5.0)(Agent(processor), message("你好"))
    assert seen[0] is not None and seen[0]["text"] == "你好"
    assert processor.threads and processor.threads[0] != threading.main_thread().name


@pytest.mark.asyncio
async def test_a_parse_over_its_budget_gets_the_phone_hand_off_and_the_loop_stays_free():
    handled: list[str] = []

    async def handle_message(_agent: Any, m: UserMessage) -> None:
        handled.append(m.text or "")

    slow = message("一条很慢的消息")
    ticks = 0

    async def clock() -> None:  # the event loop keeps working while the parse runs in its thread
        nonlocal ticks
        for _ in range(20):
            await asyncio.sleep(0.01)
            ticks += 1

    started = time.monotonic()
    await asyncio.gather(turns.turns(handle_message, lambda: 2, lambda: 0.2)(Agent(Processor(seconds=1.0)), slow),
                         clock())
    assert time.monotonic() - started < 0.9 and ticks == 20
    assert handled == []  # the turn ended with the hand-off: nothing reached the dialogue
    assert slow.output_channel.messages == [{"recipient_id": "someone", "text": hand_off()}]


def test_the_hand_off_names_the_fallback_contacts_with_their_numbers():
    kb = default_knowledge()
    text = hand_off()
    phones = [phone for key in kb.fallback_contacts for phone in kb.contacts[key].phones]
    assert phones and all(phone in text for phone in phones)

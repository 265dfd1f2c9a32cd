"""A bounded number of turns in progress in one Rasa process; the others wait their turn, first come first served.

A turn awaits the NLU server and the action server several times (a form turn three times or more). While
it waits, the event loop starts other turns, and when its answer is back it queues behind all of them:
under load a turn with many awaits took far longer than its work, and the slowest turns set the p95.
With a few turns in progress at once the process still works while one of them waits, and a turn, once
started, finishes without waiting behind turns that arrived after it. Turns of different conversations
are independent, so their order is free; those of one conversation stay ordered by Rasa's lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage

from bot.settings import get_settings

HandleMessage = Callable[[Agent, UserMessage], Awaitable[Any]]


def admitted(handle_message: HandleMessage, turns_in_progress: Callable[[], int]) -> HandleMessage:
    """Wrap Agent.handle_message so that at most `turns_in_progress()` turns run at once in this process."""
    semaphores: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    async def handle(self: Agent, message: UserMessage) -> Any:
        loop = asyncio.get_running_loop()
        if loop not in semaphores:
            semaphores[loop] = asyncio.Semaphore(turns_in_progress())
        async with semaphores[loop]:
            return await handle_message(self, message)

    return handle


def install() -> None:
    """Admit at most the settings' `turns_in_progress` turns at once."""
    Agent.handle_message = admitted(Agent.handle_message,  # type: ignore[method-assign]
                                    lambda: get_settings().turns_in_progress)

"""A turn in one Rasa process: understood in a worker thread within a time budget, a few turns at a time.

- The message's parse (the model's pipeline: tokenizer, featurizers, DIET and our extractors) runs in one
  worker thread, started as soon as the message arrives, before the turn waits for its conversation's lock
  and its place among the turns in progress. No parse holds the event loop, and the part of a parse spent in
  TensorFlow (which releases the GIL) runs beside another turn's dialogue on a second core.
- A message not understood within `parse_seconds` of its arrival gets the phone hand-off, and its turn ends
  there: nothing of it is stored, the parse finishes in its thread and is dropped. With the channels' bound on
  the length of a message (`max_message_chars`), a parse takes well under a second even so.
- At most `turns_in_progress` turns run at once in the process; the others wait, first come first served. A
  turn waits for its parse and, with an action server, for its actions; while it waits another turn works,
  and a turn, once started, finishes without queuing behind turns that arrived after it. Turns of one
  conversation stay ordered by Rasa's lock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rules.idnumber import mask_text
from bot.settings import get_settings
from rasa_ext.guard import MASKED_TEXT
from rasa_ext.replies import hand_off

logger = logging.getLogger(__name__)
HandleMessage = Callable[[Agent, UserMessage], Awaitable[Any]]
_parsing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")


def parse(processor: MessageProcessor, message: UserMessage) -> dict[str, Any]:
    """Return the parse of a message as Rasa's MessageProcessor.parse_message makes it (its text alone counts)."""
    tracker = DialogueStateTracker.from_events(message.sender_id, [])
    parse_data = processor._parse_message_with_graph(message, tracker, True)
    processor._update_full_retrieval_intent(parse_data)
    processor._check_for_unseen_features(parse_data)
    return parse_data


def _forget(future: asyncio.Future[Any]) -> None:
    """Read the outcome of a parse nobody waits for any more, so that its error is not reported as unread."""
    if not future.cancelled():
        future.exception()


def turns(handle_message: HandleMessage, turns_in_progress: Callable[[], int],
          parse_seconds: Callable[[], float]) -> HandleMessage:
    """Wrap Agent.handle_message: parse in the worker thread within the budget, a few turns at a time."""
    semaphores: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    async def handle(self: Agent, message: UserMessage) -> Any:
        loop = asyncio.get_running_loop()
        if loop not in semaphores:
            semaphores[loop] = asyncio.Semaphore(turns_in_progress())
        parsing = None
        if self.processor is not None and message.text is not None and message.parse_data is None:
            deadline = loop.time() + parse_seconds()
            parsing = loop.run_in_executor(_parsing, parse, self.processor, message)
        async with semaphores[loop]:
            if parsing is not None:
                try:
                    message.parse_data = await asyncio.wait_for(asyncio.shield(parsing),
                                                                 max(0.0, deadline - loop.time()))
                except asyncio.TimeoutError:
                    parsing.add_done_callback(_forget)
                    masked = (message.metadata or {}).get(MASKED_TEXT) or mask_text(message.text or "")
                    logger.warning("no parse within %ss: %r", parse_seconds(), masked[:200])
                    await message.output_channel.send_text_message(message.sender_id, hand_off())
                    return None
            return await handle_message(self, message)

    return handle


def installed(handle_message: HandleMessage) -> HandleMessage:
    """Return Agent.handle_message with the settings' budget and number of turns in progress."""
    return turns(handle_message, lambda: get_settings().turns_in_progress, lambda: get_settings().parse_seconds)

"""A Rasa process works on a bounded number of turns at once; the others wait, first come first served."""

from __future__ import annotations

import asyncio

import pytest

from rasa_ext.admission import admitted


@pytest.mark.asyncio
async def test_at_most_the_admitted_number_of_turns_run_at_once_and_all_finish_in_order_of_arrival():
    running, most, started = 0, 0, []

    async def handle_message(_agent: object, message: str) -> str:
        nonlocal running, most
        running += 1
        most = max(most, running)
        started.append(message)
        await asyncio.sleep(0.01)  # waits for the NLU and action servers
        running -= 1
        return message.upper()

    handle = admitted(handle_message, lambda: 2)
    turns = [f"turn{i}" for i in range(7)]
    answers = await asyncio.gather(*(handle(None, t) for t in turns))
    assert answers == [t.upper() for t in turns] and most == 2 and started == turns

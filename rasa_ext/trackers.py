"""A tracker made from another copies its slots without `copy.copy`'s generic path.

Rasa makes a new tracker from an old one's slots several times a turn (rebuilding the session, replaying it for
each prediction's states, a form's temporary tracker), and copies every slot of the domain each time with
`copy.copy`: for 36 slots, a third of the cost of making the tracker. Rasa's Slot classes keep their state in
their `__dict__` (no `__slots__`, `__copy__` or `__reduce__` of their own), so a new object with the same
`__dict__` entries is the copy `copy.copy` makes (tests/test_trackers.py compares them for every slot of the
domain).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rasa.shared.core.slots import Slot


def copied(slot: Slot) -> Slot:
    """Return a shallow copy of a slot, as copy.copy makes it."""
    twin = object.__new__(type(slot))
    twin.__dict__.update(slot.__dict__)
    return twin


def installed(original: Callable[..., None]) -> Callable[..., None]:
    """Wrap DialogueStateTracker.__init__: the same tracker, its slots copied by `copied`."""

    def __init__(self: Any, sender_id: str, slots: Iterable[Slot] | None, max_event_history: int | None = None,
                 sender_source: str | None = None, is_rule_tracker: bool = False) -> None:
        original(self, sender_id, None, max_event_history, sender_source, is_rule_tracker)
        if slots is not None:  # as the original does with them: copied, then reset to their initial values
            self.slots = {slot.name: copied(slot) for slot in slots}
            self._reset_slots()

    return __init__

"""A tracker made with the slot-copying patch (rasa_ext/trackers.py) is the tracker Rasa makes."""

from __future__ import annotations

import copy

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext import patches, trackers
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def test_each_slot_of_the_domain_is_copied_as_copy_copy_copies_it(rasa_domain):
    for slot in rasa_domain.slots:
        slot.value = ["H-RENEW"] if slot.type_name == "list" else slot.initial_value
        ours, theirs = trackers.copied(slot), copy.copy(slot)
        assert type(ours) is type(theirs) and vars(ours) == vars(theirs) and ours is not slot
        assert all(getattr(ours, k) is getattr(theirs, k) for k in vars(theirs))  # shallow, as copy.copy
    assert not any("__copy__" in vars(c) or "__reduce_ex__" in vars(c) or "__slots__" in vars(c)
                   for c in {type(s) for s in rasa_domain.slots} | {Slot})


def test_a_tracker_replayed_with_the_patch_is_the_one_rasa_replays(rasa_domain):
    events = [ActionExecuted("action_listen"), UserUttered("湖州证延续", {"name": "ask_materials", "confidence": 1.0}),
              SlotSet("certificate", "H"), SlotSet("procedure", ["H-RENEW"]), ActionExecuted("action_listen")]
    made = {}
    for name, init in (("rasa", patches.original(next(p for p in patches.PATCHES if p.name == "__init__"))),
                       ("ours", trackers.installed(patches.original(next(p for p in patches.PATCHES
                                                                          if p.name == "__init__"))))):
        original = DialogueStateTracker.__init__
        DialogueStateTracker.__init__ = init
        try:
            tracker = DialogueStateTracker.from_events("someone", events, rasa_domain.slots)
            made[name] = (tracker.current_slot_values(), tracker.init_copy().current_slot_values(),
                          tracker.copy().current_state())
        finally:
            DialogueStateTracker.__init__ = original
    assert made["ours"][0]["procedure"] == ["H-RENEW"]
    assert made["ours"][:2] == made["rasa"][:2]
    assert {k: v for k, v in made["ours"][2].items() if k != "latest_event_time"} == \
           {k: v for k, v in made["rasa"][2].items() if k != "latest_event_time"}

"""What the conversation store keeps: never a full ID number."""

from __future__ import annotations

import sqlite3

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rules.idnumber import clean
from rasa_ext.tracker_store import MaskingSQLTrackerStore
from tests.test_idnumber import WRITTEN_FORMS

ID = "330502198503120112"


@pytest.mark.asyncio
@pytest.mark.parametrize("written", WRITTEN_FORMS)
async def test_every_written_form_is_masked_in_text_and_parse_data(tmp_path, written):
    db = tmp_path / "tracker.db"
    store = MaskingSQLTrackerStore(dialect="sqlite", db=str(db))
    text = f"身份证号{written}，姓名张伟"
    tracker = DialogueStateTracker.from_events("user-1", [
        UserUttered(text, {"name": "inform_identity", "confidence": 0.9},
                    parse_data={"text": text, "intent": {"name": "inform_identity"},
                                "entities": [{"entity": "id_number", "value": written}]}),
    ])
    await store.save(tracker)
    stored = "".join(r[0] for r in sqlite3.connect(db).execute("select data from events"))
    assert ID[:17] not in clean(stored) and ID[6:14] not in clean(stored)


@pytest.mark.asyncio
async def test_saved_events_hold_no_full_id_number(tmp_path):
    db = tmp_path / "tracker.db"
    store = MaskingSQLTrackerStore(dialect="sqlite", db=str(db))
    text = f"身份证号{ID[:6]} {ID[6:]}，姓名张伟；再发一次 {ID}"
    tracker = DialogueStateTracker.from_events("user-1", [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "inform_identity", "confidence": 0.9},
                    parse_data={"text": text, "intent": {"name": "inform_identity"}, "entities": []}),
        SlotSet("flow_state", {"note": ID}),
        BotUttered(f"已收到 {ID}"),
    ])
    await store.save(tracker)

    rows = [r[0] for r in sqlite3.connect(db).execute("select data from events")]
    assert len(rows) == 4
    stored = "".join(rows).replace(" ", "")
    assert ID not in stored and ID[:17] not in stored
    assert "330*************12" in stored

    again = await store.retrieve("user-1")
    assert again is not None and again.latest_message.text.startswith("身份证号330")
    assert ID not in again.latest_message.text

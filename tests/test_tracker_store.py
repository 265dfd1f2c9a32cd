"""What the conversation store keeps: never a full ID number."""

from __future__ import annotations

import sqlite3

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rules.idnumber import clean
from rasa_ext.tracker_store import INDEXES, MaskingSQLTrackerStore
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


def _turn(text: str) -> list:
    return [UserUttered(text, {"name": "ask_time", "confidence": 0.9}), ActionExecuted("action_answer_question"),
            SlotSet("certificate", "H"), BotUttered(f"回答：{text}"), ActionExecuted("action_listen")]


@pytest.mark.asyncio
async def test_each_turn_appends_its_events_once_and_retrieve_reads_the_latest_session(tmp_path):
    domain = Domain.from_dict({"slots": {"certificate": {"type": "text", "mappings": [{"type": "custom"}]}}})
    store = MaskingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    await store.save(DialogueStateTracker.from_events("user-2", [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"), *_turn("第一句")]))
    tracker = await store.retrieve("user-2")
    tracker.update_with_events(_turn("第二句"), domain)
    await store.save(tracker)
    await store.save(tracker)  # nothing new: nothing written
    tracker = await store.retrieve("user-2")
    tracker.update_with_events([ActionExecuted("action_session_start"), SessionStarted(), SlotSet("certificate", "H"),
                                ActionExecuted("action_listen"), *_turn("第三句")], domain)
    await store.save(tracker)

    latest = await store.retrieve("user-2")
    full = await store.retrieve_full_tracker("user-2")
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == ["第一句", "第二句", "第三句"]
    assert len(full.events) == 8 + 5 + 9
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["第三句"]
    assert latest.get_slot("certificate") == "H" and len(latest.events) <= 9


@pytest.mark.asyncio
async def test_the_session_indexes_are_added_to_an_existing_events_table(tmp_path):
    db = tmp_path / "tracker.db"
    SQLTrackerStore(dialect="sqlite", db=str(db)).engine.dispose()
    with sqlite3.connect(db) as conn:
        for index in INDEXES:
            conn.execute(f"drop index {index.name}")
    MaskingSQLTrackerStore(dialect="sqlite", db=str(db))
    names = {row[0] for row in sqlite3.connect(db).execute("select name from sqlite_master where type = 'index'")}
    assert {index.name for index in INDEXES} <= names

"""Ratings, the review queue, reviewed examples and the dashboard's numbers, on a scratch status store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.database.tables import Review, Turn
from bot.database.turns import MAX_MESSAGE, NAME_MASK, TurnCreate, TurnLog
from bot.dialogue.questions import Questions
from bot.feedback import export as exporting
from bot.feedback.labels import (
    ASPECT,
    FINE,
    ONE_TRIP,
    OUT_OF_SCOPE,
    PROCEDURE,
    QUESTION_INTENTS,
    STATUS,
    Label,
    LabelError,
    reads_as,
)
from bot.feedback.queue import ABANDONED, FREQUENT, LOW_CONFIDENCE, NEWEST, RATED_NOT_USEFUL, UNANSWERED, ReviewQueue
from bot.feedback.stats import Dashboard, percentile
from bot.language.names import NameReader
from tests.conftest import ROOT, rasa_entities

ZHANG = "330502198503120112"
START = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing


class Clock:
    """A settable clock for the log, the queue and the dashboard."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at

    def later(self, **kw: float) -> None:
        self.at += timedelta(**kw)


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def log(store, lexicon, clock) -> TurnLog:
    return TurnLog(store.engine, "test-key", names=NameReader(lexicon.names), now=clock)


@pytest.fixture()
def queue(store, clock) -> ReviewQueue:
    return ReviewQueue(store.engine, min_confidence=0.6, now=clock)


def turn(message: str, *, sender: str = "web-user-1", **kw: object) -> TurnCreate:
    values: dict[str, object] = {"sender": sender, "channel": "web", "message": message, "intent": "ask_guide",
                                 "confidence": 0.9, "kind": "procedure", "procedures": ["H-RENEW"], "answered": True,
                                 "latency_ms": 500}
    values.update(kw)
    return TurnCreate(**values)


def rows(store) -> list[Turn]:
    with Session(store.engine) as session:
        return list(session.scalars(select(Turn).order_by(Turn.id)))


# ------------------------------------------------------------------------------------------------ turns, ratings
def test_a_turn_is_kept_masked_without_names_or_the_sender(log, store):
    assert log.masked("老婆马丽丽的证书过期了") == f"老婆{NAME_MASK}的证书过期了"
    assert log.masked("帮同事王建国问下增项要带什么") == f"帮同事{NAME_MASK}问下增项要带什么"
    assert log.masked("湖州培训证延续要带啥，要加密锁吗") == "湖州培训证延续要带啥，要加密锁吗"
    assert log.masked("\x00\x1b证" + "证" * 5000) == "证" * MAX_MESSAGE  # no NUL (PostgreSQL), no essay
    log.record(turn(f"我叫张伟，身份证{ZHANG}，湖州培训证延续要带啥"))
    log.record(turn("我叫张伟 330502198503120112", kind="status", personal=True))
    first, status = rows(store)
    assert ZHANG not in first.message and "330*************12" in first.message
    assert "张伟" not in first.message and NAME_MASK in first.message and "湖州培训证延续要带啥" in first.message
    assert status.message == "" and status.kind == "status"
    assert "web-user-1" not in first.conversation and first.conversation == log.conversation_of("web-user-1")
    assert (first.intent, first.confidence, first.procedures, first.latency_ms) == ("ask_guide", 0.9, "H-RENEW", 500)


def test_a_reply_is_rated_only_in_its_own_conversation_and_a_later_rating_replaces_it(log, store):
    key = log.record(turn("湖州培训证延续要带啥"))
    assert not log.rate(key=key, sender="someone-else", rating="useful")
    assert not log.rate(key="0" * 32, sender="web-user-1", rating="useful")
    assert not log.rate(key=key, sender="web-user-1", rating="great")
    assert not log.rate(key=key, sender="web-user-1", rating="useful", reason="wrong")  # a reason only for 没用
    assert log.rate(key=key, sender="web-user-1", rating="useful")
    assert log.rate(key=key, sender="web-user-1", rating="not_useful", reason="unclear")
    assert (rows(store)[0].rating, rows(store)[0].rating_reason) == ("not_useful", "unclear")


def test_a_clarification_is_not_rateable_and_is_settled_by_the_answer_after_it(log, store, queue, clock):
    asked = log.record(turn("证书丢了怎么补", kind="clarify", procedures=[], clarification=True))
    assert not log.rate(key=asked, sender="web-user-1", rating="useful")
    log.record(turn("湖州培训证丢了怎么补", procedures=["H-REISSUE"], sender="another-user"))  # another conversation
    assert rows(store)[0].resolved is None
    log.record(turn("国家注册的", procedures=["N-LOST"]))
    assert rows(store)[0].resolved is True
    log.record(turn("那要交什么", kind="clarify", procedures=[], clarification=True))
    clock.later(minutes=10)
    assert ABANDONED not in queue.reasons_of(rows(store)[3])
    clock.later(minutes=30)
    assert ABANDONED in queue.reasons_of(rows(store)[3])  # nobody came back to say which
    log.record(turn("证书丢了咋整", kind="clarify", procedures=[], clarification=True))
    log.record(turn("今天天气怎么样", kind="out_of_scope", procedures=[], answered=False))
    assert rows(store)[4].resolved is False and ABANDONED in queue.reasons_of(rows(store)[4])


def test_forgetting_a_conversation_deletes_its_replies_only(log, store):
    log.record(turn("湖州培训证延续要带啥", sender="warmup-1"))
    log.record(turn("那要多久", sender="warmup-1"))
    log.record(turn("湖州培训证丢了怎么补", sender="web-user-1"))
    assert log.forget("warmup-1") == 2 and [r.message for r in rows(store)] == ["湖州培训证丢了怎么补"]


# ------------------------------------------------------------------------------------------------ the queue
def test_the_queue_groups_similar_wordings_with_why_and_leaves_out_what_went_well(log, queue, clock):
    log.record(turn("湖州培训证延续要带啥"))  # answered, sure, not rated: not queued
    for _ in range(3):
        log.record(turn("证书被狗啃了咋整", kind="not_understood", procedures=[], answered=False, confidence=0.35))
        clock.later(minutes=1)
    log.record(turn("证书被狗啃了，咋整？", kind="not_understood", procedures=[], answered=False))
    clock.later(minutes=1)
    key = log.record(turn("湖州的证延续多久能好"))
    log.rate(key=key, sender="web-user-1", rating="not_useful", reason="wrong")
    groups = queue.groups(order=FREQUENT)
    assert [g.wording for g in groups] == ["证书被狗啃了咋整", "湖州的证延续多久能好"]
    dog = groups[0]
    assert dog.count == 4 and dog.wordings == [("证书被狗啃了咋整", 3), ("证书被狗啃了，咋整？", 1)]
    assert dog.reasons[UNANSWERED] == 4 and dog.reasons[LOW_CONFIDENCE] == 3 and dog.confidence == 0.35
    assert len(dog.turn_ids) == 2
    rated = groups[1]
    assert rated.reasons == {RATED_NOT_USEFUL: 1} and rated.rating_reasons == {"wrong": 1}
    assert [g.wording for g in queue.groups(order=NEWEST)] == ["湖州的证延续多久能好", "证书被狗啃了咋整"]


def test_a_reviewed_wording_leaves_the_queue_and_awaits_training(log, queue, kb):
    log.record(turn("证书被狗啃了咋整", kind="not_understood", procedures=[], answered=False))
    log.record(turn("今天天气怎么样", kind="out_of_scope", procedures=[], answered=False))
    dog = next(g for g in queue.groups() if g.wording == "证书被狗啃了咋整")
    stored = queue.label(turn_ids=dog.turn_ids, label=Label.read(kb, kind=PROCEDURE, procedure="H-REISSUE",
                                                                  aspect="guide"), username="wangli")
    assert [(r.wording, r.intent, r.reviewed_by) for r in stored] == [("证书被狗啃了咋整", "ask_guide", "wangli")]
    assert [g.wording for g in queue.groups()] == ["今天天气怎么样"]
    fine = next(g for g in queue.groups() if g.wording == "今天天气怎么样")
    queue.label(turn_ids=fine.turn_ids, label=Label(FINE), username="wangli")
    assert queue.groups() == [] and queue.awaiting_training() == 1
    relabelled = queue.label(turn_ids=dog.turn_ids, label=Label(OUT_OF_SCOPE), username="lihua")
    assert len(queue.reviewed()) == 2 and relabelled[0].intent == "out_of_scope"


# ------------------------------------------------------------------------------------------------ labels
def test_labels_map_to_the_intents_the_training_data_uses(kb, domain):
    assert Label.read(kb, kind=PROCEDURE, procedure="H-REISSUE", aspect="materials").intent == "ask_materials"
    assert Label.read(kb, kind=PROCEDURE, procedure="H-REISSUE", aspect="guide").intent == "ask_guide"
    assert Label.read(kb, kind=ASPECT, aspect="time").intent == "ask_time"
    assert [Label(k).intent for k in (STATUS, ONE_TRIP, OUT_OF_SCOPE, FINE)] == ["check_status", "ask_one_trip",
                                                                                "out_of_scope", None]
    aspect_of_intent = kb.aspect_of_intent()
    intents = {Label.read(kb, kind=ASPECT, aspect=a).intent for a in aspect_of_intent.values()}
    assert intents == set(aspect_of_intent) and intents <= set(domain["intents"])
    for bad in [{"kind": "procedure", "procedure": "X-NONE"}, {"kind": "aspect", "aspect": "guide"}, {"kind": ""},
                {"kind": "procedure", "procedure": "H-RENEW", "aspect": "weather"}]:
        with pytest.raises(LabelError):
            Label.read(kb, **bad)
    assert Label.read(kb, kind=PROCEDURE, procedure="H-REISSUE", aspect="materials").describe(kb) == \
        f"{kb.procedures['H-REISSUE'].title} · 材料"


def test_question_intents_are_those_the_rules_send_to_the_question_action():
    rules = yaml.safe_load((ROOT / "data" / "rules" / "questions.yml").read_text(encoding="utf-8"))["rules"]
    sent = {step["intent"] for rule in rules for s in rule["steps"] for step in [s, *s.get("or", [])] if "intent" in step}
    assert sent == QUESTION_INTENTS


def parse_with(reader, text: str, intent: str) -> dict:
    return {"intent": {"name": intent, "confidence": 0.9}, "entities": rasa_entities(reader, text)}


def test_reads_as_follows_what_the_dialogue_would_answer(kb, reader):
    questions = Questions(kb)
    reissue = Label.read(kb, kind=PROCEDURE, procedure="H-REISSUE", aspect="materials")
    assert reads_as(reissue, kb, questions, parse_with(reader, "湖州培训证丢了要带啥", "ask_materials"))
    assert not reads_as(reissue, kb, questions, parse_with(reader, "湖州培训证丢了要带啥", "greet"))  # not answered
    assert not reads_as(reissue, kb, questions, parse_with(reader, "湖州培训证延续要带啥", "ask_materials"))
    # the matter word is unknown to the knowledge base: no intent makes the dialogue find the procedure
    assert not reads_as(reissue, kb, questions, parse_with(reader, "证书被狗啃了要揣些啥", "ask_materials"))
    guide = Label.read(kb, kind=PROCEDURE, procedure="P-REISSUE", aspect="guide")
    assert reads_as(guide, kb, questions, parse_with(reader, "证书丢了怎么办", "ask_guide"))  # asks which certificate
    assert reads_as(Label.read(kb, kind=ASPECT, aspect="materials"), kb, questions,
                    parse_with(reader, "那要揣上些啥子", "ask_materials"))
    assert reads_as(Label(STATUS), kb, questions, parse_with(reader, "我的件批了没", "check_status"))
    assert reads_as(Label(OUT_OF_SCOPE), kb, questions, parse_with(reader, "帮我订张机票", "out_of_scope"))
    assert not reads_as(Label(OUT_OF_SCOPE), kb, questions, parse_with(reader, "湖州培训证延续要带啥", "ask_materials"))


# ------------------------------------------------------------------------------------------------ export
@pytest.fixture()
def data(tmp_path):
    folder = tmp_path / "nlu"
    folder.mkdir()
    (folder / "other.yml").write_text('version: "3.1"\nnlu:\n  - intent: greet\n    examples: |\n      - 你好呀\n',
                                      encoding="utf-8")
    return folder


def review(queue, log, kb, text: str, **label: str) -> None:
    log.record(turn(text, answered=False, kind="not_understood", procedures=[]))
    group = next(g for g in queue.groups() if g.wording == text)
    queue.label(turn_ids=group.turn_ids, label=Label.read(kb, **label), username="wangli")


def test_export_merges_reviews_into_a_readable_file_and_leaves_out_what_must_not_train(queue, log, kb, data):
    output = data / "reviewed.yml"
    assert not exporting.export(queue, kb, output=output, withheld=set()).changed and not output.exists()
    review(queue, log, kb, "证书被狗啃了要揣些啥", kind=PROCEDURE, procedure="H-REISSUE", aspect="materials")
    review(queue, log, kb, "那得揣上些啥子", kind=ASPECT, aspect="materials")
    review(queue, log, kb, "考题难不难", kind=OUT_OF_SCOPE)  # an evaluation question, say
    review(queue, log, kb, "你好呀", kind=OUT_OF_SCOPE)  # an example of another intent already
    result = exporting.export(queue, kb, output=output, withheld={"考题难不难？"})
    assert result.changed and set(result.left_out) == {"考题难不难", "你好呀"}
    text = output.read_text(encoding="utf-8")
    assert f"# {kb.procedures['H-REISSUE'].title} · 材料" in text and "procedure: H-REISSUE" in text
    blocks = yaml.safe_load(text)["nlu"]
    assert {(b["intent"], b["examples"].strip()) for b in blocks} == {("ask_materials", "- 证书被狗啃了要揣些啥"),
                                                                      ("ask_materials", "- 那得揣上些啥子")}
    by_wording = {r.wording: r for r in queue.reviewed()}
    assert by_wording["考题难不难"].not_trained_because and not by_wording["考题难不难"].awaiting_training
    assert queue.awaiting_training() == 2
    again = exporting.export(queue, kb, output=output, withheld={"考题难不难？"})
    assert not again.changed and output.read_text(encoding="utf-8") == text  # nothing new: the file is untouched


def test_the_file_keeps_examples_reviewed_elsewhere_and_a_fine_review_removes_one(queue, log, kb, data, store):
    output = data / "reviewed.yml"
    review(queue, log, kb, "证书被狗啃了要揣些啥", kind=PROCEDURE, procedure="H-REISSUE", aspect="materials")
    exporting.export(queue, kb, output=output, withheld=set())
    with Session(store.engine) as session, session.begin():  # another machine: its store has none of the reviews
        for row in session.scalars(select(Review)):
            session.delete(row)
    review(queue, log, kb, "那得揣上些啥子", kind=ASPECT, aspect="materials")
    kept = exporting.export(queue, kb, output=output, withheld=set()).examples
    assert {e.text for e in kept} == {"证书被狗啃了要揣些啥", "那得揣上些啥子"}
    assert set(exporting.read_examples(output)) == set(kept)
    queue.label(turn_ids=[t.id for t in rows(store) if t.message == "那得揣上些啥子"], label=Label(FINE), username="w")
    assert {e.text for e in exporting.export(queue, kb, output=output, withheld=set()).examples} == {"证书被狗啃了要揣些啥"}


def test_the_exported_file_is_rasa_training_data(queue, log, kb, data):
    from rasa.shared.nlu.training_data.loading import load_data

    output = data / "reviewed.yml"
    review(queue, log, kb, "证书被狗啃了要揣些啥", kind=PROCEDURE, procedure="H-REISSUE", aspect="materials")
    review(queue, log, kb, "我的件批了没呀", kind=STATUS)
    exporting.export(queue, kb, output=output, withheld=set())
    loaded = load_data(str(output))
    assert {(m.get("text"), m.get("intent")) for m in loaded.intent_examples} == {
        ("证书被狗啃了要揣些啥", "ask_materials"), ("我的件批了没呀", "check_status")}


# ------------------------------------------------------------------------------------------------ dashboard
def test_the_dashboard_counts_days_answers_ratings_and_reply_times(log, store, clock):
    for ms in (100, 200, 300, 400):
        key = log.record(turn("湖州培训证延续要带啥", latency_ms=ms))
        log.rate(key=key, sender="web-user-1", rating="useful")
    clock.later(days=1)
    key = log.record(turn("今天天气怎么样", kind="out_of_scope", procedures=[], answered=False, latency_ms=2000))
    log.rate(key=key, sender="web-user-1", rating="not_useful")
    log.record(turn("今天天气怎么样", kind="out_of_scope", procedures=[], answered=False, latency_ms=None))
    stats = Dashboard(store.engine, now=clock).stats(days=7)
    assert len(stats.days) == 7 and stats.end == datetime(2026, 11, 21).date()
    assert [(d.questions, d.answered) for d in stats.days[-2:]] == [(4, 4), (2, 0)]
    assert stats.questions == 6 and stats.answered_share == pytest.approx(4 / 6)
    assert [(r.key, r.useful, r.not_useful) for r in stats.by_kind] == [("procedure", 4, 0), ("out_of_scope", 0, 1)]
    assert [(r.key, r.useful) for r in stats.by_procedure] == [("H-RENEW", 4)]
    assert stats.top_unanswered == [("今天天气怎么样", 2)]
    assert (stats.latency_median, stats.latency_p95) == (300.0, 2000.0)
    assert stats.useful_share == pytest.approx(0.8)
    csv_rows = list(Dashboard(store.engine, now=clock).rows(days=7))
    assert len(csv_rows) == 6 and csv_rows[0]["time"] == "2026-11-20 10:00:00" and csv_rows[0]["rating"] == "useful"


def test_percentile_is_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([5], 0.95) == 5.0
    assert percentile(list(range(1, 101)), 0.95) == 95.0 and percentile([1, 2, 3, 4], 0.5) == 2.0


def test_a_rating_key_holds_no_digit_so_it_never_reads_as_part_of_an_answer():
    from bot.database.turns import new_key

    keys = {new_key() for _ in range(200)}
    assert len(keys) == 200 and all(k.isalpha() and k.islower() and len(k) == 32 for k in keys)

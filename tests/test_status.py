"""StatusLookup against a scratch status store: reading the ID number and name, reporting, the look-up limits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.answers.render import Answers
from bot.applications.importer import import_file
from bot.applications.limits import LookupGuard
from bot.dialogue.status import Lookup, StatusLookup
from bot.language.names import NameReader
from bot.rules.workdays import WorkCalendar
from tests.conftest import SHARED

TODAY = date(2026, 11, 21)
ZHANG = "330502198503120112"  # 张伟 in the sample applications: P-CHANGE-EMPLOYER 审核中, P-CORRECT 已提交
LI = "330503197907080235"  # 李娜: H-REISSUE 需补正
CHEN = "330522195609200526"  # 陈静: H-RENEW 不予受理
UNKNOWN = "330502199101010994"  # valid, not on file
CLIENT = "rest:10.0.0.1"


@pytest.fixture()
def guard(store) -> LookupGuard:
    return LookupGuard(store.engine, max_failures=5, window=timedelta(minutes=15), max_client_failures=20)


def make_lookup(kb, lexicon, store, guard) -> StatusLookup:
    return StatusLookup(kb, store, Answers(kb, WorkCalendar(kb.holidays)), NameReader(lexicon.names), guard, "seal")


@pytest.fixture()
def status(kb, lexicon, store, guard) -> StatusLookup:
    assert import_file(SHARED / "eval" / "applications.csv", store, set(kb.procedures)).ok
    return make_lookup(kb, lexicon, store, guard)


def look_up(status: StatusLookup, message: str, client: str = CLIENT, pending: str | None = None):
    read = status.read_id(message, pending, TODAY)
    assert read is not None and read.id_hash, read
    name = status.read_name(message, read.spans)
    assert name, message
    result = status.lookup(read.id_hash, name, client)
    if result.records:  # what the person is told: the report of what was found
        return Lookup(status.report(result.records, read.id_masked or "", today=TODAY).text(), result.records)
    return result


# ---------------------------------------------------------------------------------------------- reading
def test_a_whole_id_number_is_kept_only_as_hash_and_mask(status, store):
    read = status.read_id(f"我的身份证是{ZHANG}", None, TODAY)
    assert read.id_hash == store.id_hash(ZHANG) and read.id_masked == "330*************12"
    assert ZHANG not in repr(read)


def test_a_number_split_over_two_messages_is_sealed_in_between(status, store):
    first = status.read_id("330502 19850312", None, TODAY)
    assert first.pending and first.id_hash is None
    assert "19850312" not in first.pending and status.pending_length(first.pending) == 14
    second = status.read_id("0112", first.pending, TODAY)
    assert second.id_hash == store.id_hash(ZHANG) and second.pending is None


def test_a_sealed_partial_number_from_another_key_is_not_read(kb, lexicon, store, guard, status):
    first = status.read_id("330502 19850312", None, TODAY)
    other = make_lookup(kb, lexicon, store, guard)
    other.seal_key = "another-key"
    assert other.pending_length(first.pending) == 0


def test_a_wrong_check_digit_is_said_in_chinese(status):
    read = status.read_id("330502198503120111", None, TODAY)
    assert read.problem and "校验" in read.problem and read.id_hash is None


def test_a_message_without_digits_gives_nothing(status):
    assert status.read_id("我想查一下进度", None, TODAY) is None


@pytest.mark.parametrize("message", [f"赵敏 {ZHANG}", f"{ZHANG}，赵敏", f"身份证{ZHANG} 姓名赵敏", f"我叫赵敏，{ZHANG}"])
def test_the_name_beside_the_id_number(status, message):
    read = status.read_id(message, None, TODAY)
    assert status.read_name(message, read.spans) == "赵敏"


def test_a_name_alone_only_when_asked(status):
    assert status.read_name("赵敏", asked=True) == "赵敏"
    assert status.read_name("我这个办到哪一步了", asked=True) is None


def test_asking_for_what_is_missing(status):
    assert status.ask_identity(have_name=False) == status.say("status.ask_identity")
    assert status.ask_identity(have_name=True) == status.say("status.ask_number")
    assert "剩余的4位" in status.ask_identity(have_name=False, partial_length=14)


# ---------------------------------------------------------------------------------------------- reporting
def test_every_application_of_the_person_is_reported_without_the_number(status, kb):
    result = look_up(status, f"张伟 {ZHANG}")
    assert not result.locked and {r.procedure_code for r in result.records} == {"P-CHANGE-EMPLOYER", "P-CORRECT"}
    assert "审核中" in result.text and "已提交" in result.text
    assert ZHANG not in result.text and "330*************12" in result.text


def test_a_supplement_result_lists_what_is_missing(status):
    result = look_up(status, f"{LI} 李娜")
    assert "需补正" in result.text and "证书持有人身份证原件" in result.text


def test_a_refusal_says_why(status):
    result = look_up(status, f"陈静{CHEN}")
    assert "不予受理" in result.text and "65周岁" in result.text


def test_a_wrong_name_reads_like_an_unknown_number(status):
    wrong = look_up(status, f"{ZHANG} 王芳")
    unknown = look_up(status, f"{UNKNOWN} 王芳")
    assert wrong.text == unknown.text == status.not_found and wrong.records == []


# ---------------------------------------------------------------------------------------------- limits
def test_the_locked_message_says_whom_to_call(status, kb):
    text = status.locked_text()
    assert "暂停" in text and "15分钟" in text and kb.contacts["huzhou_association"].phones[0] in text


def test_failures_for_one_number_lock_it_for_every_sender_and_client(status, kb):
    for attempt in range(5):
        look_up(status, f"{ZHANG} 王芳", client=f"rest:10.0.1.{attempt}")
    again = look_up(status, f"{ZHANG} 张伟", client="rest:10.0.2.1")
    assert again.locked and again.records == [] and "审核中" not in again.text
    assert kb.contacts["huzhou_association"].phones[0] in again.text


def test_the_same_guard_holds_across_lookups_built_anew(kb, lexicon, store, guard, status):
    """A new conversation (new sender, new StatusLookup) shares the counts kept in the database."""
    for attempt in range(5):
        look_up(status, f"{ZHANG} 王芳", client=f"sender:s{attempt}")
    fresh_guard = LookupGuard(store.engine, max_failures=5, window=timedelta(minutes=15), max_client_failures=20)
    fresh = make_lookup(kb, lexicon, store, fresh_guard)
    assert fresh.blocked("sender:someone-new", store.id_hash(ZHANG))
    assert look_up(fresh, f"{ZHANG} 张伟", client="sender:someone-new").locked


def test_a_locked_number_and_an_unknown_one_read_the_same(status):
    for attempt in range(5):
        look_up(status, f"{ZHANG} 王芳", client=f"rest:10.0.1.{attempt}")
        look_up(status, f"{UNKNOWN} 李明", client=f"rest:10.0.3.{attempt}")
    locked = look_up(status, f"{ZHANG} 张伟", client="rest:10.0.4.1")
    unknown = look_up(status, f"{UNKNOWN} 李明", client="rest:10.0.4.2")
    assert locked.text == unknown.text


def test_one_client_is_stopped_after_its_failures_whatever_the_numbers(status, guard):
    for _ in range(20):
        status.unreadable("身份证号校验位不正确", CLIENT)
    assert guard.blocked(id_hash=None, client=CLIENT)
    assert look_up(status, f"{ZHANG} 张伟").locked
    assert not look_up(status, f"{ZHANG} 张伟", client="rest:10.0.9.9").locked


def test_an_unreadable_number_counts_against_the_client(status, guard):
    result = status.unreadable("号码不对", CLIENT)
    assert result.text == "号码不对" and not result.locked
    assert guard.counter.count(scope="client", subject=CLIENT) == 1


def test_a_found_lookup_counts_nothing(status, guard, store):
    look_up(status, f"{ZHANG} 张伟")
    assert guard.counter.count(scope="client", subject=CLIENT) == 0
    assert guard.counter.count(scope="id", subject=store.id_hash(ZHANG)) == 0


def test_four_misses_leave_the_number_open_and_the_fifth_closes_it_for_a_new_conversation(kb, lexicon, store, guard,
                                                                                           status):
    for attempt in range(4):
        assert look_up(status, f"{ZHANG} 王芳", client=f"sender:s{attempt}").text == status.not_found
    fresh = make_lookup(kb, lexicon, store, LookupGuard(store.engine, max_failures=5, window=timedelta(minutes=15)))
    assert not fresh.blocked("sender:new", store.id_hash(ZHANG))
    guard.record_failure(id_hash=store.id_hash(ZHANG), client="sender:s4")
    assert fresh.blocked("sender:new", store.id_hash(ZHANG)) and not fresh.blocked("sender:new", store.id_hash(LI))

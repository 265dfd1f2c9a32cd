"""The status conversation: identity checks, privacy, attempt limit, plain-words report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.applications.importer import import_file
from bot.applications.limits import LookupGuard
from bot.dialogue.status import StatusService, StatusState
from bot.rules.workdays import WorkCalendar
from tests.conftest import SHARED

ZHANG = "330502198503120112"


CLIENT = "rest:10.0.0.1"


@pytest.fixture()
def guard(store):
    return LookupGuard(store.engine, max_failures=5, window=timedelta(minutes=15), max_client_failures=20)


@pytest.fixture()
def service(kb, store, guard):
    assert import_file(SHARED / "eval" / "applications.csv", store, set(kb.procedures)).ok
    return StatusService(kb, store, WorkCalendar(kb.holidays), guard, "seal-key", today=date(2026, 11, 21))


def test_asks_for_id_and_name(service):
    turn = service.turn("我想查进度", StatusState(), CLIENT)
    assert "身份证号" in turn.text and "姓名" in turn.text and not turn.done


@pytest.mark.parametrize("message", [
    f"身份证号{ZHANG}，姓名张伟", f"张伟 {ZHANG}", f"姓名：张伟 身份证：{ZHANG[:6]} {ZHANG[6:]}",
    "张伟 " + "".join(chr(ord(c) + 0xFEE0) for c in ZHANG),
])
def test_both_in_one_message(service, message):
    turn = service.turn(message, StatusState(), CLIENT)
    assert turn.done and "审核中" in turn.text and "已提交" in turn.text
    assert ZHANG not in turn.text and "330*************12" in turn.text


def test_id_then_name_in_two_messages_keeps_no_full_id(service):
    first = service.turn(f"身份证号 {ZHANG}", StatusState(), CLIENT)
    assert "姓名" in first.text and ZHANG not in str(first.state.as_dict())
    second = service.turn("张伟", first.state, CLIENT)
    assert second.done and "变更" in second.text


def test_not_found_and_wrong_name_read_the_same(service):
    wrong_name = service.turn(f"{ZHANG} 王芳", StatusState(), CLIENT)
    unknown = service.turn("330502199101010994 李明", StatusState(), CLIENT)
    assert wrong_name.text.split("（")[0] == unknown.text.split("（")[0]
    assert "审核中" not in wrong_name.text


def test_five_failures_for_one_id_stop_lookups_from_any_conversation_or_client(service, kb):
    for attempt in range(5):
        turn = service.turn(f"{ZHANG} 王芳", StatusState(), f"rest:10.0.1.{attempt}")
    assert turn.done and kb.contacts["huzhou_association"].phones[0] in turn.text
    again = service.turn(f"{ZHANG} 张伟", StatusState(), "rest:10.0.2.1")
    assert "审核中" not in again.text and "暂停" in again.text


def test_locked_id_and_unknown_id_read_the_same(service):
    for attempt in range(5):
        service.turn(f"{ZHANG} 王芳", StatusState(), f"rest:10.0.1.{attempt}")
        service.turn("330502199101010994 李明", StatusState(), f"rest:10.0.3.{attempt}")
    locked = service.turn(f"{ZHANG} 张伟", StatusState(), "rest:10.0.4.1")
    unknown = service.turn("330502199101010994 李明", StatusState(), "rest:10.0.4.2")
    assert locked.text == unknown.text


def test_one_client_is_stopped_after_its_failures_whatever_the_ids(service, guard):
    for _ in range(20):
        service.turn("330502198503120111 张伟", StatusState(), CLIENT)
    assert guard.blocked(id_hash=None, client=CLIENT)
    assert "暂停" in service.turn(f"{ZHANG} 张伟", StatusState(), CLIENT).text
    assert "审核中" in service.turn(f"{ZHANG} 张伟", StatusState(), "rest:10.0.9.9").text


def test_bad_check_digit_counts_against_the_client(service, guard):
    turn = service.turn("330502198503120111 张伟", StatusState(), CLIENT)
    assert "校验位" in turn.text and guard.counter.count(scope="client", subject=CLIENT) == 1


def test_number_split_over_two_messages_is_kept_only_sealed(service):
    first = service.turn("身份证号 330502 19850312", StatusState(), CLIENT)
    assert "剩余的4位" in first.text and "19850312" not in str(first.state.as_dict())
    second = service.turn("0112 张伟", first.state, CLIENT)
    assert second.done and "审核中" in second.text


def test_supplement_lists_every_missing_material(service):
    turn = service.turn("330503197907080235 李娜", StatusState(), CLIENT)
    assert "专业监理工程师培训合格证证书补办申请表（附件三）" in turn.text and "证书持有人身份证原件" in turn.text
    assert "不算多跑" in turn.text


def test_expected_completion_in_working_days(service):
    turn = service.turn(f"{ZHANG} 张伟", StatusState(), CLIENT)
    assert "预计办结：2026-11-24" in turn.text  # accepted 2026-11-17 + 5 working days


def test_rejected_says_why(service):
    turn = service.turn("330522195609200526 陈静", StatusState(), CLIENT)
    assert "不予受理" in turn.text and "65" in turn.text

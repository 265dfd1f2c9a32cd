"""The status conversation: identity checks, privacy, attempt limit, plain-words report."""

from __future__ import annotations

from datetime import date

import pytest

from bot.applications.importer import import_file
from bot.dialogue.status import StatusService, StatusState
from bot.rules.workdays import WorkCalendar
from tests.conftest import SHARED

ZHANG = "330502198503120112"


@pytest.fixture()
def service(kb, store):
    assert import_file(SHARED / "eval" / "applications.csv", store, set(kb.procedures)).ok
    return StatusService(kb, store, WorkCalendar(kb.holidays), max_attempts=5, today=date(2026, 11, 21))


def test_asks_for_id_and_name(service):
    turn = service.turn("我想查进度", StatusState())
    assert "身份证号" in turn.text and "姓名" in turn.text and not turn.done


@pytest.mark.parametrize("message", [
    f"身份证号{ZHANG}，姓名张伟", f"张伟 {ZHANG}", f"姓名：张伟 身份证：{ZHANG[:6]} {ZHANG[6:]}",
    "张伟 " + "".join(chr(ord(c) + 0xFEE0) for c in ZHANG),
])
def test_both_in_one_message(service, message):
    turn = service.turn(message, StatusState())
    assert turn.done and "审核中" in turn.text and "已提交" in turn.text
    assert ZHANG not in turn.text and "330*************12" in turn.text


def test_id_then_name_in_two_messages_keeps_no_full_id(service):
    first = service.turn(f"身份证号 {ZHANG}", StatusState())
    assert "姓名" in first.text and ZHANG not in str(first.state.as_dict())
    second = service.turn("张伟", first.state)
    assert second.done and "变更" in second.text


def test_not_found_and_wrong_name_read_the_same(service):
    wrong_name = service.turn(f"{ZHANG} 王芳", StatusState())
    unknown = service.turn("330502199101010994 李明", StatusState())
    assert wrong_name.text.split("（")[0] == unknown.text.split("（")[0]
    assert "审核中" not in wrong_name.text


def test_five_failures_stop_lookups(service, kb):
    state = StatusState()
    for _ in range(5):
        turn = service.turn(f"{ZHANG} 王芳", state)
        state = turn.state
    assert turn.done and kb.contacts["huzhou_association"].phones[0] in turn.text
    again = service.turn(f"{ZHANG} 张伟", state)
    assert "审核中" not in again.text and "暂停" in again.text


def test_bad_check_digit_counts_as_a_failure(service):
    turn = service.turn("330502198503120111 张伟", StatusState())
    assert "校验位" in turn.text and turn.state.failures == 1


def test_supplement_lists_every_missing_material(service):
    turn = service.turn("330503197907080235 李娜", StatusState())
    assert "专业监理工程师培训合格证证书补办申请表（附件三）" in turn.text and "证书持有人身份证原件" in turn.text
    assert "不算多跑" in turn.text


def test_expected_completion_in_working_days(service):
    turn = service.turn(f"{ZHANG} 张伟", StatusState())
    assert "预计办结：2026-11-24" in turn.text  # accepted 2026-11-17 + 5 working days


def test_rejected_says_why(service):
    turn = service.turn("330522195609200526 陈静", StatusState())
    assert "不予受理" in turn.text and "65" in turn.text

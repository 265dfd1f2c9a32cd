"""ID number validation, masking, and reading ID and name out of a message."""

from __future__ import annotations

from datetime import date

import pytest

from bot.rules import idnumber
from bot.rules.privacy import mask_data, mask_id, mask_text

VALID = "110101199003076313"


def make_id(prefix17: str) -> str:
    return prefix17 + idnumber.check_digit(prefix17)


def test_check_digit_known_values():
    assert idnumber.validate(make_id("11010119900307631")).ok
    assert make_id("33052119680101035").endswith("X")


@pytest.mark.parametrize(("raw", "problem"), [
    ("11010119900307631", "18位"),
    ("1101011990030763123", "18位"),
    ("11010119900307631A", "格式"),
    ("11010119901307631" + "0", "出生日期"),
    (make_id("11010130000101123"), "出生日期"),
])
def test_invalid_numbers_say_why(raw, problem):
    check = idnumber.validate(raw, today=date(2026, 11, 21))
    assert not check.ok and problem in check.problem


def test_wrong_check_digit():
    good = make_id("11010119900307631")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert "校验位" in idnumber.validate(bad).problem


def test_lowercase_x_full_width_and_spaces():
    number = make_id("33052119680101035")
    assert idnumber.validate(number.lower()).number == number
    full = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert idnumber.validate(full).ok
    assert idnumber.validate(f"{number[:6]} {number[6:14]} {number[14:]}").ok


@pytest.mark.parametrize(("text", "name"), [
    (f"身份证号{VALID}，姓名赵敏", "赵敏"),
    (f"赵敏 {VALID}", "赵敏"),
    (f"姓名：赵敏，身份证：{VALID}", "赵敏"),
    (f"我叫赵敏，证件号{VALID}", "赵敏"),
    (f"请帮我查一下进度，身份证号{VALID}，名字是欧阳娜娜", "欧阳娜娜"),
])
def test_find_id_and_name_in_any_order(text, name):
    assert idnumber.clean(idnumber.find_id(text)) == VALID
    assert idnumber.find_name(text) == name


def test_no_name_in_a_bare_request():
    assert idnumber.find_name("我想查一下我的办理进度") is None


def test_mask_never_shows_the_whole_number():
    assert mask_id(VALID) == "110*************13"
    assert VALID not in mask_text(f"号码 {VALID} 和 {VALID[:6]} {VALID[6:]}")
    assert mask_data({"a": [f"x{VALID}"], "n": 3}) == {"a": ["x110*************13"], "n": 3}

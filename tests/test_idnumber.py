"""The one ID-number reader: validation, every written form, split numbers, masking, sealing."""

from __future__ import annotations

from datetime import date

import pytest

from bot.knowledge.lexicon import default_lexicon
from bot.language.names import NameReader
from bot.rules import idnumber
from bot.rules.idnumber import mask_data, mask_id, mask_text, read_id, seal, unseal

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
    read = read_id(text)
    assert read.number == VALID
    assert NameReader(default_lexicon().names).find(text, list(read.spans)) == name


def test_no_name_in_a_bare_request():
    assert NameReader(default_lexicon().names).find("我想查一下我的办理进度", alone=True) is None


def test_mask_never_shows_the_whole_number():
    assert mask_id(VALID) == "110*************13"
    assert VALID not in mask_text(f"号码 {VALID} 和 {VALID[:6]} {VALID[6:]}")
    assert mask_data({"a": [f"x{VALID}"], "n": 3}) == {"a": ["x110*************13"], "n": 3}


ZHANG = "330502198503120112"
WRITTEN_FORMS = [
    ZHANG,
    "330502-19850312-0112",
    "330502—19850312—0112",
    "330502–19850312–0112",
    "330502.19850312.0112",
    "330502  19850312  0112",
    "330 502 1985 0312 0112",
    "".join(chr(ord(c) + 0xFEE0) for c in ZHANG),
    "330502\u300019850312\u30000112",
]


@pytest.mark.parametrize("written", WRITTEN_FORMS)
def test_every_written_form_is_read_and_masked(written):
    text = f"身份证号{written}，姓名张伟"
    read = read_id(text)
    assert read.number == ZHANG
    start, end = read.spans[0]
    assert text[start:end] == written
    masked = mask_text(text)
    assert ZHANG[:8] not in masked.replace(" ", "") and "330***" in masked and masked.endswith("，姓名张伟")


@pytest.mark.parametrize("x", ["x", "X", "ｘ", "Ｘ"])
def test_check_character_x_in_any_case_and_width(x):
    number = make_id("33052119680101035")
    assert read_id(f"号码 {number[:17]}{x}").number == number


def test_number_split_over_two_messages():
    first = read_id("我的身份证号是 330502 19850312")
    assert first.number is None and first.partial == "33050219850312"
    second = read_id("0112，姓名张伟", pending=first.partial)
    assert second.number == ZHANG and second.spans == ((0, 4),)
    assert "19850312" not in mask_text("我的身份证号是 330502 19850312")


def test_a_date_a_short_number_and_an_application_number_are_not_ids():
    text = "我2026-11-16提交的，编号HZ2026110001，第3次"
    assert read_id(text) == read_id("") and mask_text(text) == text


def test_long_digit_runs_are_masked_even_when_they_cannot_be_read():
    assert "19850312" not in mask_text("号码 3305021985031201123")
    assert mask_text("电话13800000001") == "电话138********"


def test_seal_keeps_a_partial_number_only_for_the_same_key():
    token = seal("33050219850312", "key-1")
    assert "33050219850312" not in token and not read_id(token).partial
    assert unseal(token, "key-1") == "33050219850312"
    assert unseal(token, "key-2") is None and unseal("not a token", "key-1") is None


@pytest.mark.parametrize(("text", "masked"), [
    ("身份证尾号0235的办好了吗", "身份证尾号****的办好了吗"),
    ("证件后四位是 1234 我的变更批了没", "证件后四位是 **** 我的变更批了没"),
    ("后四位：１２３４", "后四位：****"),
    ("尾号为0 2 3 X", "尾号为****"),
    ("后6位120112呢", "后6位******呢"),
])
def test_the_last_digits_said_after_a_tail_word_are_masked_whole(text, masked):
    assert mask_text(text) == masked
    assert mask_data({"text": text, "nested": [text]}) == {"text": masked, "nested": [masked]}


@pytest.mark.parametrize("text", ["尾号是什么意思", "后四位怎么填", "2026年11月21日到期", "附件4"])
def test_a_tail_word_without_digits_and_other_numbers_stay(text):
    assert mask_text(text) == text

"""Validate resident ID numbers (GB 11643) and read an ID number and a name out of a message."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ID_IN_TEXT = re.compile(r"(?<![0-9])((?:[0-9][ \u3000-]?){14,17}[0-9Xx])(?![0-9A-Za-z])")
NAME_AFTER_LABEL = re.compile(r"(?:姓名|名字|名叫|我叫|叫做|本人)\s*(?:是|为|叫)?\s*[:：]?\s*([\u4e00-\u9fa5·]{2,5})")
HAN_RUN = re.compile(r"[\u4e00-\u9fa5·]{2,4}")
LABELS = re.compile(r"身份证号码|身份证号|身份证|证件号码|证件号|号码|姓名|名字|我叫|我是")
NOT_NAMES = re.compile(
    r"身份|证件|号码|姓名|名字|查询|查一|进度|办理|申请|状态|结果|帮我|请帮|我想|我的|一下|"
    r"请问|谢谢|您好|你好|麻烦|帮忙|号是|是多少|到哪|哪一步|情况|业务|注册|证书|审核|提交"
)


@dataclass(frozen=True)
class IdCheck:
    """The outcome of checking an ID number: the cleaned number, or the problem in Chinese."""

    number: str
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """Say whether the number is a valid 18-character resident ID number."""
        return self.problem is None


def clean(raw: str) -> str:
    """Return an ID number with full-width forms, spaces and dashes removed and X upper-cased."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw)).upper()


def check_digit(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def validate(raw: str, today: date | None = None) -> IdCheck:
    """Check length, characters, birth date and check digit of an ID number."""
    number = clean(raw)
    if len(number) != 18:
        return IdCheck(number, f"身份证号应为18位，您输入的是{len(number)}位，请核对后重新输入。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return IdCheck(number, "身份证号格式有误：前17位应为数字，最后一位为数字或X。")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return IdCheck(number, "身份证号中的出生日期无效，请核对后重新输入。")
    if born > (today or date.today()) or born.year < 1900:
        return IdCheck(number, "身份证号中的出生日期不正确，请核对后重新输入。")
    if check_digit(number[:17]) != number[17]:
        return IdCheck(number, "身份证号校验位不正确（最后一位有误），请核对后重新输入。")
    return IdCheck(number)


def find_id(text: str) -> str | None:
    """Return the first ID-number-like sequence in a message, as written."""
    m = ID_IN_TEXT.search(unicodedata.normalize("NFKC", text))
    return m.group(1) if m else None


def find_name(text: str) -> str | None:
    """Return the person's name given in a message, if any."""
    text = unicodedata.normalize("NFKC", text)
    text = ID_IN_TEXT.sub(" ", text)
    m = NAME_AFTER_LABEL.search(text)
    if m:
        name = NOT_NAMES.split(m.group(1))[0]
        if len(name) >= 2:
            return name
    text = LABELS.sub(" ", text)
    for run in re.split(r"[^\u4e00-\u9fa5·]+", text):
        for part in NOT_NAMES.split(run):
            if 2 <= len(part) <= 4 and HAN_RUN.fullmatch(part):
                return part
    return None

"""Normalise user text: full-width to half-width, traditional to simplified, tidy spaces."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


CN_NUMBERS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "半": 0.5}


def chinese_number(token: str) -> float | None:
    """Read a number written in digits or in Chinese (一 … 九十九, 半); None when it is not one."""
    if token.isdigit():
        return float(token)
    if token in CN_NUMBERS:
        return float(CN_NUMBERS[token])
    if token.startswith("十") and len(token) == 2 and token[1] in CN_NUMBERS:
        return 10 + CN_NUMBERS[token[1]]
    if len(token) == 2 and token[1] == "十" and token[0] in CN_NUMBERS:
        return CN_NUMBERS[token[0]] * 10
    if len(token) == 3 and token[1] == "十":
        return CN_NUMBERS.get(token[0], 0) * 10 + CN_NUMBERS.get(token[2], 0)
    return None


def simplify(text: str) -> str:
    """Return text NFKC-normalised (full-width to half-width) and in simplified characters."""
    return _t2s().convert(unicodedata.normalize("NFKC", text or ""))


def normalise(text: str) -> str:
    """Return simplified text without control characters or runs of white space."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", simplify(text))).strip()

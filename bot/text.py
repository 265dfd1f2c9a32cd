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


def normalise(text: str) -> str:
    """Return text in simplified Chinese, NFKC-normalised, without control characters."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _CONTROL.sub(" ", text)
    text = _t2s().convert(text)
    return _SPACES.sub(" ", text).strip()

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


def simplify(text: str) -> str:
    """Return text NFKC-normalised (full-width to half-width) and in simplified characters."""
    return _t2s().convert(unicodedata.normalize("NFKC", text or ""))


def normalise(text: str) -> str:
    """Return simplified text without control characters or runs of white space."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", simplify(text))).strip()

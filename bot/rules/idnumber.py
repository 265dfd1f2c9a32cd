"""The one reader of resident ID numbers (GB 11643): read, validate, mask, seal.

Everything that reads an ID number out of text (the status look-up) and everything that must not keep
one (the conversation store, logs, the chat page's storage, the CI leak check) uses this module, so
every way of writing a number that can be read is also masked.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from bot.knowledge.labels import default_labels
from bot.knowledge.lexicon import default_lexicon

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ID_LENGTH = 18
MIN_PARTIAL = 6
LONG_RUN = 15  # digits: a run this long is an ID number typed wrong, not the start of one
# What people put between the digits of a number: spaces (incl. ideographic and no-break), dashes of
# every width, dots and middle dots. At most three in a row ("330523 - 1982").
SEPARATOR = r"[ \t\u00a0\u3000\-\u2010-\u2015\u2212.\u00b7\u30fb\u3002]"
GAP = SEPARATOR + "{0,3}"
# A whole number: 17 digits and a check character, separators allowed anywhere between them.
WHOLE = re.compile(rf"(?<![0-9])[0-9](?:{GAP}[0-9]){{16}}{GAP}[0-9Xx](?![0-9])")
# Any run of digits long enough to be part of a number (a half of a split number, a longer run).
RUN = re.compile(rf"(?<![0-9A-Za-z])[0-9](?:{GAP}[0-9])*(?:{GAP}[Xx])?(?![0-9A-Za-z])")
# A calendar date written with separators is not part of an ID number; it stays readable.
DATE = re.compile(rf"(?:19|20)[0-9]{{2}}{SEPARATOR}[0-9]{{1,2}}{SEPARATOR}[0-9]{{1,2}}")
SEPARATORS = re.compile(SEPARATOR)
ANY_DIGIT = re.compile(r"[0-9\uff10-\uff19]")
# The digits said after a tail word ("尾号0235", "后四位是 1234"): at most a few characters between them.
TAIL_DIGITS = rf"[^0-9]{{0,4}}?([0-9](?:{GAP}[0-9])*(?:{GAP}[Xx])?)"
PROVINCES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                       "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
                       "65", "71", "81", "82", "83"})


@dataclass(frozen=True)
class IdRead:
    """What a message holds of an ID number: a whole one, or the start of one, and where it was written."""

    number: str | None = None
    partial: str | None = None
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class IdCheck:
    """The outcome of checking an ID number: the cleaned number, or what is wrong with it."""

    number: str
    wrong: str | None = None  # the phrase (knowledge/labels.yml id.*) saying what is wrong

    @property
    def problem(self) -> str | None:
        """Say in the person's words what is wrong with the number (None when nothing is)."""
        return default_labels().say(self.wrong, length=len(self.number)) if self.wrong else None

    @property
    def ok(self) -> bool:
        """Say whether the number is a valid 18-character resident ID number."""
        return self.wrong is None


@lru_cache(maxsize=4096)
def _narrow(char: str) -> str:
    """Return the NFKC form of one character when it is one character (full-width digits, ｘ), else it."""
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def normalize(text: str) -> str:
    """Return text with full-width forms folded, character for character (offsets stay the same)."""
    return "".join(_narrow(c) for c in text)


def clean(raw: str) -> str:
    """Return the characters of a written number: full-width folded, separators dropped, X upper-cased."""
    return SEPARATORS.sub("", normalize(raw)).replace(" ", "").upper()


def check_digit(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def validate(raw: str, today: date | None = None) -> IdCheck:
    """Check length, characters, birth date and check digit of an ID number."""
    number = clean(raw)
    if len(number) != ID_LENGTH:
        return IdCheck(number, "id.length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return IdCheck(number, "id.characters")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return IdCheck(number, "id.no_such_birth_date")
    if born > (today or date.today()) or born.year < 1900:
        return IdCheck(number, "id.birth_date")
    if check_digit(number[:17]) != number[17]:
        return IdCheck(number, "id.check_digit")
    return IdCheck(number)


def could_start_a_number(digits: str) -> bool:
    """Say whether 6 to 17 characters can be the beginning of an ID number (area, birth year, month, day)."""
    if not MIN_PARTIAL <= len(digits) < ID_LENGTH or not digits.isdigit() or digits[:2] not in PROVINCES:
        return False
    if len(digits) >= 10 and digits[6:8] not in ("18", "19", "20"):
        return False
    if len(digits) >= 12 and not 1 <= int(digits[10:12]) <= 12:
        return False
    return len(digits) < 14 or 1 <= int(digits[12:14]) <= 31


def _runs(text: str) -> list[re.Match[str]]:
    """Return the digit runs of a normalized text that are not dates."""
    return [m for m in RUN.finditer(text) if not DATE.fullmatch(m.group())]


def read_id(text: str, pending: str | None = None) -> IdRead:
    """Read a whole ID number, or the start of one, out of a message (and the start kept from the last one)."""
    folded = normalize(text)
    whole = WHOLE.search(folded)
    if whole:
        return IdRead(number=clean(whole.group()), spans=((whole.start(), whole.end()),))
    runs = _runs(folded)
    if pending and runs:
        rest = clean(runs[0].group())
        joined = pending + rest
        span = ((runs[0].start(), runs[0].end()),)
        if len(joined) == ID_LENGTH:
            return IdRead(number=joined, spans=span)
        if could_start_a_number(joined):
            return IdRead(partial=joined, spans=span)
    for run in runs:
        digits = clean(run.group())
        if could_start_a_number(digits):
            return IdRead(partial=digits, spans=((run.start(), run.end()),))
    return IdRead()


def long_run(text: str) -> str | None:
    """Return a run of 15 or more digits (with an X) that is not an ID number as written: a mistyped one."""
    runs = [clean(m.group()) for m in _runs(normalize(text))]
    return next((r for r in runs if len(r) >= LONG_RUN and len(r) != ID_LENGTH), None)


def read_all_ids(text: str) -> list[str]:
    """Return every whole ID number written in a text, however it was written, cleaned."""
    return [clean(m.group()) for m in WHOLE.finditer(normalize(text))]


def mask_id(number: str) -> str:
    """Return a number for display: the first 3 characters, and the last 2 of a whole number."""
    compact = clean(number)
    if len(compact) <= 5:
        return "*" * len(compact)
    if len(compact) < ID_LENGTH:
        return compact[:3] + "*" * (len(compact) - 3)
    return compact[:3] + "*" * (len(compact) - 5) + compact[-2:]


@lru_cache(maxsize=1)
def _tails() -> re.Pattern[str]:
    """Return the pattern of a tail word of knowledge/lexicon/facts.yml (id_tail) and the digits after it."""
    words = sorted(default_lexicon().facts.id_tail, key=len, reverse=True)
    return re.compile(f"(?:{'|'.join(map(re.escape, words))}){TAIL_DIGITS}")


def tail_spans(text: str) -> list[tuple[int, int]]:
    """Return where the last digits of an ID number are written after a tail word ("尾号0235"), text folded."""
    return [m.span(1) for m in _tails().finditer(normalize(text))]


def mask_text(text: str) -> str:
    """Return text with every whole or partial ID number, and every tail of one, masked, however it was written.

    A whole or partial number keeps its first 3 (and a whole one its last 2) characters; the digits said
    after a tail word ("尾号0235") are all masked.
    """
    if not ANY_DIGIT.search(text):
        return text
    folded = normalize(text)
    spans = sorted([(m.start(), m.end(), False) for m in WHOLE.finditer(folded)]
                   + [(m.start(), m.end(), False) for m in _runs(folded) if len(clean(m.group())) >= MIN_PARTIAL]
                   + [(start, end, True) for start, end in tail_spans(folded)])
    merged: list[tuple[int, int, bool]] = []
    for start, end, tail in spans:
        if merged and start < merged[-1][1]:
            first, last_end, was_tail = merged[-1]
            merged[-1] = (first, max(last_end, end), was_tail or tail)
        else:
            merged.append((start, end, tail))
    out, last = [], 0
    for start, end, tail in merged:
        written = folded[start:end]
        out += [text[last:start], "*" * len(clean(written)) if tail else mask_id(written)]
        last = end
    return "".join(out) + text[last:]


def mask_data(value: Any) -> Any:
    """Return a copy of a JSON-like value with ID numbers masked in every string."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_data(v) for v in value]
    return value


def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"seal-partial-id:" + key.encode()).digest()))


def seal(partial: str, key: str) -> str:
    """Return an authenticated, encrypted token of a partial number, safe to keep in a slot."""
    return _fernet(key).encrypt(partial.encode()).decode("ascii")


def unseal(token: str, key: str) -> str | None:
    """Return the partial number sealed in a token, or None when it was not sealed with this key."""
    try:
        return _fernet(key).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        return None

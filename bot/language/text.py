"""Normalise a message: half-width, simplified characters, dialect words read as Mandarin, lower-case Latin,
English words read as Chinese.

Every character of the normalised text remembers the span of the original it came from, so that what is
found in the normalised text can be pointed at in the message as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import cn2an
from opencc import OpenCC

from bot.knowledge.lexicon import default_lexicon

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LATIN_WORD = re.compile(r"[a-z]+(?:[ '][a-z]+)*")
# Spaces between a number and a Chinese character ("2018 年", "51 号文", "3 个月") say nothing; elsewhere a space
# may part two clauses of a voice message, so it stays.
_NUMBER_SPACE = re.compile(r"(?<=\d) +(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff]) +(?=\d)")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def simplify(text: str) -> str:
    """Return text NFKC-normalised (full-width to half-width) and in simplified characters."""
    return _t2s().convert(unicodedata.normalize("NFKC", text or ""))


def chinese_number(token: str) -> float | None:
    """Read a number written in digits or Chinese (一百二十, 两, 半, 十几 as 十); None when it is not one."""
    token = token.strip()
    if not token:
        return None
    if token in ("半",):
        return 0.5
    if token in ("俩", "两"):
        return 2.0
    try:
        return float(cn2an.cn2an(token.replace("两", "二"), "smart"))
    except (ValueError, KeyError, IndexError):
        return None


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, for each of its characters, the span of the original it came from."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Return the original span of the normalised characters start..end."""
        if start >= end:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        return self.starts[start], self.ends[end - 1]


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _spliced(text: str, starts: list[int], ends: list[int], edits: list[tuple[int, int, str]], *,
             one_for_one: bool = False) -> tuple[str, list[int], list[int], set[int]]:
    """Replace the spans start:end of the edits (in order, apart) by their words; return the text, its offsets and
    where the new words stand. A new word points at the whole span it replaced, or with `one_for_one`, when it is
    as long, each character at the one it replaced ("边度" → "哪里")."""
    out: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    replaced: set[int] = set()
    pos = length = 0
    for start, end, word in edits:
        out += [text[pos:start], word]
        out_starts += starts[pos:start]
        out_ends += ends[pos:start]
        length += start - pos
        replaced.update(range(length, length + len(word)))
        length += len(word)
        if one_for_one and len(word) == end - start:
            out_starts += starts[start:end]
            out_ends += ends[start:end]
        else:
            out_starts += [starts[start]] * len(word)
            out_ends += [ends[end - 1]] * len(word)
        pos = end
    out.append(text[pos:])
    out_starts += starts[pos:]
    out_ends += ends[pos:]
    return "".join(out), out_starts, out_ends, replaced


class Normaliser:
    """Normalise messages with the lexicon's dialect and English words."""

    def __init__(self, english: dict[str, str] | None = None, dialect: dict[str, str] | None = None) -> None:
        self.english = english if english is not None else default_lexicon().english.english
        self.dialect = dialect if dialect is not None else default_lexicon().dialect.dialect
        words = sorted(self.dialect, key=len, reverse=True)  # the longest word first
        self._dialect_words = re.compile("|".join(map(re.escape, words))) if words else None

    def __call__(self, raw: str) -> Normalised:
        """Return the normalised form of a message, with its offsets into the message."""
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for i, ch in enumerate(raw or ""):
            for out in unicodedata.normalize("NFKC", ch):
                chars.append(" " if _CONTROL.match(out) or out.isspace() else out)
                starts.append(i)
                ends.append(i + 1)
        text = "".join(chars)
        converted = _t2s().convert(text)
        # A phrase that changed length is converted character by character instead, to keep the offsets.
        text = converted if len(converted) == len(text) else "".join(_t2s().convert(c) for c in text)
        text, starts, ends = self._mandarin(text, starts, ends)
        text = text.lower()
        text, starts, ends, replaced = self._english(text, starts, ends)
        dropped = {i for m in _NUMBER_SPACE.finditer(text) for i in range(m.start(), m.end())}
        for m in re.finditer(r" +", text):  # "想 add 一个专业": the spaces around an English word now Chinese
            before, after = m.start() - 1, m.end()
            if (before in replaced and after < len(text) and _is_han(text[after])) or \
                    (after in replaced and before >= 0 and _is_han(text[before])):
                dropped.update(range(m.start(), m.end()))
        if dropped:
            kept = [i for i in range(len(text)) if i not in dropped]
            text = "".join(text[i] for i in kept)
            starts, ends = [starts[i] for i in kept], [ends[i] for i in kept]
        return Normalised(raw or "", text, tuple(starts), tuple(ends))

    def _mandarin(self, text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
        """Replace dialect words with the Mandarin they stand for; return the text and its offsets."""
        if self._dialect_words is None:
            return text, starts, ends
        edits = [(m.start(), m.end(), self.dialect[m.group(0)]) for m in self._dialect_words.finditer(text)]
        text, starts, ends, _replaced = _spliced(text, starts, ends, edits, one_for_one=True)
        return text, starts, ends

    def _english(self, text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int], set[int]]:
        """Replace known English words and phrases; return the text, its offsets and where Chinese came in."""
        edits = [(m.start() + s, m.start() + e, piece) for m in _LATIN_WORD.finditer(text)
                 for piece, (s, e) in self._replace_run(m.group(0)) or () if piece != m.group(0)[s:e]]
        return _spliced(text, starts, ends, edits)

    def _replace_run(self, run: str) -> list[tuple[str, tuple[int, int]]] | None:
        """Return the pieces of a run of Latin words with known English words replaced, or None if none is known."""
        words = [(m.start(), m.end()) for m in re.finditer(r"[a-z']+", run)]
        pieces: list[tuple[str, tuple[int, int]]] = []
        changed = False
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):  # longest phrase first
                phrase = run[words[i][0]:words[j - 1][1]]
                if phrase in self.english:
                    pieces.append((self.english[phrase], (words[i][0], words[j - 1][1])))
                    changed = True
                    i = j
                    break
            else:
                s, e = words[i]
                pieces.append((run[s:e], (s, e)))
                i += 1
            if i < len(words):
                gap = (pieces[-1][1][1], words[i][0])
                pieces.append((run[gap[0]:gap[1]], gap))
        return pieces if changed else None

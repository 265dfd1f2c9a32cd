"""Find knowledge-base words in a message as written, typos included.

A word is found as typed, or (for words of two or more characters that are not `exact_only`):
by sound (toneless pinyin with the lexicon's fuzzy pairs, at least half the characters typed right, at least one),
by shape (look-alike characters), with one character dropped or added inside a word of three or more characters,
or typed as pinyin letters. A fuzzy find never overlaps a word found as typed (so it never turns an out-of-scope
word into one of ours, nor swallows a word that was typed right).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import jieba

from bot.knowledge.lexicon import Typos

EXACT = "exact"
SOUND = "sound"
SHAPE = "shape"
DROPPED = "dropped"
ADDED = "added"
PINYIN = "pinyin"
# A word is found with a character dropped only from this length on ("转册" is 转注册).
MIN_DROPPED_FROM = 3
# Which find wins when two fuzzy finds overlap.
PRIORITY = {EXACT: 6, PINYIN: 5, SOUND: 4, SHAPE: 4, DROPPED: 3, ADDED: 2}


@dataclass(frozen=True)
class Entry:
    """One word of the knowledge base: what it stands for (label and key) and how it is written."""

    label: str
    key: str
    alias: str


@dataclass(frozen=True)
class Match:
    """A word found in a message: the entry, where it stands, and how it was found."""

    label: str
    key: str
    start: int
    end: int
    text: str
    alias: str
    how: str


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=4096)
def syllables(text: str) -> tuple[str, ...]:
    """Return one toneless pinyin syllable per character (the character itself when it has none)."""
    out: list[str] = []
    for ch, syl in zip(text, _pinyin_per_char(text), strict=True):
        out.append(syl if _is_han(ch) else ch)
    return tuple(out)


def _pinyin_per_char(text: str) -> list[str]:
    """Return pinyin per character, reading Han characters in context (重新 = chong xin)."""
    from pypinyin import Style, lazy_pinyin  # its dictionaries (~50 MB) only where messages are read

    # pypinyin documents a list returned by `errors` (one item per character); its stub allows only str.
    out = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))  # type: ignore[arg-type,return-value]
    if len(out) == len(text):
        return out
    return [lazy_pinyin(ch, style=Style.NORMAL)[0] if _is_han(ch) else ch for ch in text]


class TermMatcher:
    """Find entries in normalised text, as typed or with the typos the lexicon describes."""

    def __init__(self, entries: Iterable[Entry], typos: Typos, *, fuzzy: bool = True,
                 naming_labels: frozenset[str] = frozenset(), context_labels: frozenset[str] = frozenset(),
                 blocking_labels: frozenset[str] = frozenset()) -> None:
        self.typos = typos
        self.blocking_labels = blocking_labels  # words that, typed right, no typo reading may contain (out of scope)
        self.context_labels = context_labels
        self.naming_labels = naming_labels
        self.shape_of = {typed: meant for typed, meant in typos.confusable_characters}
        self.by_alias: dict[str, list[Entry]] = defaultdict(list)
        for e in entries:
            if e.alias and e not in self.by_alias[e.alias]:
                self.by_alias[e.alias].append(e)
        self.lengths = sorted({len(a) for a in self.by_alias}, reverse=True)
        exact_only = set(typos.exact_only)
        # Words that name things (a certificate, a matter, a form …) are matched with every kind of typo; phrasings
        # ("要盖", "填哪些") only by sound or shape and only from three characters on: short phrasings have too
        # many everyday sound-alikes ("要改"), and a phrasing with a character added swallows its neighbours.
        fuzzy_aliases = [a for a in self.by_alias if fuzzy and len(a) >= 2 and a not in exact_only and _is_han(a[0])
                 and all(_is_han(c) or c.isdigit() for c in a)
                 and (len(a) > 2 or self._naming(a, naming_labels))]
        self.fuzzy_lengths = sorted({len(a) for a in fuzzy_aliases}, reverse=True)
        self.by_sound: dict[tuple[str, ...], list[str]] = defaultdict(list)
        self.by_shape: dict[str, list[str]] = defaultdict(list)
        self.by_pinyin: dict[str, list[str]] = defaultdict(list)
        self.by_dropped: dict[str, list[str]] = defaultdict(list)
        self.added_ok = {a for a in fuzzy_aliases if len(a) >= 3 and self._naming(a, naming_labels)}
        for a in fuzzy_aliases:
            self.by_sound[self._sound_key(syllables(a))].append(a)
            self.by_shape[self._shape(a)].append(a)
            if all(_is_han(c) for c in a):
                self.by_pinyin["".join(syllables(a))].append(a)
            if len(a) >= MIN_DROPPED_FROM and self._naming(a, naming_labels):
                for i in range(1, len(a) - 1):
                    variant = a[:i] + a[i + 1:]
                    if variant not in self.by_alias and not _common_word(variant):
                        self.by_dropped[variant].append(a)

    def _naming(self, alias: str, labels: frozenset[str]) -> bool:
        """Say whether a word names a thing (some entry of it has a naming label)."""
        return any(e.label in labels for e in self.by_alias[alias])

    # ------------------------------------------------------------------ keys
    def _fuzzy_syllable(self, syllable: str) -> str:
        for typed, meant in sorted(self.typos.fuzzy_initials.items(), key=lambda kv: -len(kv[0])):
            if syllable.startswith(typed):
                syllable = meant + syllable[len(typed):]
                break
        for typed, meant in sorted(self.typos.fuzzy_finals.items(), key=lambda kv: -len(kv[0])):
            if syllable.endswith(typed) and len(syllable) > len(typed):
                syllable = syllable[: -len(typed)] + meant
                break
        return syllable

    def _sound_key(self, syllables: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self._fuzzy_syllable(s) for s in syllables)

    def _shape(self, text: str) -> str:
        return "".join(self.shape_of.get(c, c) for c in text)

    # ------------------------------------------------------------------ finding
    def find(self, text: str, boundaries: frozenset[int] | None = None) -> list[Match]:
        """Return every entry found in text, ordered by position (longest first at a position).

        `boundaries` are the word boundaries of the text (jieba's): a two-character fuzzy find must start on one
        ("当初是" is 当初 | 是, not 初始), a find with a character dropped or added must start and end on one
        ("公司名下" is 公司 | 名下, not 公司改名 with 改 dropped), and so must a phrasing found by sound or shape
        ("什么好吃" is 什么 | 好吃, not the phrasing 什么号).
        """
        exact = self._exact(text)
        fuzzy = self._fuzzy(text, exact)
        if boundaries is not None:
            fuzzy = [m for m in fuzzy if self._on_boundaries(m, boundaries)
                     and (self._naming(m.alias, self.naming_labels) or m.end in boundaries)]
        return sorted(exact + fuzzy, key=lambda m: (m.start, -(m.end - m.start), m.label, m.key))

    def _blocks(self, exact: Match, fuzzy: Match) -> bool:
        """Say whether a word found as typed rules out a typo reading overlapping it: it does, unless it stands
        inside the typo reading and is the same kind of word ("合格证" in "陪训合格证"), a context word ("公司" in
        "公司更铭"), or any word but a blocking one inside a name misheard or mistyped ("姓名" in "姓名便更")."""
        if not (exact.start < fuzzy.end and fuzzy.start < exact.end):
            return False
        inside = fuzzy.start <= exact.start and exact.end <= fuzzy.end and fuzzy.end - fuzzy.start > exact.end - exact.start
        return not (inside and (exact.label == fuzzy.label or exact.label in self.context_labels
                                or (self._naming(fuzzy.alias, self.naming_labels) and fuzzy.how in (SOUND, SHAPE)
                                    and exact.label not in self.blocking_labels)))

    @staticmethod
    def _on_boundaries(m: Match, boundaries: frozenset[int]) -> bool:
        if m.how in (DROPPED, ADDED):
            return m.start in boundaries and m.end in boundaries
        return m.end - m.start > 2 or m.start in boundaries

    def _matches(self, alias: str, start: int, end: int, text: str, how: str) -> list[Match]:
        return [Match(e.label, e.key, start, end, text[start:end], alias, how) for e in self.by_alias[alias]]

    def _exact(self, text: str) -> list[Match]:
        out: list[Match] = []
        n = len(text)
        for start in range(n):
            for length in self.lengths:
                end = start + length
                if end <= n and text[start:end] in self.by_alias:
                    out += self._matches(text[start:end], start, end, text, EXACT)
        return out

    def _fuzzy(self, text: str, exact: list[Match]) -> list[Match]:
        candidates = self._sound_and_shape(text) + self._dropped_and_added(text) + self._typed_pinyin(text)
        kept: list[Match] = []
        for m in sorted(candidates, key=lambda m: (-PRIORITY[m.how], -(m.end - m.start), m.start)):
            if any(self._blocks(x, m) for x in exact):
                continue  # a word found as typed wins over any typo reading of the same characters
            if any(k.start < m.end and m.start < k.end and (k.start, k.end) != (m.start, m.end) for k in kept):
                continue
            kept.append(m)
        return kept

    def _sound_and_shape(self, text: str) -> list[Match]:
        out: list[Match] = []
        sounds = syllables(text)
        keys = self._sound_key(sounds)
        shaped = self._shape(text)
        n = len(text)
        for start in range(n):
            if not _is_han(text[start]):
                continue
            for length in self.fuzzy_lengths:
                end = start + length
                if end > n:
                    continue
                window = text[start:end]
                if window in self.by_alias:
                    continue
                for alias in self.by_shape.get(shaped[start:end], ()):
                    out += self._matches(alias, start, end, text, SHAPE)
                for alias in self.by_sound.get(keys[start:end], ()):
                    if _enough_typed_right(window, alias):
                        out += self._matches(alias, start, end, text, SOUND)
        return out

    def _dropped_and_added(self, text: str) -> list[Match]:
        out: list[Match] = []
        n = len(text)
        for start in range(n):
            if not _is_han(text[start]):
                continue
            for length in self.fuzzy_lengths:
                end = start + length
                if end <= n and length >= 2:
                    for alias in self.by_dropped.get(text[start:end], ()):
                        out += self._matches(alias, start, end, text, DROPPED)
                end = start + length + 1
                if length >= 3 and end <= n:
                    window = text[start:end]
                    if not _is_han(window[-1]):
                        continue
                    for i in range(1, len(window) - 1):
                        alias = window[:i] + window[i + 1:]
                        if alias in self.added_ok:
                            out += self._matches(alias, start, end, text, ADDED)
        return out

    def _typed_pinyin(self, text: str) -> list[Match]:
        out: list[Match] = []
        words: list[tuple[int, int]] = []
        start = None
        for i, ch in enumerate(text + " "):
            if "a" <= ch <= "z":
                start = i if start is None else start
            elif start is not None:
                words.append((start, i))
                start = None
        # Runs of latin words separated by single spaces are tried whole and word by word.
        for i in range(len(words)):
            for j in range(i, len(words)):
                if j > i and words[j][0] - words[j - 1][1] > 1:
                    break
                s, e = words[i][0], words[j][1]
                joined = text[s:e].replace(" ", "")
                for alias in self.by_pinyin.get(joined, ()):
                    out += self._matches(alias, s, e, text, PINYIN)
        return out


def _enough_typed_right(window: str, alias: str) -> bool:
    """Say whether enough characters of a sound-alike are typed right: one of two, half of longer words."""
    right = sum(a == b for a, b in zip(window, alias, strict=True))
    return right >= max(1, (len(alias) + 1) // 2) if len(alias) > 2 else right >= 1


@lru_cache(maxsize=1)
def _jieba_words() -> dict[str, int]:
    jieba.initialize()
    return jieba.dt.FREQ


def _common_word(word: str) -> bool:
    """Say whether a word is in jieba's general dictionary (then it is not taken for a dropped character)."""
    return bool(_jieba_words().get(word))

"""Read the applicant's name out of a status message: after a label, beside the ID number, tagged as a person's
name by jieba's part-of-speech tagger, or alone when it was asked for.

Beside the ID number, where a name is expected, the name is read by its place and its shape, not from a list of
names: many names are ordinary words too (高明, 文静, 海洋, 向前).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property, lru_cache

import jieba.posseg

from bot.knowledge.lexicon import Names
from bot.language.text import simplify

_HAN_RUN = re.compile(r"[\u4e00-\u9fff·]+")
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
SEPARATORS = " \t,，:：;；、/|"
# A name is two or three characters, four after a compound surname.
SHORTEST_NAME, LONGEST_NAME = 2, 4


TAGGED_TEXTS = 256  # texts whose tagged words are remembered: a message is tagged several times in its turn


def tagged_words(text: str) -> tuple[jieba.posseg.pair, ...]:
    """Return jieba's words of a text with their part-of-speech tags (its tagger is slow; one message is tagged by
    the entity reader, the name reader and the turn log), remembered for as long as jieba's dictionary stays as it
    is (words added to it change the words of a text)."""
    return _tagged(text, len(jieba.dt.FREQ), jieba.dt.total)


@lru_cache(maxsize=TAGGED_TEXTS)
def _tagged(text: str, _words: int, _total: int) -> tuple[jieba.posseg.pair, ...]:
    return tuple(jieba.posseg.cut(text))


def _sound(word: str) -> str:
    """Return a word's toneless pinyin (pypinyin's dictionaries load on the first call, not with this module)."""
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(word, style=Style.NORMAL))


class NameReader:
    """Tell a person's name from the words around it, with the lexicon's surnames and jieba's tagger."""

    def __init__(self, names: Names, terms: Iterable[str] = (), sounding: Iterable[str] = ()) -> None:
        self.surnames = set(names.surnames)
        self.not_names = set(names.not_names)
        self.not_in_names = set(names.not_in_names)
        self.self_words = tuple(names.self_words)
        self.id_labels = sorted(names.id_labels, key=len, reverse=True)
        self.before_names = tuple(sorted(names.before_names, key=len, reverse=True))
        self.after_names = tuple(names.after_names)
        self.never_in_names = set(names.never_in_names)
        # The words of our domain ("延续", "进度") are never a name, nor the sound-alikes of the words people write
        # beside an ID number (`sounding`: "补正" for 补证); a name may sound like a rarer word ("建华", 简化).
        self.terms = {w for w in terms if SHORTEST_NAME <= len(w) <= LONGEST_NAME and _HAN_WORD.match(w)}
        self.sounding = {w for w in sounding if SHORTEST_NAME <= len(w) <= LONGEST_NAME and _HAN_WORD.match(w)}
        labels = "|".join(map(re.escape, sorted(names.name_labels, key=len, reverse=True)))
        self._after_label = re.compile(rf"(?:{labels})\s*[:：]?\s*([\u4e00-\u9fff·]{{2,}})")
        self._label_prefix = re.compile(rf"^(?:{labels})\s*[:：]?\s*")
        self._not_name_starts = tuple(w for w in self.terms | self.not_names if len(w) >= SHORTEST_NAME)


    @cached_property
    def term_sounds(self) -> frozenset[str]:
        """Return how the words people write beside an ID number sound (worked out on first use)."""
        return frozenset(_sound(w) for w in self.sounding)

    def is_name(self, word: str) -> bool:
        """Say whether a word can be a person's name: a surname, then one or two characters (two or three after a
        compound surname), and not a word of ours."""
        if word in self.not_names or word in self.surnames or any(c in self.not_in_names for c in word) or \
                word in self.terms:
            return False
        if len(word) >= 3 and word[:2] in self.surnames:
            return len(word) <= 4
        return word[0] in self.surnames and 2 <= len(word) <= 3

    def looks_like_name(self, word: str) -> bool:
        """Say whether a word standing where a name is expected has a name's shape: two or three Chinese characters
        (four after a compound surname), none that never stands in a name, and not a word of ours or its sound."""
        if not SHORTEST_NAME <= len(word) <= LONGEST_NAME or not _HAN_WORD.match(word):
            return False
        if len(word) == LONGEST_NAME and word[:2] not in self.surnames:
            return False
        if any(c in self.not_in_names for c in word) or word in self.not_names:
            return False
        return word not in self.terms and _sound(word) not in self.term_sounds

    def framed_name(self, word: str) -> bool:
        """Say whether a word standing in a name's frame is a name: a surname, then one or two characters (two or
        three after a compound surname), none a particle or pronoun, and not a word of ours; ordinary words count."""
        if not _HAN_WORD.match(word) or word in self.terms or word in self.surnames or \
                any(c in self.never_in_names for c in word):
            return False
        if len(word) >= 3 and word[:2] in self.surnames:
            return len(word) <= LONGEST_NAME
        return word[0] in self.surnames and SHORTEST_NAME <= len(word) <= 3

    def _framed(self, text: str) -> str | None:
        """Return the first word that stands in a name's frame: right after `before_names` or right before
        `after_names` (jieba's word, or a one-character surname joined to the word after it)."""
        for run in _HAN_RUN.finditer(text):
            words = [w.word for w in tagged_words(run.group(0))]
            at = run.start()
            for i, word in enumerate(words):
                candidates = [word]
                if (len(word) == 1 or word in self.surnames) and i + 1 < len(words):
                    candidates.insert(0, word + words[i + 1])
                for name in candidates:
                    before, after = text[:at], text[at + len(name):]
                    if (before.endswith(self.before_names) or after.startswith(self.after_names)) and \
                            self.framed_name(name):
                        return name
                at += len(word)
        return self._framed_across_words(text)

    def _framed_across_words(self, text: str) -> str | None:
        """Return a name in a frame that jieba cut across ("查下马上的办理进度": 下马 | 上): the three characters
        before `after_names` when they start a word, else the two (after `before_names`, the two or three after)."""
        for run in _HAN_RUN.finditer(text):
            starts, at = set(), run.start()
            for w in tagged_words(run.group(0)):
                starts.add(at)
                at += len(w.word)
            for frame in self.after_names:
                for end in (i for i in range(run.start(), run.end()) if text.startswith(frame, i)):
                    three, two = text[max(run.start(), end - 3):end], text[max(run.start(), end - 2):end]
                    if len(three) == 3 and end - 3 in starts and self.framed_name(three):
                        return three
                    if len(two) == 2 and self.framed_name(two):
                        return two
            for frame in self.before_names:
                for start in (i + len(frame) for i in range(run.start(), run.end()) if text.startswith(frame, i)):
                    for n in (3, 2):
                        word = text[start:start + n]
                        if len(word) == n and start + n in starts | {run.end()} and self.framed_name(word):
                            return word
        return None

    def _before_id(self, text: str) -> str:
        """Return the text before an ID number without the separators and ID labels right before it."""
        while True:
            stripped = text.rstrip(SEPARATORS)
            label = next((w for w in self.id_labels if stripped.endswith(w)), None)
            if label is None:
                return stripped
            text = stripped[: -len(label)]

    def beside_id(self, text: str, start: int, end: int) -> str | None:
        """Return the name written right before or right after the ID number at start:end."""
        before = re.search(r"[\u4e00-\u9fff·]+$", self._before_id(text[:start]))
        after = re.match(r"[\u4e00-\u9fff·]+", text[end:].lstrip(SEPARATORS))
        for run, edge in ((before, self._trailing), (after, self._leading)):
            if run is None:
                continue
            word = run.group(0)
            if self.looks_like_name(word):
                return word  # the whole run, standing alone beside the number
            name = edge(word, expected=True)
            if name:
                return name
        return None

    def _leading(self, run: str, *, expected: bool = False) -> str | None:
        """Return the name a run of characters starts with, cut where jieba ends the name; where a name is expected
        (after a label, beside the ID number) jieba's first word with a name's shape is one ("名字叫光明…")."""
        words = [w.word for w in tagged_words(run)]
        fits = (lambda w: self.is_name(w) or self.looks_like_name(w)) if expected else self.is_name
        if len(words) >= 2 and (len(words[0]) == 1 or words[0] in self.surnames) and fits(words[0] + words[1]):
            return words[0] + words[1]
        if words and fits(words[0]):
            return words[0]
        # jieba joined the name to the word after it ("周红查 | 一下"): the longest name the run starts with, unless a
        # word of ours or a word that is no name does ("国家注册" is no 国家注…, "单位人事" no 单位人)
        if run.startswith(self._not_name_starts):
            return None
        return next((run[:n] for n in (3, 2) if fits(run[:n])), None)

    def _trailing(self, run: str, *, expected: bool = False) -> str | None:
        """Return the name a run of characters ends with (jieba's last word, or the last two or three); where a name
        is expected (right before the ID number) jieba's last word with a name's shape is one ("查下长江")."""
        words = [w.word for w in tagged_words(run)]
        if words and self.is_name(words[-1]):
            return words[-1]
        if len(words) >= 2 and len(words[-2]) == 1 and self.is_name(words[-2] + words[-1]):
            return words[-2] + words[-1]
        if expected and words and self.looks_like_name(words[-1]):
            return words[-1]
        return None

    def _tagged(self, text: str) -> str | None:
        """Return the first word jieba tags as a person's name that is one, with a surname jieba cut off before it
        ("孙 | 莉莉")."""
        words = list(tagged_words(text))
        for before, w in zip([None, *words], words, strict=False):
            if w.flag not in PERSON_TAGS:
                continue
            if before is not None and len(before.word) == 1 and self.is_name(before.word + w.word):
                return before.word + w.word
            if self.is_name(w.word):
                return w.word
        return None

    def find(self, text: str, id_spans: list[tuple[int, int]] | None = None, *, alone: bool = False) -> str | None:
        """Return the name in a message; `alone` (the name was asked for) also takes a message that is only a name."""
        text = simplify(text)
        if id_spans or alone:
            name = self._framed(text)
            if name:
                return name
        for m in self._after_label.finditer(text):
            name = self._leading(m.group(1), expected=True)
            if name:
                return name
        runs = [(m.start(), m.end(), m.group(0)) for m in _HAN_RUN.finditer(text)]
        for start, end in sorted(id_spans or []):
            name = self.beside_id(text, start, end)
            if name:
                return name
        name = self._tagged(text)
        if name:
            return name
        if runs and runs[0][0] == 0:
            lead = runs[0][2]
            lead = next((lead[len(w):] for w in self.self_words if lead.startswith(w) and len(lead) > len(w)), lead)
            name = self._leading(lead)
            separated = runs[0][1] == len(text) or text[runs[0][1]] in " ,，:：;；0123456789"
            if name and separated and len(lead) <= 4:
                return name
        if alone:
            bare = self._label_prefix.sub("", text.strip(" 。.!！"))
            if self.is_name(bare) or self.looks_like_name(bare):
                return bare
        return None


"""Read the applicant's name out of a status message: after a label, next to the ID number, tagged as a person's
name by jieba's part-of-speech tagger, or alone when it was asked for."""

from __future__ import annotations

import re

import jieba.posseg

from bot.knowledge.lexicon import Names
from bot.language.text import simplify

_HAN_RUN = re.compile(r"[\u4e00-\u9fff·]+")
PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})


class NameReader:
    """Tell a person's name from the words around it, with the lexicon's surnames and jieba's tagger."""

    def __init__(self, names: Names) -> None:
        self.surnames = set(names.surnames)
        self.not_names = set(names.not_names)
        self.not_in_names = set(names.not_in_names)
        self.self_words = tuple(names.self_words)
        labels = "|".join(map(re.escape, sorted(names.name_labels, key=len, reverse=True)))
        self._after_label = re.compile(rf"(?:{labels})\s*[:：]?\s*([\u4e00-\u9fff·]{{2,}})")
        self._label_prefix = re.compile(rf"^(?:{labels})\s*[:：]?\s*")

    def is_name(self, word: str) -> bool:
        """Say whether a word can be a person's name: a surname, then one or two characters (two or three after a
        compound surname)."""
        if word in self.not_names or word in self.surnames or any(c in self.not_in_names for c in word):
            return False
        if len(word) >= 3 and word[:2] in self.surnames:
            return len(word) <= 4
        return word[0] in self.surnames and 2 <= len(word) <= 3

    def _leading(self, run: str) -> str | None:
        """Return the name a run of characters starts with, cut where jieba ends the name."""
        words = [w.word for w in jieba.posseg.cut(run)]
        if len(words) >= 2 and (len(words[0]) == 1 or words[0] in self.surnames) and self.is_name(words[0] + words[1]):
            return words[0] + words[1]
        if words and self.is_name(words[0]):
            return words[0]
        return None

    def _trailing(self, run: str) -> str | None:
        """Return the name a run of characters ends with (jieba's last word, or the last two or three)."""
        words = [w.word for w in jieba.posseg.cut(run)]
        if words and self.is_name(words[-1]):
            return words[-1]
        if len(words) >= 2 and len(words[-2]) == 1 and self.is_name(words[-2] + words[-1]):
            return words[-2] + words[-1]
        return None

    def _tagged(self, text: str) -> str | None:
        """Return the first word jieba tags as a person's name that is one."""
        return next((w.word for w in jieba.posseg.cut(text) if w.flag in PERSON_TAGS and self.is_name(w.word)), None)

    def find(self, text: str, id_spans: list[tuple[int, int]] | None = None, *, alone: bool = False) -> str | None:
        """Return the name in a message; `alone` (the name was asked for) also takes a message that is only a name."""
        text = simplify(text)
        for m in self._after_label.finditer(text):
            name = self._leading(m.group(1))
            if name:
                return name
        runs = [(m.start(), m.end(), m.group(0)) for m in _HAN_RUN.finditer(text)]
        for start, end in sorted(id_spans or []):
            before = [r for r in runs if r[1] <= start and not text[r[1]:start].strip(" ,，:：;；")]
            after = [r for r in runs if r[0] >= end and not text[end:r[0]].strip(" ,，:：;；")]
            for _s, _e, run in before[-1:]:
                name = self._trailing(run)
                if name:
                    return name
            for _s, _e, run in after[:1]:
                name = self._leading(run)
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
            if self.is_name(bare):
                return bare
        return None

"""Read the applicant's name out of a status message: after a label, next to the ID number, or alone."""

from __future__ import annotations

import re

from bot.knowledge.lexicon import Names
from bot.language.text import simplify

_HAN_RUN = re.compile(r"[\u4e00-\u9fff·]+")


class NameReader:
    """Tell a person's name from the words around it, with the lexicon's surnames."""

    def __init__(self, names: Names) -> None:
        self.surnames = set(names.surnames)
        self.not_names = set(names.not_names)
        self.not_in_names = set(names.not_in_names)
        labels = "|".join(map(re.escape, sorted(names.name_labels, key=len, reverse=True)))
        self._after_label = re.compile(rf"(?:{labels})\s*[:：]?\s*([\u4e00-\u9fff·]{{2,4}})")
        self._label_prefix = re.compile(rf"^(?:{labels})\s*[:：]?\s*")

    def is_name(self, word: str) -> bool:
        """Say whether a word can be a person's name: a surname, then one to three more characters."""
        if not 2 <= len(word) <= 4 or word in self.not_names or any(c in self.not_in_names for c in word):
            return False
        if word[:2] in self.surnames:
            return len(word) >= 3
        return word[0] in self.surnames

    def _trim(self, run: str) -> str | None:
        """Return the name at the start of a run of characters, if there is one."""
        for length in (3, 2, 4):
            if len(run) >= length and self.is_name(run[:length]) and (len(run) == length or length == 3
                                                                         or not self.is_name(run[:3])):
                return run[:length]
        return None

    def find(self, text: str, id_spans: list[tuple[int, int]] | None = None, *, alone: bool = False) -> str | None:
        """Return the name in a message: after a label, right before or after the ID number, or at the start;
        `alone` (the name was asked for) also takes a message that is only a name."""
        text = simplify(text)
        for m in self._after_label.finditer(text):
            name = self._trim(m.group(1))
            if name:
                return name
        runs = [(m.start(), m.end(), m.group(0)) for m in _HAN_RUN.finditer(text)]
        for start, end in sorted(id_spans or []):
            before = [r for r in runs if r[1] <= start and not text[r[1]:start].strip(" ,，:：;；")]
            after = [r for r in runs if r[0] >= end and not text[end:r[0]].strip(" ,，:：;；")]
            for s, e, run in before[-1:]:
                name = run[-3:] if self.is_name(run[-3:]) else run[-2:] if self.is_name(run[-2:]) else None
                if name and (len(run) <= 4 or text[s:e] == run):
                    return name
            for _s, _e, run in after[:1]:
                name = self._trim(run)
                if name:
                    return name
        if runs:
            s, e, run = runs[0]
            separated = e == len(text) or text[e] in " ,，:：;；0123456789"
            if s == 0 and separated and len(run) <= 4 and self.is_name(run):
                return run
        if alone:
            bare = self._label_prefix.sub("", text.strip(" 。.!！"))
            if self.is_name(bare):
                return bare
        return None

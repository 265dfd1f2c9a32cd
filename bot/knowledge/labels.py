"""Load knowledge/labels.yml: the assistant's own words around the facts, so staff can change a wording in YAML.

`provide` and `returned` label material fields, `checklist` heads the checklist's sections, and `phrases`
holds every heading, question and sentence frame the renderers use, by dotted key ("verdict.one"), with
named blanks ("{place}") the renderer fills with facts from the other files.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.knowledge.files import KNOWLEDGE_DIR, KnowledgeError, read_mapping

LABELS_FILE = "labels.yml"
CHECKLIST_LABELS = ("matter", "conditions", "materials", "uploads", "collection", "forms", "place", "address",
                    "person", "phones", "time", "printing", "trips", "notes", "calls", "made")


@dataclass(frozen=True)
class Labels:
    """The words for how a material is provided and returned, the checklist's headings, and every phrase."""

    provide: Mapping[str | None, str]
    returned: Mapping[bool | None, str]
    checklist: Mapping[str, str]
    phrases: Mapping[str, str]

    def say(self, name: str, /, **blanks: object) -> str:
        """Return the phrase of this name with its blanks filled, failing clearly on a phrase that is not there."""
        phrase = self.phrases.get(name)
        if phrase is None:
            raise KnowledgeError(LABELS_FILE, f"phrases.{name}", "is missing")
        try:
            return phrase.format(**blanks)
        except KeyError as exc:
            raise KnowledgeError(LABELS_FILE, f"phrases.{name}", f"names a blank the code does not fill: {exc}") from None


def _words(data: dict[str, Any], key: str, expected: tuple[Any, ...]) -> dict[Any, str]:
    """Return one mapping of labels.yml keyed by `expected`, failing on a missing or empty label."""
    table = data.get(key)
    if not isinstance(table, dict):
        raise KnowledgeError(LABELS_FILE, key, "must map each value to its label")
    by_text = {str(k).lower(): v for k, v in table.items()}
    words = {}
    for value in expected:
        label = by_text.get("null" if value is None else str(value).lower())
        if not isinstance(label, str) or not label.strip():
            raise KnowledgeError(LABELS_FILE, f"{key}.{'null' if value is None else value}", "must be a label")
        words[value] = label
    return words


def _phrases(node: Any, where: str) -> dict[str, str]:
    """Flatten the nested phrases into dotted keys, checking each is a non-empty text with well-formed blanks."""
    if isinstance(node, str):
        if not node.strip():
            raise KnowledgeError(LABELS_FILE, where, "must not be empty")
        try:
            list(string.Formatter().parse(node))
        except ValueError as exc:
            raise KnowledgeError(LABELS_FILE, where, f"has a broken blank: {exc}") from None
        return {where.removeprefix("phrases."): node}
    if not isinstance(node, dict) or not node:
        raise KnowledgeError(LABELS_FILE, where, "must be a phrase or a mapping of phrases")
    return {k: v for key, child in node.items() for k, v in _phrases(child, f"{where}.{key}").items()}


def load_labels(directory: Path | str = KNOWLEDGE_DIR) -> Labels:
    """Load knowledge/labels.yml, raising KnowledgeError naming the missing or broken label."""
    data = read_mapping(Path(directory), LABELS_FILE)
    return Labels(
        provide=_words(data, "provide", ("original", "copy", "copy_checked", "original_or_copy", None)),
        returned=_words(data, "returned", (True, False, None)),
        checklist=_words(data, "checklist", CHECKLIST_LABELS),
        phrases=_phrases(data.get("phrases"), "phrases"),
    )


@lru_cache(maxsize=1)
def default_labels() -> Labels:
    """Return the labels in knowledge/, loaded once per process."""
    return load_labels()

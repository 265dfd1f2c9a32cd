"""Find knowledge-base terms in a question with jieba and spaCy's SpanRuler."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jieba
import spacy
from spacy.language import Language

from bot.knowledge.base import KnowledgeBase

SPANS_KEY = "kb"
USER_DICT_FREQ = 200000

# Span labels; a span's id is the knowledge-base key it stands for.
CERT = "CERT"
TRAINING = "TRAINING"
HUZHOU = "HUZHOU"
NATIONAL = "NATIONAL"
MATTER = "MATTER"
RENAME = "RENAME"
COMPANY = "COMPANY"
ASPECT = "ASPECT"
VARIANT = "VARIANT"
FORM = "FORM"
CONTACT = "CONTACT"
POLICY = "POLICY"
OUT_OF_SCOPE = "OOS"
SILENT = "SILENT"


@dataclass(frozen=True)
class Term:
    """One knowledge-base term found in a question."""

    label: str
    key: str
    text: str
    start: int


def patterns(kb: KnowledgeBase) -> list[dict[str, str]]:
    """Return SpanRuler phrase patterns for every knowledge-base alias."""
    out: list[dict[str, str]] = []

    def add(label: str, key: str, words: tuple[str, ...] | list[str]) -> None:
        out.extend({"label": label, "pattern": w, "id": key} for w in words if w)

    for c in kb.certificates.values():
        add(CERT, c.key, [c.name, c.short, *c.aliases])
    add(TRAINING, "training", kb.training_aliases)
    add(HUZHOU, "huzhou", kb.huzhou_aliases)
    add(NATIONAL, "N", kb.national_words)
    for m in kb.matters.values():
        add(MATTER, m.key, m.aliases)
    add(RENAME, "rename", kb.rename_words)
    add(COMPANY, "company", kb.company_words)
    for a in kb.aspects:
        add(ASPECT, a.key, a.aliases)
    for p in kb.procedures.values():
        for v in p.variants:
            add(VARIANT, v.key, v.aliases)
    for f in kb.forms.values():
        add(FORM, f.key, [f.title, *f.names_in_text, *f.aliases])
    for ct in kb.contacts.values():
        add(CONTACT, ct.key, ct.aliases)
    for pol in kb.policies.values():
        add(POLICY, pol.key, pol.aliases)
    add(OUT_OF_SCOPE, "oos", kb.out_of_scope_terms)
    for t in kb.silent_topics:
        add(SILENT, t.topic, t.aliases)
    unique = {(p["label"], p["pattern"], p["id"]): p for p in out}
    return list(unique.values())


def write_user_dictionary(kb: KnowledgeBase, path: Path) -> Path:
    """Write jieba's user dictionary of knowledge-base terms (one 'word freq' a line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    words = sorted(kb.terms(), key=lambda w: (-len(w), w))
    path.write_text("".join(f"{w.replace(' ', '')} {USER_DICT_FREQ}\n" for w in words if " " not in w.strip()),
                    encoding="utf-8")
    return path


def build_pipeline(kb: KnowledgeBase) -> Language:
    """Return a blank Chinese spaCy pipeline (jieba segmenter) with a SpanRuler of KB terms."""
    for word in kb.terms():
        jieba.add_word(word, freq=USER_DICT_FREQ)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": SPANS_KEY, "spans_filter": None,
                                               "annotate_ents": False, "validate": True})
    ruler.add_patterns(patterns(kb))
    return nlp


class TermFinder:
    """Find knowledge-base terms in text: spaCy spans first, then any alias jieba split apart."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.nlp = build_pipeline(kb)
        self._by_pattern: dict[str, list[tuple[str, str]]] = {}
        for p in patterns(kb):
            self._by_pattern.setdefault(p["pattern"], []).append((p["label"], p["id"]))

    def tokens(self, text: str) -> list[str]:
        """Return the jieba tokens of text."""
        return [t.text for t in self.nlp.make_doc(text)]

    def find(self, text: str) -> list[Term]:
        """Return the terms in text, ordered by position."""
        doc = self.nlp(text)
        found = {(s.label_, s.id_, s.text, s.start_char) for s in doc.spans[SPANS_KEY]}
        covered = {(t[2], t[3]) for t in found}
        # jieba may cut an alias across a token boundary ("换了单位了"); catch those by position.
        for pattern, owners in self._by_pattern.items():
            start = text.find(pattern)
            while start != -1:
                if (pattern, start) not in covered:
                    found |= {(label, key, pattern, start) for label, key in owners}
                start = text.find(pattern, start + 1)
        return sorted((Term(*f) for f in found), key=lambda t: (t.start, -len(t.text)))


def main() -> None:
    """Write jieba's user dictionary of knowledge-base terms to .build/jieba/."""
    from bot.knowledge.base import default_knowledge

    path = write_user_dictionary(default_knowledge(), Path(".build/jieba/kb_terms.txt"))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

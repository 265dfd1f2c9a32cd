"""The entity reader's segmenter cuts every message exactly as the spaCy pipeline it replaces did."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.language import terms as t

ROOT = Path(__file__).resolve().parent.parent
SEPARATORS = [" ", "  ", "\u3000", "，", "\t", " \n ", "", "   ", "! ", " ?", "。。", " - "]


def messages() -> list[str]:
    """Return our own questions (tests/data/routing.yml and the NLU data), and joins of them around odd spacing."""
    texts: set[str] = set()
    for path in [ROOT / "tests/data/routing.yml", *sorted((ROOT / "data/nlu").glob("*.yml"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().lstrip("-").strip().strip("\"'")
            if line and not line.endswith(":"):
                texts.add(line)
    rng = random.Random(7)
    base = sorted(texts)
    for _ in range(1500):
        a, b, sep = rng.choice(base), rng.choice(base), rng.choice(SEPARATORS)
        texts.add(a[:rng.randint(0, len(a))] + sep + b[rng.randint(0, len(b)):])
        texts.add(sep + a + sep)
    return sorted(texts)


@pytest.fixture(scope="module")
def segmenters(kb, lexicon):
    spacy = pytest.importorskip("spacy")
    ours = t.build_pipeline(t.dictionary_words(kb, lexicon))
    return ours, spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def test_same_tokens_as_spacy(segmenters):
    ours, nlp = segmenters
    texts = messages()
    assert len(texts) > 3000
    differ = [text for text in texts
              if [(w.text, w.idx, w.is_punct) for w in t.tokens(ours, text)]
              != [(w.text, w.idx, w.is_punct) for w in nlp.make_doc(text)]]
    assert differ == []


def test_spaces_and_punctuation():
    words = t.tokens(t.Segmenter(), "你好  ，再见 ")
    assert [(w.text, w.idx, w.is_punct) for w in words] == [
        ("你好", 0, False), (" ", 3, False), ("，", 4, True), ("再见", 5, False)]

"""Training data: no evaluation or held-out message in it, every intent covered, the augmentations real."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

from bot.language.training import ENGLISH_SWAPS, OUTPUT, Generator
from tests.conftest import ROOT, SHARED

EVALUATION_FILES = [SHARED / "eval" / "dev_cases.yml", SHARED / "eval" / "robust_cases.yml",
                    *sorted((ROOT / "tests" / "data").glob("heldout_*.yml"))]
HAND_WRITTEN = sorted(p for p in (ROOT / "data" / "nlu").glob("*.yml") if p != OUTPUT)


def _norm(text: str) -> str:
    """Compare messages without width, spaces and end punctuation."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).strip("。？?！!，,.~")


def examples_of(path: Path) -> dict[str, list[str]]:
    """Return the examples of each intent in an NLU file."""
    out: dict[str, list[str]] = {}
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        if "intent" in block:
            lines = (block.get("examples") or "").splitlines()
            out.setdefault(block["intent"], []).extend(line.strip()[2:] for line in lines
                                                       if line.strip().startswith("- "))
    return out


def evaluation_messages(kb) -> set[str]:
    """Return every user message of the evaluation and held-out sets longer than a greeting, except the bare names
    of our certificates (they come from the knowledge base) and bare ID numbers (they come from applications.csv)."""
    names = {_norm(n) for c in kb.certificates.values() for n in (c.name, c.short, *c.aliases)}
    names |= {_norm(n) for n in kb.training_aliases}
    out = set()
    for path in EVALUATION_FILES:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out |= {_norm(turn["user"]) for turn in case.get("turns", [])}
    return {m for m in out if len(m) > 4 and m not in names and not m.rstrip("Xx").isdigit()}


@pytest.fixture(scope="module")
def held_out(kb) -> set[str]:
    messages = evaluation_messages(kb)
    assert len(messages) > 400  # the four files were read
    return messages


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in [OUTPUT, *HAND_WRITTEN]])
def test_no_evaluation_or_held_out_message_in_training_data(path, held_out):
    copied = [e for texts in examples_of(path).values() for e in texts if _norm(e) in held_out]
    assert copied == []


OUR_TESTS = ["test_language.py", "test_entities.py", "test_questions.py", "test_actions.py", "test_status.py",
             "test_properties.py", "test_nlu_components.py", "data/routing.yml"]
QUOTED = re.compile(r"[\"']([^\"'\n]{5,})[\"']|(?:q|user|text):\s*(\S[^\n]*)")


def test_no_evaluation_or_held_out_message_in_our_tests(held_out):
    """The tests of the understanding and conversation layer are written in our own words too: none of their
    messages is an evaluation message, and no evaluation message longer than a short reply stands inside one."""
    ours = [ROOT / "tests" / name for name in OUR_TESTS] + sorted((ROOT / "tests" / "conversations").glob("*.yml")) \
        + [ROOT / "tests_e2e" / "test_conversations.py"]
    texts = [p.read_text(encoding="utf-8") for p in ours if p.exists()]
    messages = {_norm(a or b) for text in texts for a, b in QUOTED.findall(text)}
    assert sorted(messages & held_out) == []
    joined = "\n".join(_norm(text) for text in texts)
    assert [m for m in held_out if len(m) > 8 and m in joined] == []


def test_every_intent_of_the_domain_has_examples(domain):
    counts: dict[str, int] = {}
    for path in [OUTPUT, *HAND_WRITTEN]:
        for intent, texts in examples_of(path).items():
            counts[intent] = counts.get(intent, 0) + len(texts)
    assert {i: counts.get(i, 0) for i in domain["intents"] if counts.get(i, 0) < 5} == {}
    assert set(counts) <= set(domain["intents"])


def test_no_example_stands_under_two_intents():
    seen: dict[str, str] = {}
    clashes = []
    for path in [OUTPUT, *HAND_WRITTEN]:
        for intent, texts in examples_of(path).items():
            for text in texts:
                if seen.setdefault(_norm(text), intent) != intent:
                    clashes.append((text, seen[_norm(text)], intent))
    assert clashes == []


def test_the_generated_file_is_the_same_whatever_the_hash_seed():
    code = ("from bot.language.training import render, evaluation_messages; "
            "from bot.knowledge.base import default_knowledge; from bot.knowledge.lexicon import default_lexicon; "
            "import sys; sys.stdout.write(render(default_knowledge(), default_lexicon(), "
            "withheld=evaluation_messages()))")
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True)
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1] == OUTPUT.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------- augmentations
@pytest.fixture()
def generator(kb, lexicon) -> Generator:
    return Generator(kb, lexicon, random.Random(7))


def test_a_sound_typo_keeps_the_pinyin_and_changes_one_character(generator):
    text = "湖州市监理工程师培训合格证延续要带什么"
    changed = [generator.typo_by_sound(text) for _ in range(20)]
    assert any(c != text for c in changed)
    for c in changed:
        assert len(c) == len(text) and sum(a != b for a, b in zip(c, text, strict=True)) <= 1
        assert lazy_pinyin(c, style=Style.NORMAL) == lazy_pinyin(text, style=Style.NORMAL) or c == text


def test_a_shape_typo_uses_a_listed_look_alike(generator, lexicon):
    pairs = {(meant, typed) for typed, meant in lexicon.typos.confusable_characters}
    changed = generator.typo_by_shape("省平台的证要注销")
    diffs = [(a, b) for a, b in zip("省平台的证要注销", changed, strict=True) if a != b]
    assert len(diffs) == 1 and diffs[0] in pairs


def test_a_dropped_character_is_inside_a_domain_word(generator):
    text = "培训合格证要补证"
    changed = generator.drop_character(text)
    assert len(changed) == len(text) - 1 and changed[0] == text[0]


def test_traditional_and_english_forms(generator):
    assert generator.traditional("湖州证书延续要带什么材料") == OpenCC("s2t").convert("湖州证书延续要带什么材料")
    assert "證" in generator.traditional("湖州证书")
    english = generator.english("延续要带什么材料")
    assert english != "延续要带什么材料" and any(w in english for w in ENGLISH_SWAPS.values())


def test_an_english_word_stands_for_the_word_it_replaces(generator):
    for _ in range(20):
        english = generator.english("延续需要交哪些材料")
        assert english in ("renew需要交哪些材料", "延续需要交哪些documents")


def test_the_generated_data_holds_roughened_forms():
    texts = [t for ts in examples_of(OUTPUT).values() for t in ts]
    converter = OpenCC("t2s")
    assert sum(converter.convert(t) != t for t in texts) > 20  # traditional characters
    assert sum(any(w in t for w in ENGLISH_SWAPS.values()) for t in texts) > 20  # English words
    assert sum(t.startswith(("我是公司人事", "帮同事问", "我是HR")) for t in texts) > 10  # third parties

"""Matter words typed with a homophone or look-alike character, also ones the lexicon does not list, reach the
matter; a more specific matter said with a general word is the one meant."""

from __future__ import annotations

import random

import pytest
from pypinyin import Style, lazy_pinyin

from bot.language.training import _common_characters

FRAMES = ["湖州市监理工程师培训合格证{w}要带什么", "国家注册证书{w}要带啥", "培训证想{w}，怎么弄"]


def matters_read(reader, text: str) -> set:
    return {e.value for e in reader.read(text) if e.entity == "matter"}


def test_nearly_every_one_character_homophone_of_a_matter_word_reaches_the_matter(kb, lexicon, reader):
    """Every matter alias, each character swapped for a common character of the same sound (two per character),
    in one of three frames: at least 95% are read as the matter (the lexicon's exact-only words excepted)."""
    rng = random.Random(20261206)
    groups = _common_characters()
    exact_only = set(lexicon.typos.exact_only)
    tried = missed = 0
    for matter in kb.matters.values():
        for alias in matter.aliases:
            if len(alias) < 2 or alias in exact_only or not all("\u4e00" <= c <= "\u9fff" for c in alias):
                continue
            for i, ch in enumerate(alias):
                for typed in [c for c in groups.get(lazy_pinyin(ch, style=Style.NORMAL)[0], []) if c != ch][:2]:
                    tried += 1
                    text = rng.choice(FRAMES).format(w=alias[:i] + typed + alias[i + 1:])
                    missed += matter.key not in matters_read(reader, text)
    assert tried > 500 and missed / tried <= 0.05


@pytest.mark.parametrize(("text", "matter"), [
    ("省平台的证想注小，怎么弄", "cancel"),  # 注销 misheard, in a piece jieba makes up
    ("湖州的证姓名便更要带什么", "personal_change"),  # 姓名 typed right inside the misheard 姓名变更
    ("培训证想延须一下", "renew"),
])
def test_a_misheard_matter_word_inside_words_jieba_does_not_know(reader, text, matter):
    assert matter in matters_read(reader, text)


@pytest.mark.parametrize(("text", "matter"), [
    ("国家注册证书身份证号变更怎么弄", "personal_change"), ("国家注册的姓名更改了要交啥", "personal_change"),
    ("湖州证上只有一个专业，还能再加吗", "add_specialty"),
])
def test_a_specific_matter_said_in_two_words_beats_a_general_word(reader, text, matter):
    assert matters_read(reader, text) == {matter}

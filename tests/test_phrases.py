"""The assistant's phrases live in knowledge/labels.yml and its status words in knowledge/statuses.yml (issue 21).

Staff change a wording in YAML, not in code: the renderers and the one-trip rules hold no Chinese words, every
phrase the code names exists, every phrase in the file is used, and a changed phrase reaches the answer.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from bot.answers.checklist import build_checklist
from bot.answers.render import Answers
from bot.knowledge.base import KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from bot.knowledge.labels import load_labels
from bot.rules.onetrip import Facts, decide
from tests.conftest import ROOT

HAN = re.compile(r"[\u4e00-\u9fff]")
# Code that words what the assistant says. verdict_table.py writes docs/verdicts.md for developers, not people.
SAYING = [*sorted(p for p in (ROOT / "bot" / "answers").glob("*.py") if p.name != "verdict_table.py"),
          ROOT / "bot" / "rules" / "onetrip.py", ROOT / "bot" / "rules" / "idnumber.py",
          ROOT / "bot" / "dialogue" / "status.py", ROOT / "bot" / "dialogue" / "questions.py"]


def literals(path: Path) -> list[ast.Constant]:
    """Return the string constants of a module that are not docstrings (f-string parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


@pytest.mark.parametrize("path", SAYING, ids=lambda p: p.name)
def test_no_chinese_words_in_the_code_that_words_answers(path):
    words = [(n.lineno, n.value) for n in literals(path) if HAN.search(n.value)]
    assert not words, f"{path.name}: move these to knowledge/labels.yml: {words}"


def test_every_phrase_named_exists_and_every_phrase_is_used(kb):
    named = {n.value for path in SAYING for n in literals(path)}
    phrases = set(kb.labels.phrases)
    said = {name for name in named if name in phrases}
    groups = {name for name in named if name.endswith(".")}  # "count." + n: the count words
    unused = {p for p in phrases if p not in said and not any(p.startswith(g) for g in groups)}
    assert not unused, f"phrases no code says: {sorted(unused)}"
    calls = {m.group(1) for path in SAYING
             for m in re.finditer(r'say\(\s*"([a-z_.0-9]+)"', path.read_text(encoding="utf-8"))}
    assert calls and not calls - phrases, f"phrases the code says that labels.yml lacks: {sorted(calls - phrases)}"


def copy_knowledge(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, copy)
    return copy


def test_a_changed_phrase_reaches_every_channel_s_answer(tmp_path):
    copy = copy_knowledge(tmp_path)
    path = copy / "labels.yml"
    text = path.read_text(encoding="utf-8")
    old = "    one: \"可以“最多跑一次”：材料齐全、符合受理条件时，到{place}办理一次即可。\"\n"
    assert old in text
    path.write_text(text.replace(old, "    one: \"一次办结：请到{place}。\"\n")
                    .replace("  materials: 需要带的材料\n", "  materials: 请带上\n"), encoding="utf-8")
    kb = load_knowledge(copy)
    proc = kb.procedures["P-CANCEL"]
    verdict = Answers(kb).verdict(proc, decide(proc, Facts(proxy=False, all_ready=True), final=True))
    assert verdict.text().splitlines()[1] == "一次办结：请到湖州市监理协会。"
    assert "请带上" in build_checklist(kb, "P-CANCEL").text()


def test_a_missing_or_broken_phrase_is_named(tmp_path):
    copy = copy_knowledge(tmp_path)
    path = copy / "labels.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    each: 各一次\n", ""), encoding="utf-8")
    labels = load_labels(copy)
    with pytest.raises(KnowledgeError, match=r"labels.yml: phrases.verdict.each: is missing"):
        labels.say("verdict.each")
    path.write_text(text.replace("    each: 各一次\n", "    each: \"各{一次\"\n"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"phrases.verdict.each: has a broken blank"):
        load_knowledge(copy)
    with pytest.raises(KnowledgeError, match=r"names a blank the code does not fill"):
        load_labels(KNOWLEDGE_DIR).say("verdict.one")


def test_status_words_are_written_only_in_statuses_yml(kb):
    """The import format's status words (已提交 … 不予受理) live in knowledge/statuses.yml; code names stages."""
    words = set(kb.statuses)
    assert {s.stage for s in kb.statuses.values()} == {"submitted", "accepted", "reviewing", "correction",
                                                       "completed", "refused"}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        found = [(n.lineno, n.value) for n in literals(path) if any(w in n.value for w in words)]
        assert not found, (path.relative_to(ROOT), found)

"""Training data: generated file up to date, no evaluation question copied in."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml

from bot.language.training import CHOICE_TEMPLATES, OUTPUT, render
from tests.conftest import ROOT, SHARED


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).strip("。？?！!，,")


def test_generated_nlu_is_up_to_date(kb):
    assert OUTPUT.read_text(encoding="utf-8") == render(kb), "run: python -m bot.language.training"


def test_no_evaluation_question_in_training_data(kb):
    examples = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            examples |= {_norm(line[2:]) for line in (block.get("examples") or "").splitlines() if line.startswith("- ")}
    # Naming a certificate ("是…证书") may stand in both: the names come from the knowledge base.
    names = [n for c in kb.certificates.values() for n in (c.name, c.short, *c.aliases)]
    examples -= {_norm(t.format(cert=n)) for t in ["{cert}", *CHOICE_TEMPLATES] for n in names}
    for path in (SHARED / "eval").glob("*.yml"):
        for case in yaml.safe_load(Path(path).read_text(encoding="utf-8")):
            for turn in case["turns"]:
                question = _norm(turn["user"])
                if len(question) > 4:  # one-word turns such as 你好 are everybody's
                    assert question not in examples, turn["user"]


def test_floor_bot_uses_the_same_nlu_pipeline():
    main = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    floor = yaml.safe_load((ROOT / "bench" / "floor" / "config.yml").read_text(encoding="utf-8"))
    assert floor["pipeline"] == main["pipeline"]

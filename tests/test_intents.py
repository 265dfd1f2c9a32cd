"""The intent names of bot/language/intents.py are those of domain.yml, the training data and aspects.yml."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.language import intents as i

ROOT = Path(__file__).resolve().parent.parent


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_domain_lists_every_intent_and_no_other():
    assert set(_yaml(ROOT / "domain.yml")["intents"]) == i.ALL - {i.NLU_FALLBACK}


def test_the_groups_do_not_overlap():
    groups = [i.SMALL_TALK, i.STATUS, i.VERDICT, i.SITUATION, i.QUESTIONS]
    assert sum(len(g) for g in groups) == len(frozenset().union(*groups))


def test_the_training_data_and_rules_use_only_these_intents():
    used = {block["intent"] for f in (ROOT / "data" / "nlu").glob("*.yml") for block in _yaml(f).get("nlu", [])
            if "intent" in block}
    for f in (ROOT / "data" / "rules").glob("*.yml"):
        for rule in _yaml(f).get("rules", []):
            for step in rule["steps"]:
                used |= {step["intent"]} if "intent" in step else {s["intent"] for s in step.get("or", [])}
    assert used <= i.ALL and used >= i.QUESTIONS


def test_every_aspect_intent_is_a_question_intent(kb):
    assert set(kb.aspect_of_intent()) <= i.QUESTIONS
    assert len(set(kb.aspect_of_intent().values())) == len(kb.aspect_of_intent())

"""The floor bot is built from the assistant's own NLU pipeline and intents, whatever they are now."""

from __future__ import annotations

import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from scripts.floor_bot import FALLBACK_INTENT, RESPONSE, write_floor
from tests.conftest import ROOT


def test_floor_has_our_pipeline_and_answers_every_intent_with_the_fixed_response(tmp_path):
    write_floor(tmp_path)
    ours = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    floor = yaml.safe_load((tmp_path / "config.yml").read_text(encoding="utf-8"))
    assert floor["pipeline"] == ours["pipeline"] and floor["policies"] == [{"name": "RulePolicy"}]

    domain = Domain.load(tmp_path / "domain.yml")
    assert set(domain.intents) == set(Domain.load(ROOT / "domain.yml").intents)
    intents = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
    assert domain.user_actions == [RESPONSE]  # no custom action

    rules = YAMLStoryReader(domain).read_from_file(tmp_path / "rules.yml")
    answered = {rule.events[1].intent_name for rule in rules if rule.events[2].action_name == RESPONSE}
    assert answered == {*intents, FALLBACK_INTENT}

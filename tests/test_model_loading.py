"""A model loaded without Rasa's training step predicts exactly what one loaded Rasa's way does."""

from __future__ import annotations

import asyncio

import pytest
import yaml

from tests.conftest import ROOT

MODEL = ROOT / "models" / "assistant.tar.gz"


def questions() -> list[str]:
    cases = yaml.safe_load((ROOT / "tests/data/routing.yml").read_text(encoding="utf-8"))
    return [*[case["q"] for case in cases][:150], "你好", "谢谢", "第二个", "/greet", "算了"]


async def parses(texts: list[str]) -> list[tuple[object, object]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return [((p := await agent.parse_message(t))["intent"], p.get("intent_ranking")) for t in texts]


@pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")
def test_the_same_predictions_to_the_last_bit(monkeypatch):
    from rasa.utils.tensorflow.models import RasaModel

    from rasa_ext.model_loading import without_training
    from rasa_ext.patches import stored

    texts = questions()
    rasa_way = asyncio.run(parses(texts))
    monkeypatch.setattr(RasaModel, "load", without_training(stored(RasaModel, "load")))
    ours = asyncio.run(parses(texts))
    assert len(ours) == len(texts) and ours == rasa_way

"""The Rasa NLU components of rasa_ext/nlu.py, run directly on Rasa messages (no trained model needed)."""

from __future__ import annotations

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.nlu import KnowledgeEntityExtractor, NormalisingJiebaTokenizer, QuestionIntentKeeper
from tests.conftest import rasa_entities


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory) -> NormalisingJiebaTokenizer:
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    return NormalisingJiebaTokenizer(NormalisingJiebaTokenizer.get_default_config(), storage, Resource("tokenizer"))


def test_tokens_are_normalised_words_at_the_offsets_of_the_message(tokenizer):
    text = "湖州證書 Renew 要帶啥"
    tokens = tokenizer.tokenize(Message(data={"text": text}), "text")
    words = [t.text for t in tokens]
    assert "证书" in words and "延续" in words and "renew" not in [w.lower() for w in words]
    renew = next(t for t in tokens if t.text == "延续")
    assert text[renew.start:renew.end] == "Renew"
    assert all(text[t.start:t.end].strip() for t in tokens)


def test_the_extractor_adds_the_readers_entities(reader):
    message = Message(data={"text": "省平台的证书注锁要带啥", "entities": [{"entity": "other", "value": "x"}]})
    KnowledgeEntityExtractor(reader).process([message])
    entities = message.get("entities")
    assert entities[0] == {"entity": "other", "value": "x"}
    found = {(e["entity"], e["value"]) for e in entities}
    assert {("certificate", "P"), ("matter", "cancel"), ("aspect", "materials")} <= found
    assert all(e["extractor"] == "KnowledgeEntityExtractor" for e in entities[1:])


def test_the_extractor_leaves_an_empty_message_alone(reader):
    message = Message(data={"text": ""})
    KnowledgeEntityExtractor(reader).process([message])
    assert not message.get("entities")


def keep(intent: str, entities: list[dict], ranking: list[tuple[str, float]]) -> dict:
    message = Message(data={"text": "x", "intent": {"name": intent, "confidence": ranking[0][1]},
                            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
                            "entities": entities})
    QuestionIntentKeeper().process([message])
    return message.get("intent")


def test_the_keeper_takes_the_intent_the_entities_leave_as_sure_as_the_classifier_was(reader):
    entities = rasa_entities(reader, "那注销呢")
    assert keep("deny", entities, [("deny", 0.7), ("affirm", 0.1), ("ask_guide", 0.1)]) == \
        {"name": "ask_guide", "confidence": 0.7}


def test_the_keeper_leaves_an_intent_that_stands(reader):
    entities = rasa_entities(reader, "延续要带什么材料，多久能办好")
    assert keep("ask_time", entities, [("ask_time", 0.6), ("ask_materials", 0.3)]) == {"name": "ask_time",
                                                                                        "confidence": 0.6}

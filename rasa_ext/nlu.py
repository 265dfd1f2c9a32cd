"""Rasa NLU components: a jieba tokenizer on normalised text, the knowledge-base entity extractor, and the
keeper of question intents."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jieba
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.base import default_knowledge
from bot.knowledge.lexicon import default_lexicon
from bot.language.entities import EntityReader
from bot.language.routing import IntentRouter
from bot.language.text import Normaliser


@lru_cache(maxsize=1)
def _reader() -> EntityReader:
    return EntityReader(default_knowledge(), default_lexicon())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class NormalisingJiebaTokenizer(JiebaTokenizer):
    """Tokenize with jieba after normalising (simplified, half-width, English words read as Chinese).

    Tokens carry the normalised words, at the offsets of the message as written.
    """

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Return tokens of the normalised text, at the offsets of the original."""
        norm = _normaliser()(message.get(attribute) or "")
        tokens = []
        for word, start, end in jieba.tokenize(norm.text):
            if not word.strip():
                continue
            s, e = norm.span(start, end)
            tokens.append(Token(word, s, e))
        return self._apply_token_pattern(tokens)


@lru_cache(maxsize=1)
def _normaliser() -> Normaliser:
    return Normaliser()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class KnowledgeEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Emit the knowledge base's entities (certificate, matter, aspects, forms, contacts, materials, facts)."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> KnowledgeEntityExtractor:
        """Create the component (the knowledge base and lexicon are read from knowledge/)."""
        return cls()

    def __init__(self, reader: EntityReader | None = None) -> None:
        self.reader = reader or _reader()

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the entities found in each message's text."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            found = [e.as_rasa(self.name) for e in self.reader.read(text)]
            message.set(ENTITIES, [*message.get(ENTITIES, []), *found], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leave training data as it is (entities come from the knowledge base, not from training)."""
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionIntentKeeper(GraphComponent, IntentClassifier):
    """Take the intent the knowledge base's entities leave when they rule out the classifier's
    (bot/language/routing.py decides: "那注销呢" is no "no", "我1961年出生，还能延续吗" no look-up)."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> QuestionIntentKeeper:
        """Create the component (the knowledge base is read from knowledge/)."""
        return cls()

    def __init__(self, router: IntentRouter | None = None) -> None:
        self.router = router or IntentRouter(default_knowledge())

    def process(self, messages: list[Message]) -> list[Message]:
        """Replace the classifier's intent by the one the entities leave, as sure as the classifier was."""
        for message in messages:
            picked = message.get(INTENT) or {}
            ranking = [(str(r.get(INTENT_NAME_KEY)), float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
                       for r in message.get(INTENT_RANKING_KEY) or []]
            taken = self.router.route(picked.get(INTENT_NAME_KEY), ranking, message.get(ENTITIES, []))
            if taken and taken != picked.get(INTENT_NAME_KEY):
                ranked = [c for name, c in ranking if name == taken] or [1.0]  # none left: the entities decided
                confidence = max(ranked[0], float(picked.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
                message.set(INTENT, {INTENT_NAME_KEY: taken, PREDICTED_CONFIDENCE_KEY: confidence},
                            add_to_output=True)
        return messages

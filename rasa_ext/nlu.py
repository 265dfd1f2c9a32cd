"""Rasa NLU components: a jieba tokenizer on normalised text, and the knowledge-base entity extractor."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jieba
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.base import default_knowledge
from bot.knowledge.lexicon import default_lexicon
from bot.language.entities import EntityReader
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

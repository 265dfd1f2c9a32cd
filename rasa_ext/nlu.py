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
    """Keep small talk and status look-ups from swallowing a question.

    When the classifier's best intent is small talk ("再见", "好的") but the message names what questions are
    about (a matter, a form, a contact, a policy …, or asks an aspect without telling facts), the best-ranked
    question intent is taken instead: "那注销呢" is not a "no", and "国家注册转册要哪些材料" is not a goodbye.
    Likewise a status intent without an ID number and without asking about progress ("我1961年出生，还能延续吗")
    is a question about a procedure, not a look-up.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the intents counted as small talk and the entities that make a message a question."""
        return {
            "small_talk": ["greet", "thank", "goodbye", "bot_challenge", "affirm", "deny", "stop"],
            "status": ["check_status", "inform_identity"],
            "intents": ["greet", "thank", "goodbye", "bot_challenge", "affirm", "deny", "stop", "ask_materials",
                        "ask_conditions", "ask_process", "ask_time", "ask_forms", "ask_contact", "ask_policy",
                        "ask_guide", "inform_certificate", "choose_option", "ask_one_trip", "inform_situation",
                        "out_of_scope", "check_status", "inform_identity", "nlu_fallback"],
            "status_entities": ["id_number", "progress"],
            "naming_entities": ["matter", "form", "contact", "policy", "topic", "out_of_scope", "certificate"],
            "asking_entities": ["aspect"],
            "fact_entities": ["age", "expiry", "validity", "proxy", "other_registration", "employer_region",
                              "trained_here", "ready", "specialties", "material", "birth_date", "correction_field"],
            "verdict_intents": ["ask_one_trip"],
            "situation_intents": ["inform_situation"],
            "aspect_intents": {"materials": "ask_materials", "forms": "ask_forms", "time": "ask_time",
                               "conditions": "ask_conditions", "process": "ask_process", "contact": "ask_contact"},
            "verdict_aspects": ["trips", "conditions", "proxy"],
            "trip_aspects": ["trips"],
            "whole_guide_aspects": ["guide"],
            "finding_out_aspects": ["process"],
        }

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> QuestionIntentKeeper:
        """Create the component from its configuration."""
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        config = {**self.get_default_config(), **config}  # a model trained before a key was added
        self.small_talk = frozenset(config["small_talk"])
        self.intents = frozenset(config["intents"])
        self.status = frozenset(config["status"])
        self.status_entities = frozenset(config["status_entities"])
        self.naming = frozenset(config["naming_entities"])
        self.asking = frozenset(config["asking_entities"])
        self.facts = frozenset(config["fact_entities"])
        self.case_facts = self.facts - {"material"}  # a material is named in look-ups too ("材料收到了吗")
        self.verdict_intents = frozenset(config["verdict_intents"])
        self.situation_intents = frozenset(config["situation_intents"])
        self.aspect_intents: dict[str, str] = dict(config["aspect_intents"])
        self.verdict_aspects = frozenset(config["verdict_aspects"])
        self.trip_aspects = frozenset(config["trip_aspects"])
        self.whole_guide = frozenset(config["whole_guide_aspects"])
        self.finding_out = frozenset(config["finding_out_aspects"])

    def _is_question(self, entities: list[dict[str, Any]]) -> bool:
        names = {e.get("entity") for e in entities if e.get("role") not in ("generic", "hint")}
        return bool(names & self.naming) or (bool(names & self.asking) and not names & self.case_facts)

    def _overruled(self, intent: str | None, entities: list[dict[str, Any]]) -> frozenset[str]:
        """Return the intents a message cannot have, given its entities (none when its intent stands)."""
        names = {e.get("entity") for e in entities}
        tells = bool(names & self.case_facts) or any(  # "…证明还没拿到": a missing material is a fact of the case
            e.get("entity") == "material" and e.get("role") == "missing" for e in entities)
        asked = {e.get("value") for e in entities if e.get("entity") == "aspect"}
        if "progress" in names and intent not in self.status and not asked - self.whole_guide:
            return self.intents - self.status  # "我的延续办好没": a status question (not "怎么知道批了没")
        if intent in self.status and not names & self.status_entities and names & self.case_facts:
            return self.small_talk | self.status  # "我老婆帮我去交可以不": a question, not a look-up
        if intent in self.status and "id_number" not in names and asked & self.finding_out:
            return self.small_talk | self.status  # "审核结果去哪里看": how to find out, not a look-up
        if intent in self.verdict_intents and asked and not asked & self.verdict_aspects and not tells and \
                not names & {"policy", "trip_situation"}:
            return self.small_talk | self.status | self.verdict_intents  # "现在补办来得及吗": the time, no verdict
        if intent in self.aspect_intents.values() and asked & self.trip_aspects and tells:
            return self.intents - self.verdict_intents - self.situation_intents  # "只带了…，能一次办好吗": a verdict
        if intent in self.situation_intents and asked and not tells and "trip_situation" not in names:
            return self.situation_intents  # "那还差哪些材料": asks an aspect and tells no fact, so no situation
        if not self._is_question(entities):
            return frozenset()
        if intent in self.small_talk | self.status and not names & self.status_entities:
            return self.small_talk | self.status  # nor a look-up in the ranking below a "不" read as "no"
        if intent in self.small_talk:
            return self.small_talk
        return frozenset()

    def process(self, messages: list[Message]) -> list[Message]:
        """Replace a small-talk or status intent by the best question intent when the message is a question."""
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            entities = message.get(ENTITIES, [])
            ranking = message.get(INTENT_RANKING_KEY) or []
            ruled_out: frozenset[str] = frozenset()
            best = None
            for _ in range(len(self.intents)):  # the intent taken instead may itself be ruled out ("那还差哪些材料")
                more = self._overruled(best[INTENT_NAME_KEY] if best else intent, entities)
                if not more or more <= ruled_out:
                    break
                ruled_out |= more
                best = next((r for r in ranking if r.get(INTENT_NAME_KEY) not in ruled_out), None)
                if best is None and not self.status <= ruled_out:
                    best = {INTENT_NAME_KEY: "check_status", PREDICTED_CONFIDENCE_KEY: 1.0}
                if best is None and not self.verdict_intents <= ruled_out:
                    best = {INTENT_NAME_KEY: min(self.verdict_intents), PREDICTED_CONFIDENCE_KEY: 1.0}
                if best is None:
                    break
            if best:  # as sure as the classifier was of its own pick: the entities decided between them
                confidence = max(best.get(PREDICTED_CONFIDENCE_KEY, 0.0),
                                 (message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY, 0.0))
                message.set(INTENT, {INTENT_NAME_KEY: best[INTENT_NAME_KEY], PREDICTED_CONFIDENCE_KEY: confidence},
                            add_to_output=True)
            self._follow_the_aspect(message, entities)
        return messages

    def _follow_the_aspect(self, message: Message, entities: list[dict[str, Any]]) -> None:
        """Name an aspect question by the one aspect the message asks ("那还差哪些材料" asks for materials, whichever
        aspect intent the classifier leaned to); the answer reads the aspect itself, the intent then agrees."""
        intent = message.get(INTENT) or {}
        asked = {e.get("value") for e in entities if e.get("entity") == "aspect" and not e.get("role")}
        if intent.get(INTENT_NAME_KEY) not in self.aspect_intents.values() or len(asked) != 1:
            return
        named = self.aspect_intents.get(str(next(iter(asked))))
        if named and named != intent.get(INTENT_NAME_KEY):
            message.set(INTENT, {**intent, INTENT_NAME_KEY: named}, add_to_output=True)

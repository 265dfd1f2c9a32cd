"""A jieba tokenizer that reads traditional characters and full-width forms as simplified."""

from __future__ import annotations

import jieba
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from bot.language.text import simplify


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class SimplifiedJiebaTokenizer(JiebaTokenizer):
    """Tokenize with jieba after converting to simplified characters (offsets kept)."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Return tokens of the simplified text, at the offsets of the original."""
        text = message.get(attribute)
        converted = simplify(text)
        if len(converted) != len(text):
            converted = text
        tokens = [Token(word, start) for (word, start, _end) in jieba.tokenize(converted)]
        return self._apply_token_pattern(tokens)

"""Measure how often jieba's part-of-speech tagger runs, and the CPU it takes, to read every message of the evaluation sets.

    PYTHONPATH=. python scripts/tagging_cost.py

Each message goes through the three readers that tag it in a turn: the entity reader (the NLU), the name reader
(a look-up's name) and the turn log's masking of names. Prints the messages, the tagger's runs and remembered
results (bot/language/names.py `tagged_words`), and the CPU milliseconds per message of the three readers.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import yaml

from bot.database.turns import TurnLog
from bot.knowledge.base import default_knowledge
from bot.knowledge.lexicon import default_lexicon
from bot.language.entities import EntityReader
from bot.language.names import NameReader, _tagged
from bot.language.terms import dictionary_words, matter_words

ROOT = Path(__file__).resolve().parent.parent
SETS = [ROOT.parent / "shared/eval/dev_cases.yml", ROOT.parent / "shared/eval/robust_cases.yml",
        *sorted((ROOT / "tests/data").glob("heldout_*.yml"))]
SAID = ("user", "text", "say", "message")  # the keys a case's messages are under


def messages(value: Any) -> list[str]:
    """Return every message of an evaluation set's cases."""
    if isinstance(value, dict):
        return [m for k, v in value.items() for m in ([v] if isinstance(v, str) and k in SAID else messages(v))]
    if isinstance(value, list):
        return [m for v in value for m in messages(v)]
    return []


def main() -> None:
    """Read every message as a turn does and print what the tagging cost."""
    kb, lexicon = default_knowledge(), default_lexicon()
    reader = EntityReader(kb, lexicon)
    names = NameReader(lexicon.names, dictionary_words(kb, lexicon), matter_words(kb, lexicon))
    log = TurnLog(None, "measure", names=names)  # type: ignore[arg-type]  # masking only: no database
    texts = [m for path in SETS if path.exists() for m in messages(yaml.safe_load(path.read_text(encoding="utf-8")))]
    reader.read("你好")
    _tagged.cache_clear()
    start = time.process_time()
    for text in texts:
        reader.read(text)
        names.find(text)
        log.masked(text)
    spent = time.process_time() - start
    info = _tagged.cache_info()
    print(f"{len(texts)} messages: the tagger ran {info.misses} times, {info.hits} results remembered; "
          f"{spent * 1000 / len(texts):.1f} ms CPU a message for the three readers")


if __name__ == "__main__":
    main()

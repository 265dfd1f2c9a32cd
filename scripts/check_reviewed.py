"""After training: mark the reviewed wordings the model was trained on, and check which it reads as labelled.

    PYTHONPATH=. python scripts/check_reviewed.py [--model models/assistant.tar.gz] [--data data/nlu/reviewed.yml]

`make train` runs it last. A model newer than the reviewed-examples file was trained on every example in it:
those reviews stop awaiting training. Then every review that trains an intent and was not checked against this
model (by the fingerprint of its file) is parsed by the model and judged as the console shows it: ✓ when the
dialogue, with no context, would answer it as labelled (bot/feedback/labels.py `reads_as`). Rasa is loaded
only when there is something to check.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.database.engine import make_engine
from bot.database.migrate import require_current
from bot.dialogue.questions import Questions
from bot.feedback.export import OUTPUT, read_examples
from bot.feedback.labels import reads_as
from bot.feedback.queue import ReviewQueue
from bot.knowledge.base import KnowledgeBase, default_knowledge
from bot.settings import get_settings

Parser = Callable[[str], Awaitable[dict[str, Any]]]


def fingerprint(model: Path) -> str:
    """Return what identifies a model file (SHA-256 of its content)."""
    digest = hashlib.sha256()
    with model.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()[:40]}"


async def check(queue: ReviewQueue, kb: KnowledgeBase, parse: Parser, model_id: str) -> tuple[int, int]:
    """Judge every review not yet checked against this model; return (read as labelled, checked)."""
    questions = Questions(kb)
    right = checked = 0
    for review in queue.unchecked(model_id):
        ok = reads_as(review.label, kb, questions, await parse(review.wording))
        queue.record_check(review.id, right=ok, model=model_id)
        right += ok
        checked += 1
    return right, checked


def rasa_parser(model: Path) -> Parser:
    """Return the parse of a loaded Rasa model (the same the NLU server gives)."""
    from rasa.core.agent import Agent  # Rasa is slow to import: only when there is something to check
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)  # not a line per parse
    agent = Agent.load(str(model))
    return agent.parse_message


def main(argv: list[str]) -> int:
    """Mark what the model was trained on and check the reviews against it."""
    parser = argparse.ArgumentParser(prog="check_reviewed.py")
    parser.add_argument("--model", type=Path, default=Path("models/assistant.tar.gz"))
    parser.add_argument("--data", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"{args.model} 不存在：请先 make train", file=sys.stderr)
        return 1
    engine = make_engine(get_settings().database_url)
    require_current(engine)
    queue = ReviewQueue(engine)
    if args.data.exists() and args.model.stat().st_mtime >= args.data.stat().st_mtime:
        trained = queue.mark_trained({e.text for e in read_examples(args.data)})
        print(f"新训练进模型的复核问法：{trained} 条")
    model_id = fingerprint(args.model)
    if not queue.unchecked(model_id):
        print("复核问法都已用这个模型核对过")
        return 0

    async def run() -> tuple[int, int]:
        return await check(queue, default_knowledge(), rasa_parser(args.model), model_id)

    right, checked = asyncio.run(run())
    print(f"用 {args.model} 核对复核问法 {checked} 条：{right} 条已能读懂，{checked - right} 条还读不懂（见控制台“问题复核”）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

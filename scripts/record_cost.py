"""Measure the CPU keeping one reply in the turn log costs (TurnLog.record), on a scratch SQLite status store.

    PYTHONPATH=. python scripts/record_cost.py [--replies 400] [--rounds 5]

The replies are four questions of scripts/benchmark.py's conversations, from seven conversations in turn, kept
as the actions keep them (names read and masked, the clarification before settled). Prints the CPU per reply of
each round and their median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.database.engine import make_engine
from bot.database.migrate import upgrade
from bot.database.turns import TurnCreate, TurnLog
from bot.knowledge.base import default_knowledge
from bot.knowledge.lexicon import default_lexicon
from bot.language.names import NameReader
from bot.language.terms import dictionary_words, matter_words

MESSAGES = ("湖州市监理工程师培训合格证丢了，补证要带什么", "那要多久能拿到",
            "国家注册监理工程师延续注册最早什么时候申报", "谢谢")


def main() -> int:
    """Keep replies round by round and print the CPU per reply."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replies", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    kb, lexicon = default_knowledge(), default_lexicon()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'status.db'}"
        upgrade(make_engine(url))
        log = TurnLog(make_engine(url, durable=False), "measuring",
                      names=NameReader(lexicon.names, dictionary_words(kb, lexicon), matter_words(kb, lexicon)))

        def keep(count: int) -> None:
            for n in range(count):
                log.record(TurnCreate(sender=f"user{n % 7}", channel="rest", message=MESSAGES[n % len(MESSAGES)],
                                      intent="ask_materials", confidence=0.9, kind="procedure",
                                      procedures=["H-REISSUE"], clarification=n % 5 == 0))

        keep(50)  # connections opened, statements compiled, jieba loaded
        per_reply = []
        for _ in range(args.rounds):
            start = time.process_time()
            keep(args.replies)
            per_reply.append((time.process_time() - start) / args.replies * 1000)
            print(f"{per_reply[-1]:.3f} ms of CPU per reply")
        print(f"median {statistics.median(per_reply):.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Summarise `rasa test nlu` on newly generated fills (`bot.language.training --holdout`, none of them trained on)
and fail when intent F1 falls under the threshold.

    python scripts/nlu_quality.py results/nlu [--min-f1 0.90]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

MIN_F1 = 0.90  # measured 0.98 weighted on 2,007 held-out fills (docs/benchmarks.md), less a margin for new fills


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--min-f1", type=float, default=MIN_F1)
    args = ap.parse_args()
    report = json.loads((Path(args.results) / "intent_report.json").read_text(encoding="utf-8"))
    weighted = report["weighted avg"]["f1-score"]
    macro = report["macro avg"]["f1-score"]
    print(f"intent F1: weighted {weighted:.3f}, macro {macro:.3f}, accuracy {report.get('accuracy', 0):.3f}")
    pairs = []
    for intent, figures in report.items():
        if isinstance(figures, dict) and "confused_with" in figures:
            pairs += [(n, intent, other) for other, n in figures["confused_with"].items()]
    print("most confused (true -> predicted: count):")
    for n, intent, other in sorted(pairs, reverse=True)[:8]:
        print(f"  {intent} -> {other}: {n}")
    weakest = sorted((f["f1-score"], i) for i, f in report.items() if isinstance(f, dict) and "support" in f
                     and i not in ("macro avg", "weighted avg", "micro avg"))[:5]
    print("weakest intents:", ", ".join(f"{i} {f:.2f}" for f, i in weakest))
    if weighted < args.min_f1:
        print(f"intent F1 {weighted:.3f} is under the threshold {args.min_f1}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

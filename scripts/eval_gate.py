"""Fail when an evaluation report's pass rate, overall or in any category, is under its threshold.

    python scripts/eval_gate.py REPORT.json --min-rate 0.95 --min-category 0.90
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path


def main() -> int:
    """Check one run_eval.py report against the thresholds."""
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--min-rate", type=float, default=1.0)
    ap.add_argument("--min-category", type=float, default=0.0)
    args = ap.parse_args()
    results = json.loads(Path(args.report).read_text(encoding="utf-8"))
    by: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        by[(r.get("tags") or ["(none)"])[0]].append(r["passed"])
    rate = sum(r["passed"] for r in results) / max(1, len(results))
    low = {c: sum(v) / len(v) for c, v in by.items() if sum(v) / len(v) < args.min_category}
    print(f"{args.report}: {100 * rate:.1f}% overall (at least {100 * args.min_rate:.0f}%)"
          + "".join(f"; {c} {100 * r:.0f}% (at least {100 * args.min_category:.0f}%)" for c, r in sorted(low.items())))
    return 1 if rate < args.min_rate or low else 0


if __name__ == "__main__":
    sys.exit(main())

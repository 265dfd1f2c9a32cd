"""Print pass rates per category and per difficulty tag from run_eval.py reports (--report JSON).

    python scripts/eval_table.py results/robust.json [results/dev.json ...]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

DIFFICULTIES = ("typo", "colloquial", "voice", "traditional", "mixed_lang", "third_party", "multi_aspect", "followup",
                "situation", "date_relative", "near_domain")


def table(results: list[dict]) -> str:
    """Return the per-category and per-difficulty table of one report, as Markdown."""
    by: dict[str, dict[str, list[bool]]] = {"category": defaultdict(list), "difficulty": defaultdict(list)}
    for r in results:
        tags = r.get("tags") or ["(none)"]
        by["category"][tags[0]].append(r["passed"])
        for t in tags[1:]:
            if t in DIFFICULTIES:
                by["difficulty"][t].append(r["passed"])
    lines = []
    for kind, groups in by.items():
        if not groups:
            continue
        lines += [f"| {kind} | passed | rate |", "|---|---|---|"]
        for name in sorted(groups):
            ok = groups[name]
            lines.append(f"| {name} | {sum(ok)}/{len(ok)} | {100 * sum(ok) / len(ok):.0f}% |")
        lines.append("")
    passed = sum(r["passed"] for r in results)
    lines.append(f"overall {passed}/{len(results)} ({100 * passed / max(1, len(results)):.1f}%)")
    return "\n".join(lines)


def main(paths: list[str]) -> int:
    """Print the table of each report."""
    for path in paths:
        print(f"## {path}\n")
        print(table(json.loads(Path(path).read_text(encoding="utf-8"))))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

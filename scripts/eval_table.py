"""Print pass rates per category and per difficulty tag from run_eval.py reports (--report JSON).

    python scripts/eval_table.py results/robust.json [results/dev.json ...]
    python scripts/eval_table.py --compare before.json after.json     # one table, a column per report
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

DIFFICULTIES = ("typo", "colloquial", "voice", "traditional", "mixed_lang", "third_party", "multi_aspect", "followup",
                "situation", "date_relative", "near_domain")


def groups(results: list[dict]) -> dict[str, dict[str, list[bool]]]:
    """Return the pass of each case by category (first tag) and by difficulty tag."""
    by: dict[str, dict[str, list[bool]]] = {"category": defaultdict(list), "difficulty": defaultdict(list)}
    for r in results:
        tags = r.get("tags") or ["(none)"]
        by["category"][tags[0]].append(r["passed"])
        for t in tags[1:]:
            if t in DIFFICULTIES:
                by["difficulty"][t].append(r["passed"])
    return by


def cell(ok: list[bool]) -> str:
    """Say passed/total and the rate."""
    return f"{sum(ok)}/{len(ok)} ({100 * sum(ok) / len(ok):.0f}%)" if ok else "—"


def table(reports: list[list[dict]], names: list[str]) -> str:
    """Return the per-category and per-difficulty table of one or more reports, as Markdown."""
    grouped = [groups(r) for r in reports]
    lines = []
    for kind in ("category", "difficulty"):
        keys = sorted({k for g in grouped for k in g[kind]})
        if not keys:
            continue
        lines += [f"| {kind} | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        lines += [f"| {k} | " + " | ".join(cell(g[kind].get(k, [])) for g in grouped) + " |" for k in keys]
        lines.append("")
    lines.append("| **overall** | " + " | ".join(f"**{cell([r['passed'] for r in rs])}**" for rs in reports) + " |")
    return "\n".join(lines)


def main(args: list[str]) -> int:
    """Print the table of each report, or one table comparing them."""
    compare = args[:1] == ["--compare"]
    paths = args[1:] if compare else args
    reports = [json.loads(Path(p).read_text(encoding="utf-8")) for p in paths]
    if compare:
        print(table(reports, [Path(p).stem for p in paths]))
        return 0
    for path, report in zip(paths, reports, strict=True):
        print(f"## {path}\n\n{table([report], ['passed'])}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Draw the benchmark's plots from its JSON files (scripts/bench.sh writes both into results/bench/).

    python scripts/bench_plots.py results/bench [--before docs/bench-before]

growth.png: the latency of every turn of one long conversation, assistant and floor (and the median of
each ten turns). load.png: p50 and p95 turn latency and turns per second against the number of users
sending back to back (load-N.json for every N found). memory.png: the resident memory of each process after
the evaluation sets (memory.json). With --before, the same measurements of an earlier design (a folder of
the same JSON files) are drawn beside them.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after choosing the backend

COLOURS = {"assistant": "tab:blue", "floor": "tab:gray", "before": "tab:orange"}
PROCESS_COLOURS = {"rasa": "tab:blue", "nlu": "tab:purple", "actions": "tab:green", "web": "tab:olive"}
WINDOW = 10
TARGET_MB = 1200  # issue 19: the whole stack under make run


def plot_growth(growth: dict[str, Any], out: Path) -> None:
    """Plot latency against turn number for the assistant and the floor."""
    fig, ax = plt.subplots(figsize=(9, 4.5))
    everything: list[float] = []
    for name in ("assistant", "floor"):
        if name not in growth:
            continue
        turns = growth[name]["per_turn"]
        x = [t["turn"] for t in turns]
        y = [t["ms"] for t in turns]
        everything += y
        ax.scatter(x, y, s=6, alpha=0.35, color=COLOURS[name])
        medians = [statistics.median(y[i:i + WINDOW]) for i in range(0, len(y), WINDOW)]
        ax.plot([x[i] + WINDOW / 2 for i in range(0, len(y), WINDOW)], medians, color=COLOURS[name],
                label=f"{name}: median of each {WINDOW} turns")
    ax.set_xlabel("turn of one conversation")
    ax.set_ylabel("turn latency (ms)")
    ax.set_ylim(0, 1.3 * sorted(everything)[int(0.98 * (len(everything) - 1))])  # a few outliers lie above
    ax.set_title("Latency along one long conversation (one user, back to back)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_load(loads: dict[int, dict[str, Any]], out: Path, before: dict[int, dict[str, Any]] | None = None) -> None:
    """Plot p50/p95 latency and turns per second against the number of concurrent users (and those before)."""
    users = sorted(loads)
    fig, (latency, throughput) = plt.subplots(1, 2, figsize=(11, 4.5))
    lines = [(name, name, loads) for name in ("assistant", "floor")]
    if before:
        lines.append(("before", "assistant", before))
    for label, name, source in lines:
        xs = [u for u in users if u in source and name in source[u]]
        runs = [source[u][name] for u in xs]
        if not runs:
            continue
        latency.plot(xs, [r["p50_ms"] for r in runs], marker="o", color=COLOURS[label], label=f"{label} p50")
        latency.plot(xs, [r["p95_ms"] for r in runs], marker="s", linestyle="--", color=COLOURS[label],
                     label=f"{label} p95")
        throughput.plot(xs, [r["turns_per_second"] for r in runs], marker="o", color=COLOURS[label], label=label)
    latency.set_xlabel("users sending back to back")
    latency.set_ylabel("turn latency (ms)")
    latency.set_ylim(bottom=0)
    latency.legend()
    throughput.set_xlabel("users sending back to back")
    throughput.set_ylabel("turns per second")
    throughput.set_ylim(bottom=0)
    throughput.legend()
    for ax in (latency, throughput):
        ax.set_xticks(users)
    fig.suptitle("Under load")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_memory(designs: dict[str, dict[str, Any]], out: Path) -> None:
    """Plot the resident memory of each process, stacked, for each design, against the target."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for x, memory in enumerate(designs.values()):
        bottom = 0.0
        for process, mb in sorted(memory["memory_mb"].items(), key=lambda item: -item[1]["rss"]):
            ax.bar(x, mb["rss"], bottom=bottom, color=PROCESS_COLOURS.get(process, "tab:gray"), edgecolor="white")
            if mb["rss"] > 150:
                ax.text(x, bottom + mb["rss"] / 2, f"{process}\n{mb['rss']} MB", ha="center", va="center", fontsize=8)
            bottom += mb["rss"]
        ax.text(x, bottom + 30, f"{memory['rss_total_mb']} MB", ha="center", fontweight="bold")
    ax.axhline(TARGET_MB, color="tab:red", linestyle="--", label=f"target {TARGET_MB} MB")
    ax.set_ylim(0, 1.15 * max(TARGET_MB, *(m["rss_total_mb"] for m in designs.values())))
    ax.set_xticks(range(len(designs)), list(designs))
    ax.set_ylabel("resident memory (MB), after the evaluation sets")
    ax.set_title("Memory of the stack make run starts")
    ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def loads_in(folder: Path) -> dict[int, dict[str, Any]]:
    """Return the load measurements of a folder by number of users."""
    return {int(m.group(1)): json.loads(p.read_text(encoding="utf-8"))
            for p in folder.glob("load-*.json") if (m := re.fullmatch(r"load-(\d+)\.json", p.name))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--before", type=Path, help="the same measurements of an earlier design")
    args = ap.parse_args()
    folder: Path = args.folder
    growth = folder / "growth.json"
    if growth.exists():
        plot_growth(json.loads(growth.read_text(encoding="utf-8")), folder / "growth.png")
    loads = loads_in(folder)
    if loads:
        plot_load(loads, folder / "load.png", loads_in(args.before) if args.before else None)
    designs = {f"{name} ({len(json.loads(p.read_text(encoding='utf-8'))['assistant']['memory_mb'])} processes)":
               json.loads(p.read_text(encoding="utf-8"))["assistant"]
               for name, p in (("before", args.before / "memory.json" if args.before else None),
                               ("now", folder / "memory.json")) if p is not None and p.exists()}
    if designs:
        plot_memory(designs, folder / "memory.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())

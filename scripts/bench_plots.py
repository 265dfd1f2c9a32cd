"""Draw the benchmark's plots from its JSON files (scripts/bench.sh writes both into results/bench/).

    python scripts/bench_plots.py results/bench

growth.png: the latency of every turn of one long conversation, assistant and floor (and the median of
each ten turns). load.png: p50 and p95 turn latency and turns per second against the number of users
sending back to back (load-N.json for every N found).
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after choosing the backend

COLOURS = {"assistant": "tab:blue", "floor": "tab:gray"}
WINDOW = 10


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


def plot_load(loads: dict[int, dict[str, Any]], out: Path) -> None:
    """Plot p50/p95 latency and turns per second against the number of concurrent users."""
    users = sorted(loads)
    fig, (latency, throughput) = plt.subplots(1, 2, figsize=(11, 4.5))
    for name in ("assistant", "floor"):
        runs = [loads[u][name] for u in users if name in loads[u]]
        if not runs:
            continue
        latency.plot(users, [r["p50_ms"] for r in runs], marker="o", color=COLOURS[name], label=f"{name} p50")
        latency.plot(users, [r["p95_ms"] for r in runs], marker="s", linestyle="--", color=COLOURS[name],
                     label=f"{name} p95")
        throughput.plot(users, [r["turns_per_second"] for r in runs], marker="o", color=COLOURS[name], label=name)
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


def main() -> int:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = Path(sys.argv[1])
    growth = folder / "growth.json"
    if growth.exists():
        plot_growth(json.loads(growth.read_text(encoding="utf-8")), folder / "growth.png")
    loads = {int(m.group(1)): json.loads(p.read_text(encoding="utf-8"))
             for p in folder.glob("load-*.json") if (m := re.fullmatch(r"load-(\d+)\.json", p.name))}
    if loads:
        plot_load(loads, folder / "load.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())

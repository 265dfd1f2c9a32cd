"""Measure the CPU a turn costs in several running Rasa servers, side by side, one conversation at a time.

    python scripts/cpu_side_by_side.py --server now=http://127.0.0.1:5005,PID --server floor=http://127.0.0.1:5006,PID
                                       [--server before=...] [--repeats 15]

One user sends every conversation of scripts/benchmark.py CONVERSATIONS `--repeats` times (a fresh sender each
time) to each server in turn, conversation by conversation, so that every server meets the machine's other work
at about the same moment; the CPU each server's process (and its children) used is read from /proc before and
after. Prints the CPU per turn of each conversation and of all of them, and each server's ratio to the last one.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import CONVERSATIONS, cpu_seconds, post


def main() -> int:
    """Run the conversations against each server and print the CPU per turn."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", action="append", required=True, help="NAME=URL,PID (the last one is the reference)")
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    servers = []
    for spec in args.server:
        name, _, rest = spec.partition("=")
        url, _, pid = rest.rpartition(",")
        servers.append((name, url, int(pid)))
    totals = {name: 0.0 for name, _, _ in servers}
    turns = 0
    for conversation in CONVERSATIONS:
        row = []
        for name, url, pid in servers:
            before = cpu_seconds(pid)
            for _ in range(args.repeats):
                sender = uuid.uuid4().hex
                for text in conversation:
                    post(url, sender, text)
            spent = (cpu_seconds(pid) - before) * 1000
            totals[name] += spent
            row.append(f"{name} {spent / args.repeats / len(conversation):5.1f}")
        turns += args.repeats * len(conversation)
        print("  ".join(row), " ms/turn  ", " / ".join(text[:10] for text in conversation))
    reference = servers[-1][0]
    print("all: " + "  ".join(f"{name} {totals[name] / turns:.1f}" for name in totals) + " ms/turn; " +
          "  ".join(f"{name}/{reference} {totals[name] / totals[reference]:.2f}" for name in totals if name != reference))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Profile where a turn's CPU goes early and late in one long conversation (py-spy on the running servers).

    python scripts/profile_turns.py --url http://127.0.0.1:5005 --pids rasa=PID actions=PID \
        [--at 11 191] [--turns 10] [--out results/bench/profile]

Holds one conversation (scripts/benchmark.py's LONG_CONVERSATION) and samples each process with py-spy while
turns `at` … `at + turns - 1` run. Prints and writes (profile.json, and py-spy's raw stacks per window) the
CPU milliseconds per turn spent in each part of a turn, and the functions with the most own time.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

from benchmark import LONG_CONVERSATION, post

RATE = 200  # py-spy samples per second
# Only stacks that serve a request count (the rest is the idle event loop): the event loop's, and those of the
# threads that parse messages and run the actions in the Rasa process.
REQUEST = ("handle_request (", "parse (rasa_ext/turns.py", "_run (rasa_ext/action_call.py")
# The parts of a turn: a label and the frames (function and file, as py-spy names them) that mark it.
PARTS: dict[str, tuple[str, ...]] = {
    "NLU (parse the message)": ("parse_message (rasa/core/processor.py", "parse (rasa_ext/turns.py"),
    "tracker store: read the session, rebuild the tracker": ("_retrieve (rasa/core/tracker_store.py",),
    "tracker store: save the new events": ("save (rasa_ext/tracker_store.py", "save (rasa/core/tracker_store.py"),
    "tracker copies (one per action, replaying every event)": ("copy (rasa/shared/core/trackers.py",),
    "policies: predict the next action": ("_predict_next_with_tracker (rasa/core/processor.py",),
    "  of which: featurise all past states": ("past_states (rasa/shared/core/trackers.py",),
    "applied_events (walks every event)": ("applied_events (rasa/shared/core/trackers.py",),
    "action call: build the request (tracker, domain)": ("_action_call_format (rasa/core/actions/action.py",
                                                         "action_call (rasa_ext/action_call.py"),
    "action call: send it, read the answer": ("request (rasa/utils/endpoints.py",),
    "actions in the Rasa process (their own thread)": ("_run (rasa_ext/action_call.py",),
    "action call: check the answer": ("validate_action_result (rasa_ext/", "_validate_action_result (rasa/"),
    "action server: parse the request JSON": ("json (sanic/request.py", "load_json (sanic/request.py"),
    "actions: rebuild the tracker": ("from_dict (rasa_sdk/interfaces.py",),
    "actions: run our actions": ("run (actions/", "validate (rasa_sdk/forms.py", "run (rasa_sdk/forms.py"),
    "action server: answer as JSON": ("json (sanic/response.py",),
}


def frames(line: str) -> tuple[list[str], int]:
    """Split one line of py-spy's raw output into its frames (outermost first) and its sample count."""
    stack, _, count = line.rstrip("\n").rpartition(" ")
    return stack.split(";"), int(count)


def summarise(raw: Path, turns: int) -> dict[str, object]:
    """Return CPU ms per turn: in all, per part of a turn, and the functions with the most own time."""
    per_sample_ms = 1000 / RATE / turns
    total = 0
    parts: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, count = frames(line)
        if not any(f.startswith(REQUEST) for f in stack):
            continue
        total += count
        own[stack[-1]] += count
        for label, marks in PARTS.items():
            if any(f.startswith(marks) for f in stack):
                parts[label] += count
    return {
        "cpu_ms_per_turn": round(total * per_sample_ms, 1),
        "parts_ms_per_turn": {label: round(parts[label] * per_sample_ms, 1) for label in PARTS if parts[label]},
        "top_own_ms_per_turn": {name: round(n * per_sample_ms, 1) for name, n in own.most_common(12)},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:5005")
    ap.add_argument("--pids", nargs="+", required=True, help="NAME=PID of the processes to sample")
    ap.add_argument("--at", nargs="+", type=int, default=[11, 191], help="first turn of each profiled window")
    ap.add_argument("--turns", type=int, default=10, help="turns per window")
    ap.add_argument("--out", type=Path, default=Path("results/bench/profile"))
    ap.add_argument("--py-spy", default=str(Path(sys.executable).parent / "py-spy"))
    args = ap.parse_args()
    pids = {k: int(v) for k, v in (p.split("=") for p in args.pids)}
    args.out.mkdir(parents=True, exist_ok=True)
    sender = f"profile-{uuid.uuid4().hex[:8]}"
    windows = {first: first + args.turns - 1 for first in args.at}
    spies: list[subprocess.Popen[bytes]] = []
    result: dict[str, dict[str, object]] = {}
    for turn in range(1, max(windows.values()) + 1):
        if turn in windows:
            spies = [subprocess.Popen([args.py_spy, "record", "-p", str(pid), "-r", str(RATE), "-f", "raw",
                                       "--nonblocking", "-o", str(args.out / f"{name}-turn{turn}.txt")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for name, pid in pids.items()]
            start = turn
        post(args.url, sender, LONG_CONVERSATION[(turn - 1) % len(LONG_CONVERSATION)])
        if spies and turn == windows[start]:
            for spy in spies:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
            spies = []
            result[f"turns {start}-{turn}"] = {name: summarise(args.out / f"{name}-turn{start}.txt", args.turns)
                                               for name in pids}
    (args.out / "profile.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Load-test running assistants through Rasa's REST channel with real multi-turn conversations.

    python scripts/benchmark.py --url http://127.0.0.1:5005 [--floor-url http://127.0.0.1:5006]
                                [--users 10] [--conversations 12] [--rounds 3] [--pids NAME=PID ...]
                                [--json out.json]
    python scripts/benchmark.py --url ... --floor-url ... --long-turns 200 --json growth.json

Each simulated user holds whole conversations (a fresh sender id each) one turn after another. The
assistant and the floor take turns over several rounds (the order alternating), and each one's figures
pool its rounds: on a shared machine both then meet the same other work.
Prints p50/p95/p99 turn latency, turns per second, errors, and the peak memory and the CPU time
per turn of the given processes (with their children). With --floor-url the same load runs
against the floor bot too, and our figures are reported as ratios to its.

With --long-turns N, one user instead holds one conversation of N turns (LONG_CONVERSATION over and
over) and the latency of every turn is recorded, to show how a turn's cost grows with the conversation.

With --first-turns, right after a start: one user holds every conversation of CONVERSATIONS once (the first use
of each path: questions, clarification, look-up, one-trip verdict), then all of them again; the latency of every
turn is recorded, to show whether the first user waits longer than the later ones.

With --memory, only the memory of the given processes is measured, now (after the evaluation sets ran).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONVERSATIONS: list[list[str]] = [
    ["你好", "湖州市监理工程师培训合格证丢了，补证要带什么", "那要多久能拿到", "谢谢"],
    ["证书丢了怎么补办", "第二个", "审核通过后去哪里领"],
    ["我想查一下办理进度", "身份证号330502198503120112，姓名张伟", "好的，再见"],
    ["我今年67岁，湖州市培训合格证下个月到期，去协会办延续能一次办好吗"],
    ["全省统一平台培训合格证换单位要哪些材料", "那协会几天能审完", "附件一要填什么"],
    ["国家注册监理工程师延续注册最早什么时候申报", "要带什么材料", "监理锁找谁"],
    ["最多跑一次是什么意思", "材料不全再去一趟算不算多跑"],
    ["二级建造师怎么注册", "湖州市监理协会电话多少"],
]

# One phone-line operator's day in one chat, repeated: questions answered by the custom action, follow-ups
# that lean on the context, a clarification and its choice, a status look-up (form), a one-trip verdict
# (form), and thanks answered by a fixed response. Ten turns, so every window of ten turns sends the same.
LONG_CONVERSATION: list[str] = [
    "湖州市监理工程师培训合格证丢了，补证要带什么",
    "那要多久能拿到",
    "谢谢",
    "培训合格证换单位怎么办",
    "第二个",
    "全省统一平台的呢",
    "我想查一下办理进度",
    "身份证号330502198503120112，姓名张伟",
    "我今年67岁，湖州市培训合格证下个月到期，去协会办延续能一次办好吗",
    "谢谢",
]
THANKS = "谢谢"
# Turn windows (1-based, inclusive) whose medians the growth measurement reports.
WINDOWS: list[tuple[int, int]] = [(1, 10), (91, 100), (191, 200)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))]


def process_tree(pid: int) -> list[int]:
    """Return a process and its descendants (a Rasa server's Sanic workers are its children)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *(p for c in children for p in process_tree(int(c)))]


def memory_mb(pid: int) -> dict[str, float]:
    """Return the memory of a process and its descendants, in MB: resident in all, of the largest process,
    and proportional (shared pages counted once, divided among the processes that share them)."""
    rss: list[int] = []
    pss = 0
    for p in process_tree(pid):
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        fields = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:] if line.endswith("kB")}
        rss.append(fields.get("Rss", 0))
        pss += fields.get("Pss", 0)
    return {"rss": sum(rss) / 1024, "rss_largest_process": max(rss, default=0) / 1024, "pss": pss / 1024}


def cpu_seconds(pid: int) -> float:
    """Return the CPU time a process and its descendants have used so far, in seconds."""
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # user and system time, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def post(url: str, sender: str, text: str) -> tuple[float, bool]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    req = urllib.request.Request(url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            ok = r.status == 200 and bool(json.loads(r.read() or b"[]"))
    except (urllib.error.URLError, OSError, ValueError):
        ok = False
    return time.perf_counter() - start, ok


@dataclass
class Load:
    """What one assistant did under load, over one or more rounds."""

    url: str
    users: int
    think: float
    latencies: list[float] = field(default_factory=list)
    by_text: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    peak_memory: dict[str, dict[str, float]] = field(default_factory=dict)
    processes: dict[str, int] = field(default_factory=dict)
    loads_before: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """Return the figures: latency percentiles, throughput, errors, CPU per turn, peak memory."""
        turns = len(self.latencies)
        slowest = sorted(((text, round(1000 * statistics.median(v), 1)) for text, v in self.by_text.items()),
                         key=lambda item: -item[1])[:5]
        return {
            "url": self.url, "users": self.users, "think_seconds": self.think, "turns": turns, "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "turns_per_second": round(turns / self.seconds, 1),
            "p50_ms": round(1000 * statistics.median(self.latencies), 1),
            "p95_ms": round(1000 * percentile(self.latencies, 0.95), 1),
            "p99_ms": round(1000 * percentile(self.latencies, 0.99), 1),
            "cpu_ms_per_turn": {k: round(1000 * v / turns, 1) for k, v in self.cpu_seconds.items()},
            "peak_memory_mb": {name: {k: round(v) for k, v in mb.items()} for name, mb in self.peak_memory.items()},
            "processes": self.processes,
            "slowest_turns_p50_ms": dict(slowest),
            "load_1min_before_each_round": self.loads_before,
        }


def run_load(load: Load, conversations: int, pids: dict[str, int]) -> None:
    """Run one round: `load.users` concurrent users, each holding `conversations` conversations; add to `load`.

    `load.think` seconds pass between a reply and the user's next turn (0: back to back, the harshest load).
    """
    lock = threading.Lock()
    done = threading.Event()

    def sample_memory() -> None:
        while not done.is_set():
            for name, pid in pids.items():
                peak = load.peak_memory.setdefault(name, {})
                for key, mb in memory_mb(pid).items():
                    peak[key] = max(peak.get(key, 0.0), mb)
            done.wait(0.5)

    def user(index: int) -> None:
        for n in range(conversations):
            sender = f"bench-{index}-{n}-{uuid.uuid4().hex[:6]}"
            for text in CONVERSATIONS[(index + n) % len(CONVERSATIONS)]:
                if load.think:
                    time.sleep(load.think)
                seconds, ok = post(load.url, sender, text)
                with lock:
                    load.latencies.append(seconds)
                    load.by_text.setdefault(text, []).append(seconds)
                    load.errors += not ok

    load.loads_before.append(round(os.getloadavg()[0], 2))
    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=load.users) as pool:
        list(pool.map(user, range(load.users)))
    load.seconds += time.perf_counter() - start
    for name, pid in pids.items():
        load.cpu_seconds[name] = load.cpu_seconds.get(name, 0.0) + cpu_seconds(pid) - cpu_before[name]
        load.processes[name] = len(process_tree(pid))
    done.set()
    sampler.join()


def run_long_conversation(url: str, turns: int, pids: dict[str, int]) -> dict[str, object]:
    """Hold one conversation of `turns` turns back to back; return every turn's latency and the window medians."""
    sender = f"bench-long-{uuid.uuid4().hex[:8]}"
    per_turn: list[dict[str, object]] = []
    for index in range(turns):
        text = LONG_CONVERSATION[index % len(LONG_CONVERSATION)]
        seconds, ok = post(url, sender, text)
        per_turn.append({"turn": index + 1, "text": text, "ms": round(1000 * seconds, 1), "ok": ok})
    windows: dict[str, dict[str, float]] = {}
    for first, last in WINDOWS:
        if last > turns:
            continue
        window = per_turn[first - 1:last]
        windows[f"{first}-{last}"] = {
            "median_ms": round(statistics.median(float(t["ms"]) for t in window), 1),  # type: ignore[arg-type]
            "median_ms_thanks": round(statistics.median(
                float(t["ms"]) for t in window if t["text"] == THANKS), 1),  # type: ignore[arg-type]
        }
    result: dict[str, object] = {
        "url": url, "turns": turns, "errors": sum(not t["ok"] for t in per_turn), "windows": windows,
        "memory_mb_after": {name: {k: round(v) for k, v in memory_mb(pid).items()} for name, pid in pids.items()},
        "per_turn": per_turn,
    }
    keys = list(windows)
    if len(keys) > 1:
        result["last_to_first_median_ratio"] = round(windows[keys[-1]]["median_ms"] / windows[keys[0]]["median_ms"], 2)
    return result


def run_first_turns(url: str, passes: int = 2) -> dict[str, object]:
    """Hold every scripted conversation `passes` times, one user; return each turn's latency per pass."""
    result: dict[str, object] = {"url": url}
    for number in range(1, passes + 1):
        turns = []
        for index, conversation in enumerate(CONVERSATIONS):
            sender = f"bench-first-{number}-{index}-{uuid.uuid4().hex[:6]}"
            for text in conversation:
                seconds, ok = post(url, sender, text)
                turns.append({"text": text, "ms": round(1000 * seconds, 1), "ok": ok})
        result[f"pass_{number}"] = {"turns": turns, "max_ms": max(float(t["ms"]) for t in turns),  # type: ignore[arg-type]
                                    "p50_ms": round(statistics.median(float(t["ms"]) for t in turns), 1),  # type: ignore[arg-type]
                                    "errors": sum(not t["ok"] for t in turns)}
    first, later = result["pass_1"], result[f"pass_{passes}"]
    result["first_to_later_max_ratio"] = round(first["max_ms"] / later["max_ms"], 2)  # type: ignore[index]
    result["errors"] = sum(result[f"pass_{n}"]["errors"] for n in range(1, passes + 1))  # type: ignore[index]
    return result


def memory_now(pids: dict[str, int]) -> dict[str, object]:
    """Return the memory of each process (with its children) and the sum, in MB."""
    per = {name: {k: round(v) for k, v in memory_mb(pid).items()} for name, pid in pids.items()}
    return {"memory_mb": per, "rss_total_mb": sum(m["rss"] for m in per.values()),
            "pss_total_mb": sum(m["pss"] for m in per.values()), "errors": 0}


Target = tuple[str, str, dict[str, int]]  # name ("assistant" or "floor"), URL, processes


def measure_load(targets: list[Target], args: argparse.Namespace) -> dict[str, object]:
    """Load each target in turns over several rounds (the order alternating), so both see the same machine."""
    loads = {name: Load(url, args.users, args.think) for name, url, _ in targets}
    for round_number in range(args.rounds):
        for name, _, pids in targets if round_number % 2 == 0 else targets[::-1]:
            run_load(loads[name], args.conversations, pids)
    return {name: load.summary() for name, load in loads.items()}


def measure_long_conversation(targets: list[Target], args: argparse.Namespace) -> dict[str, object]:
    """Hold one long conversation with each target."""
    result: dict[str, object] = {}
    for name, url, pids in targets:
        load = round(os.getloadavg()[0], 2)
        result[name] = {**run_long_conversation(url, args.long_turns, pids), "load_1min_before": load}
    return result


def with_ratios(result: dict[str, Any]) -> dict[str, Any]:
    """Add our figures as ratios to the floor's."""
    ours, floor = result.get("assistant"), result.get("floor")
    if ours and floor:
        for key in ("p50_ms", "p95_ms", "turns_per_second"):
            if key in ours:
                result[f"{key.removesuffix('_ms')}_ratio_to_floor"] = round(ours[key] / floor[key], 2)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:5005")
    ap.add_argument("--floor-url")
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument("--conversations", type=int, default=12, help="conversations per user and round")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of load, assistant and floor taking turns")
    ap.add_argument("--pids", nargs="*", default=[], help="NAME=PID of the assistant's processes")
    ap.add_argument("--floor-pids", nargs="*", default=[])
    ap.add_argument("--think", type=float, default=0.0, help="seconds between a reply and the next turn")
    ap.add_argument("--long-turns", type=int, default=0,
                    help="instead of the load, hold one conversation of this many turns and record each turn")
    ap.add_argument("--first-turns", action="store_true",
                    help="right after a start: every conversation once, then again; the latency of each turn")
    ap.add_argument("--memory", action="store_true", help="only the memory of the --pids processes, now")
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.first_turns or args.memory:
        pids = {k: int(v) for k, v in (p.split("=") for p in args.pids)}
        result = {"machine": {"cpus": os.cpu_count()},
                  "assistant": memory_now(pids) if args.memory else run_first_turns(args.url)}
        print(json.dumps(result, ensure_ascii=False, indent=1)[:4000])
        if args.json:
            Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        return 1 if result["assistant"]["errors"] else 0  # type: ignore[index]
    targets: list[Target] = [("assistant", args.url, {k: int(v) for k, v in (p.split("=") for p in args.pids)})]
    if args.floor_url:
        targets.append(("floor", args.floor_url, {k: int(v) for k, v in (p.split("=") for p in args.floor_pids)}))
    for _, url, _ in targets:  # warm both up, custom actions included
        post(url, "bench-warmup", "湖州市监理工程师培训合格证丢了要带什么")
    measure = measure_long_conversation if args.long_turns else measure_load
    result = with_ratios({"machine": {"cpus": os.cpu_count()}, **measure(targets, args)})
    summary = {k: ({kk: vv for kk, vv in v.items() if kk != "per_turn"} if isinstance(v, dict) else v)
               for k, v in result.items()}
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if result["assistant"]["errors"] else 0

if __name__ == "__main__":
    sys.exit(main())

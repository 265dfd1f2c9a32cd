"""Write the verdict table (docs/verdicts.md): per procedure, each verdict kind, its visits and its seed lines.

    python -m bot.answers.verdict_table ../shared/seeds > docs/verdicts.md

The verdicts come from running decide() on probe facts, so the table shows what the code does; the line
numbers are found by looking the knowledge base's verbatim texts up in the seed files.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from bot.knowledge.base import KnowledgeBase, Procedure, default_knowledge
from bot.rules.onetrip import Facts, Verdict, decide

HEADING = re.compile(r"^(\d+|[一二三四五六七八九十]+)、.*[^；。]$")  # a section heading, not a listed condition


def _value(proc: Procedure, check: str, default: int = 0) -> int:
    condition = proc.condition(check)
    return condition.value if condition and condition.value is not None else default


def _ready(proc: Procedure, **changes: object) -> Facts:
    facts = Facts(age=_value(proc, "max_age", 41) - 1, within_validity=True, months_to_expiry=0, specialties=0, proxy=False,
                  other_registration=False, employer_region="huzhou", all_ready=True)
    for key, value in changes.items():
        setattr(facts, key, value)
    return facts


# Probe facts, each with what it describes; the first is the case where everything is in order.
PROBES: list[tuple[str, Callable[[Procedure], Facts]]] = [
    ("材料齐全、条件都符合", _ready),
    ("缺一项材料", lambda p: _ready(p, all_ready=False, missing={p.materials()[0].id} if p.variants else set())),
    ("证书已过有效期", lambda p: _ready(p, within_validity=False, months_to_expiry=None)),
    ("距到期超过可申报的月数", lambda p: _ready(p, months_to_expiry=_value(p, "renew_window") + 1)),
    ("刚满年龄上限", lambda p: _ready(p, age=_value(p, "max_age"))),
    ("超过年龄上限", lambda p: _ready(p, age=_value(p, "max_age") + 1)),
    ("专业已满", lambda p: _ready(p, specialties=_value(p, "max_specialties"))),
    ("由他人代办", lambda p: _ready(p, proxy=True)),
    ("名下还有其他注册证书", lambda p: _ready(p, other_registration=True)),
    ("变入单位在浙江省内、湖州市以外", lambda p: _ready(p, employer_region="zhejiang")),
    ("变入单位在外省、未通过协会培训报名", lambda p: _ready(p, employer_region="other_province", employer_trained_here=False)),
    ("什么都没说", lambda p: Facts()),
]


class SeedLines:
    """Find the line numbers of verbatim texts in the seed files, within a procedure's section."""

    def __init__(self, seeds: Path) -> None:
        self.files = {p.name: ["".join(line.split()) for line in p.read_text(encoding="utf-8").splitlines()]
                      for p in seeds.glob("*.txt")}

    def start(self, source: str) -> tuple[list[str], int]:
        """Return a seed's lines and the index where a section ('一.2', '7') starts."""
        file, _, section = source.partition(" ")
        lines = self.files[file]
        index = 0
        for number in section.split(".") if HEADING.match(section.partition(".")[0] + "、x") else ():
            index = next(i for i in range(index, len(lines)) if HEADING.match(lines[i])
                         and lines[i].startswith(f"{number}、"))
        return lines, index

    def find(self, source: str, *texts: str) -> list[int]:
        """Return the 1-based line of each text, its first occurrence in the section or after."""
        lines, start = self.start(source)
        found = []
        for text in texts:
            key = "".join(text.split())
            found += [next(i + 1 for i in range(start, len(lines)) if key in lines[i])]
        return sorted(set(found))


def _visits(proc: Procedure, kb: KnowledgeBase) -> str:
    if not proc.visits:
        return "0"
    parts = []
    for v in proc.visits:
        who = v.who or "文件未写谁去"
        bring = "，带" + "、".join(m.text for m in v.bring) if v.bring else ""
        parts.append(f"{v.name}（{who}{bring}）")
    then = ""
    if proc.then:
        then = "；之后另办" + "或".join(kb.procedures[c].code for c in proc.then.procedures)
    fewest, most = proc.path_trips
    path = f"（全程{fewest}–{most}）" if then else ""
    return f"{proc.trips}{path}：" + " → ".join(parts) + then


def _lines(kb: KnowledgeBase, seeds: SeedLines, proc: Procedure, verdict: Verdict, complete: bool) -> str:
    if complete:
        texts = [proc.step_text(v) for v in proc.visits] or list(proc.steps)
        texts += [proc.step_text(proc.then)] if proc.then else []
        lines = seeds.find(proc.source, *texts)
        if kb.one_trip_covers(proc):
            definition = kb.policies["one_trip_definition"]
            return f"{', '.join(map(str, seeds.find(definition.source, definition.text)))}; " + ", ".join(map(str, lines))
        return ", ".join(map(str, lines))
    if verdict.missing:
        texts = [m.text for m in verdict.missing] if proc.certificate != "N" else [proc.step_text(proc.visits[0])]
        return ", ".join(map(str, seeds.find(proc.source, *texts)))
    reasons = [f.condition.text for f in verdict.reasons]
    notes = [f"seed-notes {n.seed_note}" for f in verdict.reasons
             if (n := kb.note_on(proc.code, f.condition.check)) and n.seed_note]
    return ", ".join([*map(str, seeds.find(proc.source, *reasons)), *notes]) if reasons else "—"


def rows(kb: KnowledgeBase, seeds: SeedLines, proc: Procedure) -> list[str]:
    """Return the table rows of one procedure: one per verdict a probe reaches."""
    out, seen = [], set()
    for i, (label, probe) in enumerate(PROBES):
        facts = probe(proc)
        verdict = decide(proc, facts, final=label != "什么都没说")
        reasons = "；".join(f.condition.text for f in verdict.reasons)
        key = (verdict.kind, reasons, tuple(m.id for m in verdict.missing))
        if key in seen:
            continue
        seen.add(key)
        complete = i == 0
        visits = _visits(proc, kb) if complete else "补齐或到时后同上" if verdict.kind == "not_yet" else "—"
        when = label + (f"：{reasons}" if reasons else "")
        if complete and verdict.assumed:
            when += "（假定：" + "；".join(c.text for c in verdict.assumed) + "）"
        if verdict.kind == "ask":
            when = f"{label}：先问 {len(verdict.questions)} 个问题"
        out.append(f"| {verdict.kind} | {when} | {visits} | {_lines(kb, seeds, proc, verdict, complete)} |")
    return out


def table(kb: KnowledgeBase, seeds_dir: Path) -> str:
    """Return docs/verdicts.md."""
    seeds = SeedLines(seeds_dir)
    out = [
        "# Verdicts per procedure",
        "",
        "Generated by `python -m bot.answers.verdict_table ../shared/seeds > docs/verdicts.md` from knowledge/ and",
        "bot/rules/onetrip.py; tests/test_render_all.py fails when it is out of date. Each row is a verdict that",
        "`decide()` gives for a probe case (final turn; the last row is the first turn with nothing said).",
        "\"去几次\" lists the visits the seed describes: the step, who may go (the seed's words), what later visits",
        "need. \"依据\" gives line numbers in the procedure's seed file (the line of the definition of 最多跑一次",
        "first, for the association's procedures) and the seed-notes number where the seed is unclear.",
        "Verdict kinds: zero, one, two_visits, not_yet, cannot, unclear (the documents are silent), ask. For the",
        "national procedures (N-*) `one` means one visit only: the national text never speaks of 最多跑一次, and the",
        "answers say so. A final step that starts another procedure counts toward the whole path: \"去几次\" shows",
        "the fewest and most visits in all (N-PERSONAL-CHANGE: one visit, then a 遗失补办 of one or two).",
    ]
    for proc in kb.procedures.values():
        out += ["", f"## {proc.code} {proc.title}", "", f"Seed: `{proc.source}`", "",
                "| 判断 | 何时 | 去几次 | 依据（行） |", "|---|---|---|---|", *rows(kb, seeds, proc)]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table(default_knowledge(), Path(sys.argv[1])))

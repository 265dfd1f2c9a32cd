"""Write the reviewed wordings to data/nlu/reviewed.yml, the training examples `make train` adds.

    python -m bot.feedback.export      # merge the status store's reviews into data/nlu/reviewed.yml

The file is versioned: it keeps every reviewed example, and the status store's reviews are merged into it (a
wording reviewed again takes its new label; one reviewed as answered fine leaves it). So a machine whose store
holds no reviews trains on the examples reviewed elsewhere. Each group of examples names its label in metadata
(the procedure code and aspect) and in a comment (its title), so the file reads without the console. A wording
that is an evaluation or held-out question, or an example of another intent in the other training files, is
left out, and the console says why. The file is rewritten only when its content changes, so that `make` does
not retrain for nothing.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.database.engine import make_engine
from bot.feedback.labels import FINE, Label
from bot.feedback.queue import ReviewQueue
from bot.knowledge.base import KnowledgeBase, default_knowledge
from bot.language.training import evaluation_messages
from bot.settings import get_settings

DATA = Path(__file__).resolve().parents[2] / "data" / "nlu"
OUTPUT = DATA / "reviewed.yml"
HEADER = """version: "3.1"
# 工作人员在控制台“问题复核”里复核过的真实问法（身份证号、姓名已脱敏）。`make train` 先运行
# python -m bot.feedback.export 把状态库里的复核结论合并进来，再训练。每组的 metadata 是复核结论（事项代码、方面），
# 注释是它的名称。请提交到版本库；要改结论，请在控制台重新复核，不要手改本文件。
nlu:"""


@dataclass(frozen=True)
class Example:
    """One reviewed wording and what it should have been."""

    text: str
    label: Label

    @property
    def intent(self) -> str:
        """Return the intent the example trains."""
        return self.label.intent or ""


def norm(text: str) -> str:
    """Return a message as the training-data tests compare them: no width, spaces or end punctuation."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).strip("。？?！!，,.~")


def read_examples(path: Path) -> list[Example]:
    """Return the examples of a reviewed-examples file (none when it does not exist)."""
    if not path.exists():
        return []
    out = []
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
        meta = block.get("metadata") or {}
        label = Label(str(meta.get("label") or ""), meta.get("procedure"), meta.get("aspect"))
        out += [Example(line.strip()[2:].strip(), label) for line in str(block.get("examples") or "").splitlines()
                if line.strip().startswith("- ")]
    return out


def other_examples(data: Path, skip: Path) -> dict[str, str]:
    """Return the intent of every example of the other training files, by normalised text."""
    out: dict[str, str] = {}
    for path in sorted(data.glob("*.yml")):
        if path.resolve() == skip.resolve():
            continue
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" in block:
                for line in str(block.get("examples") or "").splitlines():
                    if line.strip().startswith("- "):
                        out.setdefault(norm(line.strip()[2:]), str(block["intent"]))
    return out


def render(examples: list[Example], kb: KnowledgeBase) -> str:
    """Return the file: one block per label, sorted, each example once."""
    blocks: dict[Label, list[str]] = {}
    for e in examples:
        blocks.setdefault(e.label, []).append(e.text)
    lines = [HEADER] if blocks else [HEADER + " []"]
    for label in sorted(blocks, key=lambda b: (b.intent or "", b.kind, b.procedure or "", b.aspect or "")):
        meta = {"label": label.kind, **({"procedure": label.procedure} if label.procedure else {}),
                **({"aspect": label.aspect} if label.aspect else {})}
        lines += [f"  # {label.describe(kb)}", f"  - intent: {label.intent}", "    metadata:"]
        lines += [f"      {k}: {v}" for k, v in meta.items()]
        lines += ["    examples: |", *(f"      - {text}" for text in sorted(set(blocks[label])))]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote and left out."""

    examples: list[Example]
    left_out: dict[str, str]  # wording -> why
    changed: bool


def export(queue: ReviewQueue, kb: KnowledgeBase, *, output: Path = OUTPUT,
           withheld: set[str] | None = None) -> ExportResult:
    """Merge the store's reviews into the examples file; return what it holds and what was left out."""
    merged = {e.text: e for e in read_examples(output)}
    for review in queue.trainable():
        merged[review.wording] = Example(review.wording, review.label)
    for review in queue.reviewed(limit=100_000):
        if review.label.kind == FINE:
            merged.pop(review.wording, None)
    evaluation = {norm(m) for m in (evaluation_messages() if withheld is None else withheld)}
    others = other_examples(output.parent, output)
    kept, left_out = [], {}
    for text, example in merged.items():
        if not example.intent or not text.strip() or "\n" in text:
            continue
        if norm(text) in evaluation:
            left_out[text] = "与评测问题相同，不能作训练样例"
        elif others.get(norm(text), example.intent) != example.intent:
            left_out[text] = f"训练数据里已是“{others[norm(text)]}”的样例，请技术人员处理"
        else:
            kept.append(example)
    text = render(kept, kb)
    before = output.read_text(encoding="utf-8") if output.exists() else None
    changed = before != text and (before is not None or bool(kept))  # no file until there is an example
    if changed:
        output.write_text(text, encoding="utf-8")
    queue.record_export(written={e.text for e in kept}, left_out=left_out)
    return ExportResult(kept, left_out, changed)


def main(argv: list[str]) -> int:
    """Export the reviews of the status store (DATABASE_URL) to data/nlu/reviewed.yml."""
    if argv:
        print("用法：python -m bot.feedback.export", file=sys.stderr)
        return 2
    settings = get_settings()
    result = export(ReviewQueue(make_engine(settings.database_url)), default_knowledge())
    state = "已更新" if result.changed else "没有变化"
    print(f"复核样例 {len(result.examples)} 条，{OUTPUT.relative_to(OUTPUT.parents[2])} {state}")
    for text, why in result.left_out.items():
        print(f"  未导出：{text}（{why}）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

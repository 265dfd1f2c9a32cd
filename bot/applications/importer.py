"""Validate and import application records in the format of contracts/applications.md.

    python -m bot.applications.importer FILE.csv
"""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.applications.store import ApplicationRecord, StatusStore, init_db, make_engine
from bot.knowledge.base import default_knowledge
from bot.rules import idnumber
from bot.settings import get_settings

COLUMNS = ("application_no", "id_number", "name", "phone", "procedure_code", "status", "submitted_date",
           "accepted_date", "completed_date", "missing_materials", "note")
REQUIRED = ("application_no", "id_number", "name", "procedure_code", "status", "submitted_date")
STATUSES = ("已提交", "已受理", "审核中", "需补正", "已办结", "不予受理")
MOBILE = re.compile(r"1\d{10}")
APPLICATION_NO = re.compile(r"[A-Za-z0-9\-_]{1,32}")


@dataclass
class ImportReport:
    """The records read from a file, or every problem found, by row number."""

    records: list[ApplicationRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Say whether the whole file may be imported."""
        return not self.errors


def _date(value: str, column: str, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{column} “{value}” 不是有效日期（应为 YYYY-MM-DD）")
        return None


def _row(row: dict[str, str], codes: set[str], problems: list[str]) -> ApplicationRecord | None:
    v = {c: (row.get(c) or "").strip() for c in COLUMNS}
    for c in REQUIRED:
        if not v[c]:
            problems.append(f"{c} 不能为空")
    if v["application_no"] and not APPLICATION_NO.fullmatch(v["application_no"]):
        problems.append(f"application_no “{v['application_no']}” 只能含字母、数字、-、_，最长32位")
    if v["id_number"]:
        check = idnumber.validate(v["id_number"])
        if not check.ok:
            problems.append(f"id_number {check.problem}")
        v["id_number"] = check.number
    if v["phone"] and not MOBILE.fullmatch(v["phone"]):
        problems.append(f"phone “{v['phone']}” 不是11位手机号")
    if v["procedure_code"] and v["procedure_code"] not in codes:
        problems.append(f"procedure_code “{v['procedure_code']}” 不是 procedures.csv 中的代码")
    if v["status"] and v["status"] not in STATUSES:
        problems.append(f"status “{v['status']}” 应为 {'、'.join(STATUSES)} 之一")
    submitted = _date(v["submitted_date"], "submitted_date", problems)
    accepted = _date(v["accepted_date"], "accepted_date", problems)
    completed = _date(v["completed_date"], "completed_date", problems)
    if submitted and accepted and accepted < submitted:
        problems.append("accepted_date 早于 submitted_date")
    if accepted and completed and completed < accepted:
        problems.append("completed_date 早于 accepted_date")
    if submitted and completed and completed < submitted:
        problems.append("completed_date 早于 submitted_date")
    if v["status"] == "已受理" and not v["accepted_date"]:
        problems.append("status 为 已受理 时 accepted_date 不能为空")
    if v["status"] == "需补正" and not v["missing_materials"]:
        problems.append("status 为 需补正 时 missing_materials 须列出要补正的材料")
    if v["status"] == "不予受理" and not (v["missing_materials"] or v["note"]):
        problems.append("status 为 不予受理 时 missing_materials 或 note 须写明原因")
    if v["completed_date"] and v["status"] not in ("已办结", "不予受理"):
        problems.append(f"status 为 {v['status']} 时不应有 completed_date")
    if problems:
        return None
    assert submitted is not None
    return ApplicationRecord(
        application_no=v["application_no"], id_number=v["id_number"], name=v["name"], phone=v["phone"],
        procedure_code=v["procedure_code"], status=v["status"], submitted_date=submitted,
        accepted_date=accepted, completed_date=completed,
        missing_materials=tuple(m.strip() for m in v["missing_materials"].split(";") if m.strip()),
        note=v["note"],
    )


def read_applications(text: str, codes: set[str]) -> ImportReport:
    """Validate CSV text; every problem is reported with its line number, no record if any."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        if missing:
            report.errors.append(f"第1行（表头）：缺少列 {', '.join(missing)}")
        if unknown:
            report.errors.append(f"第1行（表头）：未知列 {', '.join(unknown)}")
        return report
    reader.fieldnames = header
    seen: dict[str, int] = {}
    rows = 0
    for row in reader:
        line = reader.line_num
        rows += 1
        problems: list[str] = []
        if None in row:
            problems.append("列数多于表头")
        record = _row(row, codes, problems)
        no = (row.get("application_no") or "").strip()
        if no and no in seen:
            problems.append(f"application_no {no} 与第{seen[no]}行重复")
        seen.setdefault(no, line)
        if problems:
            report.errors += [f"第{line}行：{p}" for p in problems]
        elif record:
            report.records.append(record)
    if rows == 0:
        report.errors.append("文件中没有数据行")
    if report.errors:
        report.records = []
    return report


def import_file(path: Path, store: StatusStore, codes: set[str]) -> ImportReport:
    """Validate a CSV file and, only if every row is valid, write all its records."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ImportReport(errors=["文件不是 UTF-8 编码"])
    report = read_applications(text, codes)
    if report.ok:
        store.upsert(report.records)
    return report


def main(argv: list[str] | None = None) -> int:
    """Import one CSV file into the status store named by DATABASE_URL."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("用法：python -m bot.applications.importer FILE.csv", file=sys.stderr)
        return 2
    path = Path(args[0])
    if not path.is_file():
        print(f"找不到文件：{path}", file=sys.stderr)
        return 2
    settings = get_settings()
    engine = make_engine(settings.database_url)
    init_db(engine)
    store = StatusStore(engine, settings.id_hash_key)
    report = import_file(path, store, set(default_knowledge().procedures))
    if not report.ok:
        print(f"导入失败，文件未写入任何记录。共 {len(report.errors)} 处错误：", file=sys.stderr)
        for e in report.errors:
            print("  " + e, file=sys.stderr)
        return 1
    print(f"导入成功：{len(report.records)} 条记录。")
    return 0


if __name__ == "__main__":
    sys.exit(main())

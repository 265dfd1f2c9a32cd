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
from typing import Any

from pydantic import ValidationError, root_validator, validator

from bot.applications.store import ApplicationCreate, StatusStore
from bot.database.engine import make_engine
from bot.database.migrate import upgrade
from bot.knowledge.base import default_knowledge
from bot.rules import idnumber
from bot.settings import get_settings

COLUMNS = ("application_no", "id_number", "name", "phone", "procedure_code", "status", "submitted_date",
           "accepted_date", "completed_date", "missing_materials", "note")
REQUIRED = ("application_no", "id_number", "name", "procedure_code", "status", "submitted_date")
MOBILE = re.compile(r"1\d{10}")
APPLICATION_NO = re.compile(r"[A-Za-z0-9\-_]{1,32}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ApplicationRow(ApplicationCreate):
    """One CSV row: text cells checked field by field, then against each other."""

    @validator(*REQUIRED, pre=True)
    def required(cls, value: str) -> str:
        if not value:
            raise ValueError("不能为空")
        return value

    @validator("application_no")
    def application_no_chars(cls, value: str) -> str:
        if not APPLICATION_NO.fullmatch(value):
            raise ValueError(f"“{value}” 只能含字母、数字、-、_，最长32位")
        return value

    @validator("id_number")
    def id_number_valid(cls, value: str) -> str:
        check = idnumber.validate(value)
        if not check.ok:
            raise ValueError(check.problem)
        return check.number

    @validator("phone")
    def phone_is_mobile(cls, value: str) -> str:
        if value and not MOBILE.fullmatch(value):
            raise ValueError(f"“{value}” 不是11位手机号")
        return value

    @validator("status")
    def status_known(cls, value: str) -> str:
        statuses = default_knowledge().statuses  # knowledge/statuses.yml: the contract's status words
        if value not in statuses:
            raise ValueError(f"“{value}” 应为 {'、'.join(statuses)} 之一")
        return value

    @validator("submitted_date", "accepted_date", "completed_date", pre=True)
    def iso_date(cls, value: str) -> date | None:
        if not value:
            return None
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"“{value}” 不是有效日期（应为 YYYY-MM-DD）") from None

    @validator("missing_materials", pre=True)
    def split_materials(cls, value: str) -> tuple[str, ...]:
        return tuple(m.strip() for m in value.split(";") if m.strip())

    @root_validator(skip_on_failure=True)
    def consistent(cls, values: dict[str, Any]) -> dict[str, Any]:
        submitted, accepted, completed = values["submitted_date"], values["accepted_date"], values["completed_date"]
        status, missing, note = values["status"], values["missing_materials"], values["note"]
        kb = default_knowledge()
        stage = kb.stage(status)
        problems = []
        if accepted and accepted < submitted:
            problems.append("accepted_date 早于 submitted_date")
        if accepted and completed and completed < accepted:
            problems.append("completed_date 早于 accepted_date")
        if completed and completed < submitted:
            problems.append("completed_date 早于 submitted_date")
        if stage == "accepted" and not accepted:
            problems.append(f"status 为 {status} 时 accepted_date 不能为空")
        if stage == "correction" and not missing:
            problems.append(f"status 为 {status} 时 missing_materials 须列出要补正的材料")
        if stage == "refused" and not (missing or note):
            problems.append(f"status 为 {status} 时 missing_materials 或 note 须写明原因")
        if completed and stage not in ("completed", "refused"):
            problems.append(f"status 为 {status} 时不应有 completed_date")
        if problems:
            raise ValueError("；".join(problems))
        return values


@dataclass
class ImportReport:
    """The records read from a file, or every problem found, by line number."""

    records: list[ApplicationCreate] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Say whether the whole file may be imported."""
        return not self.errors


def _problems(exc: ValidationError) -> list[str]:
    """Return a row's problems, each naming its field (cross-field problems name theirs in the text)."""
    out = []
    for error in exc.errors():
        where = str(error["loc"][0]) if error["loc"] else "__root__"
        out.append(error["msg"] if where == "__root__" else f"{where} {error['msg']}")
    return out


def _row(cells: dict[str, str], codes: set[str]) -> tuple[ApplicationRow | None, list[str]]:
    values = {c: (cells.get(c) or "").strip() for c in COLUMNS}
    problems = []
    if values["procedure_code"] and values["procedure_code"] not in codes:
        problems.append(f"procedure_code “{values['procedure_code']}” 不是 procedures.csv 中的代码")
    try:
        record = ApplicationRow.parse_obj(values)
    except ValidationError as exc:
        return None, problems + _problems(exc)
    return (None if problems else record), problems


def read_applications(text: str, codes: set[str]) -> ImportReport:
    """Validate CSV text; every problem is reported with its line number, no record if any."""
    report = ImportReport()
    if "\x00" in text:
        report.errors.append("文件含有空字节（NUL），不是文本格式的 CSV，请另存为 UTF-8 CSV 后再导入")
        return report
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip() for h in reader.fieldnames or []]
    except csv.Error as exc:
        report.errors.append(f"第1行（表头）：无法读取（{exc}）")
        return report
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
    try:
        for cells in reader:
            line = reader.line_num
            rows += 1
            record, problems = _row(cells, codes)
            if None in cells:
                problems.insert(0, "列数多于表头")
            no = (cells.get("application_no") or "").strip()
            if no and no in seen:
                problems.append(f"application_no {no} 与第{seen[no]}行重复")
            seen.setdefault(no, line)
            if problems:
                report.errors += [f"第{line}行：{p}" for p in problems]
            elif record:
                report.records.append(record)
    except csv.Error as exc:
        report.errors.append(f"第{reader.line_num}行：无法读取（{exc}）")
    if rows == 0 and not report.errors:
        report.errors.append("文件中没有数据行")
    if report.errors:
        report.records = []
    return report


def read_upload(data: bytes, codes: set[str]) -> ImportReport:
    """Validate the bytes of an uploaded or read file: UTF-8 text first, then every row."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return ImportReport(errors=[f"文件不是 UTF-8 编码（第{line}行起无法解码），请另存为 UTF-8 CSV 后再导入"])
    return read_applications(text, codes)


def import_file(path: Path, store: StatusStore, codes: set[str]) -> ImportReport:
    """Validate a CSV file and, only if every row is valid, write all its records."""
    report = read_upload(path.read_bytes(), codes)
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
    upgrade(engine)
    report = import_file(path, StatusStore(engine, settings.id_hash_key), set(default_knowledge().procedures))
    if not report.ok:
        print(f"导入失败，文件未写入任何记录。共 {len(report.errors)} 处错误：", file=sys.stderr)
        for e in report.errors:
            print("  " + e, file=sys.stderr)
        return 1
    print(f"导入成功：{len(report.records)} 条记录。")
    return 0


if __name__ == "__main__":
    sys.exit(main())

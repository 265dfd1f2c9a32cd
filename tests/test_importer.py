"""Importing applications: every row validated, all-or-nothing, re-import updates."""

from __future__ import annotations

import pytest

from bot.applications.importer import COLUMNS, import_file, main, read_applications
from bot.rules import idnumber
from tests.conftest import SHARED

HEADER = ",".join(COLUMNS)
ID1 = "11010119900307631" + idnumber.check_digit("11010119900307631")
ID2 = "33052119680101035" + idnumber.check_digit("33052119680101035")


def row(**overrides: str) -> str:
    values = {
        "application_no": "HZ1", "id_number": ID1, "name": "赵敏", "phone": "13800000009",
        "procedure_code": "H-RENEW", "status": "审核中", "submitted_date": "2026-11-02",
        "accepted_date": "2026-11-03", "completed_date": "", "missing_materials": "", "note": "",
    }
    values.update(overrides)
    return ",".join(values[c] for c in COLUMNS)


@pytest.fixture()
def codes(kb):
    return set(kb.procedures)


def test_sample_file_imports_and_reimport_updates(tmp_path, store, codes):
    report = import_file(SHARED / "eval" / "applications.csv", store, codes)
    assert report.ok and len(report.records) == 6
    assert len(store.find(id_number="330502198503120112", name="张伟")) == 2
    assert import_file(SHARED / "eval" / "applications.csv", store, codes).ok
    assert len(store.find(id_number="330502198503120112")) == 2
    changed = tmp_path / "changed.csv"
    changed.write_text(HEADER + "\n" + row(application_no="HZ2026110001", id_number="330502198503120112",
                                          name="张伟", procedure_code="P-CHANGE-EMPLOYER", status="已办结",
                                          completed_date="2026-11-20") + "\n", encoding="utf-8")
    assert import_file(changed, store, codes).ok
    statuses = {r.application_no: r.status for r in store.find(id_number="330502198503120112")}
    assert statuses["HZ2026110001"] == "已办结"


@pytest.mark.parametrize(("line", "problem"), [
    (row(id_number=ID1[:-1] + ("0" if ID1[-1] != "0" else "1")), "校验位"),
    (row(id_number="12345"), "18位"),
    (row(procedure_code="X-UNKNOWN"), "procedure_code"),
    (row(status="已完成"), "status"),
    (row(submitted_date="2026/11/02"), "submitted_date"),
    (row(accepted_date="2026-02-30"), "accepted_date"),
    (row(accepted_date="2026-11-01"), "早于"),
    (row(status="已办结", completed_date="2026-11-01"), "早于"),
    (row(name=""), "name 不能为空"),
    (row(phone="12345"), "phone"),
    (row(status="需补正", accepted_date=""), "missing_materials"),
    (row(status="不予受理", accepted_date=""), "原因"),
    (row(status="已受理", accepted_date=""), "accepted_date 不能为空"),
    (row(completed_date="2026-11-05"), "不应有 completed_date"),
    (row() + ",extra", "列数"),
])
def test_each_error_kind_is_reported_by_line(codes, line, problem):
    report = read_applications(HEADER + "\n" + row(application_no="OK1") + "\n" + line + "\n", codes)
    assert not report.ok and report.records == []
    assert any(e.startswith("第3行") and problem in e for e in report.errors), report.errors


def test_duplicate_application_no(codes):
    report = read_applications(f"{HEADER}\n{row()}\n{row(id_number=ID2)}\n", codes)
    assert any("第3行" in e and "重复" in e for e in report.errors)


def test_header_problems(codes):
    report = read_applications("application_no,name\nHZ1,赵敏\n", codes)
    assert report.errors[0].startswith("第1行") and "id_number" in report.errors[0]
    assert not read_applications(HEADER + "\n", codes).ok


def test_all_errors_listed_and_nothing_written(tmp_path, store, codes):
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\n{row(application_no='A1')}\n{row(application_no='A2', status='x')}\n"
                    f"{row(application_no='A3', procedure_code='Y')}\n", encoding="utf-8")
    report = import_file(path, store, codes)
    assert [e[:3] for e in report.errors] == ["第3行", "第4行"]
    assert store.find(id_number=ID1) == []


def test_bom_and_non_utf8(tmp_path, store, codes):
    path = tmp_path / "bom.csv"
    path.write_text("\ufeff" + HEADER + "\n" + row() + "\n", encoding="utf-8")
    assert import_file(path, store, codes).ok
    path.write_bytes((HEADER + "\n" + row()).encode("gbk"))
    assert "UTF-8" in import_file(path, store, codes).errors[0]


def test_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main([str(SHARED / "eval" / "applications.csv")]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\n" + row(status="?") + "\n", encoding="utf-8")
    assert main([str(bad)]) == 1
    assert "第2行" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.csv")]) == 2

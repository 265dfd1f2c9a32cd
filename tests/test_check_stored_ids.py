"""The CI leak check: every table, every written form of every ID number used in a run."""

from __future__ import annotations

import importlib.util
import sqlite3

import pytest

from tests.conftest import ROOT
from tests.test_idnumber import WRITTEN_FORMS

spec = importlib.util.spec_from_file_location("check_stored_ids", ROOT / "scripts" / "check_stored_ids.py")
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)
ZHANG = "330502198503120112"


def database(tmp_path, *cells: str) -> str:
    path = tmp_path / "store.db"
    with sqlite3.connect(path) as db:
        db.execute("create table events (data text)")
        db.execute("create table other (note text, n integer)")
        db.executemany("insert into other values (?, 1)", [(c,) for c in cells])
        db.execute("insert into events values ('{}')")
    return str(path)


@pytest.mark.parametrize("written", [*WRITTEN_FORMS, "33050219 8503120112"])
def test_any_written_form_in_any_table_is_found(tmp_path, written, capsys):
    ids = tmp_path / "ids.yml"
    ids.write_text(f"- {ZHANG}\n", encoding="utf-8")
    assert check.main(["--db", database(tmp_path, f"身份证号{written}"), str(ids)]) == 1
    out = capsys.readouterr().out
    assert "1 found" in out and ZHANG not in out


def test_masked_numbers_and_other_digits_pass(tmp_path):
    ids = tmp_path / "ids.yml"
    ids.write_text(f"- {ZHANG}\n", encoding="utf-8")
    db = database(tmp_path, "身份证号330*************12", "电话13800000001", "2026-11-16")
    assert check.main(["--db", db, str(ids)]) == 0


def test_a_table_expected_to_be_filled_must_have_rows(tmp_path, capsys):
    ids = tmp_path / "ids.yml"
    ids.write_text(f"- {ZHANG}\n", encoding="utf-8")
    db = database(tmp_path, "身份证号330*************12")
    assert check.main(["--db", db, "--expect", "other", str(ids)]) == 0
    assert check.main(["--db", db, "--expect", "other", "--expect", "turns", str(ids)]) == 1
    assert "turns: no rows" in capsys.readouterr().out


def test_a_kept_turn_is_checked_like_any_other_table(tmp_path, store):
    from bot.database.turns import TurnCreate, TurnLog

    ids = tmp_path / "ids.yml"
    ids.write_text(f"- {ZHANG}\n", encoding="utf-8")
    TurnLog(store.engine, "k").record(TurnCreate(sender="s", channel="web", message=f"证件 {ZHANG[:6]} {ZHANG[6:]}",
                                                 kind="procedure"))
    db = str(store.engine.url).removeprefix("sqlite:///")
    assert check.main(["--db", db, "--expect", "turns", str(ids)]) == 0  # masked when kept
    with sqlite3.connect(db) as raw:
        raw.execute("update turns set message = ?", (f"证件 {ZHANG}",))
    assert check.main(["--db", db, "--expect", "turns", str(ids)]) == 1


def test_a_tail_said_in_the_run_is_found_in_a_json_cell_with_escaped_chinese(tmp_path, capsys):
    import json

    files = tmp_path / "cases.yml"
    files.write_text(f"- {ZHANG}\n- 身份证尾号0235的办好了吗\n", encoding="utf-8")
    cell = json.dumps({"event": "user", "text": "身份证尾号0235的办好了吗"})
    assert "\\u5c3e" in cell  # the way the tracker store writes Chinese
    assert check.main(["--db", database(tmp_path, cell), str(files)]) == 1
    out = capsys.readouterr().out
    assert "1 found: 尾号…" in out and "0235" not in out


def test_a_masked_tail_and_the_same_digits_elsewhere_pass(tmp_path):
    files = tmp_path / "cases.yml"
    files.write_text(f"- {ZHANG}\n- 身份证尾号0235的办好了吗\n", encoding="utf-8")
    db = database(tmp_path, '{"text": "\\u5c3e\\u53f7****"}', "附件0235页")
    assert check.main(["--db", db, str(files)]) == 0

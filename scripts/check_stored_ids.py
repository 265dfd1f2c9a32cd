"""Fail when a database holds, in any table, any ID number used in a run, in any written form.

    python scripts/check_stored_ids.py --db URL_OR_SQLITE_FILE [--db ...] [--expect TABLE ...] FILE [FILE ...]

The ID numbers are read out of the given files with the assistant's own reader (bot.rules.idnumber),
so every form the assistant can read is looked for: a stored cell fails when the reader finds one of
those numbers in it, or when its digits, separators dropped, contain the number's birth date and
sequence (a number written with any separator, or split over two messages into one cell). The last digits
of a number said after a tail word ("尾号0235") in those files are looked for too, after a tail word in any
stored text (JSON cells are read, so escaped Chinese counts). `--expect TABLE` fails the check when no database
has a row in that table, so a table the run should have filled is known to have been looked at.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import sqlalchemy as sa

from bot.rules.idnumber import clean, mask_id, read_all_ids, tail_spans

NOT_DIGITS = re.compile(r"[^0-9]")


def engine_for(target: str) -> sa.engine.Engine:
    """Return an engine for a SQLAlchemy URL or a SQLite file path."""
    return sa.create_engine(target if "://" in target else f"sqlite:///{target}", future=True)


def tails_in(text: str) -> set[str]:
    """Return the digits said after a tail word in a text ("尾号0235" → 0235), separators dropped."""
    return {clean(text[start:end]) for start, end in tail_spans(text)}


def texts_of(cell: str) -> list[str]:
    """Return a stored value, and every string inside it when it is JSON (where Chinese is escaped)."""
    try:
        value = json.loads(cell)
    except ValueError:
        return [cell]
    out, todo = [cell], [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            todo += item.values()
        elif isinstance(item, list):
            todo += item
    return out


def leaks_in(cell: str, ids: set[str], tails: frozenset[str] = frozenset()) -> set[str]:
    """Return the ID numbers (and the tails of them, as 尾号…) a stored value holds, however written."""
    found = {number for number in read_all_ids(cell) if number in ids}
    digits = NOT_DIGITS.sub("", clean(cell))
    found |= {number for number in ids if number[6:17] in digits}
    if tails:
        found |= {f"尾号{tail}" for text in texts_of(cell) for tail in tails_in(text) & tails}
    return found


def scan(target: str, ids: set[str], tails: frozenset[str] = frozenset()) -> tuple[dict[str, int], set[str]]:
    """Return the rows of every table of one database, by table, and the leaked numbers and tails."""
    engine = engine_for(target)
    metadata = sa.MetaData()
    metadata.reflect(engine)
    rows: dict[str, int] = {}
    leaked: set[str] = set()
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows[table.name] = 0
            for row in connection.execute(sa.select(table)):
                rows[table.name] += 1
                for value in row:
                    if value is not None:
                        leaked |= leaks_in(str(value), ids, tails)
    engine.dispose()
    return rows, leaked


def main(argv: list[str]) -> int:
    """Scan each database for the ID numbers of the given files."""
    parser = argparse.ArgumentParser(prog="check_stored_ids.py")
    parser.add_argument("--db", action="append", required=True, help="SQLAlchemy URL or SQLite file")
    parser.add_argument("--expect", action="append", default=[], help="a table some database must have rows in")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    ids = {number for f in args.files for number in read_all_ids(f.read_text(encoding="utf-8"))}
    tails = frozenset(tail for f in args.files for tail in tails_in(f.read_text(encoding="utf-8")))
    failed = not ids
    filled: set[str] = set()
    for target in args.db:
        rows, leaked = scan(target, ids, tails)
        filled |= {table for table, n in rows.items() if n}
        name = target.rsplit("@", 1)[-1]
        print(f"{name}: {sum(rows.values())} rows in {len(rows)} tables checked against {len(ids)} ID numbers and "
              f"{len(tails)} tails, {len(leaked)} found{': ' + ', '.join(sorted(map(_shown, leaked))) if leaked else ''}")
        failed = failed or bool(leaked) or not sum(rows.values())
    for table in args.expect:
        if table not in filled:
            print(f"{table}: no rows in any database, so nothing in it was checked")
            failed = True
    return 1 if failed else 0


def _shown(leak: str) -> str:
    """Return a leak as the report names it: a number masked, a tail by its tail word only."""
    return "尾号…" if leak.startswith("尾号") else mask_id(leak)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Fail when a tracker-store SQLite file holds any ID number found in the given files.

    python scripts/check_stored_ids.py TRACKER_DB FILE [FILE ...]
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Compare every stored event with the ID numbers of the given files."""
    db, *files = argv
    ids = {m.upper() for f in files for m in re.findall(r"\d{17}[\dXx]", Path(f).read_text(encoding="utf-8"))}
    rows = sqlite3.connect(db).execute("select data from events").fetchall()
    stored = "".join(r[0] for r in rows).upper()
    leaked = sorted(i for i in ids if i in stored)
    print(f"tracker store: {len(rows)} events checked against {len(ids)} ID numbers, {len(leaked)} found in full")
    return 1 if leaked or not rows else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

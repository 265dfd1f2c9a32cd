"""Bring the status store's schema to the newest revision.

    python -m bot.database.migrate                 # upgrade the database of DATABASE_URL to head
    python -m bot.database.migrate new "message"   # write a new revision from the tables' changes
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from bot.database.engine import make_engine
from bot.settings import get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"


class SchemaOutOfDate(RuntimeError):
    """The database is not at the newest revision: run `make db` first."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    """Return the newest revision."""
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def current(engine: Engine) -> str | None:
    """Return the revision the database is at (None when it has none)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade a database to a revision; one created before migrations existed counts as the first."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        tables = set(inspect(connection).get_table_names())
        if "applications" in tables and "alembic_version" not in tables:
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, revision)


def require_current(engine: Engine) -> None:
    """Stop a server whose database has not been upgraded, with the command that fixes it."""
    at, newest = current(engine), head()
    if at != newest:
        raise SchemaOutOfDate(f"状态库结构版本为 {at or '空'}，需要 {newest}：请先运行 make db（python -m bot.database.migrate）")


def new_revision(engine: Engine, message: str) -> None:
    """Write a new revision with the differences between bot/database/tables.py and the upgraded database."""
    upgrade(engine)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True,
                         rev_id=f"{int(head()) + 1:04d}")


def main(argv: list[str]) -> int:
    """Upgrade the database of DATABASE_URL, or write a new revision."""
    engine = make_engine(get_settings().database_url)
    if argv[:1] == ["new"] and len(argv) == 2:
        new_revision(engine, argv[1])
        return 0
    if argv:
        print('用法：python -m bot.database.migrate [new "说明"]', file=sys.stderr)
        return 2
    upgrade(engine)
    print(f"状态库已是最新结构（{current(engine)}）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Migrations: an empty database and one at the first revision both reach head (SQLite; PostgreSQL in make scale)."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from bot.database.engine import make_engine
from bot.database.migrate import SchemaOutOfDate, current, head, require_current, upgrade
from bot.database.tables import Base

PG_URL = os.environ.get("MIGRATIONS_PG_URL")  # set by scripts/scale_test.sh, where PostgreSQL runs


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        yield make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        return
    if not PG_URL:
        pytest.skip("PostgreSQL runs in make scale (MIGRATIONS_PG_URL)")
    admin = make_engine(PG_URL)
    name = f"migr_{uuid.uuid4().hex[:10]}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(sa.text(f"CREATE DATABASE {name}"))
    e = make_engine(PG_URL.rsplit("/", 1)[0] + "/" + name)
    yield e
    e.dispose()
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(sa.text(f"DROP DATABASE {name}"))


def columns(engine, table):
    return {c["name"] for c in sa.inspect(engine).get_columns(table)}


def test_empty_database_reaches_head_with_every_table(engine):
    with pytest.raises(SchemaOutOfDate, match="make db"):
        require_current(engine)
    upgrade(engine)
    assert current(engine) == head()
    require_current(engine)
    assert set(Base.metadata.tables) <= set(sa.inspect(engine).get_table_names())
    assert "id_number" not in columns(engine, "applications")


def test_first_revision_with_plain_numbers_is_masked_on_upgrade(engine):
    upgrade(engine, "0001")
    with engine.begin() as c:
        c.execute(sa.text(
            "INSERT INTO applications (application_no, id_hash, id_number, name, procedure_code, status,"
            " submitted_date, missing_materials, note, updated_at) VALUES ('HZ1', 'h', '330502198503120112',"
            " '张伟', 'H-RENEW', '审核中', '2026-11-16', '', '', '2026-11-16 09:00:00')"))
    upgrade(engine)
    assert current(engine) == head() and "id_number" not in columns(engine, "applications")
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT id_masked FROM applications")).scalar_one() == "330*************12"


def test_a_database_made_before_migrations_is_taken_as_the_first_revision(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001")
    with engine.begin() as c:
        c.execute(sa.text("DROP TABLE alembic_version"))
    upgrade(engine)
    assert current(engine) == head()


def test_the_tables_and_the_migrations_agree(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []

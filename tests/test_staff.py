"""Staff accounts: hashed passwords, rules, the command that creates them."""

from __future__ import annotations

import io

import pytest

from bot.applications.store import init_db, make_engine
from bot.staff.accounts import StaffError, StaffUser, authenticate, create_user
from bot.staff.manage import main


@pytest.fixture()
def engine(tmp_path):
    e = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    init_db(e)
    return e


def test_password_is_hashed_and_checked(engine):
    from sqlalchemy.orm import Session

    create_user(engine, username="wang", password="a-long-password")
    with Session(engine) as s:
        stored = s.get(StaffUser, "wang").password_hash
    assert stored.startswith("$argon2") and "a-long-password" not in stored
    assert authenticate(engine, username="wang", password="a-long-password").username == "wang"
    assert authenticate(engine, username="wang", password="wrong-password") is None
    assert authenticate(engine, username="nobody", password="a-long-password") is None


@pytest.mark.parametrize(("username", "password"), [("x", "a-long-password"), ("wang li", "a-long-password"),
                                                    ("wang", "short")])
def test_rules(engine, username, password):
    with pytest.raises(StaffError):
        create_user(engine, username=username, password=password)


def test_duplicate(engine):
    create_user(engine, username="wang", password="a-long-password")
    with pytest.raises(StaffError, match="已存在"):
        create_user(engine, username="wang", password="a-long-password")


def test_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["create-user", "admin", "--admin", "--password-stdin"]) == 0
    assert "管理员" in capsys.readouterr().out

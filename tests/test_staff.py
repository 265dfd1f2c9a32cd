"""Staff accounts: hashed passwords, rules, the command that creates them."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from bot.database.engine import make_engine
from bot.database.migrate import upgrade
from bot.database.tables import StaffUser
from bot.staff.accounts import LoginThrottle, StaffAccounts, StaffError
from bot.staff.manage import main


@pytest.fixture()
def engine(tmp_path):
    e = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    upgrade(e)
    return e


@pytest.fixture()
def accounts(engine):
    return StaffAccounts(engine)


def test_password_is_hashed_and_checked(engine, accounts):
    from sqlalchemy.orm import Session

    accounts.create_user(username="wang", password="a-long-password")
    with Session(engine) as s:
        stored = s.get(StaffUser, "wang").password_hash
    assert stored.startswith("$argon2") and "a-long-password" not in stored
    assert accounts.authenticate(username="wang", password="a-long-password").username == "wang"
    assert accounts.authenticate(username="wang", password="wrong-password") is None
    assert accounts.authenticate(username="nobody", password="a-long-password") is None


@pytest.mark.parametrize(("username", "password"), [("x", "a-long-password"), ("wang li", "a-long-password"),
                                                    ("wang", "short")])
def test_rules(accounts, username, password):
    with pytest.raises(StaffError):
        accounts.create_user(username=username, password=password)


def test_duplicate(accounts):
    accounts.create_user(username="wang", password="a-long-password")
    with pytest.raises(StaffError, match="已存在"):
        accounts.create_user(username="wang", password="a-long-password")


def test_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["create-user", "admin", "--admin", "--password-stdin"]) == 0
    assert "管理员" in capsys.readouterr().out


def test_a_session_ends_on_the_server_and_when_it_expires(engine):
    clock = [datetime(2026, 11, 21, 9, tzinfo=timezone.utc)]
    accounts = StaffAccounts(engine, session_lifetime=timedelta(hours=8), now=lambda: clock[0])
    accounts.create_user(username="wang", password="a-long-password")
    token = accounts.start_session(username="wang")
    assert accounts.session_user(token=token).username == "wang"
    accounts.end_session(token=token)
    assert accounts.session_user(token=token) is None
    later = accounts.start_session(username="wang")
    clock[0] += timedelta(hours=8, seconds=1)
    assert accounts.session_user(token=later) is None


def test_login_throttle_per_user_name_and_per_address(engine):
    clock = [datetime(2026, 11, 21, 9, tzinfo=timezone.utc)]
    throttle = LoginThrottle(engine, max_failures=3, window=timedelta(minutes=15), now=lambda: clock[0])
    for _ in range(3):
        throttle.record_failure(username="wang", address="10.0.0.1")
    assert throttle.blocked(username="wang", address="10.0.0.2")
    assert throttle.blocked(username="li", address="10.0.0.1")
    assert not throttle.blocked(username="li", address="10.0.0.2")
    clock[0] += timedelta(minutes=16)
    assert not throttle.blocked(username="wang", address="10.0.0.1")

"""Manage staff accounts from the command line.

    python -m bot.staff.manage create-user NAME [--admin] [--password-stdin]
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.database.engine import make_engine
from bot.database.migrate import upgrade
from bot.settings import get_settings
from bot.staff.accounts import StaffAccounts, StaffError


def main(argv: list[str] | None = None) -> int:
    """Create a staff account from the command line."""
    parser = argparse.ArgumentParser(prog="python -m bot.staff.manage")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-user", help="create a staff account")
    create.add_argument("username")
    create.add_argument("--admin", action="store_true", help="may read the audit log and lift locks")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != password:
            print("两次输入的密码不一致", file=sys.stderr)
            return 1
    engine = make_engine(get_settings().database_url)
    upgrade(engine)
    try:
        user = StaffAccounts(engine).create_user(username=args.username, password=password, is_admin=args.admin)
    except StaffError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"已创建{'管理员' if user.is_admin else '工作人员'}账号：{user.username}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

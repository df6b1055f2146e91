"""``jobcard centre`` and ``jobcard counselor``: accounts from the CLI, passwords from stdin."""

from __future__ import annotations

import argparse
import io

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.review import accounts
from bot.review.cli import dispatch, register
from storage import make_engine, make_session_factory
from storage.review import StaffRow
from tests.conftest import NOW


def _run(argv: list[str], url: str, stdin: str = "") -> tuple[int | None, str, str]:
    parser = argparse.ArgumentParser(prog="jobcard")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        patch.setattr("sys.stdout", out)
        patch.setattr("sys.stderr", err)
        code = dispatch(args, Settings(database_url=url))
    return code, out.getvalue(), err.getvalue()


def test_centres_and_accounts(sqlite_url: str) -> None:
    assert _run(["centre", "add", "yokohama", "ハローワーク横浜 相談コーナー"], sqlite_url)[0] == 0
    code, _, err = _run(["centre", "add", "yokohama", "again"], sqlite_url)
    assert code == 2 and "already a centre 'yokohama'" in err
    assert _run(["centre", "list"], sqlite_url)[1] == "yokohama\tハローワーク横浜 相談コーナー\n"

    argv = ["counselor", "add", "Sato", "--name", "佐藤", "--centre", "yokohama"]
    code, out, _ = _run(argv, sqlite_url, stdin="correct horse battery\n")
    assert (code, out) == (0, "added counselor sato\n")
    code, _, err = _run(
        ["staff", "add", "ito", "--name", "伊藤", "--role", "facilitator"], sqlite_url, "x" * 12
    )
    assert code == 2 and "needs --centre" in err
    code, _, err = _run(
        ["counselor", "add", "kato", "--name", "加藤", "--centre", "yokohama"],
        sqlite_url,
        "short\n",
    )
    assert code == 2 and "at least 12 characters" in err
    code, _, err = _run(
        ["counselor", "add", "kato", "--name", "加藤", "--centre", "yokohama"],
        sqlite_url,
        "password1234\n",
    )
    assert code == 2 and "too common or too easy to guess" in err
    root = ["counselor", "add", "root", "--name", "管理者", "--role", "admin"]
    assert _run(root, sqlite_url, "みなとみらいの観覧車は夜7時\n")[0] == 0

    assert _run(["counselor", "disable", "sato"], sqlite_url)[0] == 0
    assert _run(["counselor", "disable", "nobody"], sqlite_url)[0] == 1
    listing = _run(["counselor", "list"], sqlite_url)[1]
    assert listing == "root\tadmin\t-\tactive\t管理者\nsato\tcounselor\tyokohama\tdisabled\t佐藤\n"

    engine = make_engine(sqlite_url)
    with make_session_factory(engine).begin() as session:
        staff = session.scalar(select(StaffRow).where(StaffRow.login == "sato"))
        assert staff is not None and staff.password_hash.startswith("$argon2id$")
        assert "correct horse" not in staff.password_hash
        # Disabled: the right password no longer logs in.
        assert accounts.authenticate(session, "sato", "correct horse battery", NOW).staff is None
    engine.dispose()


def test_a_password_is_never_a_command_line_argument(sqlite_url: str) -> None:
    with pytest.raises(SystemExit):
        _run(
            ["counselor", "add", "sato", "--name", "佐藤", "--password", "secret123456"],
            sqlite_url,
        )


def test_other_commands_are_left_to_the_main_cli(sqlite_url: str) -> None:
    args = argparse.Namespace(command="chat")
    assert dispatch(args, Settings(database_url=sqlite_url)) is None

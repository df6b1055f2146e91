"""Operator mistakes get one line and exit 1 (2 for usage), never a traceback: as subprocesses."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from tests import pgserver
from tests.test_cli import jobcard


def _closed_port() -> int:
    """A local port nothing listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _one_line(result: subprocess.CompletedProcess[str], status: int, *needles: str) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == status, output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("jobcard: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_delete_without_a_terminal_asks_for_yes(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    result = jobcard("delete", "--user", "console:x", db=db)  # stdin is empty
    _one_line(result, 1, "nothing deleted", "--yes")


def test_delete_accepts_yes_in_words(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    jobcard("chat", "--user", "x", stdin="1\nはい\n", db=db)
    result = jobcard("delete", "--user", "console:x", stdin="yes\n", db=db)
    assert result.returncode == 0, result.stderr
    assert "deleted everything stored for console:x" in result.stdout
    again = jobcard("export", "--user", "console:x", "--format", "data", db=db)
    assert again.returncode == 1 and "nothing is stored" in again.stderr


def test_ctrl_c_at_the_delete_question(tmp_path: Path) -> None:
    env = {**os.environ, "JOBCARD_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "delete", "--user", "console:x"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None and process.stdin is not None
    prompt = ""
    while not prompt.endswith("[y/N] "):
        prompt += process.stdout.read(1)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    result = subprocess.CompletedProcess(process.args, process.returncode, prompt + out, err)
    _one_line(result, 1, "nothing deleted")


@pytest.mark.parametrize("key", ["\x04", "\x03"], ids=["ctrl-d", "ctrl-c"])
def test_leaving_the_password_prompt(tmp_path: Path, key: str) -> None:
    env = {**os.environ, "JOBCARD_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "counselor", "add", "root", "--name", "管理者", "--role", "admin"],
        env=env,
        encoding="utf-8",
        timeout=60,
    )
    child.expect("Password: ")
    child.send(key)
    child.expect(pexpect.EOF)
    child.close()
    output = child.before
    assert "Traceback" not in output, output
    assert "no password was given" in output
    assert child.exitstatus == 1
    listing = jobcard("counselor", "list", db=tmp_path / "x.sqlite3")
    assert listing.stdout == ""  # no account was added


@pytest.mark.parametrize(
    "args",
    [("chat", "--user", "x"), ("export", "--user", "x"), ("db", "upgrade")],
    ids=["chat", "export", "db-upgrade"],
)
def test_an_unreachable_postgresql(args: tuple[str, ...]) -> None:
    url = f"postgresql+psycopg://bot:s3cret@127.0.0.1:{_closed_port()}/jobcard"
    result = jobcard(*args, "--db", url)
    line = _one_line(result, 1, "cannot use", "127.0.0.1", "check that the server is running")
    assert "s3cret" not in line  # the password is never printed


@pytest.mark.parametrize(
    "args", [("chat", "--user", "x"), ("export", "--user", "x")], ids=["chat", "export"]
)
def test_a_postgresql_database_never_upgraded(pg_server: str, args: tuple[str, ...]) -> None:
    url = pgserver.new_database(pg_server, f"never_upgraded_{args[0]}")
    result = jobcard(*args, "--db", url)
    _one_line(result, 1, "not up to date", "jobcard db upgrade")


@pytest.mark.parametrize("url", ["nonsense://", "nonsense"])
def test_a_url_that_is_not_a_database(url: str) -> None:
    result = jobcard("export", "--user", "x", "--db", url)
    _one_line(result, 2, "is not a database URL", "sqlite:///PATH")


def test_dialogs_check_of_a_missing_file() -> None:
    result = jobcard("dialogs", "check", "/nonexistent.yaml")
    _one_line(result, 1, "/nonexistent.yaml", "no such file")


def test_a_database_locked_past_the_wait(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    assert jobcard("db", "upgrade", "--db", f"sqlite:///{path}").returncode == 0
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        started = time.monotonic()
        result = jobcard(
            "delete", "--user", "console:x", "--yes", "--db", f"sqlite:///{path}?timeout=1"
        )
        _one_line(result, 1, "is busy", "try again")
        assert time.monotonic() - started < 60
        # Reading does not wait for the writer at all.
        read = jobcard("export", "--user", "console:x", "--db", f"sqlite:///{path}?timeout=1")
        _one_line(read, 1, "nothing is stored for 'console:x'")
    finally:
        writer.execute("ROLLBACK")
        writer.close()

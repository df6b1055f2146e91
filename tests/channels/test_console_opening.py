"""A terminal chat's opening turn taken in a forked process while the line editor loads.

The pieces in this process (a real fork, a real pipe), then the whole `jobcard chat` in a
pseudo-terminal: on two cores (this machine) and pinned to one core with ``taskset``,
where everything happens in one process as before.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect
import pytest

from bot.bootstrap import build_runtime
from bot.channels import console_opening
from bot.channels.console import ConsoleChannel
from bot.channels.console_opening import (
    LaterService,
    Opened,
    ServiceNotStarted,
    forked,
    opening,
)
from bot.config import Settings
from bot.engine import Inbound, Text
from bot.service import Reply
from storage import outbox
from tests.channels.test_console_terminal import PROMPT_READY, _env, _finish, quit_chat
from tests.test_cli import jobcard

OPENED = Opened((Text("ようこそ"),), "ja", due=False)


def _nothing() -> None:
    return None


def test_the_child_hands_over_its_opening_then_cleans_up(tmp_path: Path) -> None:
    marker = tmp_path / "closed"

    def work() -> tuple[Opened, console_opening.Cleanup]:
        return OPENED, lambda: marker.write_text(str(os.getpid()))

    wait = forked(work)
    assert wait() == OPENED
    assert wait() == OPENED  # asked again: the same result, the pipe read once
    deadline = time.monotonic() + 10
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert int(marker.read_text()) != os.getpid()  # cleaned up in the child, after


def test_a_child_that_fails_or_dies_gives_nothing_and_the_parent_takes_over() -> None:
    def fails() -> tuple[Opened, console_opening.Cleanup]:
        raise RuntimeError("the database is unreachable")

    def dies() -> tuple[Opened, console_opening.Cleanup]:
        os.kill(os.getpid(), signal.SIGKILL)
        return OPENED, _nothing

    assert forked(fails)() is None
    assert forked(dies)() is None


def test_the_child_never_reads_what_is_typed(tmp_path: Path) -> None:
    """Keys typed while the chat starts are the line editor's: the child's input is empty."""

    def reads() -> tuple[Opened, console_opening.Cleanup]:
        typed = os.read(0, 100).decode()
        return Opened((Text(f"read [{typed}]"),), "ja", due=False), _nothing

    read, write = os.pipe()
    saved = os.dup(0)
    os.dup2(read, 0)  # what this process is given to read: a pipe with keys in it
    try:
        os.write(write, b"1\r")
        result = forked(reads)()
    finally:
        os.dup2(saved, 0)
        for fd in (saved, read, write):
            os.close(fd)
    assert result == Opened((Text("read []"),), "ja", due=False)


def test_the_later_service_waits_for_its_build_and_tells_a_failed_one() -> None:
    service = LaterService()
    runtime_service = build_runtime(Settings(database_url="sqlite://")).service
    replies: list[Reply] = []
    asking = threading.Thread(
        target=lambda: replies.append(service.reply(opening("console:later")))
    )
    asking.start()
    asking.join(0.2)
    assert asking.is_alive() and not replies  # waits: nothing is built yet
    service.built(runtime_service)
    asking.join(10)
    assert "使う言語を選んでください" in replies[0].outbound[-1].text  # type: ignore[union-attr]
    assert service.claim_due("console", person_id="console:later") == []

    failed = LaterService()
    failed.failed(OSError("disk full"))
    with pytest.raises(ServiceNotStarted, match="could not be started") as caught:
        failed.reply(opening("console:later"))
    assert isinstance(caught.value.__cause__, OSError)
    assert str(caught.value.__cause__) == "disk full"


def _channel(handled: list[Inbound], opened: Opened | None) -> ConsoleChannel:
    def handler(inbound: Inbound) -> Reply:
        handled.append(inbound)
        return Reply([Text("ここで開きました")], "ja")

    return ConsoleChannel(
        handler,
        "console:t",
        out=io.StringIO(),
        opened=lambda: opened,
    )


def test_an_opening_taken_elsewhere_is_shown_and_none_is_taken_here() -> None:
    handled: list[Inbound] = []
    channel = _channel(handled, OPENED)
    assert channel._open(None) is False  # nothing due: the first prompt need not wait
    assert handled == []
    assert "ようこそ" in channel._out.getvalue()  # type: ignore[attr-defined]


def test_without_an_opening_from_elsewhere_the_console_takes_it_itself() -> None:
    handled: list[Inbound] = []
    channel = _channel(handled, None)
    assert channel._open(None) is True  # and looks for reminders at once
    assert [inbound.text for inbound in handled] == ["/start"]
    assert "ここで開きました" in channel._out.getvalue()  # type: ignore[attr-defined]


def _chat(db: Path, *command: str) -> pexpect.spawn:
    return pexpect.spawn(
        command[0],
        [*command[1:], sys.executable, "-m", "bot", "chat", "--user", "hanako"],
        env=_env(db),
        cwd=str(db.parent),
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=30,
    )


@pytest.mark.parametrize("cores", ["two", "one"])
def test_a_reminder_due_at_start_comes_before_the_first_prompt(tmp_path: Path, cores: str) -> None:
    if cores == "two":
        assert console_opening.can_fork()  # (so this machine takes the forked opening)
        command: tuple[str, ...] = ("/usr/bin/env",)
    else:
        taskset = shutil.which("taskset")
        assert taskset is not None
        command = (taskset, "-c", "0")
    db = tmp_path / "chat.sqlite3"
    assert jobcard("chat", "--user", "hanako", stdin="1\nはい\n", db=db).returncode == 0
    runtime = build_runtime(Settings(database_url=f"sqlite:///{db}"))
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        outbox.schedule(
            session,
            "console:hanako",
            due_at=now - timedelta(minutes=1),
            kind="message",
            payload={"ja": "明日は面談の日です。", "en": "Your consultation is tomorrow."},
            now=now,
        )
    runtime.engine.dispose()
    child = _chat(db, *command)
    child.expect_exact("おかえりなさい")
    child.expect_exact("明日は面談の日です。")
    child.expect_exact(PROMPT_READY)  # after the reminder
    child.send("山田 花子\r")  # and the chat goes on
    child.expect_exact("ふりがな")
    child.expect_exact(PROMPT_READY)
    quit_chat(child)
    with build_runtime(Settings(database_url=f"sqlite:///{db}")).sessions() as session:
        assert not outbox.has_due(session, "console:hanako", datetime.now(UTC))  # sent once


def test_a_start_that_fails_in_a_terminal_is_told_in_one_line_as_any_start(
    tmp_path: Path,
) -> None:
    """On two cores too: the child can't take the opening, nor this process build the
    service; the line says what to do, the password never shown."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once this block ends: nothing listens there
    url = f"postgresql+psycopg://bot:s3cret@127.0.0.1:{port}/jobcard"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "chat", "--user", "x", "--db", url],
        env=_env(tmp_path / "unused.sqlite3"),
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=30,
    )
    said = _finish(child)
    assert child.exitstatus == 1
    assert "cannot use" in said and "check that the server is running" in said
    assert "s3cret" not in said and "Traceback" not in said

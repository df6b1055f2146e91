"""Benchmark: resident memory of each long-running process, idle and as it serves people.

Run: ``python -m tests.bench.memory [--people 100]`` (a few minutes). Each process is started
as shipped, on a fresh SQLite database; its RSS (``/proc/PID/status``) is read once it is
ready, after ``--people`` people have each had 10 turns (1,000 turns with the default), and
after four times as many people. The last column is what the last 3,000 turns (300 more
people) added: a process that keeps nothing per person stays near 0.

- ``jobcard chat``: one person in a terminal (a pseudo-terminal), 1,000 answers typed.
- ``jobcard telegram``: the webhook as ``jobcard telegram`` serves it, against the fake Bot
  API, each person's onboarding + profile posted as Telegram would.
- ``jobcard web``: the browser chat as the README runs it behind a proxy, each person a
  browser of their own.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pexpect

from tests.bench.service import SCRIPT
from tests.bench.telegram import Telegram, _process
from tests.bench.webchat import Browser, Upstream, _turn, jobcard_web

PROMPT_READY = "\x1b[?2004h"


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _line(name: str, idle: float, first: float, later: float, people: int) -> str:
    return (
        f"{name:18} idle={idle:6.1f} MB  after {people * 10:,} turns={first:6.1f} MB  "
        f"after {people * 40:,} turns={later:6.1f} MB  (the last {people * 30:,} turns "
        f"added {later - first:+.1f} MB)"
    )


def chat(folder: Path, turns: int) -> tuple[float, float, float]:
    """``jobcard chat``: idle, after ``turns`` answers and after four times as many."""
    env = dict(os.environ)
    env.update(
        JOBCARD_DATABASE_URL=f"sqlite:///{folder / 'chat.sqlite3'}",
        TERM="xterm-256color",
        PROMPT_TOOLKIT_NO_CPR="1",
    )
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "chat", "--user", "memory"],
        env=env,
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=60,
    )
    child.expect_exact(PROMPT_READY)
    figures = [rss_mb(child.pid)]
    answers = ["/summary", "/help", "/menu", "/summary"]
    for count in (turns, turns * 3):
        for n in range(count):
            child.send(answers[n % len(answers)] + "\r")
            child.expect_exact(PROMPT_READY)
        figures.append(rss_mb(child.pid))
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    return figures[0], figures[1], figures[2]


def telegram(folder: Path, people: int) -> tuple[float, float, float]:
    """``jobcard telegram`` (webhook): idle, after ``people`` and after four times as many."""
    db_url = f"sqlite:///{folder / 'telegram.sqlite3'}"
    with _process("fake") as (api_port, fake):
        api = f"http://127.0.0.1:{api_port}"
        with _process("ours", "--api-url", api, "--db", db_url) as (bot_port, bot):
            hook = f"http://127.0.0.1:{bot_port}/hook"

            async def drive() -> tuple[float, float, float]:
                async with aiohttp.ClientSession() as session:
                    driver = Telegram(session, api, hook, "ours", think=0.0)
                    await driver.wait_until_ready(fake, bot)
                    figures = [rss_mb(bot.pid)]
                    first = 1
                    for count in (people, people * 3):
                        for start in range(first, first + count, 16):
                            batch = range(start, min(start + 16, first + count))
                            await asyncio.gather(*(driver.converse(p) for p in batch))
                        first += count
                        figures.append(rss_mb(bot.pid))
                    return figures[0], figures[1], figures[2]

            return asyncio.run(drive())


def web(folder: Path, people: int) -> tuple[float, float, float]:
    """``jobcard web`` (browser chat): idle, after ``people`` and after four times as many."""
    with jobcard_web(f"sqlite:///{folder / 'web.sqlite3'}") as (port, pid):

        def one(person: int) -> None:
            browser = Browser(Upstream([port]), f"10.{person // 256 % 256}.{person % 256}.1")
            try:
                _, _, page = browser.request("GET", "/")
                for kind, value in SCRIPT:
                    page = _turn(browser, page, kind, value, True)
            finally:
                browser.close()

        figures = [rss_mb(pid)]
        first = 1
        for count in (people, people * 3):
            for person in range(first, first + count):
                one(person)
            first += count
            figures.append(rss_mb(pid))
        return figures[0], figures[1], figures[2]


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100, help="people of 10 turns each")
    args = parser.parse_args()
    runs: dict[str, Callable[[Path], tuple[float, float, float]]] = {
        "jobcard chat": lambda folder: chat(folder, args.people * 10),
        "jobcard telegram": lambda folder: telegram(folder, args.people),
        "jobcard web": lambda folder: web(folder, args.people),
    }
    for name, run in runs.items():
        with tempfile.TemporaryDirectory() as folder:
            idle, first, later = run(Path(folder))
        print(_line(name, idle, first, later, args.people))


if __name__ == "__main__":
    main()

"""Benchmark: our Telegram webhook path side by side with a minimal python-telegram-bot echo bot.

Run: ``python -m tests.bench.telegram [--people 100] [--concurrency 16] [--rounds 2]
[--postgres] [--httpx]`` (about 1.5 minutes with the defaults).

Three processes: the bot under test serves the webhook on loopback exactly as in production
(secret checked, update handled before the 200); the fake Bot API answers what it sends; this
process plays Telegram, POSTing updates for many chats at once, each chat waiting for its
previous update's answer (as Telegram does). Bots measured:

- the echo bot of python-telegram-bot's examples (its default httpx transport), on our
  webhook server: one text update in, one message out;
- our adapter with an echo turn instead of the service (what the adapter itself costs);
- jobcard: onboarding + profile, 10 updates a person (texts and button presses, each stored
  in the database); ``--postgres`` repeats it on PostgreSQL, ``--httpx`` with
  python-telegram-bot's default transport instead of aiohttp.

Prints updates/s, p50/p99 per update (webhook POST to its 200) and the bot process's CPU per
update (steadier than rates on a busy machine), best of ``--rounds`` runs, and our share of
the echo bot's updates/s. Telegram's flood limits (30 messages/s) are off in our bots here:
they would measure Telegram, not the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest, HTTPXRequest

from bot.bootstrap import build_runtime
from bot.channels.telegram_webhook import SECRET_HEADER, ServeOptions, build_application, serve
from bot.config import Settings
from bot.engine import Inbound, Outbound, Text
from tests.bench.service import SCRIPT, database
from tests.channels.fake_bot_api import FakeBotApi, callback_update, message_update, user

TOKEN = "123456:BENCH-token"
SECRET = "bench-secret"
WARMUP_PEOPLE = 10
KINDS = ("echo", "adapter", "ours", "ours-httpx")


@dataclass(frozen=True, slots=True)
class Figures:
    """What one run measured."""

    updates: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float

    @property
    def per_second(self) -> float:
        """Updates handled per second."""
        return self.updates / self.seconds


def _echo_application(api_url: str) -> Any:
    """PTB's echo bot, as its examples write it, behind the same webhook server."""

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    application = (
        ApplicationBuilder().token(TOKEN).base_url(f"{api_url}/bot").updater(None).build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


def _echo_turn(inbound: Inbound) -> list[Outbound]:
    return [Text(inbound.text or "")]


def _our_application(
    api_url: str, handle: Callable[[Inbound], list[Outbound]], transport: BaseRequest | None = None
) -> Any:
    unlimited = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
    return build_application(
        handle, TOKEN, api_url=api_url, rate_limiter=unlimited, transport=transport, polling=False
    )


async def _serve_bot(kind: str, api_url: str, sock: socket.socket, db_url: str) -> None:
    """A bot process: serve the webhook on the socket it was handed until SIGTERM."""
    if kind.startswith("ours"):
        handle = build_runtime(Settings(db_url)).service.handle
        httpx = HTTPXRequest(connection_pool_size=256) if kind == "ours-httpx" else None
        application = _our_application(api_url, handle, httpx)
    elif kind == "adapter":
        application = _our_application(api_url, _echo_turn)
    else:
        application = _echo_application(api_url)
    port = sock.getsockname()[1]
    options = ServeOptions(f"http://127.0.0.1:{port}/hook", SECRET, sock=sock)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await serve(application, options, stop)


def _serve_fake(sock: socket.socket) -> None:
    """The fake Bot API process: its own process, so it competes with neither side."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with FakeBotApi(TOKEN, sock):
        stop.wait()


def _cpu_seconds(pid: int) -> float:
    """CPU time a process (all its threads) has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def _process(*args: str) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """Run ``python -m tests.bench.telegram --serve ...`` listening on a socket bound here
    (so no other program can take its port meanwhile); yield the port and the process."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        fd = str(listener.fileno())
        command = [sys.executable, "-m", "tests.bench.telegram", "--fd", fd, "--serve", *args]
        process = subprocess.Popen(command, pass_fds=[listener.fileno()])
        try:
            yield listener.getsockname()[1], process
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


class Telegram:
    """Plays Telegram: POSTs each person's updates in turn, as a chat's updates arrive."""

    def __init__(self, session: aiohttp.ClientSession, api: str, hook: str, kind: str) -> None:
        self._session, self._api, self._hook, self._kind = session, api, hook, kind
        self._ids = itertools.count(1)
        self.latencies: list[float] = []

    async def wait_until_ready(self, *processes: subprocess.Popen[bytes]) -> None:
        """Wait until the fake API and the bot answer (the webhook is registered by then)."""
        for url in (f"{self._api}/_fake/stats", self._hook.rsplit("/", 1)[0] + "/healthz"):
            while True:
                if any(process.poll() is not None for process in processes):
                    raise RuntimeError("a benchmark process stopped")
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    timeout = aiohttp.ClientTimeout(total=5)
                    async with self._session.get(url, timeout=timeout) as response:
                        if response.status == 200:
                            break
                await asyncio.sleep(0.05)

    async def _update(self, person: int, kind: str, value: str) -> dict[str, Any]:
        sender = user(person)
        if kind == "button" and self._kind.startswith("ours"):
            query = {"chat_id": str(person), "label": value}
            async with self._session.get(f"{self._api}/_fake/newest_button", params=query) as r:
                found = await r.json()
            return callback_update(next(self._ids), sender, found["data"], found["message"])
        return message_update(next(self._ids), sender, value)

    async def converse(self, person: int) -> None:
        """One person's whole conversation, one update after another."""
        headers = {SECRET_HEADER: SECRET}
        for kind, value in SCRIPT:
            update = await self._update(person, kind, value)
            started = time.perf_counter()
            async with self._session.post(self._hook, json=update, headers=headers) as response:
                await response.read()
            self.latencies.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"webhook answered {response.status}")

    async def failed_calls(self) -> list[str]:
        """The Bot API calls that did not succeed."""
        async with self._session.get(f"{self._api}/_fake/stats") as response:
            return list((await response.json())["failed"])


async def _gather_limited(jobs: list[Callable[[], Awaitable[None]]], limit: int) -> None:
    queue = list(reversed(jobs))

    async def worker() -> None:
        while queue:
            await queue.pop()()

    await asyncio.gather(*(worker() for _ in range(limit)))


async def _drive(
    telegram: Telegram, people: int, limit: int, processes: tuple[subprocess.Popen[bytes], ...]
) -> Figures:
    await telegram.wait_until_ready(*processes)
    bot_pid = processes[-1].pid
    warmup = [lambda p=p: telegram.converse(p) for p in range(1, WARMUP_PEOPLE + 1)]
    await _gather_limited(warmup, limit)
    telegram.latencies.clear()
    first = WARMUP_PEOPLE + 1
    jobs = [lambda p=p: telegram.converse(p) for p in range(first, first + people)]
    cpu, started = _cpu_seconds(bot_pid), time.perf_counter()
    await _gather_limited(jobs, limit)
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds(bot_pid) - cpu
    failed = await telegram.failed_calls()
    if failed:
        raise RuntimeError(f"{len(failed)} Bot API calls failed: {sorted(set(failed))}")
    latencies = sorted(telegram.latencies)
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    count = len(latencies)
    median = statistics.median(latencies)
    return Figures(count, elapsed, median * 1000, p99 * 1000, cpu / count * 1000)


async def _run_load(
    api: str,
    hook: str,
    kind: str,
    people: int,
    limit: int,
    processes: tuple[subprocess.Popen[bytes], ...],
) -> Figures:
    connector = aiohttp.TCPConnector(limit=limit * 2)
    async with aiohttp.ClientSession(connector=connector) as session:
        return await _drive(Telegram(session, api, hook, kind), people, limit, processes)


def measure(kind: str, db_url: str, people: int, limit: int) -> Figures:
    """Run one bot against a fresh fake Bot API, each in its own process, and time it."""
    with _process("fake") as (api_port, fake):
        api = f"http://127.0.0.1:{api_port}"
        with _process(kind, "--api-url", api, "--db", db_url) as (bot_port, bot):
            hook = f"http://127.0.0.1:{bot_port}/hook"
            return asyncio.run(_run_load(api, hook, kind, people, limit, (fake, bot)))


def _best(kind: str, args: argparse.Namespace, db_kind: str = "sqlite") -> Figures:
    """The best of a few runs, each on a fresh database: the machine may be busy otherwise."""
    runs = []
    for _ in range(args.rounds):
        with database(db_kind) as url:
            runs.append(measure(kind, url, args.people, args.concurrency))
    return max(runs, key=lambda figures: figures.per_second)


def _print(name: str, figures: Figures) -> None:
    print(
        f"{name:30} updates/s={figures.per_second:5.0f}  p50={figures.p50_ms:6.1f}ms  "
        f"p99={figures.p99_ms:6.1f}ms  bot CPU={figures.cpu_ms:5.2f}ms/update"
    )


def main() -> None:
    """Run the benchmark (or, with --serve, be one of its bot processes)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100, help="conversations of 10 updates")
    parser.add_argument("--concurrency", type=int, default=16, help="chats talking at once")
    parser.add_argument("--rounds", type=int, default=2, help="runs per bot; the best counts")
    parser.add_argument("--postgres", action="store_true", help="ours on PostgreSQL too")
    parser.add_argument(
        "--httpx", action="store_true", help="ours with python-telegram-bot's httpx transport too"
    )
    parser.add_argument("--serve", choices=[*KINDS, "fake"], help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.serve == "fake":
        _serve_fake(socket.socket(fileno=args.fd))
        return
    if args.serve:
        asyncio.run(_serve_bot(args.serve, args.api_url, socket.socket(fileno=args.fd), args.db))
        return
    print(f"{args.people} people x {len(SCRIPT)} updates, {args.concurrency} chats at once")
    echo = _best("echo", args)
    _print("python-telegram-bot echo bot", echo)
    _print("our adapter, echo turn", _best("adapter", args))
    for db_kind in ["sqlite", "postgresql"] if args.postgres else ["sqlite"]:
        ours = _best("ours", args, db_kind)
        _print(f"jobcard ({db_kind})", ours)
        share = ours.per_second / echo.per_second
        print(f"{'':30} ratio={share:.2f} of the echo bot's updates/s (target >= 0.50)")
    if args.httpx:
        _print("jobcard (sqlite), httpx", _best("ours-httpx", args))


if __name__ == "__main__":
    main()

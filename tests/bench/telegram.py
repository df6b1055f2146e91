"""Benchmark: the Telegram bot as shipped, side by side with a bare PTB echo bot.

Run: ``python -m tests.bench.telegram [--people 300] [--think 1.0] [--rounds 2] [--postgres]``
(a few minutes with the defaults), or ``--postgres --workers 1,2,4`` for the scale-out alone.

Three processes: the bot under test serves the webhook on loopback exactly as in production
(secret checked, update handled before the 200, on uvloop, listening with uvicorn's backlog);
the fake Bot API answers what it sends; this process plays Telegram and the people, and makes
the Bot API call a webhook response carries (a button press answered), as Telegram does.
Every person chats at once, like people do: they read the reply and answer ``--think``
seconds later (one update a second at most, so within Telegram's pace of about one message a
second per chat), each chat's next update posted only once the previous one was answered (as
Telegram does). Bots measured, taking turns round after round:

- the echo bot of python-telegram-bot's examples (its default httpx transport, no rate
  limiter, updates handled concurrently), on our webhook server and event loop: one text in,
  one message out;
- our adapter with an echo turn instead of the service, built as shipped;
- jobcard exactly as ``jobcard telegram`` builds it (``shipped_application``: the service's
  ``converse`` in threads, ``ChatPacing``, the aiohttp transport):
  onboarding + profile, 10 updates a person (texts and button presses, each stored in the
  database); ``--postgres`` repeats it on PostgreSQL.

Prints updates/s, p50/p99 per update (webhook POST to its 200) and the bot process's CPU per
update, best of ``--rounds`` runs, our share of the echo bot's updates/s (and round by round)
and the machine's load. CPU per update is the steadier figure on a shared machine: under load
the echo bot's httpx pool falls behind and collapses (its CPU per update doubles). With enough
people every bot is saturated (its latency grows until the people wait for it), so updates/s
is what the bot can serve. Then ``/card``: people who finished their profile ask for their
Job Card one after another; the time to the first reply ("作成しています") and to the PDF.

``--workers 1,2,4`` (PostgreSQL) measures scale-out instead: for each count, that many
``jobcard telegram --webhook …`` processes started as the README tells an operator to (the
command and its environment, one port each, one throwaway PostgreSQL migrated with ``jobcard
db upgrade``), the updates spread over them round-robin per request as a load balancer in
front of Telegram's one webhook URL does, each chat's next update still posted only once the
previous one was answered. Per count: updates/s, p50/p99, the CPU per update of all workers
together and of the rest (PostgreSQL, the fake Bot API, this client), and a check that every
update was handled exactly once and every conversation completed with its own answers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import aiohttp
from sqlalchemy import create_engine, func, select
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.bootstrap import build_runtime
from bot.channels.kit import run_fast
from bot.channels.telegram import API_URL_VARIABLE, SECRET_VARIABLE, TOKEN_VARIABLE
from bot.channels.telegram_http import SECRET_HEADER, ServeOptions
from bot.channels.telegram_webhook import build_application, serve, shipped_application
from bot.config import Settings
from bot.engine import Inbound, Outbound, Text
from storage.tables import answers, deliveries
from tests import pgserver
from tests.bench.service import SCRIPT, database
from tests.channels.fake_bot_api import FakeBotApi, callback_update, message_update, user

TOKEN = "123456:BENCH-token"
SECRET = "bench-secret"
WARMUP_PEOPLE = 10
CARD_PEOPLE = 20
KINDS = ("echo", "adapter", "ours")
BACKLOG = 2048  # what uvicorn listens with when it binds the port itself, as jobcard does
# The public URL the load balancer serves (the README's example); each worker registers it
# and serves its path on a port of its own.
PUBLIC_WEBHOOK = "https://bot.example.org/telegram"


@dataclass(frozen=True, slots=True)
class Figures:
    """What one run measured."""

    updates: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float
    # Scale-out: PostgreSQL's, and the fake Bot API's and this client's (the harness).
    db_cpu_ms: float = 0.0
    harness_cpu_ms: float = 0.0

    @property
    def per_second(self) -> float:
        """Updates handled per second."""
        return self.updates / self.seconds


def _echo_application(api_url: str) -> Any:
    """PTB's echo bot, as its examples write it, behind the same webhook server."""

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    # Updates handled side by side, as any webhook bot serving many chats is set up.
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{api_url}/bot")
        .concurrent_updates(True)
        .updater(None)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


def _echo_turn(inbound: Inbound) -> list[Outbound]:
    return [Text(inbound.text or "")]


async def _serve_bot(kind: str, api_url: str, sock: socket.socket, db_url: str) -> None:
    """A bot process: serve the webhook on the socket it was handed until SIGTERM."""
    if kind == "ours":
        environ = {TOKEN_VARIABLE: TOKEN, API_URL_VARIABLE: api_url}
        runtime = build_runtime(Settings(db_url, environ=environ))
        application = shipped_application(runtime, polling=False)
    elif kind == "adapter":
        application = build_application(_echo_turn, TOKEN, api_url=api_url, polling=False)
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
    # uvicorn's backlog: with Python's default of 128 a burst of new connections overflows
    # the queue, and each one dropped is retried by the client only after 1, 3, 7… seconds.
    with socket.create_server(("127.0.0.1", 0), backlog=BACKLOG) as listener:
        fd = str(listener.fileno())
        command = [sys.executable, "-m", "tests.bench.telegram", "--fd", fd, "--serve", *args]
        process = subprocess.Popen(command, pass_fds=[listener.fileno()])
        try:
            yield listener.getsockname()[1], process
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


class Telegram:
    """Plays Telegram: POSTs each person's updates in turn, as a chat's updates arrive.

    Given several webhook addresses (workers), it plays the load balancer in front of them
    too: each POST goes to the next worker in turn, whichever chat it belongs to.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api: str,
        hook: str | Sequence[str],
        kind: str,
        think: float,
    ) -> None:
        self._session, self._api, self.kind = session, api, kind
        self._hooks = (hook,) if isinstance(hook, str) else tuple(hook)
        self._next_hook = itertools.cycle(self._hooks)
        self._think = think
        self._ids = itertools.count(1)
        self.latencies: list[float] = []

    async def wait_until_ready(self, *processes: subprocess.Popen[bytes]) -> None:
        """Wait until the fake API and every bot answer (the webhook is registered by then)."""
        health = [hook.rsplit("/", 1)[0] + "/healthz" for hook in self._hooks]
        for url in (f"{self._api}/_fake/stats", *health):
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
        if kind == "button" and self.kind == "ours":
            query = {"chat_id": str(person), "label": value}
            async with self._session.get(f"{self._api}/_fake/newest_button", params=query) as r:
                found = await r.json()
            return callback_update(next(self._ids), sender, found["data"], found["message"])
        if value == "山田 太郎":
            # A name of one's own, so each person's card (and its PDF) is a different one.
            digits = "一二三四五六七八九十"
            value = f"山田 {digits[person % 10]}{digits[person // 10 % 10]}郎"
        return message_update(next(self._ids), sender, value)

    async def converse(self, person: int, most: float | None = None) -> None:
        """One person's whole conversation: read each reply, answer after ``think`` seconds
        (at ``most`` seconds when given: a warm-up needs no long thoughts)."""
        think = self._think if most is None else min(self._think, most)
        # People do not all start in the same millisecond.
        await asyncio.sleep(think * (person % 97) / 97)
        for kind, value in SCRIPT:
            update = await self._update(person, kind, value)
            self.latencies.append(await self.post(update))
            await asyncio.sleep(think)

    async def post(self, update: dict[str, Any]) -> float:
        """POST one update as Telegram does; the seconds until the bot answered it.

        A Bot API call in the webhook's response (a button press answered) is then made, as
        Telegram makes it.
        """
        headers = {SECRET_HEADER: SECRET}
        hook = next(self._next_hook)
        started = time.perf_counter()
        async with self._session.post(hook, json=update, headers=headers) as response:
            body = await response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"webhook answered {response.status}")
        if body:
            await self._call_from_response(json.loads(body))
        return elapsed

    async def _call_from_response(self, call: dict[str, Any]) -> None:
        method = call.pop("method")
        url = f"{self._api}/bot{TOKEN}/{method}"
        async with self._session.post(url, json=call) as response:
            await response.read()

    async def ask_for_the_card(self, person: int) -> tuple[float, float]:
        """Send /card; seconds to the first message and to the PDF, as the fake API saw them."""
        started = time.time()
        await self.post(message_update(next(self._ids), user(person), "/card"))
        query = {"chat_id": str(person)}
        async with self._session.get(f"{self._api}/_fake/calls", params=query) as response:
            calls = [c for c in await response.json() if c["at"] >= started]
        first = min(c["at"] for c in calls if c["method"] == "sendMessage")
        document = min(c["at"] for c in calls if c["method"] == "sendDocument")
        return first - started, document - started

    async def failed_calls(self) -> list[str]:
        """The Bot API calls that did not succeed."""
        async with self._session.get(f"{self._api}/_fake/stats") as response:
            return list((await response.json())["failed"])


async def _gather_limited(jobs: Sequence[Callable[[], Awaitable[None]]], limit: int) -> None:
    queue = list(reversed(jobs))

    async def worker() -> None:
        while queue:
            await queue.pop()()

    await asyncio.gather(*(worker() for _ in range(limit)))


@dataclass(frozen=True, slots=True)
class CardFigures:
    """/card: seconds to the first reply and to the PDF, one figure per person."""

    first: list[float]
    document: list[float]


def _cpu_of(pids: Sequence[int]) -> float:
    """CPU time the processes (``0``: this one) have used so far, together."""
    return sum(time.process_time() if pid == 0 else _cpu_seconds(pid) for pid in pids)


async def _drive(
    telegram: Telegram,
    people: int,
    processes: tuple[subprocess.Popen[bytes], ...],
    bots: int = 1,
    others: Callable[[], tuple[float, float]] = lambda: (0.0, 0.0),
    with_card: bool = True,
) -> tuple[Figures, CardFigures | None]:
    """Warm the bots up, time ``people`` chatting at once, then (``with_card``, ours) /card; the
    bots are the last ``bots`` processes, and ``others`` tells the CPU the database and the
    harness have used so far."""
    await telegram.wait_until_ready(*processes)
    bot_pids = [process.pid for process in processes[-bots:]]
    warmup = [partial(telegram.converse, p, 1.0) for p in range(1, WARMUP_PEOPLE + 1)]
    await _gather_limited(warmup, WARMUP_PEOPLE)
    telegram.latencies.clear()
    first = WARMUP_PEOPLE + 1
    jobs = [partial(telegram.converse, p) for p in range(first, first + people)]
    cpu, other, started = _cpu_of(bot_pids), others(), time.perf_counter()
    await _gather_limited(jobs, people)
    elapsed, cpu = time.perf_counter() - started, _cpu_of(bot_pids) - cpu
    db_cpu, harness_cpu = (after - before for after, before in zip(others(), other, strict=True))
    failed = await telegram.failed_calls()
    if failed:
        raise RuntimeError(f"{len(failed)} Bot API calls failed: {sorted(set(failed))}")
    latencies = sorted(telegram.latencies)
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    count = len(latencies)
    median = statistics.median(latencies)
    per_update = [seconds / count * 1000 for seconds in (cpu, db_cpu, harness_cpu)]
    figures = Figures(count, elapsed, median * 1000, p99 * 1000, *per_update)
    card = None
    if telegram.kind == "ours" and with_card:
        # The first asks warm up WeasyPrint and matplotlib, as a running bot has long done.
        for person in range(1, 3):
            await telegram.ask_for_the_card(person)
        asked = [await telegram.ask_for_the_card(p) for p in range(first, first + CARD_PEOPLE)]
        card = CardFigures([a[0] for a in asked], [a[1] for a in asked])
    return figures, card


async def _run_load(
    api: str,
    hook: str | Sequence[str],
    kind: str,
    args: argparse.Namespace,
    processes: tuple[subprocess.Popen[bytes], ...],
    bots: int = 1,
    others: Callable[[], tuple[float, float]] = lambda: (0.0, 0.0),
    with_card: bool = True,
) -> tuple[Figures, CardFigures | None]:
    connector = aiohttp.TCPConnector(limit=args.people * 2)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        telegram = Telegram(session, api, hook, kind, args.think)
        return await _drive(telegram, args.people, processes, bots, others, with_card)


def measure(
    kind: str, db_url: str, args: argparse.Namespace
) -> tuple[Figures, CardFigures | None]:
    """Run one bot against a fresh fake Bot API, each in its own process, and time it."""
    with _process("fake") as (api_port, fake):
        api = f"http://127.0.0.1:{api_port}"
        with _process(kind, "--api-url", api, "--db", db_url) as (bot_port, bot):
            hook = f"http://127.0.0.1:{bot_port}/hook"
            return asyncio.run(_run_load(api, hook, kind, args, (fake, bot)))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _jobcard() -> list[str]:
    """The ``jobcard`` command this interpreter installed (``python -m bot`` without it)."""
    script = os.path.join(os.path.dirname(sys.executable), "jobcard")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "bot"]


def _operator_environ(db_url: str, api: str) -> dict[str, str]:
    """What the README has an operator export before running workers (the Bot API: ours)."""
    return {
        **os.environ,
        TOKEN_VARIABLE: TOKEN,
        SECRET_VARIABLE: SECRET,
        API_URL_VARIABLE: api,
        "JOBCARD_DATABASE_URL": db_url,
    }


@contextmanager
def jobcard_telegram_workers(
    count: int, db_url: str, api: str
) -> Iterator[list[tuple[int, subprocess.Popen[bytes]]]]:
    """``count`` × ``jobcard telegram --webhook … --listen … --port …`` as the README runs
    several workers, one port each; their ports and processes until the block ends."""
    env = _operator_environ(db_url, api)
    workers: list[tuple[int, subprocess.Popen[bytes], Any]] = []
    with contextlib.ExitStack() as files:
        try:
            for _ in range(count):
                port = _free_port()
                command = [*_jobcard(), "telegram", "--webhook", PUBLIC_WEBHOOK]
                command += ["--listen", "127.0.0.1", "--port", str(port)]
                errors = files.enter_context(tempfile.TemporaryFile())
                out = subprocess.DEVNULL
                process = subprocess.Popen(command, env=env, stdout=out, stderr=errors)
                workers.append((port, process, errors))
            yield [(port, process) for port, process, _ in workers]
        except BaseException:
            for _, process, errors in workers:
                if process.poll() is not None:  # say why a worker stopped
                    errors.seek(0)
                    print(errors.read().decode(errors="replace"), file=sys.stderr)
            raise
        finally:
            for _, process, _ in workers:
                process.send_signal(signal.SIGTERM)
            for _, process, _ in workers:
                process.wait(timeout=60)


def _postgres_cpu(db_url: str) -> Callable[[], float]:
    """CPU used so far by the PostgreSQL server at ``db_url``: the postmaster, its live
    processes (the workers' connections among them) and the children it has reaped."""
    port = db_url.rsplit(":", 1)[1].split("/", 1)[0]
    postmaster = None
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    words = cmdline.read().split(b"\0")
                pairs = itertools.pairwise(words)
                if words[0].endswith(b"/postgres") and (b"-p", port.encode()) in pairs:
                    postmaster = int(entry)
    if postmaster is None:
        raise RuntimeError(f"no PostgreSQL server found on port {port}")

    def used() -> float:
        total = 0.0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            with contextlib.suppress(OSError):
                with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                pid, parent = int(entry), int(fields[1])
                if pid == postmaster:
                    # Children that exited: their CPU is added to the postmaster's once reaped.
                    total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
                elif parent == postmaster:
                    total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    return used


def _check_conversations(db_url: str, people: int) -> int:
    """Every update handled exactly once and every person's conversation complete, with
    their own answers, whichever workers their updates reached; the answers a person has."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            # Updates only (the outbox's sends are claimed in this table too).
            updates = deliveries.c.delivery_id.like("telegram:%")
            handled = connection.scalar(select(func.count()).where(updates))
            current = select(answers.c.person_id, answers.c.field, answers.c.value)
            rows = connection.execute(current.where(answers.c.is_current)).all()
    finally:
        engine.dispose()
    everyone = WARMUP_PEOPLE + people
    if handled != everyone * len(SCRIPT):
        raise RuntimeError(f"{handled} updates handled, not {everyone * len(SCRIPT)}")
    fields: dict[str, set[str]] = {}
    values: dict[str, str] = {}
    for person_id, field, value in rows:
        fields.setdefault(person_id, set()).add(field)
        values[person_id] = values.get(person_id, "") + json.dumps(value, ensure_ascii=False)
    complete = fields.get(f"telegram:{WARMUP_PEOPLE + 1}", set())
    for person in range(1, everyone + 1):
        person_id = f"telegram:{person}"
        digits = "一二三四五六七八九十"
        name = f"山田 {digits[person % 10]}{digits[person // 10 % 10]}郎"
        if fields.get(person_id) != complete or name not in values.get(person_id, ""):
            raise RuntimeError(f"{person_id}'s conversation is not complete or not theirs")
    return len(complete)


def measure_workers(count: int, args: argparse.Namespace) -> tuple[Figures, int]:
    """``count`` workers on a fresh PostgreSQL behind one fake Bot API: what they served,
    checked, and how many answers each person ended with."""
    with pgserver.throwaway_postgres() as db_url:
        environ = _operator_environ(db_url, "")
        subprocess.run(
            [*_jobcard(), "db", "upgrade"], env=environ, check=True, capture_output=True
        )
        postgres = _postgres_cpu(db_url)
        with _process("fake") as (api_port, fake):
            api = f"http://127.0.0.1:{api_port}"
            with jobcard_telegram_workers(count, db_url, api) as workers:
                hooks = [f"http://127.0.0.1:{port}/telegram" for port, _ in workers]
                processes = (fake, *(process for _, process in workers))

                def others() -> tuple[float, float]:
                    return postgres(), _cpu_of([0, fake.pid])

                load = _run_load(
                    api, hooks, "ours", args, processes, count, others, with_card=False
                )
                figures, _ = asyncio.run(load)
        return figures, _check_conversations(db_url, args.people)


def _scale_out(args: argparse.Namespace) -> None:
    counts = [int(n) for n in args.workers.split(",") if n]
    runs: dict[int, list[Figures]] = {}
    loads = []
    fields = set()
    for _ in range(args.rounds):
        for count in counts:  # taking turns, so a busy spell falls on every count
            loads.append(os.getloadavg()[0])
            figures, answered = measure_workers(count, args)
            runs.setdefault(count, []).append(figures)
            fields.add(answered)
    for count in counts:
        best = max(runs[count], key=lambda figures: figures.per_second)
        rounds = ", ".join(f"{figures.per_second:.0f}" for figures in runs[count])
        _print(f"{count} worker{'s' if count > 1 else ''}, PostgreSQL", best)
        print(
            f"{'':30} CPU per update: all workers {best.cpu_ms:.2f} ms + PostgreSQL "
            f"{best.db_cpu_ms:.2f} ms (+ fake Bot API and this client {best.harness_cpu_ms:.2f} "
            f"ms); updates/s round by round: {rounds}"
        )
    print(
        f"every update handled once, every conversation complete with its own answers "
        f"({sorted(fields)} each); {os.cpu_count()} cores shared by the workers, PostgreSQL, "
        "the fake Bot API and this client, so more workers than cores cannot scale linearly"
    )
    print(f"load average at each run's start {min(loads):.1f}-{max(loads):.1f}")


def _rounds(
    args: argparse.Namespace, db_kinds: list[str]
) -> dict[str, list[tuple[Figures, CardFigures | None]]]:
    """Every bot once a round, taking turns (echo, adapter, ours), each on a fresh database:
    a busy spell on the machine then falls on all of them rather than on one."""
    bots = [("echo", "sqlite"), ("adapter", "sqlite"), *(("ours", db) for db in db_kinds)]
    runs: dict[str, list[tuple[Figures, CardFigures | None]]] = {}
    for _ in range(args.rounds):
        for kind, db_kind in bots:
            with database(db_kind) as url:
                runs.setdefault(f"{kind}:{db_kind}", []).append(measure(kind, url, args))
    return runs


def _best(runs: list[tuple[Figures, CardFigures | None]]) -> tuple[Figures, CardFigures | None]:
    return max(runs, key=lambda run: run[0].per_second)


def _print(name: str, figures: Figures) -> None:
    print(
        f"{name:30} updates/s={figures.per_second:5.0f}  p50={figures.p50_ms:6.1f}ms  "
        f"p99={figures.p99_ms:6.1f}ms  bot CPU={figures.cpu_ms:5.2f}ms/update"
    )


def main() -> None:
    """Run the benchmark (or, with --serve, be one of its bot processes)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--people", type=int, default=300, help="people chatting at once, 10 updates each"
    )
    parser.add_argument("--think", type=float, default=1.0, help="seconds before each answer")
    parser.add_argument("--rounds", type=int, default=2, help="runs per bot; the best counts")
    parser.add_argument("--postgres", action="store_true", help="ours on PostgreSQL too")
    parser.add_argument(
        "--workers",
        help="worker counts, e.g. 1,2,4: jobcard telegram as several webhook workers on "
        "PostgreSQL (with --postgres), instead of the comparison with the echo bot",
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
        # Every bot on the event loop ``jobcard telegram`` runs on (uvloop), the echo bot too.
        run_fast(_serve_bot(args.serve, args.api_url, socket.socket(fileno=args.fd), args.db))
        return
    if args.workers and not args.postgres:
        parser.error("--workers runs on PostgreSQL: add --postgres")
    print(
        f"{args.people} people at once x {len(SCRIPT)} updates, answering {args.think:.1f} s "
        "after each reply"
    )
    if args.workers:
        _scale_out(args)
        return
    load = os.getloadavg()[0]
    db_kinds = ["sqlite", "postgresql"] if args.postgres else ["sqlite"]
    runs = _rounds(args, db_kinds)
    echo, _ = _best(runs["echo:sqlite"])
    _print("python-telegram-bot echo bot", echo)
    _print("our adapter (as shipped), echo", _best(runs["adapter:sqlite"])[0])
    for db_kind in db_kinds:
        ours, card = _best(runs[f"ours:{db_kind}"])
        _print(f"jobcard as shipped ({db_kind})", ours)
        share = ours.per_second / echo.per_second
        each = zip(runs["echo:sqlite"], runs[f"ours:{db_kind}"], strict=True)
        rounds = ", ".join(f"{o[0].per_second / e[0].per_second:.2f}" for e, o in each)
        print(
            f"{'':30} ratio={share:.2f}: {ours.per_second:.0f} / {echo.per_second:.0f} "
            f"updates/s of the echo bot (target >= 0.80); round by round {rounds}"
        )
        if card is not None:
            first = statistics.median(card.first) * 1000
            document = statistics.median(card.document) * 1000
            print(
                f"{'/card, ' + db_kind:30} first reply p50={first:6.1f}ms (target <= 200ms)  "
                f"PDF sent p50={document:6.1f}ms  ({len(card.first)} people, one at a time)"
            )
    print(f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()

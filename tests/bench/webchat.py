"""Benchmark: the browser chat through ``jobcard web`` against the service alone, same database.

Run: ``python -m tests.bench.webchat [--people 100] [--concurrency 4] [--rounds 3]
[--postgres] [--nojs] [--against DIR]``. Each simulated person completes onboarding +
profile (10 turns).
Both sides run in a process of their own, started the same way: the service alone with
``concurrency`` threads calling ``ConversationService.converse``; the web chat as ``jobcard
web`` ships (the CLI with ``JOBCARD_PUBLIC_URL`` and ``JOBCARD_SECRET_KEY``, behind a proxy
as the README sets it up, each browser with its own ``X-Forwarded-For`` address so the
shipped rate limits apply per browser) with ``concurrency`` browsers posting at once. Through
the web each turn is what ``chat.js`` sends (one POST, JSON back; the answer box kept, with
its next delivery id, while its kind stays); ``--nojs`` adds the
plain-form path (POST, 303, GET of the whole page). Each browser opens the page first
(counted in the web process's CPU, not as a turn).

The browsers are plain HTTP/1.1 keep-alive connections (``http.client``): the load
generator shares the machine's cores with the server, and a heavier client would slow the
server it measures. So each side's process has a core of its own (the service alone has
one as it has the machine to itself), and the browsers take the other cores: unpinned, the
scheduler moved the server and the browsers between the cores, and the server paid for
warming its caches again (``--no-pin`` to see it).

The sides take turns over ``--rounds`` rounds, each on a fresh database; each is reported
by its best round (the least disturbed one) with the CPU its process spent per turn, which
moves far less than wall time on a shared machine. The ratio is the median of the rounds'
ratios: the sides of a round ran one after the other, as the machine was at that moment.
With ``--against DIR`` (another checkout, e.g. ``git worktree add /tmp/before HEAD``) that
tree's ``jobcard web`` takes its turns too, interleaved with this one's: before and after
on the same machine at the same moments.

Scale-out: ``--postgres --workers 1,2,4 [--sticky]`` runs instead that many ``jobcard web``
processes at once, each started as the README runs several workers (the same command on its
own port, on one PostgreSQL, same secret key), with ``--concurrency`` browsers per process;
each request goes to the next worker in turn, as a load balancer's round-robin does (a
browser keeps its cookie; ``--sticky`` also runs each count with every browser kept to one
worker). It checks that every conversation completed, each turn was stored once and all
ended alike, and prints turns/s, p50/p99 and the CPU per turn of all workers together, of
PostgreSQL and of the browsers. ``--chatting 1000,2000`` (with ``--workers``) has that many
people chatting at once instead, each thinking ``--think`` s on average between a reply and
their next turn, for ``--seconds``: the p99 a person waits, counted from when the turn was
due.
"""

from __future__ import annotations

import argparse
import collections
import heapq
import html
import http.client
import itertools
import json
import multiprocessing
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlencode

from bot.bootstrap import build_runtime
from bot.config import Settings
from bot.engine import Inbound, Outbound
from tests import pgserver
from tests.bench.service import SCRIPT, _payload

SECRET = "benchmark secret, long enough to sign with"
_BUTTON = re.compile(r'name="payload" value="([^"]*)" class="(?:option|action)">([^<]*)</button>')
_FIELD = re.compile(r'name="(csrf_token|delivery|shape)" value="([^"]*)"')
_DELIVERY = re.compile(r'(name="delivery" value=")[^"]*(")')
FETCH = {"X-Requested-With": "jobcard-chat"}


def _figures(latencies: list[float], elapsed: float, cpu: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "turns_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
        "cpu_ms": cpu / len(latencies) * 1000,
    }


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user + system, every thread)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _in_parallel(
    people: int,
    concurrency: int,
    one: Callable[[int], list[float]],
    *pids: int,
    database_port: int | None = None,
) -> dict[str, float]:
    """Run the people ``concurrency`` at a time; ``pids`` are the processes doing the work.
    With ``database_port`` also the CPU per turn of the PostgreSQL server there and of this
    process (the browsers)."""
    before = [_cpu_seconds(pid) for pid in pids]
    server = _server_cpu(database_port) if database_port else 0.0
    client = time.process_time()
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = [t for person in pool.map(one, range(people)) for t in person]
    elapsed = time.perf_counter() - started
    cpu = sum(_cpu_seconds(pid) - was for pid, was in zip(pids, before, strict=True))
    figures = _figures(latencies, elapsed, cpu)
    if database_port:
        figures["db_ms"] = (_server_cpu(database_port) - server) / len(latencies) * 1000
        figures["client_ms"] = (time.process_time() - client) / len(latencies) * 1000
    return figures


def service_alone(url: str, people: int, concurrency: int) -> dict[str, float]:
    """The conversations through ``ConversationService.converse``, no HTTP (in this process)."""
    runtime = build_runtime(Settings(database_url=url))

    def one(person: int) -> list[float]:
        replies: list[Outbound] = []
        latencies = []
        for step, (kind, value) in enumerate(SCRIPT):
            delivery = f"s{person}:{step}"
            inbound = (
                Inbound(f"bench:{person}", text=value, delivery_id=delivery)
                if kind == "text"
                else Inbound(
                    f"bench:{person}", payload=_payload(replies, value), delivery_id=delivery
                )
            )
            t0 = time.perf_counter()
            replies = [r for r in runtime.service.converse(inbound) if isinstance(r, Outbound)]
            latencies.append(time.perf_counter() - t0)
        return latencies

    try:
        return _in_parallel(people, concurrency, one, os.getpid())
    finally:
        runtime.engine.dispose()


def service_process(url: str, people: int, concurrency: int) -> dict[str, float]:
    """:func:`service_alone` in a fresh process of its own, as the web chat's server runs
    (on the measured side's core, see :func:`cores`)."""
    context = multiprocessing.get_context("spawn")
    server, _ = cores()
    with ProcessPoolExecutor(
        1, mp_context=context, initializer=_pinned_to, initargs=(server,)
    ) as pool:
        return pool.submit(service_alone, url, people, concurrency).result()


PIN = True  # ``--no-pin`` turns it off


def cores() -> tuple[set[int] | None, set[int] | None]:
    """The core of the measured process and the cores of the browsers; None, None when
    not pinned (``--no-pin``, or fewer than two cores to share out)."""
    if not PIN or not hasattr(os, "sched_getaffinity"):
        return None, None
    ours = sorted(os.sched_getaffinity(0))
    if len(ours) < 2:
        return None, None
    return {ours[0]}, set(ours[1:])


def _pinned_to(where: set[int] | None) -> None:
    """Keep this process (and the threads it starts from now on) to ``where``."""
    if where is not None:
        os.sched_setaffinity(0, where)


@contextmanager
def _browsers_pinned(browsers: set[int] | None) -> Iterator[None]:
    """The browsers' threads (started in the block) on ``browsers``, the cores the server
    is not on (None: anywhere)."""
    if browsers is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, browsers)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


class Upstream:
    """The proxy's side: each request to the next worker in turn (round-robin per request,
    a load balancer's default), over a keep-alive connection per browser or per client
    thread (as a proxy keeps its upstream connections, with thousands of browsers).
    ``sticky``: each browser always to the same worker instead (a hash of its address)."""

    def __init__(self, ports: list[int], per_thread: bool = False, sticky: bool = False) -> None:
        self.ports = ports
        self.sticky = sticky
        self._turn = itertools.count()  # next() is atomic under the GIL
        self._local = threading.local() if per_thread else None
        self._opened: list[http.client.HTTPConnection] = []

    def connection(
        self, own: dict[int, http.client.HTTPConnection], address: str
    ) -> http.client.HTTPConnection:
        """The connection to the next worker (``own``: the browser's connections)."""
        turn = zlib.crc32(address.encode()) if self.sticky else next(self._turn)
        port = self.ports[turn % len(self.ports)]
        if self._local is not None:
            own = self._local.__dict__.setdefault("connections", {})
        found = own.get(port)
        if found is None:
            found = own[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            self._opened.append(found)
        elif self._local is not None:
            # uvicorn closes a connection idle for 5 s; a proxy's upstream keep-alive is set
            # below that, so it never sends on a connection the server is closing.
            now = time.monotonic()
            if now - self._local.__dict__.get(port, now) > 4:
                found.close()  # the next request opens a fresh one
            self._local.__dict__[port] = now
        return found

    def close(self) -> None:
        """Close every connection still open."""
        for connection in self._opened:
            connection.close()


class Browser:
    """One browser behind the proxy: its cookie and its address (and, unless the upstream
    keeps them per thread, its keep-alive connections)."""

    def __init__(self, upstream: Upstream, address: str) -> None:
        self.upstream = upstream
        self.connections: dict[int, http.client.HTTPConnection] = {}
        self.address = address
        self.cookie = ""
        self.box = ""  # the answer box as chat.js keeps it between turns

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, fetch: bool = False
    ) -> tuple[int, str, str]:
        """One request: its status, ``Location`` and body (the cookie is kept)."""
        headers = {"X-Forwarded-For": self.address, "Accept-Language": "ja"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if fetch:
            headers.update(FETCH)
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = self.upstream.connection(self.connections, self.address)
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        content = response.read().decode()
        for value in response.headers.get_all("set-cookie") or []:
            self.cookie = value.split(";", 1)[0]
        return response.status, response.headers.get("location", ""), content

    def post(self, form: dict[str, str], js: bool) -> str:
        """A turn as ``chat.js`` sends it (JSON back), or as a plain form (303, then the page)."""
        status, location, content = self.request("POST", "/chat", form, fetch=js)
        if js:
            assert status == 200, (status, content[:200])
            reply = json.loads(content)
            if "box" in reply:
                self.box = reply["box"]
            else:  # the same kind of box: chat.js keeps it and puts in the new delivery id
                self.box = _DELIVERY.sub(rf"\g<1>{reply['delivery']}\g<2>", self.box, 1)
            return str(reply["messages"]) + self.box
        assert status == 303, (status, content[:200])
        status, _, page = self.request("GET", location.partition("#")[0])
        assert status == 200, status
        return page

    def close(self) -> None:
        """Hang up."""
        for connection in self.connections.values():
            connection.close()


def _turn(browser: Browser, page: str, kind: str, value: str, js: bool) -> str:
    fields = dict(_FIELD.findall(page))
    form = {"csrf_token": fields["csrf_token"], "delivery": fields["delivery"]}
    if "shape" in fields:  # what chat.js sends: the box's own fields (an older tree has none)
        form["shape"] = fields["shape"]
    if value == "/start":
        form["payload"] = "c|start"
    elif kind == "text":
        form["text"] = value
    else:
        form["payload"] = next(
            html.unescape(v) for v, label in reversed(_BUTTON.findall(page)) if value in label
        )
    return browser.post(form, js)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def jobcard_web(
    url: str, tree: str | None = None, pinned: set[int] | None = None
) -> Iterator[tuple[int, int]]:
    """``jobcard web`` as the README runs it behind a proxy, until the block ends: its port
    and process id. ``tree`` runs another checkout's code instead of this one's; ``pinned``
    keeps it to those cores."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "JOBCARD_DATABASE_URL": url,
        "JOBCARD_PUBLIC_URL": base,
        "JOBCARD_SECRET_KEY": SECRET,
    }
    if tree is None:
        build_runtime(Settings(database_url=url)).engine.dispose()  # migrate before serving
    else:  # that tree's own migrations: its schema may differ from this one's
        env["PYTHONPATH"] = tree
        migrate = "from storage import make_engine, upgrade; "
        migrate += f"engine = make_engine({url!r}); upgrade(engine); engine.dispose()"
        subprocess.run([sys.executable, "-c", migrate], env=env, cwd=tree, check=True)
    command = [sys.executable, "-m", "bot", "web", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
    with tempfile.TemporaryFile() as errors:
        # ``python -m`` puts the working folder first on the path, before PYTHONPATH.
        process = subprocess.Popen(
            command,
            env=env,
            cwd=tree,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            # Before the interpreter starts: every thread it starts stays there too.
            preexec_fn=(lambda: _pinned_to(pinned)) if pinned is not None else None,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        errors.seek(0)
                        said = errors.read().decode(errors="replace")
                        raise RuntimeError(f"jobcard web did not start:\n{said}") from None
                    time.sleep(0.1)
            yield port, process.pid
        finally:
            process.terminate()
            process.wait(10)


def _address(person: int) -> str:
    """Each browser comes through the proxy from its own address."""
    return f"10.{person // 256 % 256}.{person % 256}.{person // 65536 % 254 + 1}"


def _open(browser: Browser) -> str:
    """Open the chat's page, as a browser does first."""
    status, _, page = browser.request("GET", "/")
    assert status == 200, status
    browser.box = page.partition('<div id="box">')[2].partition("</form>")[0]
    return page


def _conversation(upstream: Upstream, person: int, js: bool) -> list[float]:
    """One person's whole script, one turn after another: each turn's latency."""
    latencies = []
    browser = Browser(upstream, _address(person))
    try:
        page = _open(browser)
        for kind, value in SCRIPT:
            t0 = time.perf_counter()
            page = _turn(browser, page, kind, value, js)
            latencies.append(time.perf_counter() - t0)
    finally:
        browser.close()
    return latencies


def web(
    url: str, people: int, concurrency: int, js: bool, tree: str | None = None
) -> dict[str, float]:
    """The conversations as browsers send them, through ``jobcard web`` on loopback."""
    server, browsers = cores()
    with jobcard_web(url, tree, server) as (port, pid), _browsers_pinned(browsers):
        return _in_parallel(
            people, concurrency, lambda person: _conversation(Upstream([port]), person, js), pid
        )


def _server_cpu(port: int) -> float:
    """CPU time of the PostgreSQL server listening on ``port``: its postmaster, the
    children it has reaped, and its live children (the connections' backends)."""
    postmaster = None
    stats: dict[int, list[str]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                args = cmdline.read().split(b"\0")
            with open(f"/proc/{entry.name}/stat", encoding="ascii") as stat:
                stats[int(entry.name)] = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if b"-p" in args and str(port).encode() in args and b"postgres" in args[0]:
            postmaster = int(entry.name)
    if postmaster is None:
        return 0.0
    ticks = sum(int(n) for n in stats[postmaster][11:15])
    ticks += sum(
        int(fields[11]) + int(fields[12])
        for fields in stats.values()
        if int(fields[1]) == postmaster
    )
    return ticks / os.sysconf("SC_CLK_TCK")


def _ends(url: str) -> collections.Counter[str]:
    """Where each web person's conversation stands: the state's place, the current answers,
    the page's message count; and ``deliveries``, the turns stored."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            states = dict(
                connection.execute(sa.text("SELECT person_id, state FROM conversations")).all()
            )
            answers: dict[str, list[str]] = collections.defaultdict(list)
            for person, dialog, field, value in connection.execute(
                sa.text("SELECT person_id, dialog_id, field, value FROM answers WHERE is_current")
            ):
                answers[person].append(f"{dialog}.{field}={value}")
            messages = dict(
                connection.execute(
                    sa.text("SELECT person_id, count(*) FROM web_messages GROUP BY person_id")
                ).all()
            )
            stored = connection.execute(sa.text("SELECT count(*) FROM deliveries")).scalar_one()
    finally:
        engine.dispose()
    ends: collections.Counter[str] = collections.Counter(deliveries=stored)
    for person, state in states.items():
        state = json.loads(state) if isinstance(state, str) else state
        active = (state or {}).get("active") or {}
        place = [(state or {}).get("mode"), active.get("dialog"), active.get("pos")]
        ends[json.dumps([place, sorted(answers[person]), messages.get(person, 0)])] += 1
    return ends


def _check_ends(ends: collections.Counter[str], people: int, reference: str | None) -> str:
    """Every person's conversation completed, each turn stored once, and all ended where
    ``reference`` (the first run's end) says; the end, for the next runs."""
    assert ends["deliveries"] == people * len(SCRIPT), (ends["deliveries"], people)
    places = {end: n for end, n in ends.items() if end != "deliveries"}
    assert len(places) == 1 and sum(places.values()) == people, places
    (end,) = places
    assert reference is None or end == reference, (end, reference)
    return end


def scale_out(
    url: str, count: int, people: int, concurrency: int, database_port: int, sticky: bool
) -> dict[str, float]:
    """``count`` ``jobcard web`` processes on one database, each request to the next
    (or each browser to its own: ``sticky``); ``concurrency`` browsers at once per process."""
    with ExitStack() as stack:
        servers = [stack.enter_context(jobcard_web(url)) for _ in range(count)]
        upstream = Upstream([port for port, _ in servers], sticky=sticky)
        return _in_parallel(
            people,
            concurrency * count,
            lambda person: _conversation(upstream, person, js=True),
            *(pid for _, pid in servers),
            database_port=database_port,
        )


@contextmanager
def database(postgres: bool) -> Iterator[Callable[..., str]]:
    """A fresh database per run: SQLite files in a temporary folder, or throwaway PostgreSQL
    (upgraded by this tree unless ``migrate`` is False: another tree upgrades its own)."""
    if not postgres:
        with tempfile.TemporaryDirectory() as folder:
            yield lambda name, migrate=True: f"sqlite:///{Path(folder) / name}.sqlite3"
        return
    import sqlalchemy as sa

    with pgserver.throwaway_postgres() as server:

        def make(name: str, migrate: bool = True) -> str:
            admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = server.rsplit("/", 1)[0] + f"/{name}"
            if not migrate:
                return url
            from storage import make_engine, upgrade

            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            return url

        yield make


def chatting(
    url: str, count: int, people: int, think: float, seconds: float, database_port: int
) -> dict[str, float]:
    """``people`` chatting at once for ``seconds``: each sends a turn, reads the reply and
    thinks (exponential, mean ``think`` s) before the next; who finishes the script is
    followed by a newcomer. A turn's latency runs from the moment it is due, so a client
    thread not free in time counts against the server, never for it."""
    rng = random.Random(18)
    with ExitStack() as stack:
        servers = [stack.enter_context(jobcard_web(url)) for _ in range(count)]
        upstream = Upstream([port for port, _ in servers], per_thread=True)
        stack.callback(upstream.close)
        pids = [pid for _, pid in servers]
        before = [_cpu_seconds(pid) for pid in pids]
        server = _server_cpu(database_port)
        began = time.perf_counter()
        end = began + seconds
        due = [(began + rng.uniform(0, think), n) for n in range(people)]
        heapq.heapify(due)
        talks: dict[int, tuple[Browser, str, int]] = {}
        latencies: list[float] = []
        lags: list[float] = []
        newcomers = itertools.count(people)
        finished = 0
        ready = threading.Condition()

        def turn(when: float, person: int) -> None:
            nonlocal finished
            lags.append(time.perf_counter() - when)
            if person in talks:
                browser, page, step = talks.pop(person)
            else:  # a newcomer opens the page, then starts
                browser, step = Browser(upstream, _address(person)), 0
                page = _open(browser)
            kind, value = SCRIPT[step]
            page = _turn(browser, page, kind, value, js=True)
            latencies.append(time.perf_counter() - when)
            with ready:
                if step + 1 < len(SCRIPT):
                    talks[person] = (browser, page, step + 1)
                else:
                    finished += 1
                    person = next(newcomers)
                heapq.heappush(due, (time.perf_counter() + rng.expovariate(1 / think), person))
                ready.notify()

        # One thread hands each turn to the pool when it is due (threads waiting on the
        # clock themselves would all wake at once and be late on a busy machine).
        client = time.process_time()
        with ThreadPoolExecutor(128) as pool:
            handed = []
            with ready:
                while due and due[0][0] < end:
                    wait = due[0][0] - time.perf_counter()
                    if wait > 0:
                        ready.wait(wait)
                        continue
                    handed.append(pool.submit(turn, *heapq.heappop(due)))
            for done in handed:
                done.result()
        figures_client = (time.process_time() - client) / len(latencies) * 1000
        elapsed = time.perf_counter() - began
        cpu = sum(_cpu_seconds(pid) - was for pid, was in zip(pids, before, strict=True))
        figures = _figures(latencies, elapsed, cpu)
        figures["db_ms"] = (_server_cpu(database_port) - server) / len(latencies) * 1000
        figures["client_ms"] = figures_client
    ends = _ends(url)
    assert ends.pop("deliveries") == len(latencies), "a turn stored twice or not at all"
    # Each who began has one conversation, as far on as the turns they were answered: as
    # many people stand at each place as sent that many turns.
    sent = collections.Counter(step for _, _, step in talks.values())
    sent[len(SCRIPT)] += finished
    assert sorted(sent.values()) == sorted(ends.values()), (sent, ends.values())
    figures["finished"] = finished
    figures["lag_p99_ms"] = sorted(lags)[int(len(lags) * 0.99) - 1] * 1000
    return figures


def chatting_main(counts_text: str, people_text: str, think: float, seconds: float) -> None:
    """People chatting at once at each worker count: the p99 a person waits."""
    import sqlalchemy as sa

    print(
        f"PostgreSQL, jobcard web × N behind round-robin; people chatting at once, a turn "
        f"every {think:g} s on average after each reply, for {seconds:g} s"
    )
    print(
        f"{'workers':<9}{'people':>8}{'turns/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU ms/turn: workers':>22}{'PostgreSQL':>12}{'browsers':>10}{'finished':>10}"
        f"{'late p99':>10}"
        f"{'load':>6}"
    )
    with database(postgres=True) as make:
        for count in (int(n) for n in counts_text.split(",") if n):
            for people in (int(n) for n in people_text.split(",") if n):
                url = make(f"c{count}p{people}")
                port = sa.engine.make_url(url).port
                assert port is not None
                f = chatting(url, count, people, think, seconds, port)
                print(
                    f"{count:<9}{people:>8}{f['turns_per_s']:>9.1f}{f['p50_ms']:>9.2f}"
                    f"{f['p99_ms']:>9.2f}{f['cpu_ms']:>22.2f}{f['db_ms']:>12.2f}"
                    f"{f['client_ms']:>10.2f}"
                    f"{f['finished']:>10.0f}{f['lag_p99_ms']:>10.1f}{os.getloadavg()[0]:>6.1f}",
                    flush=True,
                )
    print(
        "checked: each turn stored once, each person as far on as the turns answered "
        "(late p99: how late a client thread took up a due turn, ms, counted in the latency)"
    )


def workers_main(
    people: int, concurrency: int, rounds: int, counts_text: str, sticky: bool
) -> None:
    """Scale-out: each count of ``jobcard web`` processes in turn over the rounds (and with
    ``sticky`` each count above one again, each browser kept to one worker)."""
    import sqlalchemy as sa

    counts = [int(n) for n in counts_text.split(",") if n]
    sides = [(n, False) for n in counts] + [(n, True) for n in counts if sticky and n > 1]
    runs: dict[str, list[dict[str, float]]] = {
        f"{n} sticky" if pinned else str(n): [] for n, pinned in sides
    }
    reference = None
    with database(postgres=True) as make:
        for round_ in range(rounds):
            for count, pinned in sides if round_ % 2 == 0 else reversed(sides):
                url = make(f"w{round_}n{count}{'s' if pinned else ''}")
                port = sa.engine.make_url(url).port
                assert port is not None
                figures = scale_out(url, count, people, concurrency, port, pinned)
                runs[f"{count} sticky" if pinned else str(count)].append(figures)
                reference = _check_ends(_ends(url), people, reference)
            line = ", ".join(
                f"{count}: {r[-1]['turns_per_s']:.0f}/s p99 {r[-1]['p99_ms']:.1f} ms"
                for count, r in runs.items()
            )
            print(f"round {round_ + 1}: {line} (load {os.getloadavg()[0]:.1f})", flush=True)
    print(
        f"PostgreSQL, jobcard web × N behind round-robin, {people} people × {len(SCRIPT)} "
        f"turns, {concurrency} browsers at once per process; best of {rounds} rounds "
        f"(CPU: the least); load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    place, answers, messages = json.loads(reference or "null")
    print(
        "checked: every conversation completed, each turn stored once, all ending alike "
        f"(at {place}, {len(answers)} answers, {messages} messages on the page)"
    )
    print(
        f"{'workers':<10}{'turns/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU ms/turn: workers':>22}{'PostgreSQL':>12}{'browsers':>10}"
    )
    for count, figures in runs.items():
        best = max(figures, key=lambda f: f["turns_per_s"])
        least = {key: min(f[key] for f in figures) for key in ("cpu_ms", "db_ms", "client_ms")}
        print(
            f"{count:<10}{best['turns_per_s']:>9.1f}{best['p50_ms']:>9.2f}{best['p99_ms']:>9.2f}"
            f"{least['cpu_ms']:>22.2f}{least['db_ms']:>12.2f}{least['client_ms']:>10.2f}"
        )
    if (os.cpu_count() or 0) < 2 * max(counts):
        print(
            "The workers, PostgreSQL and the browsers share these cores: past the cores "
            "there are, more workers only queue for them (no linear scaling here)."
        )


def main() -> None:
    """Run the sides in turn over the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="let the scheduler place the measured process and the browsers on any core",
    )
    parser.add_argument("--nojs", action="store_true", help="also the plain-form path")
    parser.add_argument("--against", metavar="DIR", help="also another checkout's jobcard web")
    parser.add_argument(
        "--workers",
        metavar="COUNTS",
        help="instead: that many jobcard web processes on one PostgreSQL, e.g. 1,2,4 "
        "(--concurrency browsers at once per process)",
    )
    parser.add_argument(
        "--chatting",
        metavar="PEOPLE",
        help="with --workers: that many people chatting at once (e.g. 1000,2000), each "
        "thinking --think s between turns, for --seconds; the p99 a person waits",
    )
    parser.add_argument(
        "--sticky",
        action="store_true",
        help="with --workers: also each count with every browser kept to one worker",
    )
    parser.add_argument("--think", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    threading.stack_size(1 << 20)
    global PIN
    PIN = not args.no_pin
    if args.chatting:
        if not (args.postgres and args.workers):
            parser.error("--chatting needs --postgres and --workers")
        chatting_main(args.workers, args.chatting, args.think, args.seconds)
        return
    if args.workers:
        if not args.postgres:
            parser.error("--workers needs --postgres: several processes share PostgreSQL")
        workers_main(args.people, args.concurrency, args.rounds, args.workers, args.sticky)
        return
    people, concurrency = args.people, args.concurrency
    sides: dict[str, Callable[[str], dict[str, float]]] = {
        "service alone": lambda url: service_process(url, people, concurrency),
        "web chat (fetch)": lambda url: web(url, people, concurrency, js=True),
    }
    if args.nojs:
        sides["web chat (plain forms)"] = lambda url: web(url, people, concurrency, js=False)
    if args.against:
        tree = str(Path(args.against).resolve())
        sides["before (fetch)"] = lambda url: web(url, people, concurrency, True, tree)
        if args.nojs:
            sides["before (plain forms)"] = lambda url: web(url, people, concurrency, False, tree)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    with database(args.postgres) as make:
        for round_ in range(args.rounds):
            order = list(sides.items())
            if round_ % 2:  # the web sides in turn first and last after the service
                order = [order[0], *reversed(order[1:])]
            for n, (name, run) in enumerate(order):
                fresh = make(f"r{round_}s{n}", not name.startswith("before"))
                runs[name].append(run(fresh))
            line = ", ".join(
                f"{name} {r[-1]['turns_per_s']:.0f}/s {r[-1]['cpu_ms']:.2f} ms"
                for name, r in runs.items()
            )
            print(f"round {round_ + 1}: {line}", flush=True)
    kind = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{kind}, {people} people × {len(SCRIPT)} turns, {concurrency} at once, best of")
    print(f"{args.rounds} rounds (CPU: the least of the rounds); load {os.getloadavg()[0]:.1f}")
    print(f"{'path':<24}{'turns/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'CPU ms/turn':>13}")
    best = {name: max(r, key=lambda f: f["turns_per_s"]) for name, r in runs.items()}
    cpu = {name: min(f["cpu_ms"] for f in r) for name, r in runs.items()}
    for name, figures in best.items():
        print(
            f"{name:<24}{figures['turns_per_s']:>10.1f}{figures['p50_ms']:>10.2f}"
            f"{figures['p99_ms']:>10.2f}{cpu[name]:>13.2f}"
        )
    alone = "service alone"
    for name in list(sides)[1:]:
        # Each round's sides ran one after the other, at nearly the same moment: their
        # ratio is taken round by round, and the median of the rounds is the figure. Best
        # against best would set one side's luckiest moment against the other's.
        rounds = list(zip(runs[alone], runs[name], strict=True))
        wall = statistics.median(w["turns_per_s"] / a["turns_per_s"] for a, w in rounds)
        by_cpu = statistics.median(a["cpu_ms"] / w["cpu_ms"] for a, w in rounds)
        best_wall = best[name]["turns_per_s"] / best[alone]["turns_per_s"]
        print(
            f"{name}: ratio {wall:.2f} (target ≥ 0.6; median of the rounds', best against "
            f"best {best_wall:.2f}), CPU ratio {by_cpu:.2f}, "
            f"web layer's own CPU {cpu[name] - cpu[alone]:.2f} ms/turn"
        )


if __name__ == "__main__":
    main()

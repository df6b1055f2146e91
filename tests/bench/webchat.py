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
server it measures. The sides take turns over ``--rounds`` rounds, each on a fresh
database; each is reported by its best round (the least disturbed one) with the CPU its
process spent per turn, which moves far less than wall time on a shared machine. With
``--against DIR`` (another checkout, e.g. ``git worktree add /tmp/before HEAD``) that
tree's ``jobcard web`` takes its turns too, interleaved with this one's: before and after
on the same machine at the same moments.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
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
    people: int, concurrency: int, one: Callable[[int], list[float]], pid: int
) -> dict[str, float]:
    """Run the people ``concurrency`` at a time; ``pid`` is the process doing the work."""
    started, cpu = time.perf_counter(), _cpu_seconds(pid)
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = [t for person in pool.map(one, range(people)) for t in person]
    return _figures(latencies, time.perf_counter() - started, _cpu_seconds(pid) - cpu)


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
    """:func:`service_alone` in a fresh process of its own, as the web chat's server runs."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(service_alone, url, people, concurrency).result()


class Browser:
    """One browser behind the proxy: a keep-alive connection, its cookie and its address."""

    def __init__(self, port: int, address: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
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
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
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
        self.connection.close()


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
def jobcard_web(url: str, tree: str | None = None) -> Iterator[tuple[int, int]]:
    """``jobcard web`` as the README runs it behind a proxy, until the block ends: its port
    and process id. ``tree`` runs another checkout's code instead of this one's."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    build_runtime(Settings(database_url=url)).engine.dispose()  # migrate before serving
    env = {
        **os.environ,
        "JOBCARD_DATABASE_URL": url,
        "JOBCARD_PUBLIC_URL": base,
        "JOBCARD_SECRET_KEY": SECRET,
    }
    if tree is not None:
        env["PYTHONPATH"] = tree
    command = [sys.executable, "-m", "bot", "web", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
    with tempfile.TemporaryFile() as errors:
        # ``python -m`` puts the working folder first on the path, before PYTHONPATH.
        process = subprocess.Popen(
            command, env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=errors
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


def web(
    url: str, people: int, concurrency: int, js: bool, tree: str | None = None
) -> dict[str, float]:
    """The conversations as browsers send them, through ``jobcard web`` on loopback."""
    with jobcard_web(url, tree) as (port, pid):

        def one(person: int) -> list[float]:
            latencies = []
            # Each browser comes through the proxy from its own address.
            browser = Browser(port, f"10.{person // 256 % 256}.{person % 256}.1")
            try:
                status, _, page = browser.request("GET", "/")
                assert status == 200, status
                browser.box = page.partition('<div id="box">')[2].partition("</form>")[0]
                for kind, value in SCRIPT:
                    t0 = time.perf_counter()
                    page = _turn(browser, page, kind, value, js)
                    latencies.append(time.perf_counter() - t0)
            finally:
                browser.close()
            return latencies

        return _in_parallel(people, concurrency, one, pid)


@contextmanager
def database(postgres: bool) -> Iterator[Callable[[str], str]]:
    """A fresh database per run: SQLite files in a temporary folder, or throwaway PostgreSQL."""
    if not postgres:
        with tempfile.TemporaryDirectory() as folder:
            yield lambda name: f"sqlite:///{Path(folder) / name}.sqlite3"
        return
    import sqlalchemy as sa

    with pgserver.throwaway_postgres() as server:

        def make(name: str) -> str:
            admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = server.rsplit("/", 1)[0] + f"/{name}"
            from storage import make_engine, upgrade

            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            return url

        yield make


def main() -> None:
    """Run the sides in turn over the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--nojs", action="store_true", help="also the plain-form path")
    parser.add_argument("--against", metavar="DIR", help="also another checkout's jobcard web")
    args = parser.parse_args()
    threading.stack_size(1 << 20)
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
                runs[name].append(run(make(f"r{round_}s{n}")))
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
        wall = best[name]["turns_per_s"] / best[alone]["turns_per_s"]
        # On a machine shared with other work the wall-clock ratio moves with the load; the
        # CPU each side's process spends per turn does much less.
        print(
            f"{name}: ratio {wall:.2f} (target ≥ 0.6), CPU ratio {cpu[alone] / cpu[name]:.2f}, "
            f"web layer's own CPU {cpu[name] - cpu[alone]:.2f} ms/turn"
        )


if __name__ == "__main__":
    main()

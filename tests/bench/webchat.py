"""Benchmark: the browser chat through uvicorn against the service alone, on the same database.

Run: ``python -m tests.bench.webchat [--people 100] [--concurrency 4] [--postgres]``.
Each simulated person completes onboarding + profile (10 turns). Through the web each turn
is what ``chat.js`` sends (one POST, JSON back); ``--nojs`` adds the plain-form path (POST,
303, GET of the whole page). Prints turns/s, p50/p99 per turn and the web/service ratio.
"""

from __future__ import annotations

import argparse
import html
import multiprocessing
import re
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from bot.bootstrap import build_runtime
from bot.config import Settings
from bot.engine import Inbound, Outbound
from bot.web import create_app
from bot.web.chat import ChatSettings
from bot.web.chat_security import ChatKeys, ChatLimits
from tests import pgserver
from tests.bench.service import SCRIPT, _payload

SECRET = b"benchmark secret"
_BUTTON = re.compile(r'name="payload" value="([^"]*)" class="(?:option|action)">([^<]*)</button>')
_FIELD = re.compile(r'name="(csrf_token|delivery)" value="([^"]*)"')


def _figures(latencies: list[float], elapsed: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "turns_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
    }


def _in_parallel(
    people: int, concurrency: int, one: Callable[[int], list[float]]
) -> dict[str, float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = [t for person in pool.map(one, range(people)) for t in person]
    return _figures(latencies, time.perf_counter() - started)


def service_alone(url: str, people: int, concurrency: int) -> dict[str, float]:
    """The conversations through ``ConversationService.handle``, no HTTP."""
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
            replies = runtime.service.handle(inbound)
            latencies.append(time.perf_counter() - t0)
        return latencies

    try:
        return _in_parallel(people, concurrency, one)
    finally:
        runtime.engine.dispose()


def _turn(client: httpx.Client, page: str, kind: str, value: str, js: bool) -> str:
    fields = dict(_FIELD.findall(page))
    form = {"csrf_token": fields["csrf_token"], "delivery": fields["delivery"]}
    if kind == "text":
        form["text"] = value
    else:
        form["payload"] = next(
            html.unescape(v) for v, label in reversed(_BUTTON.findall(page)) if value in label
        )
    if not js:
        return client.post("/chat", data=form).text
    answer = client.post("/chat", data=form, headers={"x-requested-with": "jobcard-chat"})
    reply = answer.json()
    return str(reply["messages"]) + str(reply["box"])


def _serve(url: str, port: int) -> None:
    """The chat as ``jobcard web`` runs it, in a process of its own (not sharing the GIL)."""
    import uvicorn

    runtime = build_runtime(Settings(database_url=url))
    limits = ChatLimits(per_person="100000/minute", per_address="1000000/minute")
    chat = ChatSettings(runtime.service, runtime.sessions, ChatKeys(SECRET), None, limits)
    app = create_app(runtime.sessions, chat=chat)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")


@contextmanager
def server_process(url: str) -> Iterator[str]:
    """Serve the chat in a child process until the block ends; yields its address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    build_runtime(Settings(database_url=url)).engine.dispose()  # migrate before serving
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(url, port))
    process.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + "/chat/static/chat.css", timeout=1)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline or not process.is_alive():
                raise RuntimeError("the chat did not start") from None
            time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        process.join(10)


def web(url: str, people: int, concurrency: int, js: bool) -> dict[str, float]:
    """The conversations as browsers send them, through uvicorn on loopback."""
    with server_process(url) as base:

        def one(person: int) -> list[float]:
            latencies = []
            with httpx.Client(base_url=base, follow_redirects=True, timeout=60) as client:
                page = client.get("/").text
                for kind, value in SCRIPT:
                    kind, value = ("button", "はじめる") if value == "/start" else (kind, value)
                    if value == "はじめる":
                        form = dict(_FIELD.findall(page))
                        t0 = time.perf_counter()
                        page = _start(client, form, js)
                    else:
                        t0 = time.perf_counter()
                        page = _turn(client, page, kind, value, js)
                    latencies.append(time.perf_counter() - t0)
            return latencies

        return _in_parallel(people, concurrency, one)


def _start(client: httpx.Client, form: dict[str, str], js: bool) -> str:
    data = {**form, "payload": "c|start"}
    if not js:
        return client.post("/chat", data=data).text
    reply = client.post("/chat", data=data, headers={"x-requested-with": "jobcard-chat"}).json()
    return str(reply["messages"]) + str(reply["box"])


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
    """Run both and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--nojs", action="store_true", help="also the plain-form path")
    args = parser.parse_args()
    threading.stack_size(1 << 20)
    with database(args.postgres) as make:
        kind = "PostgreSQL" if args.postgres else "SQLite"
        alone = service_alone(make("service"), args.people, args.concurrency)
        through = web(make("web"), args.people, args.concurrency, js=True)
        rows = [("service alone", alone), ("web chat (fetch)", through)]
        if args.nojs:
            rows.append(
                (
                    "web chat (plain forms)",
                    web(make("nojs"), args.people, args.concurrency, js=False),
                )
            )
    print(f"{kind}, {args.people} people × {len(SCRIPT)} turns, {args.concurrency} at once")
    print(f"{'path':<24}{'turns/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, figures in rows:
        print(
            f"{name:<24}{figures['turns_per_s']:>10.1f}{figures['p50_ms']:>10.2f}"
            f"{figures['p99_ms']:>10.2f}"
        )
    print(f"ratio web/service: {through['turns_per_s'] / alone['turns_per_s']:.2f} (target ≥ 0.6)")


if __name__ == "__main__":
    main()

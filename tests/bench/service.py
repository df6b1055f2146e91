"""Benchmark: simulated people completing onboarding + profile through the service.

Run: ``python -m tests.bench.service [--people 300] [--paused 10000] [--postgres]``.
Prints turns/s, per-turn p50/p99 and the memory that paused conversations add.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.bootstrap import build_runtime
from bot.config import Settings
from bot.engine import Choices, Inbound, Outbound
from tests import pgserver

SCRIPT: list[tuple[str, str]] = [
    ("text", "/start"),
    ("button", "日本語"),
    ("button", "はい"),
    ("text", "山田 太郎"),
    ("text", "やまだ たろう"),
    ("text", "5"),
    ("text", "正社員"),
    ("button", "はい"),
    ("text", "2"),
    ("button", "確定する"),
]


def rss_mb() -> float:
    """Resident memory of this process in MB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _payload(replies: list[Outbound], label: str) -> str:
    for message in reversed(replies):
        if isinstance(message, Choices):
            for button in message.options + message.actions:
                if label in button.label:
                    return button.payload
    raise RuntimeError(f"no button {label}")


def run_people(url: str, people: int, paused: int) -> dict[str, float]:
    """Drive ``people`` complete conversations, then ``paused`` half-done ones."""
    runtime = build_runtime(Settings(database_url=url))
    handle = runtime.service.handle
    latencies: list[float] = []
    counter = 0
    started = time.perf_counter()
    for person in range(people):
        replies: list[Outbound] = []
        for kind, value in SCRIPT:
            counter += 1
            inbound = (
                Inbound(f"bench:{person}", text=value, delivery_id=f"d{counter}")
                if kind == "text"
                else Inbound(
                    f"bench:{person}", payload=_payload(replies, value), delivery_id=f"d{counter}"
                )
            )
            t0 = time.perf_counter()
            replies = handle(inbound)
            latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    gc.collect()
    before = rss_mb()
    for person in range(paused):
        for text in ("/start", "1", "はい", "佐藤 花子", "一時停止"):
            counter += 1
            handle(Inbound(f"paused:{person}", text=text, delivery_id=f"d{counter}"))
    gc.collect()
    after = rss_mb()
    latencies.sort()
    runtime.engine.dispose()
    return {
        "turns": len(latencies),
        "turns_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "paused_conversations": paused,
        "paused_added_mb": after - before,
    }


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh database URL of the given kind."""
    if kind == "postgresql":
        with pgserver.throwaway_postgres() as url:
            from storage import make_engine, upgrade

            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            yield url
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--paused", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.postgres else ["sqlite"]
    for kind in kinds:
        with database(kind) as url:
            figures = run_people(url, args.people, args.paused)
        print(
            f"{kind:10} turns={figures['turns']:.0f} turns/s={figures['turns_per_s']:.0f} "
            f"p50={figures['p50_ms']:.2f}ms p99={figures['p99_ms']:.2f}ms "
            f"{figures['paused_conversations']:.0f} paused conversations add "
            f"{figures['paused_added_mb']:.1f} MB"
        )


if __name__ == "__main__":
    main()

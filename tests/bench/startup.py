"""Benchmark: how long commands take to start, next to ``python -c pass`` (not a test).

Run: ``python -m tests.bench.startup [--runs 7]``. Prints the median wall time of
``python -c pass``, ``jobcard --help``, ``jobcard dialogs check`` and ``jobcard chat`` up to its
first prompt in a terminal (a pseudo-terminal; the prompt is ready when prompt_toolkit turns
on bracketed paste), each against its target, with the ratio to ``python -c pass``.
``-X importtime`` (``python -X importtime -m bot --help``) shows where an import goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pexpect

PROMPT_READY = "\x1b[?2004h"
TARGETS_MS = {"jobcard --help": 150.0, "jobcard chat (first prompt)": 400.0}


def _run(*args: str) -> Callable[[], None]:
    def run() -> None:
        subprocess.run([sys.executable, *args], check=True, capture_output=True)

    return run


def _chat(db: Path) -> Callable[[], None]:
    env = dict(os.environ)
    env.update(
        JOBCARD_DATABASE_URL=f"sqlite:///{db}", TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1"
    )

    def first_prompt() -> None:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "bot", "chat", "--user", "bench"],
            env=env,
            encoding="utf-8",
            dimensions=(40, 120),
            timeout=60,
        )
        child.expect_exact(PROMPT_READY)
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
        child.close()

    return first_prompt


def measure(start: Callable[[], None], runs: int) -> float:
    """Median milliseconds of ``runs`` starts, after one to warm the file cache."""
    start()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        start()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.sqlite3"
        _run("-m", "bot", "db", "upgrade", "--db", f"sqlite:///{db}")()
        cases = {
            "python -c pass": _run("-c", "pass"),
            "jobcard --help": _run("-m", "bot", "--help"),
            "jobcard dialogs check": _run("-m", "bot", "dialogs", "check"),
            "jobcard chat (first prompt)": _chat(db),
        }
        baseline = 0.0
        print(f"{'command':<30}{'median':>10}{'x pass':>9}{'target':>12}")
        for name, start in cases.items():
            median = measure(start, args.runs)
            baseline = baseline or median
            target = TARGETS_MS.get(name)
            verdict = f"{target:>8.0f}ms {'ok' if median <= target else 'SLOW'}" if target else ""
            print(f"{name:<30}{median:>8.0f}ms{median / baseline:>8.1f}x  {verdict}")


if __name__ == "__main__":
    main()

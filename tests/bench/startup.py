"""Benchmark: how long commands take to start, next to ``python -c pass`` (not a test).

Run: ``python -m tests.bench.startup [--runs 7]``. Prints the median wall time of
``python -c pass``, ``jobcard --help``, ``jobcard dialogs check`` and ``jobcard chat`` up to its
first prompt in a terminal (a pseudo-terminal; the prompt is ready when prompt_toolkit turns
on bracketed paste), each against its target, with the ratio to ``python -c pass``. The
chat's clock stops at the prompt: quitting afterwards is not counted. For the chat it also
prints the CPU time used by its first prompt (steadier than wall time on a busy machine),
its child process's included (on two cores the opening turn is taken in a forked child),
and how long the reply to an answer typed the moment the first prompt shows takes (the
service and the features still loading in the background then). ``-X importtime``
(``python -X importtime -m bot chat``) shows where an import goes.

``--against DIR`` (another checkout, e.g. ``git worktree add /tmp/before HEAD``) instead
measures the chat's first prompt and first answer of both checkouts, interleaved (rounds
alternate which goes first), each with its own cache folder and copy of the database:
on a shared machine only figures measured side by side compare. ``--this DIR`` replaces
this checkout. Either may instead be a virtual environment with the project installed as
the README says (``pip install .``, not editable): it runs with that environment's Python
and none of a checkout's path, as a user's ``jobcard chat`` does (the development install's
editable finder looks at every import first).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pexpect

PROMPT_READY = "\x1b[?2004h"
ANSWER = "first answer's reply"
TARGETS_MS = {"jobcard --help": 150.0, "jobcard chat (first prompt)": 400.0}
_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")

# One start: its wall milliseconds (and, for the chat, CPU milliseconds to the prompt).
Start = Callable[[], tuple[float, float | None]]


def _environ(**extra: str) -> dict[str, str]:
    """This environment with bytecode caching on, as in an installed copy: the first
    (unmeasured) start writes the caches if ``PYTHONDONTWRITEBYTECODE`` kept them off."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | extra


def _run(*args: str) -> Start:
    def run() -> tuple[float, float | None]:
        began = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, capture_output=True, env=_environ())
        return (time.perf_counter() - began) * 1000, None

    return run


def _cpu_ms(pid: int) -> float:
    """User + system CPU of a running process so far (``/proc/PID/stat``), with its
    children's, reaped or not: the chat's opening turn is taken in a child process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(n) for n in fields[11:15])  # its own, and its reaped children's
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            with contextlib.suppress(OSError, ValueError):
                ticks += round(_cpu_ms(int(child)) / _TICK_MS)
    return ticks * _TICK_MS


def _python() -> str:
    """The interpreter of the side being measured (``--against``: see ``_against``)."""
    return os.environ.get("JOBCARD_BENCH_PYTHON", sys.executable)


def _spawn(db: Path, user: str) -> pexpect.spawn:
    env = _environ(
        JOBCARD_DATABASE_URL=f"sqlite:///{db}", TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1"
    )
    return pexpect.spawn(
        _python(),
        ["-m", "bot", "chat", "--user", user],
        env=env,
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=60,
    )


def _quit(child: pexpect.spawn) -> None:
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()


def _first_prompt(db: Path) -> Start:
    """A person who has chatted before (``bench``) starting again, up to the prompt."""

    def start() -> tuple[float, float | None]:
        began = time.perf_counter()
        child = _spawn(db, "bench")
        child.expect_exact(PROMPT_READY)
        wall = (time.perf_counter() - began) * 1000
        cpu = _cpu_ms(child.pid)
        _quit(child)
        return wall, cpu

    return start


def _first_answer(db: Path) -> Start:
    """A new person answers the first question the moment it shows: time to the next one."""
    people = itertools.count()

    def answer() -> tuple[float, float | None]:
        child = _spawn(db, f"new-{next(people)}")
        child.expect_exact(PROMPT_READY)
        began = time.perf_counter()
        child.send("1\r")
        child.expect_exact("同意して")
        child.expect_exact(PROMPT_READY)
        wall = (time.perf_counter() - began) * 1000
        _quit(child)
        return wall, None

    return answer


def measure(start: Start, runs: int) -> tuple[float, float | None]:
    """Median milliseconds (wall, CPU) of ``runs`` starts, after one to warm the caches."""
    start()
    results = [start() for _ in range(runs)]
    cpus = [cpu for _, cpu in results if cpu is not None]
    return (
        statistics.median(wall for wall, _ in results),
        statistics.median(cpus) if cpus else None,
    )


def _against(folder: Path, db: Path, this: str, other: str, rounds: int) -> None:
    """The chat's first prompt and first answer, ``this`` and ``other`` interleaved.

    Each is a checkout (run by this interpreter with the checkout first on the path) or a
    virtual environment with the project installed (run by its own interpreter).
    """
    trees = {"this": this, "other": other}
    starts: dict[str, tuple[Start, Start]] = {}

    def use(name: str) -> None:
        installed = Path(trees[name], "bin", "python")
        if installed.exists() and not Path(trees[name], "bot").is_dir():
            os.environ["JOBCARD_BENCH_PYTHON"] = str(installed)
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ.pop("JOBCARD_BENCH_PYTHON", None)
            os.environ["PYTHONPATH"] = trees[name]
        # ``python -m`` puts the working folder first on the path: run from the database's.
        os.environ["XDG_CACHE_HOME"] = str(folder / f"cache-{name}")

    os.chdir(folder)
    for name in trees:
        own = folder / f"{name}.sqlite3"
        shutil.copy(db, own)
        use(name)
        starts[name] = (_first_prompt(own), _first_answer(own))
        starts[name][0]()  # builds this checkout's catalog cache, unmeasured
        starts[name][1]()
    walls: dict[str, list[float]] = {name: [] for name in trees}
    cpus: dict[str, list[float]] = {name: [] for name in trees}
    answers: dict[str, list[float]] = {name: [] for name in trees}
    for round_ in range(rounds):
        for name in list(trees)[:: 1 if round_ % 2 == 0 else -1]:
            use(name)
            for _ in range(3):
                wall, cpu = starts[name][0]()
                walls[name].append(wall)
                cpus[name].append(cpu or 0.0)
            answers[name].append(starts[name][1]()[0])
    print(f"load average {os.getloadavg()[0]:.1f}, {rounds} rounds interleaved (medians)")
    for name, tree in trees.items():
        print(
            f"{name} ({tree}): first prompt {statistics.median(walls[name]):.0f} ms wall, "
            f"{statistics.median(cpus[name]):.0f} ms CPU; {ANSWER} "
            f"{statistics.median(answers[name]):.0f} ms"
        )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", metavar="DIR", help="compare the chat with this checkout")
    parser.add_argument(
        "--this", metavar="DIR", help="with --against: measure this checkout or environment"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        # A cache folder of its own: the built dialog catalog is kept there by the first
        # (unmeasured) start, as in an installed copy, and no other checkout or test run on
        # the machine replaces it between starts (the cache keeps one catalog).
        os.environ["XDG_CACHE_HOME"] = str(Path(folder) / "cache")
        db = Path(folder) / "bench.sqlite3"
        _run("-m", "bot", "db", "upgrade", "--db", f"sqlite:///{db}")()
        if args.against:
            this = Path(args.this or Path(__file__).resolve().parents[2]).resolve()
            _against(Path(folder), db, str(this), str(Path(args.against).resolve()), args.runs)
            return
        cases = {
            "python -c pass": _run("-c", "pass"),
            "jobcard --help": _run("-m", "bot", "--help"),
            "jobcard dialogs check": _run("-m", "bot", "dialogs", "check"),
            "jobcard chat (first prompt)": _first_prompt(db),
            ANSWER: _first_answer(db),
        }
        baseline = 0.0
        print(f"load average {os.getloadavg()[0]:.1f}")
        print(f"{'command':<30}{'median':>10}{'x pass':>9}{'target':>12}{'CPU':>9}")
        for name, start in cases.items():
            median, cpu = measure(start, args.runs)
            baseline = baseline or median
            target = TARGETS_MS.get(name)
            verdict = (
                f"{target:>8.0f}ms {'ok  ' if median <= target else 'SLOW'}" if target else ""
            )
            used = f"{cpu:>6.0f}ms" if cpu is not None else ""
            ratio = f"{median / baseline:>8.1f}x" if start is not cases[ANSWER] else " " * 9
            print(f"{name:<30}{median:>8.0f}ms{ratio}  {verdict:<14}{used}")


if __name__ == "__main__":
    main()

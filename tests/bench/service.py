"""Benchmark: service turns next to the database floor, worker processes, and memory.

Run: ``python -m tests.bench.service [--people 300] [--paused 10000] [--postgres]
[--workers 1,2,4] [--answers 500]``.

- **Turns vs the floor.** Simulated people complete onboarding + profile (10 turns each)
  through the real service. Interleaved with them, the *floor* does for each turn the least a
  turn can: one transaction that reads the conversation, writes an answer and the state,
  with SQLAlchemy Core on the same engine and a state of the same size. Turns/s, p50/p99
  wall time and CPU per turn of both, and their ratio (target: ours >= 0.6 x the floor).
- **Engine alone.** The script's turns as the pure engine (``advance``) takes them, replayed
  without the database: its CPU per turn and share of a service turn.
- **Answers.** The same turn for a person with ``--answers`` stored answers (per-turn work
  should not grow with them).
- **Paused conversations.** The memory ``--paused`` half-done conversations add.
- **Workers** (``--postgres``): 1, 2 and 4 processes sharing one PostgreSQL database, each
  driving its own people; turns/s of all together and p99.

Wall-clock percentiles count the time this process waits for a core; on a busy machine the
CPU per turn is the steadier figure. For the slowest 1% of turns the benchmark prints what
each of them met (``tail:``): SQLite checkpointing its WAL in the turn, a garbage-collector
pass, waiting for a core (the thread was preempted), waiting on a file, a lock or the
database server, a new person's first turn, or none of these (the turn's own CPU), with the
conversation steps they were at.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import queue
import resource
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from bot.bootstrap import Runtime, build_runtime
from bot.config import Settings
from bot.engine import Choices, Inbound, Outbound
from storage import db as storage_db
from storage.models import AnswerRow, ConversationRow, PersonRow
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


@dataclass(slots=True)
class Turn:
    """What one timed turn met, besides its wall and CPU time."""

    step: int
    collections: list[tuple[int, float]]  # garbage-collector passes: (generation, seconds)
    checkpoint: bool  # SQLite checkpointed its WAL in this turn's commit
    preempted: int  # involuntary context switches (the thread waited for a core)
    waits: int  # voluntary ones (a file's sync, a lock, the database server's reply)


class Probe:
    """Watches each timed turn: collections, checkpoints and the thread's context switches.

    All of it is read outside the timed interval; the collector's callbacks run only when it
    collects. A turn checkpointed when the database file changed while it ran and the
    checkpointer thread (``storage.db``) was not copying at the time.
    """

    def __init__(self, database_file: Path | None) -> None:
        self.file = database_file
        self.collections: list[tuple[int, float]] = []
        self._began = 0.0
        # Checkpoints of the checkpointer thread: how many, their seconds, and whether one
        # ran during the turn being timed.
        self.background = 0
        self.background_seconds = 0.0
        self._copying = 0
        self._copied_during = False

    def __enter__(self) -> Probe:
        gc.callbacks.append(self._collecting)
        real = storage_db._Checkpointer._checkpoint
        self._real = real

        def watched(checkpointer: Any, connection: Any) -> None:
            self._copying += 1
            self._copied_during = True
            began = time.perf_counter()
            try:
                real(checkpointer, connection)
            finally:
                self.background_seconds += time.perf_counter() - began
                self.background += 1
                self._copying -= 1

        storage_db._Checkpointer._checkpoint = watched  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._collecting)
        storage_db._Checkpointer._checkpoint = self._real  # type: ignore[method-assign]

    def _collecting(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.collections.append((info["generation"], time.perf_counter() - self._began))

    def _mtime(self) -> int:
        return os.stat(self.file).st_mtime_ns if self.file is not None else 0

    def timed(self, timings: Timings, step: int, run: Any, *args: Any) -> Any:
        """Run one turn, timing it and noting what it met."""
        self.collections = []
        self._copied_during = self._copying > 0
        written = self._mtime()
        before = resource.getrusage(resource.RUSAGE_THREAD)
        wall, cpu = time.perf_counter(), time.thread_time()
        result = run(*args)
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_THREAD)
        checkpoint = self._mtime() != written and not (self._copied_during or self._copying)
        turn = Turn(
            step,
            self.collections,
            checkpoint,
            after.ru_nivcsw - before.ru_nivcsw,
            after.ru_nvcsw - before.ru_nvcsw,
        )
        timings.add(wall, cpu, turn)
        return result


@dataclass
class Timings:
    """Wall and CPU seconds of each turn, and what each met."""

    wall: list[float]
    cpu: list[float]
    turns: list[Turn] = field(default_factory=list)

    def add(self, wall: float, cpu: float, turn: Turn | None = None) -> None:
        """Record one turn."""
        self.wall.append(wall)
        self.cpu.append(cpu)
        if turn is not None:
            self.turns.append(turn)

    def line(self, name: str) -> str:
        """One printed line of figures."""
        wall, cpu = sorted(self.wall), sorted(self.cpu)
        p50, p99 = statistics.median(wall), wall[max(0, int(len(wall) * 0.99) - 1)]
        # The p99 of CPU time is the turn's own tail (first turns, checkpoints, collections);
        # the p99 of wall time adds waiting for a core on a busy machine.
        cpu99 = cpu[max(0, int(len(cpu) * 0.99) - 1)]
        return (
            f"{name:26} turns/s={self.per_second:6.0f}  p50={p50 * 1000:5.2f}ms"
            f"  p99={p99 * 1000:5.2f}ms  CPU={statistics.mean(self.cpu) * 1000:5.2f}ms/turn"
            f" (p99 {cpu99 * 1000:4.2f}ms)"
        )

    def tail(self, name: str) -> str:
        """What the slowest 1% of turns met, and how often each thing happened in all turns.

        Each slow turn counts once, under the first of: a checkpoint in the turn, a
        collection, waiting for a core (preempted, with at least 1 ms of wall time more than
        CPU time), waiting on a file, lock or server (the same, not preempted), a new
        person's first turn; else the turn's own CPU.
        """
        if not self.turns:
            return ""
        count = max(1, len(self.wall) - int(len(self.wall) * 0.99) + 1)
        slowest = sorted(range(len(self.wall)), key=lambda i: -self.wall[i])[:count]
        causes: Counter[str] = Counter()
        steps: Counter[int] = Counter()
        for i in slowest:
            turn, waited = self.turns[i], self.wall[i] - self.cpu[i]
            steps[turn.step] += 1
            if turn.checkpoint:
                causes["checkpoint in the turn"] += 1
            elif turn.collections:
                generation = max(g for g, _ in turn.collections)
                causes[f"GC pass (gen {generation})"] += 1
            elif waited >= 0.001 and turn.preempted:
                causes["waited for a core"] += 1
            elif waited >= 0.001:
                causes["waited on I/O, a lock or the server"] += 1
            elif turn.step == 0:
                causes["a new person's first turn"] += 1
            else:
                causes["own CPU"] += 1
        listed = ", ".join(f"{n} {cause}" for cause, n in causes.most_common())
        at = " ".join(f"{step}:{n}" for step, n in sorted(steps.items()))
        slow_cpu = statistics.median(self.cpu[i] for i in slowest) * 1000
        passes = [c for turn in self.turns for c in turn.collections]
        checkpoints = [i for i, turn in enumerate(self.turns) if turn.checkpoint]
        each = (
            f" ({statistics.median(self.wall[i] for i in checkpoints) * 1000:.2f} ms wall each)"
            if checkpoints
            else ""
        )
        by_generation = Counter(g for g, _ in passes)
        gc_ms = statistics.mean(s for _, s in passes) * 1000 if passes else 0.0
        # The turns the OS never took the core from: their p99 is the turn's own wall tail,
        # without the machine's other work (on PostgreSQL the server's process may still wait).
        kept = sorted(
            w for w, turn in zip(self.wall, self.turns, strict=True) if not turn.preempted
        )
        own99 = kept[max(0, int(len(kept) * 0.99) - 1)] * 1000 if kept else 0.0
        return (
            f"{'':26} p99 of the {len(kept)} turns never preempted: {own99:.2f} ms\n"
            f"{'':26} tail: the slowest {count} of {len(self.wall)} turns (>= "
            f"{self.wall[slowest[-1]] * 1000:.2f} ms, median CPU {slow_cpu:.2f} ms): {listed};"
            f" at steps {at}\n"
            f"{'':26} in all turns: {len(checkpoints)} checkpoints{each}, {len(passes)} GC passes "
            f"({', '.join(f'gen {g}: {n}' for g, n in sorted(by_generation.items()))}; "
            f"{gc_ms:.2f} ms each)"
        )

    @property
    def per_second(self) -> float:
        """Turns a second, from the wall time of the turns alone."""
        return len(self.wall) / sum(self.wall)


def _timed(timings: Timings, run: Any, *args: Any) -> Any:
    wall, cpu = time.perf_counter(), time.thread_time()
    result = run(*args)
    timings.add(time.perf_counter() - wall, time.thread_time() - cpu)
    return result


class Person:
    """Someone going through the script with the real service."""

    def __init__(self, runtime: Runtime, person_id: str) -> None:
        self.runtime = runtime
        self.person_id = person_id
        self.replies: list[Outbound] = []

    def message(self, kind: str, value: str, delivery: str) -> Inbound:
        """The next message, as its channel would hand it over (a button by its payload)."""
        if kind == "text":
            return Inbound(self.person_id, text=value, delivery_id=delivery)
        payload = _payload(self.replies, value)
        return Inbound(self.person_id, payload=payload, delivery_id=delivery)

    def send(self, inbound: Inbound) -> None:
        """The service's turn for one message (what the benchmark times)."""
        self.replies = self.runtime.service.handle(inbound)

    def turn(self, kind: str, value: str, delivery: str) -> None:
        """One message, made and sent."""
        self.send(self.message(kind, value, delivery))


_READ = select(ConversationRow.state, ConversationRow.revision).where(
    ConversationRow.person_id == bindparam("p_person")
)
_WRITE_ANSWER = insert(AnswerRow)
_WRITE_STATE = (
    update(ConversationRow)
    .where(ConversationRow.person_id == bindparam("p_person"))
    .values(state=bindparam("p_state"), revision=bindparam("p_revision"))
)


class Floor:
    """The least a turn can do: read the conversation, write an answer and the state."""

    def __init__(self, runtime: Runtime, state: dict[str, Any]) -> None:
        self.runtime = runtime
        self.state = state

    def create(self, person_id: str) -> None:
        """The person and their conversation (not timed)."""
        now = datetime.now(UTC)
        with self.runtime.sessions.begin() as session:
            session.execute(insert(PersonRow).values(id=person_id, lang="ja", created_at=now))
            session.execute(
                insert(ConversationRow).values(
                    person_id=person_id, state=None, revision=0, updated_at=now
                )
            )

    def turn(self, person_id: str, step: int) -> None:
        """One turn's transaction."""
        now = datetime.now(UTC)
        with self.runtime.sessions.begin() as session:
            connection = session.connection()
            row = connection.execute(_READ, {"p_person": person_id}).one()
            answer = {
                "person_id": person_id,
                "dialog_id": "profile",
                "field": f"f{step}",
                "value": "山田 太郎",
                "is_current": True,
                "created_at": now,
            }
            connection.execute(_WRITE_ANSWER, answer)
            state = {**self.state, "seq": row.revision}
            values = {"p_person": person_id, "p_state": state, "p_revision": row.revision + 1}
            connection.execute(_WRITE_STATE, values)


def _a_state(runtime: Runtime) -> dict[str, Any]:
    """A conversation state as the script leaves it mid-way (the floor writes one this size)."""
    person = Person(runtime, "bench:state")
    for index, (kind, value) in enumerate(SCRIPT[:6]):
        person.turn(kind, value, f"state-{index}")
    with runtime.sessions() as session:
        row = session.get(ConversationRow, "bench:state")
        assert row is not None and row.state is not None
        return dict(row.state)


def _serving(runtime: Runtime) -> Runtime:
    """The runtime as a server process holds it: what start-up built is out of the garbage
    collector's full passes (``jobcard telegram``, ``line`` and ``web`` all do this)."""
    gc.collect()
    gc.freeze()
    return runtime


def turns_and_floor(url: str, people: int) -> tuple[Timings, Timings, Probe]:
    """Our turns and the floor's, interleaved person by person on one database."""
    runtime = _serving(build_runtime(Settings(database_url=url)))
    floor = Floor(runtime, _a_state(runtime))
    ours, least = Timings([], []), Timings([], [])
    deliveries = iter(range(10**9))
    name = runtime.engine.url.database if url.startswith("sqlite") else None
    with Probe(Path(name) if name else None) as probe:
        for number in range(people):
            person = Person(runtime, f"bench:{number}")
            floor.create(f"floor:{number}")
            for step, (kind, value) in enumerate(SCRIPT):
                inbound = person.message(kind, value, f"d{next(deliveries)}")
                probe.timed(ours, step, person.send, inbound)
                probe.timed(least, step, floor.turn, f"floor:{number}", step)
    runtime.engine.dispose()
    gc.unfreeze()
    return ours, least, probe


def engine_alone(url: str, people: int = 20, rounds: int = 7) -> float:
    """CPU seconds per turn of the pure engine (``advance``) alone: the script's turns, recorded
    as the service makes them, then replayed without the database (best of ``rounds``)."""
    import bot.service as service_module

    # The service's own name for the engine, swapped for one that records each call.
    namespace = vars(service_module)
    real = namespace["advance"]
    calls: list[tuple[Any, ...]] = []

    def recording(*args: Any) -> Any:
        catalog, state, person, inbound, context = args
        calls.append((catalog, state.clone(), person, inbound, context))
        return real(*args)

    namespace["advance"] = recording
    try:
        runtime = build_runtime(Settings(database_url=url))
        for number in range(people):
            person = Person(runtime, f"engine:{number}")
            for step, (kind, value) in enumerate(SCRIPT):
                person.turn(kind, value, f"engine:{number}:{step}")
        runtime.engine.dispose()
    finally:
        namespace["advance"] = real
    best = float("inf")
    for _ in range(rounds):
        began = time.process_time()
        for call in calls:
            real(*call)
        best = min(best, time.process_time() - began)
    return best / len(calls)


def with_answers(url: str, answers: int, turns: int = 200) -> tuple[Timings, Timings]:
    """Turns of a person with no stored answers, and of one with ``answers`` of them."""
    runtime = _serving(build_runtime(Settings(database_url=url)))
    now = datetime.now(UTC)
    results = []
    for person_id, count in (("few:1", 0), ("many:1", answers)):
        person = Person(runtime, person_id)
        for index, (kind, value) in enumerate(SCRIPT[:4]):
            person.turn(kind, value, f"{person_id}:{index}")
        with runtime.sessions.begin() as session:
            rows = [
                {
                    "person_id": person_id,
                    "dialog_id": "work_history",
                    "field": f"extra_{n}",
                    "value": "経理の仕事で月次決算を担当しました。" * 3,
                    "is_current": True,
                    "created_at": now,
                }
                for n in range(count)
            ]
            if rows:
                session.execute(insert(AnswerRow), rows)
                # As any writer outside a turn does (repo.save_answer): the revision moves
                # on, so the service reads these answers instead of what it kept.
                session.execute(
                    update(ConversationRow)
                    .where(ConversationRow.person_id == person_id)
                    .values(revision=ConversationRow.revision + 1)
                )
        timings = Timings([], [])
        for n in range(turns):
            # 「まとめ」 shows the answers so far and asks the same question again.
            text = "山田 太郎" if n % 2 else "/summary"
            _timed(timings, person.send, person.message("text", text, f"{person_id}:t{n}"))
        results.append(timings)
    runtime.engine.dispose()
    gc.unfreeze()
    return results[0], results[1]


def paused_memory(url: str, paused: int) -> float:
    """Memory that ``paused`` half-done conversations add to a process (MB)."""
    runtime = build_runtime(Settings(database_url=url))
    gc.collect()
    before = rss_mb()
    for number in range(paused):
        for index, text in enumerate(("/start", "1", "はい", "佐藤 花子", "一時停止")):
            inbound = Inbound(f"paused:{number}", text=text, delivery_id=f"p{number}:{index}")
            runtime.service.handle(inbound)
    gc.collect()
    runtime.engine.dispose()
    return rss_mb() - before


def _worker(url: str, worker: str, people: int, start: Any, out: Any) -> None:
    runtime = _serving(build_runtime(Settings(database_url=url), migrate=False))
    timings = Timings([], [])
    persons = [Person(runtime, f"w{worker}:{n}") for n in range(people)]
    start.wait()
    began = time.perf_counter()
    for person in persons:
        for step, (kind, value) in enumerate(SCRIPT):
            inbound = person.message(kind, value, f"w{worker}:{person.person_id}:{step}")
            _timed(timings, person.send, inbound)
    out.put((time.perf_counter() - began, timings.wall))
    runtime.engine.dispose()


def workers(url: str, count: int, people: int) -> tuple[float, float]:
    """``count`` processes turning at once on one database: total turns/s and p99 (s)."""
    context = multiprocessing.get_context("spawn")
    start, out = context.Event(), context.Queue()
    processes = [
        context.Process(target=_worker, args=(url, f"{count}-{n}", people, start, out))
        for n in range(count)
    ]
    for process in processes:
        process.start()
    time.sleep(3.0 + count)  # every worker has built its runtime by then
    start.set()
    results = []
    while len(results) < count:
        try:
            results.append(out.get(timeout=5))
        except queue.Empty:
            if any(process.exitcode not in (None, 0) for process in processes):
                raise RuntimeError("a worker process failed") from None
    for process in processes:
        process.join(timeout=60)
    elapsed = max(seconds for seconds, _ in results)
    wall = sorted(w for _, walls in results for w in walls)
    return len(wall) / elapsed, wall[max(0, int(len(wall) * 0.99) - 1)]


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
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument(
        "--workers", default="1,2,4", help="worker counts (PostgreSQL; '' for none)"
    )
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.postgres else ["sqlite"]
    report: dict[str, Any] = {}
    for kind in kinds:
        with database(kind) as url:
            ours, least, probe = turns_and_floor(url, args.people)
            print(ours.line(f"{kind}: service turn"))
            print(ours.tail(f"{kind}: service turn"))
            print(least.line(f"{kind}: floor"))
            print(least.tail(f"{kind}: floor"))
            if probe.background:
                print(
                    f"{'':26} checkpoints by the checkpointer thread: {probe.background}, "
                    f"{probe.background_seconds / probe.background * 1000:.2f} ms each (wall)"
                )
            ratio = ours.per_second / least.per_second
            # CPU time is steadier than wall time on a shared machine: both ratios are shown.
            cpu_ratio = statistics.mean(least.cpu) / statistics.mean(ours.cpu)
            print(
                f"{'':26} ratio={ratio:.2f}: {ours.per_second:.0f} / {least.per_second:.0f} "
                f"turns/s of the floor (target >= 0.6); by CPU per turn {cpu_ratio:.2f}"
            )
            if kind == "sqlite":  # the engine is the same whatever the database
                alone = engine_alone(url)
                share = alone / statistics.mean(ours.cpu)
                print(
                    f"{'':26} engine alone (advance, replayed): CPU={alone * 1e6:4.0f}us/turn,"
                    f" {share:.0%} of a service turn's"
                )
            few, many = with_answers(url, args.answers)
            print(few.line(f"{kind}: 0 answers"))
            print(many.line(f"{kind}: {args.answers} answers"))
            if args.paused:
                added = paused_memory(url, args.paused)
                print(f"{kind}: {args.paused} paused conversations add {added:.1f} MB")
            report[kind] = {"ratio": round(ratio, 3), "cpu_ratio": round(cpu_ratio, 3)}
            if kind == "postgresql":
                for count in (int(n) for n in args.workers.split(",") if n):
                    rate, p99 = workers(url, count, max(20, args.people // 4))
                    print(
                        f"{kind}: {count} worker process(es)  turns/s={rate:6.0f}  "
                        f"p99={p99 * 1000:6.2f}ms"
                    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()

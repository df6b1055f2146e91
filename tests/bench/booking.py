"""Benchmark: bookings through the chat service, and many people racing for one slot.

Run: ``python -m tests.bench.booking [--people 200] [--racers 20] [--no-postgres]``.
Prints, per database, the latency of every booking-dialog turn and of the confirming turn
(the one that inserts the booking and its reminders) as p50/p99, and the wall time of
``--racers`` people (each with their own engine) confirming the same slot at once.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.booking.config import load_config
from bot.booking.wiring import booking_actions, booking_sources
from bot.bootstrap import build_runtime
from bot.config import Settings
from bot.engine import Choices, Inbound, Outbound, Text
from bot.service import ConversationService
from storage.booking import BookingRow
from tests.bench.service import database

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
PLACES = ["センター", "横浜", "港北", "川崎北", "藤沢", "平塚"]


class Person:
    """One simulated person talking to a service, timing each turn."""

    def __init__(self, service: ConversationService, person_id: str) -> None:
        self.service = service
        self.person_id = person_id
        self.replies: list[Outbound] = []
        self.count = 0

    def _send(self, inbound: Inbound) -> float:
        started = time.perf_counter()
        self.replies = self.service.handle(inbound)
        return time.perf_counter() - started

    def text(self, text: str) -> float:
        self.count += 1
        return self._send(Inbound(self.person_id, text=text, delivery_id=self._id()))

    def press(self, label: str) -> float:
        self.count += 1
        for message in reversed(self.replies):
            if isinstance(message, Choices):
                for button in message.options + message.actions:
                    if label in button.label:
                        payload = button.payload
                        return self._send(
                            Inbound(self.person_id, payload=payload, delivery_id=self._id())
                        )
        raise RuntimeError(f"no button {label!r} in {self.said()!r}")

    def said(self) -> str:
        return "\n".join(m.text for m in self.replies if isinstance(m, Text | Choices))

    def _id(self) -> str:
        return f"{self.person_id}:{self.count}"


def service_for(url: str) -> ConversationService:
    """A service with the booking feature wired in, on its own engine, at a fixed time."""
    config = load_config({})
    runtime = build_runtime(Settings(database_url=url), clock=lambda: NOW)
    return ConversationService(
        runtime.sessions,
        runtime.dialogs.catalog,
        runtime.dialogs.specs,
        clock=lambda: NOW,
        actions=booking_actions(config),
        sources=booking_sources(config),
    )


def up_to_confirm(person: Person, place: str, day: str, slot: str) -> list[float]:
    """Consent, then the booking dialog up to its confirmation question; turn latencies."""
    person.text("/start")
    person.press("日本語")
    person.press("はい")
    timings = [person.text("予約"), person.press("対面"), person.text(place)]
    timings += [person.text(day), person.text(slot), person.text("4"), person.text("スキップ")]
    timings.append(person.press("いいえ"))
    return timings


def run_bookings(url: str, people: int) -> dict[str, float]:
    """``people`` bookings spread over places, days and times."""
    service = service_for(url)
    turns: list[float] = []
    confirms: list[float] = []
    for number in range(people):
        person = Person(service, f"bench:{number}")
        place = PLACES[number % len(PLACES)]
        day, slot = str(1 + (number // 6) % 10), "1"  # the first time still free
        turns += up_to_confirm(person, place, day, slot)
        confirm = person.press("はい")
        turns.append(confirm)
        if "ご予約を承りました" in person.said():
            confirms.append(confirm)
    turns.sort()
    confirms.sort()
    return {
        "booked": len(confirms),
        "turn_p50": statistics.median(turns) * 1000,
        "turn_p99": turns[int(len(turns) * 0.99) - 1] * 1000,
        "book_p50": statistics.median(confirms) * 1000,
        "book_p99": confirms[max(int(len(confirms) * 0.99) - 1, 0)] * 1000,
    }


def run_race(url: str, racers: int) -> dict[str, float]:
    """``racers`` people, each with their own engine, confirm 11/25 09:30 at 横浜 at once."""
    people = [Person(service_for(url), f"race:{n}") for n in range(racers)]
    for person in people:
        up_to_confirm(person, "横浜", "11/25", "1")
    barrier = threading.Barrier(racers + 1)

    def confirm(person: Person) -> str:
        barrier.wait()
        person.press("はい")
        return person.said()

    with ThreadPoolExecutor(racers) as pool:
        futures = [pool.submit(confirm, person) for person in people]
        barrier.wait()
        started = time.perf_counter()
        replies = [future.result() for future in futures]
        elapsed = time.perf_counter() - started
    with people[0].service._sessions() as session:
        start = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
        rows = session.scalar(
            select(func.count()).where(
                BookingRow.starts_at == start,
                BookingRow.location_id == "hw_yokohama",
                BookingRow.status == "booked",
            )
        )
    return {
        "race_ms": elapsed * 1000,
        "won": sum("ご予約を承りました" in reply for reply in replies),
        "told_taken": sum("たった今ほかの方" in reply for reply in replies),
        "rows": float(rows or 0),
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--racers", type=int, default=20)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    kinds = ["sqlite"] if args.no_postgres else ["sqlite", "postgresql"]
    for kind in kinds:
        with database(kind) as url:
            figures = run_bookings(url, args.people)
        with database(kind) as url:
            race = run_race(url, args.racers)
        print(
            f"{kind:10} bookings={figures['booked']:.0f} "
            f"booking turn p50={figures['book_p50']:.1f}ms p99={figures['book_p99']:.1f}ms | "
            f"any dialog turn p50={figures['turn_p50']:.1f}ms p99={figures['turn_p99']:.1f}ms | "
            f"{args.racers} racers on one slot: {race['race_ms']:.0f}ms, "
            f"booked={race['won']:.0f} told taken={race['told_taken']:.0f} rows={race['rows']:.0f}"
        )


if __name__ == "__main__":
    main()

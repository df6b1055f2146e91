"""On PostgreSQL: many people confirming one slot at once get exactly one booking."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.booking import ledger
from bot.booking.config import BookingConfig
from bot.booking.slots import Opening
from storage import repositories
from storage.booking import BookingRow
from tests.booking.conftest import Clock, book, wired
from tests.chat import Chat
from tests.conftest import NOW, RuntimeFactory

PEOPLE = 20


def test_concurrent_attempts_on_one_slot_make_one_booking(
    make_runtime: RuntimeFactory, pg_url: str, config: BookingConfig
) -> None:
    chats = []
    for number in range(PEOPLE):
        # Each person has their own runtime: their own engine and connection pool.
        chat = Chat(wired(make_runtime(pg_url), config, Clock()), f"telegram:{number}")
        chat.start_profile()
        # ハローワーク横浜 has one counselor: 11/25 09:30 is a single slot.
        chat.send("予約")
        chat.press("対面")
        chat.send("横浜")
        chat.send("11/25")
        chat.send("1")
        chat.send("4")
        chat.send("スキップ")
        chat.press("いいえ")
        chats.append(chat)
    barrier = threading.Barrier(PEOPLE)

    def confirm(chat: Chat) -> str:
        barrier.wait()
        return chat.press("はい")

    with ThreadPoolExecutor(PEOPLE) as pool:
        replies = list(pool.map(confirm, chats))
    booked = [reply for reply in replies if "ご予約を承りました" in reply]
    taken = [reply for reply in replies if "たった今ほかの方の予約で埋まりました" in reply]
    assert (len(booked), len(taken)) == (1, PEOPLE - 1)
    assert all("近い空き枠：\n・11月25日（水） 10:30〜11:20" in reply for reply in taken)
    assert all("ほかの時間を選んでください" in reply for reply in taken)
    runtime = make_runtime(pg_url)
    with runtime.sessions() as session:
        rows = session.scalars(select(BookingRow)).all()
    assert [(row.status, row.counselor_id) for row in rows] == [("booked", "cc03")]


def test_deleting_a_person_removes_their_bookings_on_postgres(
    make_runtime: RuntimeFactory, pg_url: str, config: BookingConfig
) -> None:
    runtime = make_runtime(pg_url)
    chat = Chat(wired(runtime, config, Clock()), "telegram:1")
    chat.start_profile()
    book(chat)
    with runtime.sessions() as session:
        assert len(session.scalars(select(BookingRow)).all()) == 1
    chat.send("/delete")
    chat.press("はい")
    with runtime.sessions() as session:
        assert session.scalars(select(BookingRow)).all() == []


def test_the_unique_index_refuses_a_slot_the_application_did_not_check(
    make_runtime: RuntimeFactory, pg_url: str, config: BookingConfig
) -> None:
    runtime = make_runtime(pg_url)
    with runtime.sessions.begin() as session:
        for person in ("telegram:1", "telegram:2"):
            repositories.lock_conversation(session, person, NOW)
    start = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
    opening = Opening(start, start + timedelta(minutes=50), "hw_yokohama", ("cc03",))

    def attempt(session: Session, person: str) -> BookingRow | None:
        return ledger.book(
            session,
            config,
            opening,
            person_id=person,
            mode="in_person",
            purpose=None,
            note=None,
            jobcard=None,
            now=NOW,
        )

    first = runtime.sessions()
    first.begin()
    assert attempt(first, "telegram:1") is not None  # inserted, not yet committed
    result: list[BookingRow | None] = []

    def second() -> None:
        with runtime.sessions.begin() as session:
            result.append(attempt(session, "telegram:2"))

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive()  # waiting on the unique index for the first transaction
    first.commit()
    first.close()
    thread.join(10)
    assert result == [None]
    with runtime.sessions() as session:
        assert [r.person_id for r in session.scalars(select(BookingRow))] == ["telegram:1"]

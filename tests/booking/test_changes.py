"""Rescheduling (atomic), reminders across restarts, and the survey after a held consultation."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.booking import cli, ledger
from bot.booking.config import BookingConfig
from bot.bootstrap import Runtime
from bot.config import Settings
from bot.service import ConversationService
from storage.booking import BookingRow, BookingSurveyRow
from tests.booking.conftest import Clock, book, documents, unfold, wired
from tests.booking.test_conversation import bookings, pending
from tests.chat import Chat, text_of
from tests.conftest import RuntimeFactory


def start_moving(chat: Chat, day: str, time: str) -> str:
    chat.send("予約確認")
    chat.send("1")
    chat.press("日時を変更する")
    chat.send(day)
    return chat.send(time)


def test_a_booking_is_moved_and_keeps_its_calendar_event(person: Chat, runtime: Runtime) -> None:
    book(person, day="11/25", time="1")
    reply = start_moving(person, "11/26", "2")
    assert "この日時に変更しますか" in reply
    reply = person.press("はい")
    assert "ご予約を変更しました" in reply and "2026年11月26日（木） 10:30〜11:20" in reply
    old, new = bookings(runtime)
    assert (old.status, new.status, new.rescheduled_from) == ("rescheduled", "booked", old.id)
    lines = unfold(documents(person)[0].content)
    assert f"UID:{old.ical_uid}" in lines and "SEQUENCE:1" in lines
    assert "DTSTART;TZID=Asia/Tokyo:20261126T103000" in lines
    assert pending(runtime, f"booking:{old.id}:") == []
    assert [key for key, _ in pending(runtime, f"booking:{new.id}:")] == [
        f"booking:{new.id}:day_before",
        f"booking:{new.id}:hour_before",
    ]


def test_the_old_slot_is_released_only_after_the_new_one_is_secured(
    person: Chat, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    held_at_release: list[int] = []
    release = ledger.release

    def spy(session: Session, booking: BookingRow, status: str, now: datetime) -> None:
        held = session.scalars(select(BookingRow).where(BookingRow.status == "booked")).all()
        held_at_release.append(len(held))
        release(session, booking, status, now)

    book(person, day="11/25", time="1")
    monkeypatch.setattr(ledger, "release", spy)
    start_moving(person, "11/26", "1")
    person.press("はい")
    assert held_at_release == [2]  # both slots were held when the old one was let go


def test_a_failed_move_leaves_the_old_booking_intact(
    person: Chat, service: ConversationService, runtime: Runtime
) -> None:
    book(person, day="11/25", time="1")
    start_moving(person, "11/26", "1")  # 09:30, confirmation pending
    other = Chat(service, "telegram:200")
    other.start_profile()
    book(other, day="11/26", time="1")  # takes 11/26 09:30 meanwhile
    reply = person.press("はい")
    assert "たった今ほかの方の予約で埋まりました" in reply and "近い空き枠" in reply
    assert "ほかの時間を選んでください" in reply
    assert "11月26日（木） 09:30〜10:20" not in reply.split("ほかの時間を選んでください")[1]
    mine = [row for row in bookings(runtime) if row.person_id == person.person_id]
    assert [(row.status, row.starts_at) for row in mine] == [
        ("booked", datetime(2026, 11, 25, 0, 30, tzinfo=UTC))
    ]
    assert len(pending(runtime, f"booking:{mine[0].id}:")) == 2
    person.send("1")  # 10:30 on the same day
    assert "ご予約を変更しました" in person.press("はい")


def test_reminders_survive_a_restart_and_are_sent_once(
    person: Chat,
    make_runtime: RuntimeFactory,
    sqlite_url: str,
    config: BookingConfig,
) -> None:
    book(person, day="11/25", time="1")
    later = Clock(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # 10:00 JST the day before
    restarted = wired(make_runtime(sqlite_url), config, later)  # a new engine and service
    [(who, messages)] = restarted.deliver_due("telegram")
    assert who == "telegram:100" and "【明日のご予約】" in text_of(messages)
    assert "ハローワーク横浜 相談コーナー" in text_of(messages)
    assert restarted.deliver_due("telegram") == []
    later.now = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    [(_, messages)] = restarted.deliver_due("telegram")
    assert "まもなくご予約の時間です" in text_of(messages)
    assert restarted.deliver_due("telegram") == []


def run_cli(url: str, argv: list[str], now: datetime) -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    result = cli.dispatch(parser.parse_args(argv), Settings(database_url=url), now=now)
    assert result is not None
    return result


def test_a_held_consultation_brings_the_survey(
    person: Chat,
    runtime: Runtime,
    service: ConversationService,
    moving_clock: Clock,
    sqlite_url: str,
    capsys: Any,
) -> None:
    book(person, day="11/25", time="1")
    [row] = bookings(runtime)
    before = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    assert run_cli(sqlite_url, ["bookings", "mark", str(row.id), "held"], before) == 1
    assert "it can be marked from then on" in capsys.readouterr().err
    moving_clock.now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 11:00 JST, after it ended
    assert run_cli(sqlite_url, ["bookings", "mark", str(row.id), "held"], moving_clock.now) == 0
    assert "booked → held" in capsys.readouterr().out
    assert [key for key, _ in pending(runtime, "booking:1:")] == ["booking:1:survey"]
    [(who, messages)] = service.deliver_due("telegram")
    survey = text_of(messages)
    assert who == person.person_id and "先日はご相談いただき" in survey
    assert "相談コーナーにおけるキャリアコンサルティングの目的" in survey
    person.last = messages
    person.history.extend(messages)
    person.press("訓練の受講にあたって")
    person.press("ハローワーク")
    assert "ご回答ありがとうございました" in person.press("大変満足")
    with runtime.sessions() as session:
        [answer] = session.scalars(select(BookingSurveyRow)).all()
    assert (answer.booking_id, answer.purpose, answer.heard_from, answer.satisfaction) == (
        row.id,
        "training",
        "hellowork",
        "very_satisfied",
    )
    assert (
        run_cli(sqlite_url, ["report", "survey", "--fiscal-year", "2026"], moving_clock.now) == 0
    )
    report = capsys.readouterr().out
    assert "| 回答数 |  | 1 |  |" in report
    question = "相談コーナーにおけるキャリアコンサルティングの目的"  # worded as on the form
    assert f"| {question} | 訓練の受講にあたって、実施したい。 | 1 | 100% |" in report
    satisfaction = "今回のキャリアコンサルティングの満足度"
    assert f"| {satisfaction} | 大変満足 | 1 | 100% |" in report
    assert f"| {satisfaction} | 満足 | 0 | 0% |" in report


def test_a_no_show_withdraws_the_survey(
    person: Chat, runtime: Runtime, sqlite_url: str, capsys: Any
) -> None:
    book(person, day="11/25", time="1")
    after = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    run_cli(sqlite_url, ["bookings", "mark", "1", "held"], after)
    assert run_cli(sqlite_url, ["bookings", "mark", "1", "no-show"], after) == 0
    assert pending(runtime, "booking:1:") == []
    assert [row.status for row in bookings(runtime)] == ["no_show"]
    assert run_cli(sqlite_url, ["bookings", "mark", "99", "held"], after) == 1
    assert "there is no booking 99" in capsys.readouterr().err

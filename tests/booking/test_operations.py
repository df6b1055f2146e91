"""Bookings staff can run: typed times and dates, place and phone, one number, truthful marks."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.booking import cli
from bot.booking.config import DEFAULT_CONFIG, BookingConfig, parse_config
from bot.bootstrap import Runtime
from bot.config import Settings
from bot.service import ConversationService
from tests.booking.conftest import Clock, book, documents, unfold, wired
from tests.booking.test_conversation import bookings, pending
from tests.chat import Chat

AFTER = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 11:00 JST on 25 Nov, after a 9:30 start


def run_cli(url: str, argv: list[str], now: datetime) -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    result = cli.dispatch(parser.parse_args(argv), Settings(database_url=url), now=now)
    assert result is not None
    return result


def start_booking(chat: Chat, day: str = "11/25") -> str:
    chat.send("予約")
    chat.press("対面")
    chat.send("横浜")
    return chat.send(day)


@pytest.fixture
def half_past(runtime: Runtime, moving_clock: Clock) -> ConversationService:
    """The Yokohama corner's afternoon starting at 13:30, so 13:30 and 14:30 are offered."""
    raw = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    for counselor in raw["counselors"]:
        for block in counselor["hours"]:
            if block["location"] == "hw_yokohama" and block["from"] == "13:00":
                block["from"], block["to"] = "13:30", "17:30"
    return wired(runtime, parse_config(raw), moving_clock)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("10時半", "10:30"),
        ("10:30", "10:30"),
        ("１０：３０", "10:30"),
        ("10時30分", "10:30"),
        ("午後1時半", "13:30"),
        ("1時半", "13:30"),
        ("13時30分", "13:30"),
        ("午後2時半です", "14:30"),
        ("9時半", "09:30"),
        ("午前9時半", "09:30"),
    ],
)
def test_times_as_people_type_them(
    half_past: ConversationService, typed: str, stored: str
) -> None:
    chat = Chat(half_past, "telegram:7")
    chat.start_profile()
    start_booking(chat)
    chat.send(typed)
    assert chat.answers()["booking.time"] == stored


def test_a_time_that_is_not_offered_is_never_guessed(half_past: ConversationService) -> None:
    chat = Chat(half_past, "telegram:7")
    chat.start_profile()
    start_booking(chat)
    for typed in ("10時", "午後1時", "13時"):  # 10:30 and 13:30 are offered, not these
        reply = chat.send(typed)
        assert "次の選択肢から選んでください" in reply
        assert chat.answers().get("booking.time") is None


def test_afternoon_hours_on_the_default_grid(person: Chat) -> None:
    start_booking(person)
    person.send("午後1時")
    assert person.answers()["booking.time"] == "13:00"


def test_going_back_from_later_dates_and_typing_a_later_date(person: Chat) -> None:
    start_booking(person, day="それより後の日付を見る")
    reply = person.text
    assert "それより後の" in reply and "前の日付に戻る" in reply
    reply = person.press("前の日付に戻る")
    assert "はじめの日付に戻ります" in reply and "11月24日（火）" in reply
    assert person.answers().get("booking.date") is None
    reply = person.send("12月9日")  # not a button on the first page, but it has slots
    assert person.answers()["booking.date"] == "2026-12-09"
    assert "9:30" in reply or "09:30" in reply
    person.send("1")
    assert person.answers()["booking.time"] == "09:30"


def test_a_typed_day_without_slots_is_not_taken(person: Chat) -> None:
    reply = start_booking(person, day="12月12日")  # a Saturday
    assert "次の選択肢から選んでください" in reply
    assert person.answers().get("booking.date") is None


def test_review_confirmation_and_calendar_name_the_place_and_its_phone(person: Chat) -> None:
    start_booking(person)
    person.send("1")
    person.send("4")
    person.send("スキップ")
    review = person.press("いいえ")
    for text in (review, person.press("はい")):
        assert "場所：ハローワーク横浜 相談コーナー" in text
        assert "所在地はハローワーク横浜内" in text
        assert "お問い合わせ：神奈川キャリア形成・リスキリング支援センター" in text
        assert "（電話 045-311-5601、平日 9:30〜17:00）" in text
    confirmation = person.text
    assert "予約番号：1" in confirmation
    location = next(
        line for line in unfold(documents(person)[0].content) if line.startswith("LOCATION:")
    )
    assert "ハローワーク横浜 相談コーナー" in location and "045-311-5601" in location


def test_a_moved_booking_keeps_its_number_and_restates_both_times(
    person: Chat, runtime: Runtime, sqlite_url: str, capsys: Any
) -> None:
    assert "予約番号：1" in book(person, day="11/25", time="1")
    book(person, day="11/26", time="1")  # number 2, so row ids and numbers part ways
    person.send("予約確認")
    person.send("1")
    person.press("日時を変更する")
    person.send("11/27")
    reply = person.send("10時半")
    assert "変更前：2026年11月25日（水） 09:30〜10:20" in reply
    assert "変更後：2026年11月27日（金） 10:30〜11:20" in reply
    assert "この日時に変更しますか" in reply
    reply = person.press("はい")
    assert "予約番号：1" in reply and "予約番号は変わりません" in reply
    assert documents(person)[0].filename == "consultation-1.ics"
    assert [(row.id, row.number, row.status) for row in bookings(runtime)] == [
        (1, 1, "rescheduled"),
        (2, 2, "booked"),
        (3, 1, "booked"),
    ]
    capsys.readouterr()
    assert run_cli(sqlite_url, ["bookings", "show", "1"], datetime.now(UTC)) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["number"] == 1 and shown["starts_at"] == "2026-11-27T10:30:00+09:00"
    assert shown["moved_from"] == ["2026-11-25T09:30:00+09:00"]
    states = [(r["what"], r["for"][:16], r["status"]) for r in shown["reminders"]]
    assert states == [
        ("day_before", "2026-11-25T09:30", "withdrawn"),
        ("hour_before", "2026-11-25T09:30", "withdrawn"),
        ("day_before", "2026-11-27T10:30", "scheduled"),
        ("hour_before", "2026-11-27T10:30", "scheduled"),
    ]


def test_show_lists_reminders_sent_and_scheduled(
    person: Chat,
    service: ConversationService,
    moving_clock: Clock,
    sqlite_url: str,
    capsys: Any,
) -> None:
    book(person, day="11/25", time="1")
    moving_clock.now = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 10:00 the day before
    [(who, _)] = service.deliver_due("telegram")
    assert who == person.person_id
    assert run_cli(sqlite_url, ["bookings", "show", "1"], moving_clock.now) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(r["what"], r["status"]) for r in shown["reminders"]] == [
        ("day_before", "sent"),
        ("hour_before", "scheduled"),
    ]
    assert shown["reminders"][0]["sent_at"] == "2026-11-24T10:00+09:00"


def test_marking_held_twice_changes_nothing_and_says_so(
    person: Chat, runtime: Runtime, sqlite_url: str, capsys: Any
) -> None:
    book(person, day="11/25", time="1")
    assert run_cli(sqlite_url, ["bookings", "mark", "1", "held"], AFTER) == 0
    assert "booked → held — the survey is queued" in capsys.readouterr().out
    assert run_cli(sqlite_url, ["bookings", "mark", "1", "held"], AFTER) == 0
    out = capsys.readouterr().out
    assert "already held: nothing changed — the survey is queued" in out
    assert [key for key, _ in pending(runtime, "booking:1:")] == ["booking:1:survey"]


def test_held_no_show_held_queues_the_survey_again(
    person: Chat, runtime: Runtime, sqlite_url: str, capsys: Any
) -> None:
    book(person, day="11/25", time="1")
    run_cli(sqlite_url, ["bookings", "mark", "1", "held"], AFTER)
    assert run_cli(sqlite_url, ["bookings", "mark", "1", "no-show"], AFTER) == 0
    assert "held → no_show — the survey is withdrawn" in capsys.readouterr().out
    assert pending(runtime, "booking:1:") == []
    assert run_cli(sqlite_url, ["bookings", "mark", "1", "held"], AFTER) == 0
    assert "no_show → held — the survey is queued" in capsys.readouterr().out
    assert [key for key, _ in pending(runtime, "booking:1:")] == ["booking:1:survey"]


def test_a_survey_already_sent_is_not_sent_again(
    person: Chat,
    service: ConversationService,
    moving_clock: Clock,
    sqlite_url: str,
    capsys: Any,
) -> None:
    book(person, day="11/25", time="1")
    moving_clock.now = AFTER
    run_cli(sqlite_url, ["bookings", "mark", "1", "held"], AFTER)
    assert len(service.deliver_due("telegram")) == 1  # the survey goes out
    run_cli(sqlite_url, ["bookings", "mark", "1", "no-show"], AFTER)
    capsys.readouterr()
    assert run_cli(sqlite_url, ["bookings", "mark", "1", "held"], AFTER) == 0
    out = capsys.readouterr().out
    assert "the survey was sent on 2026-11-25T11:00+09:00 (not sent again)" in out
    assert service.deliver_due("telegram") == []


def test_an_early_mark_needs_force_and_a_reason_which_is_stored(
    person: Chat, runtime: Runtime, sqlite_url: str, capsys: Any
) -> None:
    book(person, day="11/25", time="1")
    before = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    assert run_cli(sqlite_url, ["bookings", "mark", "1", "held"], before) == 1
    assert "--force --reason" in capsys.readouterr().err
    assert run_cli(sqlite_url, ["bookings", "mark", "1", "held", "--force"], before) == 2
    assert "--force needs a --reason" in capsys.readouterr().err
    assert [row.status for row in bookings(runtime)] == ["booked"]
    argv = ["bookings", "mark", "1", "held", "--force", "--reason", "前日に電話で実施"]
    assert run_cli(sqlite_url, argv, before) == 0
    [row] = bookings(runtime)
    assert (row.status, row.mark_reason) == ("held", "前日に電話で実施")
    assert row.marked_by is not None and row.marked_by.startswith("cli:")
    capsys.readouterr()
    run_cli(sqlite_url, ["bookings", "show", "1"], before)
    shown = json.loads(capsys.readouterr().out)
    assert shown["marked"]["reason"] == "前日に電話で実施"


def test_the_list_shows_todays_bookings_by_default(
    person: Chat, sqlite_url: str, capsys: Any
) -> None:
    person.send("山田 太郎")
    book(person, day="11/25", time="1")
    book(person, mode="オンライン", place=None, day="11/26", time="1")
    on_the_day = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    assert run_cli(sqlite_url, ["bookings", "list"], on_the_day) == 0
    listing = capsys.readouterr().out
    assert "2026-11-25  1 booking(s)" in listing
    assert "| 1 | 09:30-10:20 | 山田 太郎 | 対面 | 横浜 |" in listing
    assert run_cli(sqlite_url, ["bookings", "list", "--upcoming"], on_the_day) == 0
    listing = capsys.readouterr().out
    assert "2 booking(s)" in listing and "| 山田 太郎 | オンライン | センター |" in listing


def test_a_realistic_config_holds_the_centres_volumes(tmp_path: Path) -> None:
    """The example config offers each corner more slots a month than its busiest month."""
    from bot.booking.config import read_config
    from bot.booking.slots import grid

    example = DEFAULT_CONFIG.parent / "kanagawa_example.yaml"
    config: BookingConfig = read_config(example)
    busiest = {  # seed 000: the busiest month of FY2025 per corner
        "横浜": 133, "港北": 70, "川崎": 62, "川崎北": 71, "相模原": 68, "厚木": 56,
        "藤沢": 69, "平塚": 67, "戸塚": 9, "横浜南": 7, "横須賀": 9, "大和": 4,
        "小田原": 10, "松田": 8, "センター": 85,
    }  # fmt: skip
    month = [datetime(2026, 6, day).date() for day in range(1, 31)]  # no holidays in June
    offered: dict[str, int] = {}
    for day in month:
        for slot in grid(config, day):
            label = config.location(slot.location_id).report_label
            offered[label] = offered.get(label, 0) + 1
    assert set(offered) == set(busiest)
    for label, peak in busiest.items():
        assert offered[label] >= peak * 1.2, (label, offered[label], peak)

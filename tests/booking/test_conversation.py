"""Booking in chat, in Japanese, through the real service on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, text

from bot.bootstrap import Runtime
from bot.service import ConversationService
from storage import outbox
from storage.booking import BookingRow
from tests.booking.conftest import Clock, book, documents, unfold
from tests.chat import Chat

CENTRE_ADDRESS = "〒221-0835 横浜市神奈川区鶴屋町2-23-2 TSプラザビルディング16F"


def bookings(runtime: Runtime) -> list[BookingRow]:
    with runtime.sessions() as session:
        return list(session.scalars(select(BookingRow).order_by(BookingRow.id)))


def pending(runtime: Runtime, prefix: str) -> list[tuple[str, datetime]]:
    with runtime.sessions() as session:
        return [
            (key, due if due.tzinfo else due.replace(tzinfo=UTC))
            for key, due in outbox.pending(session, prefix)
        ]


def test_a_whole_booking_in_japanese(person: Chat, runtime: Runtime) -> None:
    assert "ご相談の方法を選んでください" in person.send("予約")
    assert "ご希望の相談場所" in person.press("対面")
    reply = person.send("センター")
    assert "11月24日（火）" in reply and "11月23日" not in reply  # 勤労感謝の日
    assert "09:30〜10:20" in person.send("11/24")
    assert "目的" in person.send("1")
    assert "伝えておきたいこと" in person.press("訓練の受講にあたって")
    person.send("スキップ")
    reply = person.press("いいえ")
    assert "ご予約内容の確認です" in reply and CENTRE_ADDRESS in reply
    reply = person.press("はい")
    assert "ご予約を承りました" in reply and CENTRE_ADDRESS in reply
    assert "日時：2026年11月24日（火） 09:30〜10:20" in reply
    assert "訓練の受講にあたって、実施したい。" in reply
    [row] = bookings(runtime)
    assert (row.location_id, row.mode, row.purpose, row.note) == (
        "center",
        "in_person",
        "training",
        None,
    )
    assert row.starts_at == datetime(2026, 11, 24, 0, 30, tzinfo=UTC)  # 09:30 in Japan
    [document] = documents(person)
    assert (document.filename, document.media_type) == ("consultation-1.ics", "text/calendar")
    assert all(len(line.encode()) <= 75 for line in document.content.decode().split("\r\n"))
    lines = unfold(document.content)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "TZID:Asia/Tokyo" in lines
    assert "DTSTART;TZID=Asia/Tokyo:20261124T093000" in lines
    assert "DTEND;TZID=Asia/Tokyo:20261124T102000" in lines
    assert "DTSTAMP:20261122T030000Z" in lines
    assert f"UID:{row.ical_uid}" in lines and row.ical_uid.endswith("@jobcard-coach")
    location = next(line for line in lines if line.startswith("LOCATION:"))
    assert "TSプラザビルディング16F" in location and "\\," not in location


def test_times_are_stored_in_utc(person: Chat, runtime: Runtime) -> None:
    book(person, place="横浜", day="11/25", time="1")
    with runtime.engine.connect() as connection:
        raw = connection.execute(text("SELECT starts_at FROM bookings")).scalar_one()
    assert str(raw).startswith("2026-11-25 00:30:00")  # 09:30 JST as UTC wall time


def test_an_online_booking_says_how_it_works(person: Chat, runtime: Runtime) -> None:
    person.send("予約")
    reply = person.press("オンライン")
    assert "ご希望の日" in reply and "相談場所" not in reply
    assert "11月24日（火）" in reply
    reply = person.press("それより後の日付を見る")
    assert "それより後の" in reply and "11月24日（火）" not in reply
    person.send("1")
    person.send("1")
    person.send("2")
    person.send("面談は初めてです")
    person.press("いいえ")
    reply = person.press("はい")
    assert "オンライン相談" in reply and "ビデオ会議" in reply and "所在地" not in reply
    assert "ご連絡事項：面談は初めてです" in reply
    [row] = bookings(runtime)
    assert (row.mode, row.location_id, row.note) == ("online", "center", "面談は初めてです")
    assert "相談先：神奈川キャリア形成・リスキリング支援センター" in reply
    assert "電話：045-311-5601" in reply and "前日までにセンターからお知らせします" in reply
    lines = unfold(documents(person)[0].content)
    centre = "神奈川キャリア形成・リスキリング支援センター"
    assert f"LOCATION:オンライン（{centre}） 電話：045-311-5601" in lines


def test_bad_dates_and_times_get_a_clear_message(person: Chat) -> None:
    person.send("予約")
    person.press("対面")
    person.send("横浜")
    reply = person.send("11月23日")  # a holiday: not offered
    assert "次の選択肢から選んでください" in reply and "1. 11月24日（火）" in reply
    assert person.answers().get("booking.date") is None
    person.send("11/25")
    reply = person.send("10時")  # the grid is 09:30, 10:30 …: there is no 10:00
    assert "次の選択肢から選んでください" in reply and "2. 11月25日（水） 10:30〜11:20" in reply
    assert person.answers().get("booking.time") is None
    person.send("13時")  # an hour that is offered is understood
    assert person.answers()["booking.time"] == "13:00"


def test_reminders_are_scheduled_then_stopped_by_a_cancellation(
    person: Chat, runtime: Runtime, service: ConversationService, moving_clock: Clock
) -> None:
    book(person, day="11/25", time="1")
    assert pending(runtime, "booking:1:") == [
        ("booking:1:day_before", datetime(2026, 11, 24, 1, 0, tzinfo=UTC)),  # 10:00 the day before
        ("booking:1:hour_before", datetime(2026, 11, 24, 23, 30, tzinfo=UTC)),
    ]
    reply = person.send("予約確認")
    assert "11月25日（水） 09:30〜10:20 ハローワーク横浜 相談コーナー" in reply
    reply = person.send("1")
    assert "所在地はハローワーク横浜内" in reply and len(documents(person)) == 1
    person.press("キャンセルする")
    reply = person.press("はい")
    assert "キャンセルしました" in reply and "リマインダーも止めました" in reply
    lines = unfold(documents(person)[0].content)
    assert "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines and "SEQUENCE:1" in lines
    assert [row.status for row in bookings(runtime)] == ["cancelled"]
    assert pending(runtime, "booking:1:") == []
    moving_clock.now = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    assert service.deliver_due("telegram") == []  # nothing for a cancelled booking
    assert "予約はありません" in person.send("予約確認")


def test_cancelling_stops_at_the_cut_off(
    person: Chat, runtime: Runtime, moving_clock: Clock
) -> None:
    book(person, day="11/25", time="1")  # 2026-11-25 09:30 JST
    moving_clock.now = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 10:00 JST, 23.5 h before
    person.send("予約確認")
    person.send("1")
    reply = person.press("キャンセルする")
    assert "開始24時間前を過ぎたため" in reply and "045-311-5601" in reply
    assert "ほかのご予約を選ぶか" in reply and "閉じる" in reply
    assert [row.status for row in bookings(runtime)] == ["booked"]
    assert len(pending(runtime, "booking:1:")) == 2
    moving_clock.now = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # 09:00 JST, 24.5 h before
    person.send("予約確認")
    person.send("1")
    person.press("キャンセルする")
    assert "キャンセルしました" in person.press("はい")
    assert [row.status for row in bookings(runtime)] == ["cancelled"]


def test_too_many_bookings_are_refused(person: Chat, runtime: Runtime) -> None:
    book(person, day="11/25", time="1")
    book(person, day="11/26", time="1")
    reply = book(person, day="11/27", time="1")
    assert "すでに2件のご予約があります" in reply
    assert len(bookings(runtime)) == 2


def test_the_job_card_draft_can_be_attached(person: Chat, runtime: Runtime) -> None:
    person.send("山田 太郎")  # the first profile question: 氏名
    reply = book(person, share="はい")
    assert "作成中のジョブ・カード（2026-11-22時点）を予約に添付しました" in reply
    [row] = bookings(runtime)
    assert row.jobcard is not None and row.jobcard["format"] == "jobcard-coach/1"
    person_part = row.jobcard["person"]
    assert (person_part["name"], person_part["created_on"]) == ("山田 太郎", "2026-11-22")


def test_deleting_the_person_deletes_their_bookings(person: Chat, runtime: Runtime) -> None:
    book(person)
    assert len(bookings(runtime)) == 1
    person.send("/delete")
    person.press("はい")
    assert bookings(runtime) == []
    assert pending(runtime, "booking:") == []

"""The booking dialogs match the shared texts; .ics files are valid; English works too."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.booking import ics, texts
from bot.engine import LoadedDialogs
from bot.engine.answers import ChoiceAnswer
from bot.engine.model import Question
from tests.booking.conftest import book, unfold
from tests.chat import Chat


def options(dialogs: LoadedDialogs, dialog: str, step: str) -> dict[str, str]:
    question = dialogs.catalog.latest[dialog].step(step)
    assert isinstance(question, Question) and isinstance(question.answer, ChoiceAnswer)
    return {option.value: option.label.ja for option in question.answer.options}


def test_the_dialogs_use_the_surveys_exact_wording(test_dialogs: LoadedDialogs) -> None:
    purposes = {key: text.ja for key, text in texts.PURPOSES.items()}
    assert options(test_dialogs, "booking", "purpose") == purposes
    assert options(test_dialogs, "consultation_survey", "purpose") == purposes
    assert purposes["training"] == "訓練の受講にあたって、実施したい。"
    assert options(test_dialogs, "consultation_survey", "heard_from") == texts.HEARD_FROM
    assert options(test_dialogs, "consultation_survey", "satisfaction") == texts.SATISFACTION


def test_ics_lines_are_escaped_and_folded_without_breaking_characters() -> None:
    event = ics.CalendarEvent(
        uid="abc@jobcard-coach",
        starts_at=datetime(2026, 11, 25, 0, 30, tzinfo=UTC),
        ends_at=datetime(2026, 11, 25, 1, 20, tzinfo=UTC),
        summary="相談; 予約, テスト",
        location="横浜\\中区",
        description="一行目\n" + "あ" * 60,
        stamp=datetime(2026, 11, 22, 3, 0, tzinfo=UTC),
    )
    content = ics.render(event)
    physical = content.decode().split("\r\n")
    assert all(len(line.encode()) <= 75 for line in physical)
    assert any(line.startswith(" ") for line in physical)  # the description was folded
    lines = unfold(content)
    assert "SUMMARY:相談\\; 予約\\, テスト" in lines
    assert "LOCATION:横浜\\\\中区" in lines
    assert "DESCRIPTION:一行目\\n" + "あ" * 60 in lines
    assert "DTSTART;TZID=Asia/Tokyo:20261125T093000" in lines
    assert "DTSTAMP:20261122T030000Z" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1


def test_booking_in_english(person: Chat) -> None:
    person.send("/lang en")
    reply = book(
        person, mode="In person", place="横浜", day="11/25", time="1", share="No", confirm="Yes"
    )
    assert "Your consultation is booked" in reply
    assert "When: Wed 25 Nov 2026, 09:30–10:20" in reply
    assert "Inside Hello Work Yokohama" in reply

"""Pure juku scheduling: due dates, statuses (incl. late), booking windows, reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.juku.facilitator import Participant, facilitator_rows, to_csv
from bot.juku.schedule import (
    JST,
    Cohort,
    CohortSession,
    booking_offer,
    check_sessions,
    dialog_progress,
    due_date,
    next_session,
    reminders,
    session_statuses,
)
from bot.juku.texts import format_date, status_report
from tests.juku.conftest import RUNNING, UPCOMING


def cohort(dates: tuple[date, ...] = RUNNING) -> Cohort:
    sessions = tuple(CohortSession(n, day) for n, day in enumerate(dates, 1))
    return Cohort("K7M2QP", "神奈川 2026年秋", "autumn", "online", sessions)


def test_homework_is_due_on_the_next_session_and_two_weeks_after_the_last() -> None:
    course = cohort()
    assert [due_date(course, n) for n in (1, 2, 3, 4)] == [
        date(2026, 10, 15),
        date(2026, 11, 5),
        date(2026, 11, 26),
        date(2026, 12, 10),
    ]


def test_dialog_progress_counts_zero_and_no_as_answers() -> None:
    assert dialog_progress({"money_plan._completed": True}, "money_plan") == "done"
    assert dialog_progress({"money_plan.spouse_income": 0}, "money_plan") == "in_progress"
    assert dialog_progress({"licenses.has_any": False}, "licenses") == "in_progress"
    assert dialog_progress({"money_plan.age": None, "money_planx.a": 1}, "money_plan") == (
        "not_started"
    )


def test_statuses_done_in_progress_not_started_and_late() -> None:
    answers = {
        # Session 1: all four done.
        "lifeline._completed": True,
        "work_history._completed": True,
        "licenses._completed": True,
        "education_training._completed": True,
        # Session 2: started but not done, and its due date (5 Nov) has passed.
        "will_can_must.will": "地域の役に立つ仕事",
        # Session 3: started, due 26 Nov.
        "money_plan.age": 58,
    }
    statuses = session_statuses(cohort(), answers, date(2026, 11, 22))
    assert [s.status for s in statuses] == ["done", "late", "in_progress", "not_started"]
    # On the due date itself homework is not late yet; the day after it is.
    assert session_statuses(cohort(), {}, date(2026, 11, 5))[1].status == "not_started"
    assert session_statuses(cohort(), {}, date(2026, 11, 6))[1].status == "late"
    # One of two dialogs done is still in progress.
    half = {"career_design._completed": True}
    assert session_statuses(cohort(), half, date(2026, 11, 22))[3].status == "in_progress"


def test_next_session_and_booking_offers_after_sessions_2_and_4() -> None:
    course = cohort()
    upcoming = next_session(course, date(2026, 11, 22))
    assert upcoming is not None and upcoming.number == 4
    assert next_session(course, date(2026, 11, 26)) == course.session(4)  # today's counts
    assert next_session(course, date(2026, 11, 27)) is None
    assert booking_offer(course, date(2026, 10, 14)) is None  # before session 2
    assert booking_offer(course, date(2026, 10, 15)) == 2
    assert booking_offer(course, date(2026, 11, 4)) == 2
    assert booking_offer(course, date(2026, 11, 5)) is None  # session 3 has begun
    assert booking_offer(course, date(2026, 11, 26)) == 4
    assert booking_offer(course, date(2027, 3, 1)) is None  # long after the course


def test_reminders_three_and_one_day_before_at_ten_in_japan() -> None:
    now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    planned = reminders(cohort(UPCOMING), now)
    at = {r.suffix: r.due_at for r in planned}
    assert list(at) == [
        "s1:d3",
        "s1:d1",
        "book2",
        "s2:d3",
        "s2:d1",
        "s3:d3",
        "s3:d1",
        "book4",
        "s4:d3",
        "s4:d1",
    ]
    assert at["s1:d3"] == datetime(2026, 12, 14, 10, 0, tzinfo=JST)  # 17 Dec - 3 days
    assert at["s1:d1"] == datetime(2026, 12, 16, 10, 0, tzinfo=JST)
    assert at["book2"] == datetime(2026, 12, 18, 10, 0, tzinfo=JST)  # the day after
    assert at["s4:d1"] == datetime(2027, 2, 10, 10, 0, tzinfo=JST)  # 28 Jan + 14 - 1
    assert {r.payload for r in planned} == {"e|juku|reminder", "e|juku|booking_offer"}


def test_reminders_already_past_or_before_the_homework_is_given_are_left_out() -> None:
    # Joining on 22 Nov in the running course: only session 3's and 4's are still ahead.
    planned = reminders(cohort(), datetime(2026, 11, 22, 3, 0, tzinfo=UTC))
    assert [r.suffix for r in planned] == ["s3:d3", "s3:d1", "book4", "s4:d3", "s4:d1"]
    # Sessions two days apart: "three days before" would come before the homework is given.
    close = cohort((date(2027, 1, 5), date(2027, 1, 7), date(2027, 1, 20), date(2027, 2, 3)))
    suffixes = [r.suffix for r in reminders(close, datetime(2026, 12, 1, tzinfo=UTC))]
    assert "s1:d3" not in suffixes and "s1:d1" in suffixes


def test_session_dates_must_be_four_and_in_order() -> None:
    assert check_sessions(list(RUNNING)) is None
    assert check_sessions(list(RUNNING[:3])) is not None
    assert check_sessions([RUNNING[1], RUNNING[0], RUNNING[2], RUNNING[3]]) is not None


def test_participant_report_shows_next_session_due_dates_and_what_is_done() -> None:
    answers = {"lifeline._completed": True, "money_plan.age": 58}
    text = status_report(cohort(), answers, date(2026, 10, 16), "ja")
    assert "次回：第3回 11月5日（木） マネープランについて学ぶ" in text
    assert "宿題（10月15日（木）まで）：期限を過ぎています (1/4)" in text  # 1 of 4 done
    assert "・ライフラインチャート：✓ 済" in text and "・職務経歴シート（様式2）：未着手" in text
    assert "・マネープラン：途中" in text
    assert "「予約」と送ると予約できます" in text  # between sessions 2 and 3
    english = status_report(cohort(), answers, date(2026, 12, 20), "en")
    assert "All four sessions are over" in english and "Session 4 is over" in english
    much_later = status_report(cohort(), answers, date(2027, 3, 1), "en")
    assert "consultation" not in much_later
    assert format_date(date(2027, 1, 14), "ja", today=date(2026, 12, 1)) == "2027年1月14日（木）"


def test_facilitator_rows_from_progress_only() -> None:
    people = [
        Participant(2, None, date(2026, 10, 2), {"will_can_must": "in_progress"}),
        Participant(1, "やまだ", date(2026, 10, 1), {"lifeline": "done"}),
    ]
    rows = facilitator_rows(cohort(), people, date(2026, 11, 22))
    assert [(r.name, r.statuses) for r in rows] == [
        ("やまだ", ("late", "late", "not_started", "not_started")),
        ("参加者2", ("late", "late", "not_started", "not_started")),
    ]
    lines = to_csv(cohort(), rows).splitlines()
    assert lines[0] == (
        "\ufeff参加者,参加日,第1回（10月1日）,第2回（10月15日）,第3回（11月5日）,第4回（11月26日）"
    )
    assert lines[1] == "やまだ,2026-10-01,遅れ (1/4),遅れ,未着手,未着手"

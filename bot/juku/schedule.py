"""Pure juku scheduling: session dates, homework due dates, progress, reminders to schedule."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.engine import COMPLETED, Outcome, encode

JST = ZoneInfo("Asia/Tokyo")
SESSION_COUNT = 4

# The homework each session gives (dialog ids), due before the next session.
HOMEWORK: Mapping[int, tuple[str, ...]] = {
    1: ("lifeline", "work_history", "licenses", "education_training"),
    2: ("will_can_must",),
    3: ("money_plan",),
    4: ("career_design", "career_plan"),
}
# Session 4 has no next session: its homework is due this long after it, in time for the
# follow-up consultation.
LAST_HOMEWORK_DAYS = 14
REMINDER_DAYS = (3, 1)
REMINDER_TIME = time(10, 0)  # Japan time: a reminder should never arrive at night
# Consultations happen between sessions 2 and 3, and after session 4 (seed 000).
BOOKING_AFTER = (2, 4)
BOOKING_DAYS_AFTER_LAST = 60

REMINDER_PAYLOAD = encode(Outcome("juku", "reminder"))
BOOKING_PAYLOAD = encode(Outcome("juku", "booking_offer"))

Progress = Literal["done", "in_progress", "not_started"]
Status = Literal["done", "in_progress", "not_started", "late"]
STATUSES: tuple[Status, ...] = ("done", "in_progress", "not_started", "late")


@dataclass(frozen=True, slots=True)
class CohortSession:
    """One session of a cohort.

    Attributes:
        theme: A theme the facilitator set; None means the standard theme of that session.
    """

    number: int
    held_on: date
    theme: str | None = None


@dataclass(frozen=True, slots=True)
class Cohort:
    """A season's course: four sessions, joined with ``code``."""

    code: str
    name: str
    season: str
    mode: str
    sessions: tuple[CohortSession, ...]

    def session(self, number: int) -> CohortSession:
        """The session ``number`` (1–4)."""
        for session in self.sessions:
            if session.number == number:
                return session
        raise KeyError(number)


def check_sessions(held_on: list[date]) -> str | None:
    """Why these four session dates are not usable, or None if they are."""
    if len(held_on) != SESSION_COUNT:
        return f"a cohort has {SESSION_COUNT} sessions, {len(held_on)} dates were given"
    if any(later <= earlier for earlier, later in itertools.pairwise(held_on)):
        return "the session dates must be in order, on different days"
    return None


def due_date(cohort: Cohort, number: int) -> date:
    """When the homework of session ``number`` is due: the day of the next session."""
    if number < SESSION_COUNT:
        return cohort.session(number + 1).held_on
    return cohort.session(number).held_on + timedelta(days=LAST_HOMEWORK_DAYS)


def dialog_progress(answers: Mapping[str, Any], dialog_id: str) -> Progress:
    """How far a person is with one homework dialog, from their answers."""
    if answers.get(f"{dialog_id}.{COMPLETED}") is True:
        return "done"
    prefix = f"{dialog_id}."
    started = any(key.startswith(prefix) and _given(value) for key, value in answers.items())
    return "in_progress" if started else "not_started"


def _given(value: Any) -> bool:
    # 0 and False are answers too (no spouse income, "no" to a question): only empty is not.
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return value is not None


@dataclass(frozen=True, slots=True)
class SessionStatus:
    """The homework of one session for one person.

    Attributes:
        due: The day the homework is due; it is late from the day after (for people who
            joined before it was due).
        dialogs: Each homework dialog with its progress, in homework order.
    """

    session: CohortSession
    due: date
    status: Status
    dialogs: tuple[tuple[str, Progress], ...]

    @property
    def done(self) -> int:
        """How many of the session's homework items are done."""
        return sum(progress == "done" for _, progress in self.dialogs)


def homework_progress(answers: Mapping[str, Any]) -> dict[str, Progress]:
    """The progress of every homework dialog; nothing else of the answers is kept."""
    return {d: dialog_progress(answers, d) for dialogs in HOMEWORK.values() for d in dialogs}


def session_statuses(
    cohort: Cohort, answers: Mapping[str, Any], today: date, joined_on: date | None = None
) -> list[SessionStatus]:
    """Every session's homework status for one person, session 1 first."""
    return statuses_from_progress(cohort, homework_progress(answers), today, joined_on)


def statuses_from_progress(
    cohort: Cohort,
    progress: Mapping[str, Progress],
    today: date,
    joined_on: date | None = None,
) -> list[SessionStatus]:
    """Session statuses from each homework dialog's progress (missing counts as not started).

    Homework is late only for someone who joined before it was due: a person who joins
    after session 2 is catching up on session 1's homework, not late with it.
    """
    statuses = []
    for session in sorted(cohort.sessions, key=lambda s: s.number):
        dialogs = tuple((d, progress.get(d, "not_started")) for d in HOMEWORK[session.number])
        due = due_date(cohort, session.number)
        status: Status
        if all(state == "done" for _, state in dialogs):
            status = "done"
        elif today > due and (joined_on is None or due > joined_on):
            status = "late"
        elif any(state != "not_started" for _, state in dialogs):
            status = "in_progress"
        else:
            status = "not_started"
        statuses.append(SessionStatus(session, due, status, dialogs))
    return statuses


def next_session(cohort: Cohort, today: date) -> CohortSession | None:
    """The next session (today's counts), or None once the course is over."""
    upcoming = [s for s in cohort.sessions if s.held_on >= today]
    return min(upcoming, key=lambda s: s.held_on) if upcoming else None


def current_homework(cohort: Cohort, today: date) -> list[int]:
    """The sessions whose homework has been given by ``today`` (held today or earlier)."""
    return sorted(s.number for s in cohort.sessions if s.held_on <= today)


def booking_offer(cohort: Cohort, today: date) -> int | None:
    """The session (2 or 4) after which a consultation is offered today, if any."""
    second, third = cohort.session(2).held_on, cohort.session(3).held_on
    if second <= today < third:
        return 2
    last = cohort.session(SESSION_COUNT).held_on
    if last <= today <= last + timedelta(days=BOOKING_DAYS_AFTER_LAST):
        return SESSION_COUNT
    return None


@dataclass(frozen=True, slots=True)
class Reminder:
    """An outbox row to schedule: ``suffix`` makes its key unique within a membership.

    Attributes:
        session: The session whose homework it is about (or after which booking is offered).
    """

    suffix: str
    due_at: datetime
    payload: str
    session: int


def _at(day: date) -> datetime:
    return datetime.combine(day, REMINDER_TIME, tzinfo=JST)


def reminders(cohort: Cohort, now: datetime) -> list[Reminder]:
    """The reminders still ahead: homework due soon, and booking offers after sessions 2, 4.

    A homework reminder before its session was held would remind of homework not given yet,
    so those are left out.
    """
    planned: list[Reminder] = []
    for session in sorted(cohort.sessions, key=lambda s: s.number):
        due = due_date(cohort, session.number)
        for days in REMINDER_DAYS:
            day = due - timedelta(days=days)
            if day > session.held_on and _at(day) > now:
                suffix = f"s{session.number}:d{days}"
                planned.append(Reminder(suffix, _at(day), REMINDER_PAYLOAD, session.number))
        if session.number in BOOKING_AFTER:
            at = _at(session.held_on + timedelta(days=1))
            if at > now:
                suffix = f"book{session.number}"
                planned.append(Reminder(suffix, at, BOOKING_PAYLOAD, session.number))
    return sorted(planned, key=lambda r: (r.due_at, r.suffix))


def homework_suffix(number: int) -> str:
    """The key part shared by the homework reminders of session ``number``."""
    return f"s{number}:"

"""Bookings in the database: book, cancel, reschedule and mark, inside the caller's transaction.

Nothing here commits: the conversation service (or the CLI) owns the transaction, so a
booking, its reminders and the answers of the same turn are stored together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.booking import texts
from bot.booking.calendar import at_jst, jst
from bot.booking.config import BookingConfig, Mode
from bot.booking.slots import Busy, Opening, free_slots, openings
from bot.engine import OpenSection, encode
from storage import outbox
from storage.booking import SLOT_HOLDING, BookingRow, BookingSurveyRow
from storage.models import AnswerRow

REMINDERS = ("day_before", "hour_before")


def busy_periods(
    session: Session, start: datetime, end: datetime, counselor_ids: Iterable[str] | None = None
) -> list[Busy]:
    """Slot-holding bookings that start in [start, end) (buffers included by the caller)."""
    query = select(BookingRow.counselor_id, BookingRow.starts_at, BookingRow.ends_at).where(
        BookingRow.status.in_(SLOT_HOLDING),
        BookingRow.starts_at >= start,
        BookingRow.starts_at < end,
    )
    if counselor_ids is not None:
        query = query.where(BookingRow.counselor_id.in_(list(counselor_ids)))
    return [Busy(row.counselor_id, row.starts_at, row.ends_at) for row in session.execute(query)]


def find_openings(
    session: Session,
    config: BookingConfig,
    now: datetime,
    *,
    mode: Mode,
    location_id: str | None,
    days: Sequence[date] | None = None,
) -> list[Opening]:
    """Free times for ``mode`` at ``location_id`` (any online location when online)."""
    first = jst(now).date() if not days else min(days)
    last = first + timedelta(days=config.horizon_days + 1) if not days else max(days)
    busy = busy_periods(session, at_jst(first, time(0)), at_jst(last + timedelta(days=1), time(0)))
    where = None if mode == "online" else location_id
    return openings(free_slots(config, now, busy, mode=mode, location_id=where, days=days))


def upcoming(session: Session, person_id: str, now: datetime) -> list[BookingRow]:
    """A person's booked consultations that have not ended, earliest first."""
    return list(
        session.scalars(
            select(BookingRow)
            .where(
                BookingRow.person_id == person_id,
                BookingRow.status == "booked",
                BookingRow.ends_at > now,
            )
            .order_by(BookingRow.starts_at)
        )
    )


def book(
    session: Session,
    config: BookingConfig,
    opening: Opening,
    *,
    person_id: str,
    mode: Mode,
    purpose: str | None,
    note: str | None,
    jobcard: dict[str, Any] | None,
    now: datetime,
    replaces: BookingRow | None = None,
) -> BookingRow | None:
    """Insert a booking with the first counselor of ``opening`` still free; None if none is.

    Each attempt runs in a savepoint: when a concurrent transaction took the same counselor's
    slot, the unique index refuses the row, the savepoint is rolled back and the next
    counselor is tried, while the rest of the caller's transaction stays intact.
    """
    for counselor_id in opening.counselor_ids:
        row = BookingRow(
            person_id=person_id,
            counselor_id=counselor_id,
            location_id=opening.location_id,
            mode=mode,
            starts_at=opening.starts_at,
            ends_at=opening.ends_at,
            purpose=purpose,
            note=note,
            jobcard=jobcard,
            status="booked",
            ical_uid=replaces.ical_uid if replaces else f"{uuid.uuid4()}@jobcard-coach",
            sequence=replaces.sequence + 1 if replaces else 0,
            rescheduled_from=replaces.id if replaces else None,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            continue
        # One number for the person and staff, whatever the moves: the first row's id.
        row.number = number_of(replaces) if replaces else row.id
        schedule_reminders(session, config, row, now)
        return row
    return None


def number_of(booking: BookingRow) -> int:
    """The booking number people are told (kept across reschedules)."""
    return booking.number or booking.id


def find_by_number(session: Session, number: int) -> BookingRow | None:
    """The booking with ``number``: after reschedules, its latest row."""
    row = session.scalars(
        select(BookingRow)
        .where(BookingRow.number == number)
        .order_by(BookingRow.id.desc())
        .limit(1)
    ).first()
    return row if row is not None else session.get(BookingRow, number)


def history(session: Session, booking: BookingRow) -> list[BookingRow]:
    """Every row of one booking number, the first first (the earlier times it was moved from)."""
    number = number_of(booking)
    rows = session.scalars(
        select(BookingRow)
        .where((BookingRow.number == number) | (BookingRow.id == number))
        .order_by(BookingRow.id)
    ).all()
    return list(rows) or [booking]


def names(session: Session, person_ids: Iterable[str]) -> dict[str, str]:
    """The names people gave in their profile (氏名), for staff lists."""
    wanted = list(set(person_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(AnswerRow.person_id, AnswerRow.value).where(
            AnswerRow.person_id.in_(wanted),
            AnswerRow.dialog_id == "profile",
            AnswerRow.field == "name",
            AnswerRow.is_current.is_(True),
        )
    )
    return {row.person_id: str(row.value) for row in rows if row.value}


def schedule_reminders(
    session: Session, config: BookingConfig, booking: BookingRow, now: datetime
) -> None:
    """Queue the day-before and hour-before reminders (a time already past is skipped)."""
    day_before = at_jst(jst(booking.starts_at).date() - timedelta(days=1), config.day_before_at)
    hour_before = booking.starts_at - timedelta(minutes=config.hour_before_minutes)
    for which, due in zip(REMINDERS, (day_before, hour_before), strict=True):
        if due <= now:
            continue
        outbox.schedule(
            session,
            booking.person_id,
            due_at=due,
            kind="message",
            payload=texts.reminder(config, booking, which),
            now=now,
            key=f"booking:{booking.id}:{which}",
        )


def release(session: Session, booking: BookingRow, status: str, now: datetime) -> None:
    """Free a booking's slot (cancelled or rescheduled) and stop its pending messages."""
    booking.status = status
    booking.updated_at = now
    session.flush()
    outbox.cancel(session, f"booking:{booking.id}:")


def reschedule(
    session: Session, config: BookingConfig, booking: BookingRow, opening: Opening, now: datetime
) -> BookingRow | None:
    """Move a booking: the new slot is secured first, only then is the old one released.

    Returns None (and changes nothing) when the new slot is no longer free.
    """
    new = book(
        session,
        config,
        opening,
        person_id=booking.person_id,
        mode=booking.mode,  # type: ignore[arg-type]
        purpose=booking.purpose,
        note=booking.note,
        jobcard=booking.jobcard,
        now=now,
        replaces=booking,
    )
    if new is None:
        return None
    release(session, booking, "rescheduled", now)
    return new


def can_change(config: BookingConfig, booking: BookingRow, now: datetime) -> bool:
    """Whether the person may still cancel or move ``booking`` in chat (before the cut-off)."""
    cutoff = booking.starts_at - timedelta(hours=config.cancel_cutoff_hours)
    return booking.status == "booked" and now < cutoff


@dataclass(frozen=True, slots=True)
class MarkResult:
    """What marking did, told truthfully to whoever marked it.

    Attributes:
        changed: False when the booking already had this outcome (nothing was done).
        survey: The post-consultation survey's outbox entry after marking, if there is one.
        answered: Whether the person has answered the survey.
    """

    previous: str
    outcome: str
    changed: bool
    survey: outbox.OutboxEntry | None
    answered: bool


def survey_key(booking: BookingRow) -> str:
    """The outbox key of a booking's post-consultation survey."""
    return f"booking:{booking.id}:survey"


def survey_state(session: Session, booking: BookingRow) -> tuple[outbox.OutboxEntry | None, bool]:
    """The survey's outbox entry (if it was ever queued) and whether it was answered."""
    found = [
        e for e in outbox.entries(session, survey_key(booking)) if e.key == survey_key(booking)
    ]
    answered = session.get(BookingSurveyRow, booking.id) is not None
    return (found[0] if found else None), answered


def mark(
    session: Session,
    booking: BookingRow,
    outcome: str,
    now: datetime,
    *,
    by: str | None = None,
    reason: str | None = None,
) -> MarkResult:
    """Record that a consultation was held or the person did not come; idempotent.

    Marking held queues the post-consultation survey in the person's chat (once: a survey
    already sent is never sent again, and one withdrawn by a no-show comes back); marking it
    a no-show afterwards withdraws the survey if it has not been sent yet. Marking a booking
    with the outcome it already has changes nothing.
    """
    previous = booking.status
    if previous == outcome:
        survey, answered = survey_state(session, booking)
        return MarkResult(previous, outcome, False, survey, answered)
    booking.status = outcome
    booking.updated_at = now
    booking.marked_at = now
    booking.marked_by = by
    booking.mark_reason = reason
    session.flush()
    outbox.cancel(session, f"booking:{booking.id}:")
    if outcome == "held":
        due = max(now, booking.ends_at)
        queued = outbox.schedule(
            session,
            booking.person_id,
            due_at=due,
            kind="inbound",
            payload=encode(OpenSection("consultation_survey")),
            now=now,
            key=survey_key(booking),
        )
        if not queued:
            outbox.requeue(session, survey_key(booking), due)
    survey, answered = survey_state(session, booking)
    return MarkResult(previous, outcome, True, survey, answered)

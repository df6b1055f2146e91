"""Cohort progress from the database: the facilitator's table, and reminders kept in step.

Answers are read only to tell each homework dialog's progress; none of them leaves here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.juku.cohorts import (
    load_cohort,
    membership_of,
    normalize_code,
    schedule_reminders,
)
from bot.juku.facilitator import FacilitatorRow, Participant, facilitator_rows
from bot.juku.schedule import HOMEWORK, JST, Cohort, Progress, homework_progress
from storage.juku import CohortRow, MembershipRow
from storage.models import AnswerRow


def sync_reminders(session: Session, now: datetime) -> tuple[int, int]:
    """For every member: schedule missing reminders, cancel those of finished homework."""
    members = session.scalars(select(MembershipRow.person_id)).all()
    progress = _progress(session, members)
    added = cancelled = 0
    for person_id in members:
        membership = membership_of(session, person_id)
        assert membership is not None
        more, fewer = schedule_reminders(session, membership, progress[person_id], now)
        added, cancelled = added + more, cancelled + fewer
    return added, cancelled


def _progress(session: Session, person_ids: Sequence[str]) -> dict[str, dict[str, Progress]]:
    """Each person's homework progress; the answers are read here and not kept."""
    dialogs = [d for ds in HOMEWORK.values() for d in ds]
    answers: dict[str, dict[str, Any]] = defaultdict(dict)
    if person_ids:
        rows = session.execute(
            select(AnswerRow.person_id, AnswerRow.dialog_id, AnswerRow.field, AnswerRow.value)
            .where(AnswerRow.person_id.in_(person_ids), AnswerRow.is_current.is_(True))
            .where(AnswerRow.dialog_id.in_(dialogs))
        )
        for row in rows:
            answers[row.person_id][f"{row.dialog_id}.{row.field}"] = row.value
    return {person: homework_progress(answers.get(person, {})) for person in person_ids}


def participants(session: Session, code: str) -> tuple[Cohort, list[Participant]] | None:
    """A cohort and its members as the facilitator may see them (progress only)."""
    row = session.scalar(select(CohortRow).where(CohortRow.code == normalize_code(code)))
    if row is None:
        return None
    members = session.scalars(
        select(MembershipRow)
        .where(MembershipRow.cohort_id == row.id)
        .order_by(MembershipRow.joined_at, MembershipRow.id)
    ).all()
    progress = _progress(session, [m.person_id for m in members])
    people = [
        Participant(
            number,
            member.display_name,
            _jst_date(member.joined_at),
            progress[member.person_id],
        )
        for number, member in enumerate(members, 1)
    ]
    return load_cohort(session, row), people


def facilitator_table(
    session: Session, code: str, today: date, lang: str = "ja"
) -> tuple[Cohort, list[FacilitatorRow]] | None:
    """The facilitator's table of a cohort, or None if there is no such cohort."""
    found = participants(session, code)
    if found is None:
        return None
    cohort, people = found
    return cohort, facilitator_rows(cohort, people, today, "en" if lang == "en" else "ja")


def _jst_date(moment: datetime) -> date:
    # SQLite hands timestamps back without a zone; they were stored in UTC.
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(JST).date()

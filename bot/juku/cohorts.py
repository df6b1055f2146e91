"""Cohort use-cases: create, find, list, join and leave (with the reminders of a membership).

Every function takes an open session and never commits (the caller owns the transaction).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.juku.schedule import (
    JST,
    Cohort,
    CohortSession,
    Progress,
    check_sessions,
    homework_progress,
    homework_suffix,
    reminders,
    statuses_from_progress,
)
from storage import outbox
from storage.juku import MODES, SEASONS, CohortRow, CohortSessionRow, MembershipRow

# No 0/O, 1/I/L: a code read aloud or copied from paper should not be mistyped.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_CODE = re.compile(r"^[A-Z0-9]{4,20}$")


class CohortError(ValueError):
    """A cohort cannot be created as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class Membership:
    """A person's place in a cohort."""

    id: int
    person_id: str
    cohort: Cohort
    display_name: str | None
    joined_at: datetime


def normalize_code(text: str) -> str:
    """A join code as stored: full-width, lower case, spaces and hyphens do not matter."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def reminder_prefix(membership_id: int) -> str:
    """The outbox key prefix of every reminder of one membership."""
    return f"juku:m{membership_id}:"


def _cohort(row: CohortRow, sessions: Sequence[CohortSessionRow]) -> Cohort:
    ordered = sorted(sessions, key=lambda s: s.number)
    return Cohort(
        row.code,
        row.name,
        row.season,
        row.mode,
        tuple(CohortSession(s.number, s.held_on, s.theme) for s in ordered),
    )


def load_cohort(session: Session, row: CohortRow) -> Cohort:
    """A cohort row with its sessions, as the domain's :class:`Cohort`."""
    sessions = session.scalars(
        select(CohortSessionRow).where(CohortSessionRow.cohort_id == row.id)
    ).all()
    return _cohort(row, sessions)


def create_cohort(
    session: Session,
    *,
    name: str,
    season: str,
    mode: str,
    dates: Sequence[date],
    now: datetime,
    themes: Mapping[int, str] | None = None,
    code: str | None = None,
) -> Cohort:
    """Create a cohort with its four sessions; a join code is made up unless one is given.

    Raises:
        CohortError: An unknown season or mode, unusable dates, or a bad or taken code.
    """
    if season not in SEASONS:
        raise CohortError(f"season must be one of {', '.join(SEASONS)}")
    if mode not in MODES:
        raise CohortError(f"mode must be one of {', '.join(MODES)}")
    if not name.strip():
        raise CohortError("a cohort needs a name")
    problem = check_sessions(list(dates))
    if problem is not None:
        raise CohortError(problem)
    if code is None:
        code = _new_code(session)
    else:
        code = normalize_code(code)
        if not _CODE.match(code):
            raise CohortError("a join code has 4 to 20 letters or digits")
        if session.scalar(select(CohortRow.id).where(CohortRow.code == code)) is not None:
            raise CohortError(f"the join code {code} is already used")
    row = CohortRow(code=code, name=name.strip(), season=season, mode=mode, created_at=now)
    session.add(row)
    session.flush()
    themes = themes or {}
    rows = [
        CohortSessionRow(
            cohort_id=row.id, number=number, held_on=day, theme=themes.get(number) or None
        )
        for number, day in enumerate(dates, 1)
    ]
    session.add_all(rows)
    session.flush()
    return _cohort(row, rows)


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(CohortRow.id).where(CohortRow.code == code)) is None:
            return code


def find_cohort(session: Session, code: str) -> Cohort | None:
    """The cohort with this join code (typed any way), or None."""
    wanted = normalize_code(code)
    row = session.scalar(select(CohortRow).where(CohortRow.code == wanted)) if wanted else None
    return None if row is None else load_cohort(session, row)


def list_cohorts(session: Session) -> list[tuple[Cohort, int]]:
    """Every cohort with its number of members, the earliest course first."""
    counts = dict(
        session.execute(
            select(MembershipRow.cohort_id, func.count()).group_by(MembershipRow.cohort_id)
        ).all()
    )
    cohorts = [
        (load_cohort(session, row), int(counts.get(row.id, 0)))
        for row in session.scalars(select(CohortRow))
    ]
    return sorted(cohorts, key=lambda item: (item[0].session(1).held_on, item[0].code))


def membership_of(session: Session, person_id: str) -> Membership | None:
    """The person's membership, or None if they have not joined a cohort."""
    found = session.execute(
        select(MembershipRow, CohortRow)
        .join(CohortRow, CohortRow.id == MembershipRow.cohort_id)
        .where(MembershipRow.person_id == person_id)
    ).first()
    if found is None:
        return None
    member, cohort = found[0], found[1]
    return Membership(
        member.id, person_id, load_cohort(session, cohort), member.display_name, member.joined_at
    )


def join(
    session: Session,
    person_id: str,
    code: str,
    *,
    display_name: str | None,
    answers: Mapping[str, Any],
    now: datetime,
) -> Membership | None:
    """Join the cohort with ``code`` (leaving any other) and schedule its reminders.

    Returns:
        The membership, or None when no cohort has this code.
    """
    wanted = normalize_code(code)
    row = session.scalar(select(CohortRow).where(CohortRow.code == wanted)) if wanted else None
    if row is None:
        return None
    current = membership_of(session, person_id)
    if current is not None and current.cohort.code == row.code:
        member = session.get(MembershipRow, current.id)
        assert member is not None
        member.display_name = display_name
        session.flush()
        return Membership(current.id, person_id, current.cohort, display_name, current.joined_at)
    if current is not None:
        # A new membership id gives the new cohort's reminders fresh keys.
        leave(session, person_id)
    member = MembershipRow(
        person_id=person_id,
        cohort_id=row.id,
        display_name=display_name,
        # SQLite keeps no time zone: always store UTC.
        joined_at=now.astimezone(UTC),
    )
    session.add(member)
    session.flush()
    membership = Membership(member.id, person_id, load_cohort(session, row), display_name, now)
    schedule_reminders(session, membership, homework_progress(answers), now)
    return membership


def leave(session: Session, person_id: str) -> bool:
    """Leave the cohort: pending reminders are cancelled. False if not a member."""
    current = membership_of(session, person_id)
    if current is None:
        return False
    outbox.cancel(session, reminder_prefix(current.id))
    session.execute(delete(MembershipRow).where(MembershipRow.id == current.id))
    return True


def schedule_reminders(
    session: Session, membership: Membership, progress: Mapping[str, Progress], now: datetime
) -> tuple[int, int]:
    """Schedule the reminders still ahead (idempotent) and cancel those of finished homework.

    A cancelled reminder keeps its key, so it is never scheduled again.

    Returns:
        How many reminders were newly scheduled and how many were cancelled.
    """
    prefix = reminder_prefix(membership.id)
    added = 0
    for reminder in reminders(membership.cohort, now):
        added += outbox.schedule(
            session,
            membership.person_id,
            # SQLite keeps no time zone: store UTC, as the outbox compares with UTC "now".
            due_at=reminder.due_at.astimezone(UTC),
            kind="inbound",
            payload=reminder.payload,
            now=now,
            key=prefix + reminder.suffix,
        )
    today = now.astimezone(JST).date()
    cancelled = 0
    for status in statuses_from_progress(membership.cohort, progress, today):
        if status.status == "done":
            cancelled += outbox.cancel(session, prefix + homework_suffix(status.session.number))
    return added, cancelled

"""Review read models: versions, comments, history, the queue, and access for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.jobcard import JobCard, build_jobcard
from bot.review.states import Role, State
from storage.review import (
    CentreRow,
    CommentRow,
    ConsultantEntryRow,
    StaffRow,
    SubmissionRow,
    TransitionRow,
    VersionRow,
)


def latest_version(session: Session, submission: SubmissionRow) -> VersionRow | None:
    """The newest frozen version of a submission."""
    return session.scalar(
        select(VersionRow)
        .where(VersionRow.submission_id == submission.id)
        .order_by(VersionRow.number.desc())
        .limit(1)
    )


def version(session: Session, submission: SubmissionRow, number: int) -> VersionRow | None:
    """Version ``number`` of a submission."""
    return session.scalar(
        select(VersionRow).where(
            VersionRow.submission_id == submission.id, VersionRow.number == number
        )
    )


def person_submission(session: Session, person_id: str) -> SubmissionRow | None:
    """The person's most recently changed submission."""
    return session.scalar(
        select(SubmissionRow)
        .where(SubmissionRow.person_id == person_id)
        .order_by(SubmissionRow.updated_at.desc(), SubmissionRow.id.desc())
        .limit(1)
    )


def open_comments(session: Session, submission: SubmissionRow) -> list[CommentRow]:
    """The unresolved comments, oldest first."""
    return list(
        session.scalars(
            select(CommentRow)
            .where(CommentRow.submission_id == submission.id, CommentRow.resolved.is_(False))
            .order_by(CommentRow.id)
        )
    )


def consultant_entry(session: Session, submission: SubmissionRow) -> ConsultantEntryRow | None:
    """The newest text of the counselor's box."""
    return session.scalar(
        select(ConsultantEntryRow)
        .where(ConsultantEntryRow.submission_id == submission.id)
        .order_by(ConsultantEntryRow.id.desc())
        .limit(1)
    )


def history(session: Session, submission: SubmissionRow) -> list[TransitionRow]:
    """Every recorded transition, oldest first."""
    return list(
        session.scalars(
            select(TransitionRow)
            .where(TransitionRow.submission_id == submission.id)
            .order_by(TransitionRow.id)
        )
    )


def comments(session: Session, submission: SubmissionRow) -> list[CommentRow]:
    """Every comment, oldest first."""
    return list(
        session.scalars(
            select(CommentRow)
            .where(CommentRow.submission_id == submission.id)
            .order_by(CommentRow.id)
        )
    )


def version_count(session: Session, submission: SubmissionRow) -> int:
    """How many versions were submitted."""
    count = session.scalar(
        select(func.count())
        .select_from(VersionRow)
        .where(VersionRow.submission_id == submission.id)
    )
    return int(count or 0)


def for_staff(
    session: Session, public_id: str, staff: StaffRow, *, lock: bool = False
) -> SubmissionRow | None:
    """The submission if ``staff`` may see it: their centre's only (an admin sees all).

    With ``lock`` the row stays locked until commit, so two counselors acting at once on
    one submission are serialized (PostgreSQL; SQLite has one writer anyway).
    """
    query = select(SubmissionRow).where(SubmissionRow.public_id == public_id)
    submission = session.scalar(query.with_for_update() if lock else query)
    if submission is None:
        return None
    if staff.role != Role.ADMIN.value and submission.centre_id != staff.centre_id:
        return None
    return submission


def can_read_card(staff: StaffRow) -> bool:
    """Only counselors read card contents; facilitators and admins see the progress."""
    return staff.role == Role.COUNSELOR.value


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One line of the queue."""

    public_id: str
    name: str | None
    centre: str
    state: State
    versions: int
    open_comments: int
    updated_at: datetime


def queue(session: Session, staff: StaffRow, states: list[State] | None) -> list[QueueItem]:
    """The submissions ``staff`` may see, optionally of some states, oldest change first.

    Waiting work comes first, as in a desk queue; names are shown to the centre's own staff.
    """
    query = select(SubmissionRow, CentreRow).join(
        CentreRow, CentreRow.id == SubmissionRow.centre_id
    )
    if staff.role != Role.ADMIN.value:
        query = query.where(SubmissionRow.centre_id == staff.centre_id)
    if states:
        query = query.where(SubmissionRow.state.in_([state.value for state in states]))
    rows = session.execute(query.order_by(SubmissionRow.updated_at, SubmissionRow.id)).all()
    items: list[QueueItem] = []
    for submission, centre in rows:
        latest = latest_version(session, submission)
        name = (latest.card.get("person") or {}).get("name") if latest is not None else None
        open_count = session.scalar(
            select(func.count())
            .select_from(CommentRow)
            .where(CommentRow.submission_id == submission.id, CommentRow.resolved.is_(False))
        )
        items.append(
            QueueItem(
                public_id=submission.public_id,
                name=name if staff.role != Role.ADMIN.value else None,
                centre=centre.name,
                state=State(submission.state),
                versions=latest.number if latest is not None else 0,
                open_comments=int(open_count or 0),
                updated_at=submission.updated_at,
            )
        )
    return items


def approved_card(session: Session, submission: SubmissionRow) -> JobCard | None:
    """The approved version as a card, with the counselor's box (None if not approved)."""
    if submission.state != State.APPROVED.value or submission.approved_version is None:
        return None
    approved = version(session, submission, submission.approved_version)
    if approved is None:
        return None
    entry = consultant_entry(session, submission)
    created = datetime.fromisoformat(str(approved.card["person"]["created_on"])).date()
    return build_jobcard(
        approved.answers,
        created_on=created,
        consultant_entry=entry.text if entry is not None else None,
    )

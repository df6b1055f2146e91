"""Review use-cases of the person (submit, withdraw, resolve) and the shared state changes."""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.engine.localized import Localized
from bot.jobcard import build_jobcard, card_json
from bot.review import layout
from bot.review.queries import latest_version, person_submission
from bot.review.states import Action, Refusal, Role, State, transition
from storage import repositories as repo
from storage.review import (
    CentreRow,
    CommentRow,
    StaffRow,
    SubmissionRow,
    TransitionRow,
    VersionRow,
)

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
OPEN_STATES = (State.SUBMITTED, State.IN_REVIEW, State.CHANGES_REQUESTED, State.RESUBMITTED)
# The chat's own dialogs are not part of the card, nor are the person's memos.
_NOT_CARD = frozenset({"submit", "review_comments", "memos"})


class ReviewRefused(Exception):
    """The use-case is not allowed now; ``reason`` says why in Japanese and English."""

    def __init__(self, reason: Localized) -> None:
        super().__init__(reason.en)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the person (``ref`` is their id) or a dashboard account (its login)."""

    role: Role
    ref: str
    name: str
    staff_id: int | None = None

    @classmethod
    def person(cls, person_id: str) -> Actor:
        """The person, acting from chat."""
        return cls(Role.PERSON, person_id, person_id)

    @classmethod
    def staff(cls, row: StaffRow) -> Actor:
        """A dashboard account."""
        return cls(Role(row.role), row.login, row.name, row.id)


def refuse(en: str, ja: str) -> ReviewRefused:
    """A refusal with its English and Japanese reason."""
    return ReviewRefused(Localized(ja, en))


def move(
    session: Session,
    submission: SubmissionRow,
    action: Action,
    actor: Actor,
    now: datetime,
    *,
    version: int | None = None,
    note: str | None = None,
) -> None:
    """Apply ``action`` through the state machine and record it (or refuse).

    Raises:
        ReviewRefused: The state machine does not allow it.
    """
    now = now.astimezone(UTC)
    before = State(submission.state)
    result = transition(before, action, actor.role)
    if isinstance(result, Refusal):
        raise ReviewRefused(result.reason)
    if result == before and action in (Action.COMMENT, Action.WRITE_ENTRY, Action.RESOLVE):
        return  # activities within a state are recorded in their own tables
    submission.state = result.value
    submission.updated_at = now
    session.add(
        TransitionRow(
            submission_id=submission.id,
            action=action.value,
            from_state=before.value,
            to_state=result.value,
            actor_role=actor.role.value,
            actor=actor.ref,
            version_number=version,
            note=note,
            created_at=now,
        )
    )


def card_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a card is built from (the review dialogs' own answers left out)."""
    return {k: v for k, v in answers.items() if k.split(".", 1)[0] not in _NOT_CARD}


def has_content(card: Mapping[str, Any]) -> bool:
    """Whether anything beyond the name has been answered."""
    flat = layout.flatten(card, "ja")
    return any(text for key, (_label, text) in flat.items() if not key.startswith("person."))


@dataclass(frozen=True, slots=True)
class Submitted:
    """What a submission froze: the version number and whether it was a resubmission."""

    submission: SubmissionRow
    number: int
    resubmitted: bool
    previous: VersionRow | None


def submit(session: Session, person_id: str, centre_code: str, now: datetime) -> Submitted:
    """Freeze the person's card as the next version and submit (or resubmit) it."""
    now = now.astimezone(UTC)
    centre = session.scalar(select(CentreRow).where(CentreRow.code == centre_code))
    if centre is None:
        raise refuse("That centre does not exist.", "その提出先は見つかりません。")
    answers = card_answers(repo.current_answers(session, person_id))
    card = card_json(build_jobcard(answers, created_on=now.astimezone(JST).date()))
    if not has_content(card):
        raise refuse(
            "There is nothing to submit yet: answer at least one part of the card first.",
            "まだ提出できる内容がありません。ジョブ・カードの項目に1つ以上答えてから提出してください。",
        )
    # Submitting runs inside the person's chat turn, which already holds their conversation
    # lock; locking their submissions too keeps a dashboard action from interleaving.
    mine = list(
        session.scalars(
            select(SubmissionRow)
            .where(SubmissionRow.person_id == person_id)
            .order_by(SubmissionRow.updated_at.desc(), SubmissionRow.id.desc())
            .with_for_update()
        )
    )
    active = next((s for s in mine if State(s.state) in OPEN_STATES), None)
    if active is not None and active.centre_id != centre.id:
        other = session.get(CentreRow, active.centre_id)
        name = other.name if other is not None else "?"
        raise refuse(
            f"Your card is already submitted to {name}. Withdraw it there first.",
            f"すでに「{name}」に提出中です。別の提出先に出すには、先に取り下げてください。",
        )
    submission = active or next((s for s in mine if s.centre_id == centre.id), None)
    if submission is None:
        submission = SubmissionRow(
            public_id=secrets.token_urlsafe(16),
            person_id=person_id,
            centre_id=centre.id,
            state=State.DRAFT.value,
            created_at=now,
            updated_at=now,
        )
        session.add(submission)
        session.flush()
    previous = latest_version(session, submission)
    number = (previous.number if previous is not None else 0) + 1
    resubmit = submission.state == State.CHANGES_REQUESTED.value
    action = Action.RESUBMIT if resubmit else Action.SUBMIT
    move(session, submission, action, Actor.person(person_id), now, version=number)
    submission.approved_version = None  # a new version makes an earlier approval stale
    session.add(
        VersionRow(
            submission_id=submission.id, number=number, card=card, answers=answers, created_at=now
        )
    )
    session.flush()
    return Submitted(submission, number, resubmit, previous)


def withdraw(session: Session, person_id: str, now: datetime) -> SubmissionRow:
    """Withdraw the person's submission under review."""
    submission = person_submission(session, person_id)
    if submission is None:
        raise refuse("You have not submitted your card.", "まだ提出していません。")
    move(session, submission, Action.WITHDRAW, Actor.person(person_id), now.astimezone(UTC))
    return submission


def resolve(
    session: Session, submission: SubmissionRow, comment_id: int, actor: Actor, now: datetime
) -> CommentRow:
    """Mark a comment thread as resolved (by the person or the counselor)."""
    move(session, submission, Action.RESOLVE, actor, now)
    comment = session.get(CommentRow, comment_id)
    if comment is None or comment.submission_id != submission.id:
        raise refuse("That comment does not exist.", "そのコメントは見つかりません。")
    if not comment.resolved:
        comment.resolved = True
        comment.resolved_by = actor.ref
        comment.resolved_at = now.astimezone(UTC)
    return comment

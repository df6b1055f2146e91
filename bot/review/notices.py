"""New submissions for counselors' channels (e.g. Slack), each announced at most once."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import repositories
from storage.review import CentreRow, SubmissionRow, TransitionRow

# Older submissions are not announced (delivery ids are kept for a few days only).
WINDOW = timedelta(days=2)
ANNOUNCED = ("submitted", "resubmitted")


@dataclass(frozen=True, slots=True)
class SubmissionNotice:
    """A card just submitted (or resubmitted) to a centre; no answer text is included."""

    public_id: str
    centre_code: str
    centre_name: str
    state: str
    version: int | None
    at: datetime


def claim_new_submissions(
    session: Session, channel: str, now: datetime, centres: Collection[str] | None = None
) -> list[SubmissionNotice]:
    """New submissions not yet announced on ``channel``; claiming marks them announced.

    Only ``centres`` (codes) are considered when given. The claim is a row in the deliveries
    table, so two workers never announce one submission twice.
    """
    query = (
        select(TransitionRow, SubmissionRow.public_id, CentreRow.code, CentreRow.name)
        .join(SubmissionRow, SubmissionRow.id == TransitionRow.submission_id)
        .join(CentreRow, CentreRow.id == SubmissionRow.centre_id)
        .where(TransitionRow.to_state.in_(ANNOUNCED), TransitionRow.created_at >= now - WINDOW)
        .order_by(TransitionRow.id)
    )
    if centres is not None:
        query = query.where(CentreRow.code.in_(list(centres)))
    rows = session.execute(query).all()
    notices = []
    for transition, public_id, code, name in rows:
        if repositories.claim_delivery(session, f"{channel}:review:{transition.id}", now):
            notices.append(
                SubmissionNotice(
                    public_id=public_id,
                    centre_code=code,
                    centre_name=name,
                    state=transition.to_state,
                    version=transition.version_number,
                    at=transition.created_at,
                )
            )
    return notices

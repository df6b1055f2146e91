"""Read a person's Job Card from the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.jobcard.card import JobCard, build_jobcard
from storage import repositories


def load_jobcard(session: Session, person_id: str, today: date) -> JobCard | None:
    """The person's card as of ``today`` (None if nothing is stored for them)."""
    if not repositories.person_exists(session, person_id):
        return None
    return build_jobcard(repositories.current_answers(session, person_id), created_on=today)

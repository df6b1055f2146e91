"""A person's memo deleted for good: every stored value of it, history included.

Memos (``bot.engine.memos``) are answers of the hidden dialog ``memos``, one field a memo, so
export, delete-all and moving between people treat them like every other answer. One thing is
their own: a memo the person deletes goes with all its versions (an answer changed keeps its
history, a deleted memo must not). Linking keeps both sides' memos (``bot.people.linking``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, update

from storage import repositories as repo
from storage.db import connection_of
from storage.tables import answers, conversations

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def forget_answer(
    session: Session, person_id: str, dialog_id: str, field: str, _now: datetime
) -> None:
    """Delete every stored value of ``dialog.field`` of a person, history included."""
    # The service keeps each person's answers between turns from the saves it is told of:
    # a field gone is told as saved empty (its memo is then no memo).
    saved = session.info.setdefault(repo.SAVED_ANSWERS, [])
    saved.append((person_id, f"{dialog_id}.{field}", None))
    connection = connection_of(session)
    if session.info.get(repo.TURN_OF) != person_id:
        # Outside the person's own turn: no process may keep answers from before this.
        connection.execute(
            update(conversations)
            .where(conversations.c.person_id == person_id)
            .values(revision=conversations.c.revision + 1)
        )
    connection.execute(
        delete(answers).where(
            answers.c.person_id == person_id,
            answers.c.dialog_id == dialog_id,
            answers.c.field == field,
        )
    )

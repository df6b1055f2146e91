"""A person's memos in the answers table: deleting one for good, and keeping them on linking.

Memos (``bot.engine.memos``) are answers of the hidden dialog ``memos``, one field a memo, so
export, delete-all and moving between people treat them like every other answer. Two things
are their own: a memo the person deletes goes with all its versions (an answer changed keeps
its history, a deleted memo must not), and linking two identities keeps both sides' memos
whichever card is kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, update

from storage import repositories as repo
from storage.db import connection_of
from storage.tables import answers, conversations

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MEMO_DIALOG = "memos"
"""``bot.engine.memos.MEMO_DIALOG`` (storage does not import the engine)."""


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


def _memos(answers: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    found = []
    for key, value in answers.items():
        dialog, _, field = key.partition(".")
        if dialog == MEMO_DIALOG and field[1:].isdigit() and isinstance(value, dict):
            found.append((int(field[1:]), value))
    return sorted(found, key=lambda item: item[0])


def carry(session: Session, keep: str, drop: str, now: datetime) -> None:
    """Give ``keep`` the memos of ``drop`` it does not have yet (before ``drop`` is joined).

    A card is chosen when two identities are linked, but memos are not part of a card: the
    person keeps all of them.
    """
    theirs = _memos(repo.current_answers(session, drop))
    if not theirs:
        return
    mine = _memos(repo.current_answers(session, keep))
    texts = {memo.get("text") for _, memo in mine}
    number = max((n for n, _ in mine), default=0)
    for _, memo in theirs:
        if memo.get("text") in texts:
            continue
        number += 1
        repo.save_answer(session, keep, MEMO_DIALOG, f"m{number}", memo, now)

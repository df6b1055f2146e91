"""LINE's storage: who unfollowed the account (no reminders there) and the pushes sent per day.

A LINE identity is recorded only once its person exists; the row goes with the person
(``ON DELETE CASCADE``), so ``/delete`` leaves no LINE user id behind. Push counts hold no
personal data: a day, what the pushes were for, and how many.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    bindparam,
    select,
    true,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.db import connection_of
from storage.models import Base, PersonRow
from storage.repositories import _insert_ignore, dialect_module


class LineContactRow(Base):
    """Whether a LINE identity still follows the account (an unfollow is LINE's "block")."""

    __tablename__ = "line_contacts"

    identity_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    following: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LinePushCountRow(Base):
    """How many push messages went out on one Japan day, for one purpose."""

    __tablename__ = "line_push_counts"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD, Japan time
    purpose: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True, slots=True)
class PushCount:
    """Pushes on one day for one purpose (``reply`` overflow or the ``outbox``)."""

    day: str
    purpose: str
    count: int


def set_following(
    session: Session, identity_id: str, person_id: str, following: bool, now: datetime
) -> bool:
    """Record a follow or an unfollow; False when the person is not stored (nothing to stop)."""
    if session.get(PersonRow, person_id) is None:
        return False
    row = session.get(LineContactRow, identity_id)
    if row is None:
        session.add(
            LineContactRow(
                identity_id=identity_id, person_id=person_id, following=following, changed_at=now
            )
        )
    else:
        row.person_id, row.following, row.changed_at = person_id, following, now
    return True


_FOLLOWS: dict[str, Any] = {}


def _follow_statement(dialect: str) -> Any:
    statement = _FOLLOWS.get(dialect)
    if statement is None:
        module = dialect_module(dialect)
        insert = module.insert(LineContactRow).values(
            identity_id=bindparam("p_identity"),
            person_id=bindparam("p_person"),
            following=true(),
            changed_at=bindparam("p_now"),
        )
        statement = insert.on_conflict_do_update(
            index_elements=[LineContactRow.identity_id],
            set_={
                "person_id": insert.excluded.person_id,
                "following": true(),
                "changed_at": insert.excluded.changed_at,
            },
        )
        _FOLLOWS[dialect] = statement
    return statement


def record_follow(session: Session, identity_id: str, person_id: str, now: datetime) -> None:
    """Record a follow of a person stored in this transaction: one statement, nothing read.

    A follow is part of a turn, so the person exists; :func:`set_following` checks first.
    """
    session.flush()  # whatever the turn left pending goes first (the person, if added so)
    connection = connection_of(session)
    statement = _follow_statement(connection.dialect.name)
    connection.execute(statement, {"p_identity": identity_id, "p_person": person_id, "p_now": now})


def is_following(session: Session, identity_id: str) -> bool:
    """Whether the identity may be sent pushes (anyone never recorded still follows)."""
    following = session.execute(
        select(LineContactRow.following).where(LineContactRow.identity_id == identity_id)
    ).scalar_one_or_none()
    return following is not False


def count_push(session: Session, day: date, purpose: str) -> None:
    """Add one push to ``day``'s count for ``purpose``."""
    table = LinePushCountRow.__table__
    assert isinstance(table, Table)
    key = {"day": day.isoformat(), "purpose": purpose}
    if _insert_ignore(session, table, {**key, "count": 1}) == 0:
        session.execute(
            update(LinePushCountRow)
            .where(LinePushCountRow.day == key["day"], LinePushCountRow.purpose == purpose)
            .values(count=LinePushCountRow.count + 1)
        )


def push_counts(session: Session, since: date) -> list[PushCount]:
    """Every day's push counts from ``since`` on, oldest first."""
    rows = session.execute(
        select(LinePushCountRow.day, LinePushCountRow.purpose, LinePushCountRow.count)
        .where(LinePushCountRow.day >= since.isoformat())
        .order_by(LinePushCountRow.day, LinePushCountRow.purpose)
    )
    return [PushCount(day, purpose, count) for day, purpose, count in rows]

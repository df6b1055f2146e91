"""Outbox repository: schedule, cancel, claim and acknowledge messages (at-least-once delivery).

A sender claims due rows, sends them and only then acknowledges each one: a crash between
the claim and the acknowledgement loses nothing, because an unacknowledged claim expires
after ``CLAIM_LEASE`` and the row is claimed again, under the same id, so the channel can
drop a duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import and_, bindparam, func, or_, select, update

from storage import people
from storage.db import connection_of
from storage.repositories import _insert_ignore
from storage.tables import outbox

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Claiming (the reminders check at every prompt of `jobcard chat`, and every sender's poll)
# is Core, on ``storage.tables``, so the chat's first prompt does not wait for SQLAlchemy's
# ORM; the rest works with ``OutboxRow`` (imported from ``storage.models`` when it runs).

Kind = Literal["message", "inbound"]
# Long enough for any send to finish; short enough that a reminder left by a crashed worker
# still arrives in time (the hour-before reminder comes at most this much later).
CLAIM_LEASE = timedelta(minutes=5)
# A message that failed this many times (a person who blocked the bot …) is given up.
MAX_ATTEMPTS = 5
WAITING = ("pending", "claimed")


# Something waiting for a person that is due: a read, made before any claim.
_DUE = (
    select(outbox.c.id)
    .where(
        outbox.c.person_id == bindparam("person"),
        outbox.c.status.in_(WAITING),
        outbox.c.due_at <= bindparam("now"),
    )
    .limit(1)
)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A claimed message.

    ``message`` payloads are ``{"ja": …, "en": …}`` texts; ``inbound`` payloads are button
    payloads run through the conversation as if pressed (e.g. ``m|consultation_survey``).
    ``attempt`` is 1 on the first claim, 2 when a claim expired or a send failed once, …
    """

    id: int
    person_id: str
    kind: Kind
    payload: Any
    attempt: int = 1


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A scheduled message as staff see it: its key, when it is due and where it stands."""

    key: str
    due_at: datetime
    status: str
    sent_at: datetime | None


def schedule(
    session: Session,
    person_id: str,
    *,
    due_at: datetime,
    kind: Kind,
    payload: Any,
    now: datetime,
    key: str | None = None,
) -> bool:
    """Queue a message; with ``key``, a second call with the same key adds nothing."""
    from storage.models import OutboxRow

    values = {
        "person_id": person_id,
        "key": key,
        "due_at": due_at,
        "kind": kind,
        "payload": payload,
        "status": "pending",
        "created_at": now,
        "attempts": 0,
    }
    if key is None:
        session.add(OutboxRow(**values))
        return True
    return _insert_ignore(session, outbox, values) == 1


def requeue(session: Session, key: str, due_at: datetime) -> bool:
    """Bring a cancelled message back (e.g. a survey withdrawn by mistake); False if none was."""
    from storage.models import OutboxRow

    result = session.execute(
        update(OutboxRow)
        .where(OutboxRow.key == key, OutboxRow.status == "cancelled")
        .values(status="pending", due_at=due_at, claimed_at=None, attempts=0)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def cancel(session: Session, key_prefix: str) -> int:
    """Cancel waiting messages whose key starts with ``key_prefix`` (e.g. a cancelled booking)."""
    from storage.models import OutboxRow

    result = session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.status.in_(WAITING), OutboxRow.key.startswith(key_prefix, autoescape=True)
        )
        .values(status="cancelled")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def claim_due(
    session: Session,
    channel: str,
    now: datetime,
    limit: int = 50,
    *,
    person_id: str | None = None,
    order: Sequence[str] = (),
) -> list[OutboxItem]:
    """Claim due messages of people on ``channel`` (or of one person) for ``CLAIM_LEASE``.

    Nothing is marked sent here: the sender calls :func:`acknowledge` after the send
    succeeded. On PostgreSQL the rows are locked with SKIP LOCKED, so several workers share
    the work without claiming one row twice; SQLite is serialized by ``BEGIN IMMEDIATE``.
    """
    claimable = or_(
        outbox.c.status == "pending",
        and_(outbox.c.status == "claimed", outbox.c.claimed_at <= now - CLAIM_LEASE),
    )
    c = outbox.c
    query = select(c.id, c.person_id, c.kind, c.payload, c.attempts).where(
        claimable, c.due_at <= now
    )
    if person_id is not None:
        query = query.where(c.person_id == person_id)
    else:
        # A person with joined identities (「連携」) is reached where they wrote last, or on
        # the first channel of ``order`` they have (JOBCARD_NOTIFY_ORDER).
        query = query.where(people.reached_on(channel, order))
    connection = connection_of(session)
    rows = connection.execute(
        query.order_by(c.due_at, c.id).limit(limit).with_for_update(skip_locked=True)
    ).all()
    if not rows:
        return []
    # The rows are locked (PostgreSQL) or the writer is alone (SQLite): claim them all at once.
    connection.execute(
        update(outbox)
        .where(c.id.in_([row.id for row in rows]))
        .values(status="claimed", claimed_at=now, attempts=func.coalesce(c.attempts, 0) + 1)
    )
    return [
        OutboxItem(row.id, row.person_id, row.kind, row.payload, (row.attempts or 0) + 1)
        for row in rows
    ]


def acknowledge(session: Session, item_id: int, now: datetime) -> bool:
    """Mark a claimed message sent; False if it was not claimed (cancelled meanwhile …)."""
    from storage.models import OutboxRow

    result = session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == item_id, OutboxRow.status == "claimed")
        .values(status="sent", sent_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def give_up(session: Session, item_id: int) -> bool:
    """Mark a claimed message failed for good: its person can't be reached (blocked the bot)."""
    from storage.models import OutboxRow

    result = session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == item_id, OutboxRow.status == "claimed")
        .values(status="failed", claimed_at=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release(session: Session, item_id: int) -> str | None:
    """Give a claimed message back after a failed send: pending again, or failed for good.

    Returns the new status (None if the message was not claimed).
    """
    from storage.models import OutboxRow

    row = session.get(OutboxRow, item_id, with_for_update=True)
    if row is None or row.status != "claimed":
        return None
    row.status = "failed" if (row.attempts or 0) >= MAX_ATTEMPTS else "pending"
    row.claimed_at = None
    return row.status


def pending(session: Session, key_prefix: str) -> list[tuple[str, datetime]]:
    """Keys and due times of messages still to send under ``key_prefix`` (tests, listings)."""
    from storage.models import OutboxRow

    rows = session.execute(
        select(OutboxRow.key, OutboxRow.due_at)
        .where(
            OutboxRow.status.in_(WAITING), OutboxRow.key.startswith(key_prefix, autoescape=True)
        )
        .order_by(OutboxRow.due_at)
    )
    return [(str(row.key), row.due_at) for row in rows]


def entries(session: Session, key_prefix: str) -> list[OutboxEntry]:
    """Every message ever scheduled under ``key_prefix``, whatever became of it, by due time."""
    from storage.models import OutboxRow

    rows = session.execute(
        select(OutboxRow.key, OutboxRow.due_at, OutboxRow.status, OutboxRow.sent_at)
        .where(OutboxRow.key.startswith(key_prefix, autoescape=True))
        .order_by(OutboxRow.due_at, OutboxRow.id)
    )
    return [OutboxEntry(str(r.key), r.due_at, r.status, r.sent_at) for r in rows]


def has_due(session: Session, person_id: str, now: datetime) -> bool:
    """Whether a reminder or notice may be due for the person (a read, before any claim)."""
    found = connection_of(session).execute(_DUE, {"person": person_id, "now": now}).first()
    return found is not None

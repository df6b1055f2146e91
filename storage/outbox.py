"""Outbox repository: schedule, cancel and claim messages for people (never sent twice)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from storage.models import OutboxRow
from storage.repositories import _insert_ignore

Kind = Literal["message", "inbound"]


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A claimed message.

    ``message`` payloads are ``{"ja": …, "en": …}`` texts; ``inbound`` payloads are button
    payloads run through the conversation as if pressed (e.g. ``m|consultation_survey``).
    """

    id: int
    person_id: str
    kind: Kind
    payload: Any


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
    table = OutboxRow.__table__
    assert isinstance(table, Table)
    values = {
        "person_id": person_id,
        "key": key,
        "due_at": due_at,
        "kind": kind,
        "payload": payload,
        "status": "pending",
        "created_at": now,
    }
    if key is None:
        session.add(OutboxRow(**values))
        return True
    return _insert_ignore(session, table, values) == 1


def cancel(session: Session, key_prefix: str) -> int:
    """Cancel pending messages whose key starts with ``key_prefix`` (e.g. a cancelled booking)."""
    result = session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.status == "pending", OutboxRow.key.startswith(key_prefix, autoescape=True)
        )
        .values(status="cancelled")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def claim_due(session: Session, channel: str, now: datetime, limit: int = 50) -> list[OutboxItem]:
    """Take due messages of people on ``channel`` and mark them sent.

    On PostgreSQL the rows are locked with SKIP LOCKED, so several workers share the work
    without sending anything twice; SQLite is serialized by ``BEGIN IMMEDIATE``.
    """
    rows = session.scalars(
        select(OutboxRow)
        .where(
            OutboxRow.status == "pending",
            OutboxRow.due_at <= now,
            OutboxRow.person_id.startswith(f"{channel}:", autoescape=True),
        )
        .order_by(OutboxRow.due_at, OutboxRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.status = "sent"
        row.sent_at = now
    return [OutboxItem(row.id, row.person_id, row.kind, row.payload) for row in rows]  # type: ignore[arg-type]


def pending(session: Session, key_prefix: str) -> list[tuple[str, datetime]]:
    """Keys and due times of pending messages under ``key_prefix`` (for tests and listings)."""
    rows = session.execute(
        select(OutboxRow.key, OutboxRow.due_at)
        .where(
            OutboxRow.status == "pending", OutboxRow.key.startswith(key_prefix, autoescape=True)
        )
        .order_by(OutboxRow.due_at)
    )
    return [(str(row.key), row.due_at) for row in rows]

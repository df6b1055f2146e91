"""The audit trail: who viewed or changed which person's data, when and from where.

Append-only: rows are only ever inserted (the migration adds a trigger that refuses an
UPDATE); the only deletion is retention, which removes rows older than the kept period.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import DateTime, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base


class AuditRow(Base):
    """One access or change: the staff account, the action, the person and the object."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # No foreign keys: the trail outlives accounts and records a person id as it was.
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    object_type: Mapped[str | None] = mapped_column(String(30), nullable=True)
    object_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[str | None] = mapped_column(String(200), nullable=True)


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    role: str,
    action: str,
    staff_id: int | None = None,
    person_id: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    address: str | None = None,
    detail: str | None = None,
) -> None:
    """Add one entry in the caller's transaction (so it exists exactly if the action does)."""
    session.add(
        AuditRow(
            at=at,
            staff_id=staff_id,
            actor=actor,
            role=role,
            action=action,
            person_id=person_id,
            object_type=object_type,
            object_id=object_id,
            address=(address or "")[:64] or None,
            detail=(detail or "")[:200] or None,
        )
    )


def entries(
    session: Session,
    *,
    person_id: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    limit: int = 1000,
) -> Sequence[AuditRow]:
    """Entries, newest first, optionally about one person, by one account, or since a time."""
    query = select(AuditRow)
    if person_id is not None:
        query = query.where(AuditRow.person_id == person_id)
    if actor is not None:
        query = query.where(AuditRow.actor == actor)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    return session.scalars(
        query.order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
    ).all()


def prune(session: Session, before: datetime) -> int:
    """Retention: delete the entries older than ``before``; returns how many."""
    result = session.execute(delete(AuditRow).where(AuditRow.at < before))
    return int(getattr(result, "rowcount", 0) or 0)

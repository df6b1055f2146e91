"""Booking models: consultations (one counselor, one slot) and post-consultation surveys."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, JSONValue

STATUSES = ("booked", "cancelled", "rescheduled", "held", "no_show")
# Statuses that keep the counselor's slot taken. A held or no-show consultation keeps it too,
# so marking one early can never free a slot for a second person.
SLOT_HOLDING = ("booked", "held", "no_show")
_HOLDS_SLOT = "status IN ('booked', 'held', 'no_show')"


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back as an aware UTC datetime.

    SQLite keeps no time zone: without this, a JST value would be stored as JST wall time and
    read back as if it were UTC. Naive values are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC before storing."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to what SQLite returns naive; convert what PostgreSQL returns."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class BookingRow(Base):
    """A booked consultation.

    The partial unique index on (counselor_id, starts_at) over slot-holding rows is what makes
    a double booking impossible: of two concurrent inserts for one counselor's slot, the
    second fails, whatever the application checked before.
    """

    __tablename__ = "bookings"
    __table_args__ = (
        Index(
            "uq_bookings_counselor_slot",
            "counselor_id",
            "starts_at",
            unique=True,
            sqlite_where=text(_HOLDS_SLOT),
            postgresql_where=text(_HOLDS_SLOT),
        ),
        Index("ix_bookings_starts_at", "starts_at"),
        Index("ix_bookings_person_id", "person_id"),
        CheckConstraint(
            "status IN ('booked', 'cancelled', 'rescheduled', 'held', 'no_show')", name="status"
        ),
        CheckConstraint("mode IN ('in_person', 'online')", name="mode"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    counselor_id: Mapped[str] = mapped_column(String(40))
    location_id: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    purpose: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    jobcard: Mapped[dict[str, Any] | None] = mapped_column(JSONValue, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="booked")
    # A rescheduled booking keeps its calendar UID with a higher SEQUENCE, so calendar apps
    # move the event instead of adding a second one.
    ical_uid: Mapped[str] = mapped_column(String(80))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    rescheduled_from: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), nullable=True
    )
    # The booking number people and staff use: a reschedule adds a row but keeps the number
    # (the first row's id). None only on rows made before numbers existed (read as the id).
    number: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    # Who marked the consultation held or no-show, when, and why if it was before its start.
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    marked_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    mark_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BookingSurveyRow(Base):
    """The post-consultation survey of one held consultation."""

    __tablename__ = "booking_surveys"

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True
    )
    purpose: Mapped[str | None] = mapped_column(String(40), nullable=True)
    heard_from: Mapped[str | None] = mapped_column(String(40), nullable=True)
    satisfaction: Mapped[str | None] = mapped_column(String(40), nullable=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())

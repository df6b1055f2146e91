"""Juku models: seminar cohorts (いきいきキャリアプラン塾), their four sessions and members."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base

SEASONS = ("spring", "summer", "autumn", "winter")
MODES = ("in_person", "online")


class CohortRow(Base):
    """One season's course; people join it with ``code`` (unique, upper-case letters/digits)."""

    __tablename__ = "juku_cohorts"
    __table_args__ = (
        CheckConstraint("season IN ('spring', 'summer', 'autumn', 'winter')", name="season"),
        CheckConstraint("mode IN ('in_person', 'online')", name="mode"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    season: Mapped[str] = mapped_column(String(10))
    mode: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CohortSessionRow(Base):
    """One of a cohort's four sessions: its date and, if not the standard one, its theme."""

    __tablename__ = "juku_sessions"
    __table_args__ = (CheckConstraint("number BETWEEN 1 AND 4", name="number"),)

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("juku_cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_on: Mapped[date] = mapped_column(Date)
    theme: Mapped[str | None] = mapped_column(String(100), nullable=True)


class MembershipRow(Base):
    """A person taking part in a cohort (one cohort at a time).

    ``display_name`` is what the person chose to show the facilitator; it is the only thing
    about them a facilitator sees besides their progress.
    """

    __tablename__ = "juku_memberships"
    # Reminder keys carry the membership id: SQLite must never hand out a deleted id again,
    # or a re-joined person's reminders would collide with the cancelled ones.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), unique=True
    )
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("juku_cohorts.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str | None] = mapped_column(String(40), nullable=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

"""SQLAlchemy models: people, conversations, answers with history, deliveries, dialog snapshots."""

# No ``from __future__ import annotations`` here: with real annotations SQLAlchemy reads each
# ``Mapped[...]`` as it is instead of evaluating its text (a millisecond of every start).

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class JSONValue(TypeDecorator[Any]):
    """JSON, stored as JSONB on PostgreSQL.

    Chosen when a dialect first uses the type, not with ``with_variant(JSONB(), …)``: that
    needs JSONB at import, and importing SQLAlchemy's PostgreSQL dialect (with its drivers)
    is a twentieth of `jobcard chat`'s start on SQLite. Behaves as ``JSON()`` otherwise.
    """

    impl = JSON
    cache_ok = True
    # As JSON() has them (TypeDecorator does not pass these two on to its impl): a Python
    # None is stored as JSON null, and values (dicts, lists) are not hashable.
    should_evaluate_none = True
    hashable = False

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """JSONB on PostgreSQL, JSON elsewhere."""
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


class Base(DeclarativeBase):
    """Declarative base with named constraints (so migrations can refer to them)."""

    metadata = MetaData(naming_convention=NAMING)


def every_table() -> MetaData:
    """``Base.metadata`` with every feature's tables, for what must see them all.

    Each feature's models are imported with the feature (see ``storage/__init__.py``);
    migrations and moving what a person owns to another person need every table.
    """
    import storage.audit
    import storage.booking
    import storage.importing
    import storage.juku
    import storage.line
    import storage.people
    import storage.review
    import storage.webchat  # noqa: F401

    return Base.metadata


class PersonRow(Base):
    """A person, identified as ``CHANNEL:ID``."""

    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    lang: Mapped[str] = mapped_column(String(2), default="ja")
    consent: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConversationRow(Base):
    """A person's conversation state; its row is locked while one of their messages is handled."""

    __tablename__ = "conversations"

    person_id: Mapped[str] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[dict[str, Any] | None] = mapped_column(JSONValue, nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AnswerRow(Base):
    """One stored value of one field; an edit adds a row and keeps the old one as history."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_person_current", "person_id", "is_current"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    dialog_id: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DeliveryRow(Base):
    """A channel delivery already handled, so a re-delivery is dropped."""

    __tablename__ = "deliveries"

    delivery_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class DialogSnapshotRow(Base):
    """The content of a dialog version some conversation was started on."""

    __tablename__ = "dialog_snapshots"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    dialog_id: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxRow(Base):
    """A message to send a person later (a reminder) or as soon as possible (a notice).

    ``key`` makes scheduling idempotent (e.g. ``booking:12:day_before``). Delivery is
    at-least-once: a sender claims a row (``claimed``, with ``claimed_at``), sends it and only
    then marks it ``sent``; a claim left by a sender that crashed expires and the row is sent
    again under the same id. ``attempts`` counts claims; a row that keeps failing is
    ``failed``. ``cancelled`` rows (a cancelled booking's reminders) are never sent.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20))
    payload: Mapped[Any] = mapped_column(JSONValue)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

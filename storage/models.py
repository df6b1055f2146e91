"""ORM classes of the core tables: people, conversations, answers with history, deliveries,
dialog snapshots, the outbox, identities and link codes.

Each is mapped onto its Core table in ``storage.tables`` (the one definition of the columns:
the annotations here only type the attributes). The turns of a conversation need none of
this: they run Core statements on the tables, so `jobcard chat` shows its first prompt before
the ORM is imported. Tools, features and tests use these classes.
"""

# No ``from __future__ import annotations`` here: with real annotations SQLAlchemy reads each
# ``Mapped[...]`` as it is instead of evaluating its text (a millisecond of each import).

from datetime import datetime
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped

from storage import tables
from storage.tables import NAMING, JSONValue

__all__ = [
    "NAMING",
    "AnswerRow",
    "Base",
    "ConversationRow",
    "DeliveryRow",
    "DialogSnapshotRow",
    "IdentityRow",
    "JSONValue",
    "LinkAttemptRow",
    "LinkCodeRow",
    "OutboxRow",
    "PersonRow",
    "every_table",
]


class Base(DeclarativeBase):
    """Declarative base on the core tables' metadata (``storage.tables``)."""

    metadata = tables.metadata


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
    import storage.review
    import storage.webchat  # noqa: F401

    return Base.metadata


class PersonRow(Base):
    """A person, identified as ``CHANNEL:ID``."""

    __table__ = tables.people

    id: Mapped[str]
    lang: Mapped[str]
    consent: Mapped[bool | None]
    consent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class ConversationRow(Base):
    """A person's conversation state; its row is locked while one of their messages is handled."""

    __table__ = tables.conversations

    person_id: Mapped[str]
    state: Mapped[dict[str, Any] | None]
    revision: Mapped[int]
    updated_at: Mapped[datetime]


class AnswerRow(Base):
    """One stored value of one field; an edit adds a row and keeps the old one as history."""

    __table__ = tables.answers

    id: Mapped[int]
    person_id: Mapped[str]
    dialog_id: Mapped[str]
    field: Mapped[str]
    value: Mapped[Any]
    is_current: Mapped[bool]
    created_at: Mapped[datetime]


class DeliveryRow(Base):
    """A channel delivery already handled, so a re-delivery is dropped."""

    __table__ = tables.deliveries

    delivery_id: Mapped[str]
    received_at: Mapped[datetime]


class DialogSnapshotRow(Base):
    """The content of a dialog version some conversation was started on."""

    __table__ = tables.dialog_snapshots

    digest: Mapped[str]
    dialog_id: Mapped[str]
    version: Mapped[int]
    spec: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class OutboxRow(Base):
    """A message to send a person later (a reminder) or as soon as possible (a notice).

    ``key`` makes scheduling idempotent (e.g. ``booking:12:day_before``). Delivery is
    at-least-once: a sender claims a row (``claimed``, with ``claimed_at``), sends it and only
    then marks it ``sent``; a claim left by a sender that crashed expires and the row is sent
    again under the same id. ``attempts`` counts claims; a row that keeps failing is
    ``failed``. ``cancelled`` rows (a cancelled booking's reminders) are never sent.
    """

    __table__ = tables.outbox

    id: Mapped[int]
    person_id: Mapped[str]
    key: Mapped[str | None]
    due_at: Mapped[datetime]
    kind: Mapped[str]
    payload: Mapped[Any]
    status: Mapped[str]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int]


class IdentityRow(Base):
    """A channel identity (``web:…``, ``telegram:…``) joined to a person (``storage.people``)."""

    __table__ = tables.identities

    id: Mapped[str]
    person_id: Mapped[str]
    linked_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class LinkCodeRow(Base):
    """A one-time 6-digit code that joins another identity to ``person_id``."""

    __table__ = tables.link_codes

    code: Mapped[str]
    person_id: Mapped[str]
    identity_id: Mapped[str]
    expires_at: Mapped[datetime]


class LinkAttemptRow(Base):
    """Wrong codes typed by one identity; five in a row lock it for ten minutes."""

    __table__ = tables.link_attempts

    identity_id: Mapped[str]
    failures: Mapped[int]
    locked_until: Mapped[datetime | None]

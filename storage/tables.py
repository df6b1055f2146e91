"""The core tables as SQLAlchemy Core ``Table`` objects: the one definition of their columns.

Every message's unit of work runs Core statements on these, so `jobcard chat` shows its first
prompt without importing SQLAlchemy's ORM (about a sixth of its start): the ORM classes in
``storage.models`` are mapped onto these same tables and load later, with the first thing
that needs them (a feature, a tool) or in the background after the first prompt. A
feature's tables are declared with the feature (``storage.booking`` …), in this metadata.
"""

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
)
from sqlalchemy.types import TypeEngine

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Named constraints, so migrations can refer to them.
metadata = MetaData(naming_convention=NAMING)


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


def _when(name: str, *, nullable: bool = False) -> Column[Any]:
    return Column(name, DateTime(timezone=True), nullable=nullable)


def _person(*, primary_key: bool = False, index: bool = False) -> Column[Any]:
    """The column naming the person a row belongs to (deleted with them)."""
    return Column(
        "person_id",
        ForeignKey("people.id", ondelete="CASCADE"),
        primary_key=primary_key,
        index=index or None,
        nullable=False,
    )


# A person, identified as ``CHANNEL:ID``.
people = Table(
    "people",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("lang", String(2), nullable=False, default="ja"),
    Column("consent", Boolean, nullable=True),
    _when("consent_at", nullable=True),
    _when("created_at"),
)

# A person's conversation state; its row is locked while one of their messages is handled.
conversations = Table(
    "conversations",
    metadata,
    _person(primary_key=True),
    Column("state", JSONValue, nullable=True),
    Column("revision", Integer, nullable=False, default=0),
    _when("updated_at"),
)

# One stored value of one field; an edit adds a row and keeps the old one as history.
answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _person(),
    Column("dialog_id", String(40), nullable=False),
    Column("field", String(40), nullable=False),
    Column("value", JSONValue, nullable=True),
    Column("is_current", Boolean, nullable=False, default=True),
    _when("created_at"),
    Index("ix_answers_person_current", "person_id", "is_current"),
)

# A channel delivery already handled, so a re-delivery is dropped.
deliveries = Table(
    "deliveries",
    metadata,
    Column("delivery_id", String(200), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
)

# The content of a dialog version some conversation was started on.
dialog_snapshots = Table(
    "dialog_snapshots",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("dialog_id", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("spec", JSONValue, nullable=False),
    _when("created_at"),
)

# A message to send a person later (a reminder) or as soon as possible (a notice): see
# ``storage.models.OutboxRow`` for its life (pending, claimed, sent, failed, cancelled).
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _person(),
    Column("key", String(200), unique=True, nullable=True),
    _when("due_at"),
    Column("kind", String(20), nullable=False),
    Column("payload", JSONValue, nullable=False),
    Column("status", String(20), nullable=False, default="pending"),
    _when("created_at"),
    _when("sent_at", nullable=True),
    _when("claimed_at", nullable=True),
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    Index("ix_outbox_status_due", "status", "due_at"),
)

# A channel identity (``web:…``, ``telegram:…``) joined to a person (see ``storage.people``).
identities = Table(
    "identities",
    metadata,
    Column("id", String(200), primary_key=True),
    _person(index=True),
    _when("linked_at"),
    _when("last_seen_at"),
)

# A one-time 6-digit code that joins another identity to ``person_id``.
link_codes = Table(
    "link_codes",
    metadata,
    Column("code", String(6), primary_key=True),
    _person(index=True),
    Column("identity_id", String(200), nullable=False),
    _when("expires_at"),
)

# Wrong codes typed by one identity; five in a row lock it for ten minutes.
link_attempts = Table(
    "link_attempts",
    metadata,
    Column("identity_id", String(200), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    _when("locked_until", nullable=True),
)

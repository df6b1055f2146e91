"""Repository functions: they take a session, never commit, and return plain values."""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Table,
    Text,
    bindparam,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import sqlite

from storage import people
from storage.db import connection_of
from storage.tables import answers, conversations, deliveries, dialog_snapshots, identities
from storage.tables import people as persons

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# A turn's statements are Core, on ``storage.tables``: `jobcard chat` shows its first prompt
# before SQLAlchemy's ORM is imported. What works with ORM objects (exporting or deleting a
# person, history) imports ``storage.models`` when it runs.


def dialect_module(name: str) -> Any:
    """SQLAlchemy's dialect module for database ``name`` (its ``insert … ON CONFLICT``).

    PostgreSQL's is imported when first used: with its drivers it would cost a SQLite start
    (`jobcard chat`) a twentieth of its time.
    """
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    if name == "sqlite":
        return sqlite
    raise RuntimeError(f"unsupported database {name}")  # only SQLite and PostgreSQL are


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    """A locked conversation with the person's settings.

    ``created`` says this transaction has just made the person: they have no answers yet.
    ``state_json`` is the state still as stored (``state`` is then None): :func:`open_turn`
    leaves it undecoded, as the service may already keep that revision's state.
    """

    person_id: str
    lang: str
    consent: bool | None
    state: dict[str, Any] | None
    revision: int
    created: bool = False
    state_json: str | None = None

    def stored_state(self) -> dict[str, Any] | None:
        """The conversation state as stored, decoded."""
        if self.state_json is None:
            return self.state
        decoded: dict[str, Any] | None = json.loads(self.state_json)
        return decoded


@dataclass(frozen=True, slots=True)
class AnswerVersion:
    """One stored value of a field, current or historical."""

    dialog_id: str
    field: str
    value: Any
    is_current: bool
    created_at: datetime


# Statements used on every message are built once: building them costs more than running them.
_LOCK = (
    select(conversations.c.state, conversations.c.revision, persons.c.lang, persons.c.consent)
    .join(persons, persons.c.id == conversations.c.person_id)
    .where(conversations.c.person_id == bindparam("person_id"))
    .with_for_update(of=conversations)
)
_CURRENT = select(answers.c.dialog_id, answers.c.field, answers.c.value).where(
    answers.c.person_id == bindparam("person_id"), answers.c.is_current.is_(True)
)
_RETIRE = (
    update(answers)
    .where(
        answers.c.person_id == bindparam("p_person"),
        answers.c.dialog_id == bindparam("p_dialog"),
        answers.c.field == bindparam("p_field"),
        answers.c.is_current.is_(True),
    )
    .values(is_current=False)
)
_ADD_ANSWER = insert(answers).values(
    person_id=bindparam("p_person"),
    dialog_id=bindparam("p_dialog"),
    field=bindparam("p_field"),
    value=bindparam("p_value", type_=answers.c.value.type),
    is_current=true(),
    created_at=bindparam("p_now"),
)
# PostgreSQL retires the old answer and adds the new one in one statement (one round trip).
_REPLACE_ANSWER = _ADD_ANSWER.add_cte(_RETIRE.cte("retired"))
_SAVE_STATE = (
    update(conversations)
    .where(conversations.c.person_id == bindparam("p_person"))
    .values(
        state=bindparam("p_state"), revision=bindparam("p_revision"), updated_at=bindparam("p_now")
    )
)
# PostgreSQL: a turn's last answer goes in with its state, one statement (a round trip less),
# a field's first answer or one that retires the answer before it.
_SAVE_STATE_ADDING = _SAVE_STATE.add_cte(_ADD_ANSWER.cte("answer"))
_SAVE_STATE_REPLACING = _SAVE_STATE.add_cte(_RETIRE.cte("retired")).add_cte(
    _ADD_ANSWER.cte("answer")
)


def _insert_ignore(session: Session, table: Table, values: Mapping[str, Any]) -> int:
    """Insert a row unless its key exists; return how many rows were inserted."""
    connection = connection_of(session)
    module = dialect_module(connection.dialect.name)
    statement = module.insert(table).values(**values).on_conflict_do_nothing()
    # RETURNING tells reliably whether the row went in (rowcount does not, on every driver).
    key = next(iter(table.primary_key.columns))
    return len(connection.execute(statement.returning(key)).all())


_CLAIMS: dict[str, Any] = {}


def _claim_statement(dialect: str) -> Any:
    statement = _CLAIMS.get(dialect)
    if statement is None:
        module = dialect_module(dialect)
        statement = (
            module.insert(deliveries)
            .values(delivery_id=bindparam("p_id"), received_at=bindparam("p_now"))
            .on_conflict_do_nothing()
            .returning(deliveries.c.delivery_id)
        )
        _CLAIMS[dialect] = statement
    return statement


def claim_delivery(session: Session, delivery_id: str, now: datetime) -> bool:
    """Record a delivery id; False if it was handled before (a re-delivery)."""
    connection = connection_of(session)
    statement = _claim_statement(connection.dialect.name)
    return connection.execute(statement, {"p_id": delivery_id, "p_now": now}).first() is not None


def prune_deliveries(session: Session, before: datetime) -> int:
    """Forget delivery ids older than ``before`` (channels re-deliver only for a short while)."""
    result = session.execute(delete(deliveries).where(deliveries.c.received_at < before))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


_CREATES: dict[str, tuple[Any, Any]] = {}
FIRST_REVISIONS = 2**30  # (an INTEGER column: room for a billion turns after the start)


def _create_statements(dialect: str) -> tuple[Any, Any]:
    """A new person's row and conversation row, each unless it exists (built once)."""
    statements = _CREATES.get(dialect)
    if statements is None:
        module = dialect_module(dialect)
        person = (
            module.insert(persons)
            .values(
                id=bindparam("p_person"), lang=bindparam("p_lang"), created_at=bindparam("p_now")
            )
            .on_conflict_do_nothing()
            .returning(persons.c.id)
        )
        conversation = (
            module.insert(conversations)
            .values(
                person_id=bindparam("p_person"),
                state=bindparam("p_state", type_=conversations.c.state.type),
                revision=bindparam("p_revision"),
                updated_at=bindparam("p_now"),
            )
            .on_conflict_do_nothing()
            .returning(conversations.c.person_id)
        )
        statements = _CREATES[dialect] = (person, conversation)
    return statements


@functools.cache
def _pg_create() -> Any:
    """PostgreSQL: the conversation row's insert with the person's as a CTE (built once);
    ``added_person`` says whether the person's row went in."""
    person, conversation = _create_statements("postgresql")
    made = person.cte("made_person")
    added = select(func.count()).select_from(made).scalar_subquery()
    return conversation.add_cte(made).returning(added.label("added_person"))


def lock_conversation(
    session: Session, person_id: str, now: datetime, lang: str = "ja", *, new: bool = False
) -> ConversationRecord:
    """Create the person and conversation if new, then lock the conversation row.

    On PostgreSQL this is ``SELECT … FOR UPDATE``: a second worker handling the same person
    waits here until the first one commits. SQLite is already serialized by ``BEGIN IMMEDIATE``.
    ``new`` says the caller has just found no conversation (``open_turn``): it is created
    without looking for it again.
    """
    connection = connection_of(session)
    if not new:
        row = connection.execute(_LOCK, {"person_id": person_id}).first()
        if row is not None:
            return ConversationRecord(person_id, row.lang, row.consent, row.state, row.revision)
    dialect = connection.dialect.name
    add_person, add_conversation = _create_statements(dialect)
    # A new conversation starts at a random revision, not 0: a person deleted and made again
    # must not reach a revision a worker still keeps their old answers and state under.
    revision = secrets.randbelow(FIRST_REVISIONS)
    values = {
        "p_person": person_id,
        "p_lang": lang,
        "p_now": now,
        "p_state": None,
        "p_revision": revision,
    }
    if dialect == "postgresql":
        # Both rows in one statement: a round trip less in a new person's first turn, which
        # was most of the slowest 1% of turns on a quiet machine.
        made = connection.execute(_pg_create(), values).first()
        created = made is not None and made.added_person > 0
    else:
        added_person = connection.execute(add_person, values).first() is not None
        created = connection.execute(add_conversation, values).first() is not None
        created = created and added_person
    if created:
        # Both rows are this transaction's, not yet visible to any other: as good as locked.
        return ConversationRecord(person_id, lang, None, None, revision, created=True)
    row = connection.execute(_LOCK, {"person_id": person_id}).one()
    return ConversationRecord(person_id, row.lang, row.consent, row.state, row.revision)


@dataclass(frozen=True, slots=True)
class OpenedTurn:
    """What the first statement of a turn found.

    ``person_id`` is the person the identity belongs to (itself unless joined), ``joined``
    whether the identity has an identities row (its use is then recorded), and ``record``
    that person's conversation, locked, or None when the person is new.
    """

    person_id: str
    joined: bool
    record: ConversationRecord | None


# A turn's first round trip: claim the delivery id, resolve the identity (「連携」) and lock
# the person's conversation, in one statement instead of three. Each statement costs more in
# SQLAlchemy and the driver than in the database, so this is most of the distance between
# a turn and one that only reads and writes the conversation.
_JOINED_TO = (
    select(identities.c.person_id)
    .where(identities.c.id == bindparam("p_identity"))
    .scalar_subquery()
)
_PERSON = func.coalesce(_JOINED_TO, bindparam("p_identity"))


def _of_person(column: Any, key: Any, name: str) -> Any:
    return select(column).where(key == _PERSON).scalar_subquery().label(name)


# The state is read as the JSON text it is stored as: decoding it is left to the service,
# which usually keeps the state its last turn left (ConversationRecord.state_json).
_STATE_TEXT = cast(conversations.c.state, Text)
# SQLite: the writer is already alone (BEGIN IMMEDIATE), so reading is locking; the claim's
# RETURNING reads the person (nothing comes back for a re-delivery).
_SQLITE_READ = (
    _JOINED_TO.label("joined_to"),
    _of_person(_STATE_TEXT, conversations.c.person_id, "state"),
    _of_person(conversations.c.revision, conversations.c.person_id, "revision"),
    _of_person(persons.c.lang, persons.c.id, "lang"),
    _of_person(persons.c.consent, persons.c.id, "consent"),
)
_SQLITE_OPEN = (
    sqlite.insert(deliveries)
    .values(delivery_id=bindparam("p_id"), received_at=bindparam("p_now"))
    .on_conflict_do_nothing()
    .returning(*_SQLITE_READ)
)
_SQLITE_OPEN_UNCLAIMED = select(*_SQLITE_READ)


@functools.cache
def _pg_open() -> tuple[Any, Any]:
    """PostgreSQL's statements (claimed, unclaimed), built once when first used (they need
    the PostgreSQL dialect, which a SQLite start does not import).

    The claim in a CTE; the lock (FOR UPDATE) in a lateral subquery that reads the claim
    first, so a re-delivery locks nothing and the claim is taken before the lock as before.
    """
    who = select(_JOINED_TO.label("joined_to")).subquery("who")
    locked = (
        select(
            _STATE_TEXT.label("state"), conversations.c.revision, persons.c.lang, persons.c.consent
        )
        .join(persons, persons.c.id == conversations.c.person_id)
        .where(
            conversations.c.person_id == func.coalesce(who.c.joined_to, bindparam("p_identity"))
        )
        .with_for_update(of=conversations)
        .lateral("locked")
    )
    read = select(
        who.c.joined_to, locked.c.state, locked.c.revision, locked.c.lang, locked.c.consent
    )
    claim = (
        dialect_module("postgresql")
        .insert(deliveries)
        .values(delivery_id=bindparam("p_id"), received_at=bindparam("p_now"))
        .on_conflict_do_nothing()
        .returning(deliveries.c.delivery_id)
        .cte("claim")
    )
    return (
        read.select_from(claim.join(who, true()).outerjoin(locked, true())),
        read.select_from(who.outerjoin(locked, true())),
    )


def open_turn(
    session: Session, identity: str, delivery_id: str | None, now: datetime
) -> OpenedTurn | None:
    """Claim ``delivery_id``, resolve ``identity`` and lock its person's conversation.

    None when the delivery id was claimed before (a re-delivery: nothing else is done).
    Without a delivery id nothing is claimed. A new person's rows are not created here
    (``record`` is None): :func:`lock_conversation` does that.
    """
    connection = connection_of(session)
    postgres = connection.dialect.name == "postgresql"
    statement: Any
    if delivery_id is None:
        statement = _pg_open()[1] if postgres else _SQLITE_OPEN_UNCLAIMED
        values: dict[str, Any] = {"p_identity": identity}
    else:
        statement = _pg_open()[0] if postgres else _SQLITE_OPEN
        values = {"p_identity": identity, "p_id": delivery_id, "p_now": now}
    row = connection.execute(statement, values).first()
    if row is None:
        return None
    joined_to, state_json, revision, lang, consent = row
    person = identity if joined_to is None else str(joined_to)
    if revision is None or lang is None:
        return OpenedTurn(person, joined_to is not None, None)
    record = ConversationRecord(person, lang, consent, None, revision, state_json=state_json)
    return OpenedTurn(person, joined_to is not None, record)


def save_state(
    session: Session, person_id: str, state: dict[str, Any], revision: int, now: datetime
) -> None:
    """Store the conversation state (the caller holds the row lock)."""
    connection_of(session).execute(
        _SAVE_STATE,
        {"p_person": person_id, "p_state": state, "p_revision": revision + 1, "p_now": now},
    )


def current_answers(session: Session, person_id: str) -> dict[str, Any]:
    """The current answers of a person keyed ``dialog.field``."""
    rows = connection_of(session).execute(_CURRENT, {"person_id": person_id})
    return {f"{row.dialog_id}.{row.field}": row.value for row in rows}


# ``session.info`` keys: whose turn the session is (the service sets it), the answers saved
# (``(person, key, value)`` in order) and the people deleted, so the service can keep each
# person's current answers between turns. ``CURRENT_KEYS`` is ``(person, answers)``: the
# person's current answers as the database held them when the turn began, as the service
# knows them exactly; a field neither among them nor saved since has nothing to retire.
TURN_OF = "jobcard.turn_of"
SAVED_ANSWERS = "jobcard.saved_answers"
DELETED_PEOPLE = "jobcard.deleted_people"
CURRENT_KEYS = "jobcard.current_keys"
_NEXT_REVISION = (
    update(conversations)
    .where(conversations.c.person_id == bindparam("p_person"))
    .values(revision=conversations.c.revision + 1)
)


def _note_answer(session: Session, person_id: str, key: str, value: Any) -> bool:
    """Note a saved answer in the session; whether it is the field's first (nothing to retire)."""
    saved = session.info.setdefault(SAVED_ANSWERS, [])
    current = session.info.get(CURRENT_KEYS)
    first = (
        current is not None
        and current[0] == person_id
        and key not in current[1]
        and (person_id, key) not in {(person, name) for person, name, _ in saved}
    )
    saved.append((person_id, key, value))
    return bool(first)


def save_answer_and_state(
    session: Session,
    person_id: str,
    answer: tuple[str, str, Any],
    state: dict[str, Any],
    revision: int,
    now: datetime,
) -> None:
    """:func:`save_answer` (``answer`` is dialog, field, value), then :func:`save_state`.

    For the person's own turn, when the answer is the last thing it writes before its state:
    on PostgreSQL both go in one statement (one round trip less in most turns).
    """
    dialog_id, field, value = answer
    connection = connection_of(session)
    if connection.dialect.name != "postgresql" or session.info.get(TURN_OF) != person_id:
        save_answer(session, person_id, dialog_id, field, value, now)
        save_state(session, person_id, state, revision, now)
        return
    first = _note_answer(session, person_id, f"{dialog_id}.{field}", value)
    values = {
        "p_person": person_id,
        "p_dialog": dialog_id,
        "p_field": field,
        "p_value": value,
        "p_state": state,
        "p_revision": revision + 1,
        "p_now": now,
    }
    connection.execute(_SAVE_STATE_ADDING if first else _SAVE_STATE_REPLACING, values)


def save_answer(
    session: Session, person_id: str, dialog_id: str, field: str, value: Any, now: datetime
) -> None:
    """Make ``value`` the current answer; the previous one stays as history.

    Answers change only here. In the person's own turn the turn's end moves their
    conversation's revision on; anywhere else (a tool, a test, another person's turn) this
    does, so no process keeps answers from before it (``bot.service._AnswerCache``).
    """
    first = _note_answer(session, person_id, f"{dialog_id}.{field}", value)
    connection = connection_of(session)
    if session.info.get(TURN_OF) != person_id:
        connection.execute(_NEXT_REVISION, {"p_person": person_id})
    keys = {"p_person": person_id, "p_dialog": dialog_id, "p_field": field}
    values = {**keys, "p_value": value, "p_now": now}
    if first:
        # Most answers are a field's first: there is nothing to retire (a statement less).
        connection.execute(_ADD_ANSWER, values)
        return
    if connection.dialect.name == "postgresql":
        connection.execute(_REPLACE_ANSWER, values)
        return
    connection.execute(_RETIRE, keys)
    connection.execute(_ADD_ANSWER, values)


def answer_history(session: Session, person_id: str) -> list[AnswerVersion]:
    """Every stored value of every field of a person, oldest first."""
    from storage.models import AnswerRow

    rows = session.scalars(
        select(AnswerRow).where(AnswerRow.person_id == person_id).order_by(AnswerRow.id)
    )
    return [
        AnswerVersion(row.dialog_id, row.field, row.value, row.is_current, row.created_at)
        for row in rows
    ]


_SET_LANGUAGE = (
    update(persons).where(persons.c.id == bindparam("p_person")).values(lang=bindparam("p_lang"))
)
_SET_CONSENT = (
    update(persons)
    .where(persons.c.id == bindparam("p_person"))
    .values(consent=bindparam("p_consent"), consent_at=bindparam("p_now"))
)


def set_language(session: Session, person_id: str, lang: str) -> None:
    """Remember the person's language."""
    connection_of(session).execute(_SET_LANGUAGE, {"p_person": person_id, "p_lang": lang})


def set_consent(session: Session, person_id: str, granted: bool, now: datetime) -> None:
    """Record consent (or its refusal) and when it was given."""
    values = {"p_person": person_id, "p_consent": granted, "p_now": now}
    connection_of(session).execute(_SET_CONSENT, values)


def find_person(session: Session, person_id: str) -> ConversationRecord | None:
    """The person's settings and conversation state, without locking (None if unknown)."""
    row = session.execute(
        select(conversations.c.state, conversations.c.revision, persons.c.lang, persons.c.consent)
        .join(persons, persons.c.id == conversations.c.person_id)
        .where(conversations.c.person_id == person_id)
    ).first()
    if row is None:
        return None
    return ConversationRecord(person_id, row.lang, row.consent, row.state, row.revision)


def person_exists(session: Session, person_id: str) -> bool:
    """Whether anything is stored for ``person_id``."""
    from storage.models import PersonRow

    return session.get(PersonRow, person_id) is not None


def export_person(session: Session, person_id: str) -> dict[str, Any] | None:
    """Everything stored about a person, as JSON-ready data (None if nothing is stored)."""
    from storage import importing
    from storage.booking import BookingRow  # (features' tables, see every_table)
    from storage.models import ConversationRow, PersonRow

    person = session.get(PersonRow, person_id)
    if person is None:
        return None
    conversation = session.get(ConversationRow, person_id)
    return {
        "person": {
            "id": person.id,
            "lang": person.lang,
            "consent": person.consent,
            "consent_at": person.consent_at.isoformat() if person.consent_at else None,
            "created_at": person.created_at.isoformat(),
        },
        "answers": current_answers(session, person_id),
        "history": [
            {
                "key": f"{version.dialog_id}.{version.field}",
                "value": version.value,
                "current": version.is_current,
                "saved_at": version.created_at.isoformat(),
            }
            for version in answer_history(session, person_id)
        ],
        "conversation": conversation.state if conversation is not None else None,
        # Every channel identity joined to this person (「連携」), most recently used first.
        "identities": [identity for identity, _ in people.identities_of(session, person_id)],
        # Entries read from a 職務経歴書 and not yet confirmed or skipped (the file is not kept).
        "import_pending": importing.export(session, person_id),
        "bookings": [
            {
                "id": row.id,
                "starts_at": row.starts_at.isoformat(),
                "ends_at": row.ends_at.isoformat(),
                "location": row.location_id,
                "mode": row.mode,
                "status": row.status,
                "purpose": row.purpose,
                "note": row.note,
            }
            for row in session.scalars(
                select(BookingRow).where(BookingRow.person_id == person_id).order_by(BookingRow.id)
            )
        ],
    }


def delete_person(session: Session, person_id: str) -> None:
    """Delete everything stored about a person.

    Bookings, submissions and juku memberships go with the person row (ON DELETE CASCADE).
    """
    from storage.models import AnswerRow, ConversationRow, DeliveryRow, OutboxRow, PersonRow

    session.info.setdefault(DELETED_PEOPLE, set()).add(person_id)
    # A channel may have put the platform's user id into a delivery id (Slack's button
    # presses once did: ``slack:action:U123:ts``); such a row would outlive the person.
    # Linked identities (「連携」): their delivery ids, lockouts and resume codes go too.
    people.forget_identities(session, person_id)
    platform_id = person_id.rsplit(":", 1)[-1]
    if platform_id:
        session.execute(
            delete(DeliveryRow).where(
                or_(
                    DeliveryRow.delivery_id.contains(f":{platform_id}:", autoescape=True),
                    DeliveryRow.delivery_id.endswith(f":{platform_id}", autoescape=True),
                )
            )
        )
    session.execute(delete(OutboxRow).where(OutboxRow.person_id == person_id))
    session.execute(delete(AnswerRow).where(AnswerRow.person_id == person_id))
    session.execute(delete(ConversationRow).where(ConversationRow.person_id == person_id))
    session.execute(delete(PersonRow).where(PersonRow.id == person_id))


def store_snapshot(
    session: Session, digest: str, dialog_id: str, version: int, spec: Any, now: datetime
) -> None:
    """Keep the content of a dialog version that a conversation is pinned to."""
    values = {
        "digest": digest,
        "dialog_id": dialog_id,
        "version": version,
        "spec": spec,
        "created_at": now,
    }
    _insert_ignore(session, dialog_snapshots, values)


def load_snapshots(session: Session, digests: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored dialog contents for ``digests`` (missing ones are left out)."""
    wanted = list(digests)
    if not wanted:
        return {}
    rows = connection_of(session).execute(
        select(dialog_snapshots.c.digest, dialog_snapshots.c.spec).where(
            dialog_snapshots.c.digest.in_(wanted)
        )
    )
    return {row.digest: row.spec for row in rows}


def list_people(session: Session) -> list[str]:
    """Every person id stored."""
    return list(session.scalars(select(persons.c.id).order_by(persons.c.id)))

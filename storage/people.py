"""One person, several channel identities: identity rows, one-time link codes, lockouts.

A person is a ``people`` row whose id is the id of the identity that first wrote
(``telegram:12345``). An identity without an ``identities`` row is its own person, so a
person on one channel costs one primary-key look-up per message and nothing else. Once
joined, every identity of the person has a row pointing at the person (the first one too),
which also records when each was last used (reminders go there).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    case,
    delete,
    exists,
    or_,
    select,
    update,
)

from storage.db import connection_of
from storage.tables import identities, outbox

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# What every message or reminders check runs (resolving an identity, choosing where a
# reminder goes) is Core, on ``storage.tables``: `jobcard chat` shows its first prompt before
# SQLAlchemy's ORM is imported. The rest works with ORM objects, as the ORM keeps them in
# step with what the session has not flushed yet, and imports ``storage.models`` when run.

CODE_LIFETIME = timedelta(minutes=10)
MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class LinkCode:
    """An open link code."""

    code: str
    person_id: str
    identity_id: str
    expires_at: datetime


# Run on every message: built once (building a statement costs more than running it).
_RESOLVE = select(identities.c.person_id).where(identities.c.id == bindparam("identity"))
_TOUCH = (
    update(identities)
    .where(identities.c.id == bindparam("identity"))
    .values(last_seen_at=bindparam("now"))
)


def resolve(session: Session, identity_id: str) -> str:
    """The person an identity belongs to (itself unless joined to another)."""
    person = connection_of(session).execute(_RESOLVE, {"identity": identity_id}).scalar()
    return person if person is not None else identity_id


def touch(session: Session, identity_id: str, now: datetime) -> str:
    """Resolve an identity and, when it is joined, record that it was used now."""
    connection = connection_of(session)
    person = connection.execute(_RESOLVE, {"identity": identity_id}).scalar()
    if person is None:
        return identity_id  # on its own: nothing to record
    connection.execute(_TOUCH, {"identity": identity_id, "now": now})
    return str(person)


def seen(session: Session, identity_id: str, now: datetime) -> None:
    """Record that a joined identity was used now (reminders go to the one used last)."""
    connection_of(session).execute(_TOUCH, {"identity": identity_id, "now": now})


def _has_row(session: Session, identity_id: str) -> bool:
    from storage.models import IdentityRow

    return session.get(IdentityRow, identity_id) is not None


def newest_identity(session: Session, person_id: str) -> str:
    """The identity a person used most recently (the person's own id when not joined)."""
    return identities_of(session, person_id)[0][0]


def reached_identity(session: Session, person_id: str, order: Sequence[str] = ()) -> str:
    """The identity reminders and notices go to.

    With no ``order``, the one the person used most recently; with an order of channels
    (``("line", "web", …)``), the person's identity on the first of them they have, the
    most recent one among equals, channels not named coming last.
    """
    identities = identities_of(session, person_id)  # most recent first
    if not order:
        return identities[0][0]
    rank = {channel: place for place, channel in enumerate(order)}
    # min() keeps the first of equals: the most recently used.
    chosen = min(identities, key=lambda item: rank.get(item[0].split(":", 1)[0], len(order)))
    return chosen[0]


def _rank(identity: ColumnElement[str], order: Sequence[str]) -> ColumnElement[int]:
    """An identity's place in ``order`` by its channel (unnamed channels last)."""
    places = [
        (identity.startswith(f"{channel}:", autoescape=True), place)
        for place, channel in enumerate(order)
    ]
    return case(*places, else_=len(order))


def reached_on(channel: str, order: Sequence[str] = ()) -> ColumnElement[bool]:
    """Outbox rows whose person is reached on ``channel``.

    A person on one channel is reached by their own id; a person with joined identities
    on the channel of the identity :func:`reached_identity` chooses.
    """
    mine, other = identities.alias(), identities.alias()
    more_recent = or_(
        other.c.last_seen_at > mine.c.last_seen_at,
        and_(other.c.last_seen_at == mine.c.last_seen_at, other.c.id < mine.c.id),
    )
    if order:
        theirs, ours = _rank(other.c.id, order), _rank(mine.c.id, order)
        more_recent = or_(theirs < ours, and_(theirs == ours, more_recent))
    chosen = ~exists().where(other.c.person_id == mine.c.person_id, more_recent)
    joined_here = exists().where(
        mine.c.person_id == outbox.c.person_id,
        mine.c.id.startswith(f"{channel}:", autoescape=True),
        chosen,
    )
    alone_here = and_(
        outbox.c.person_id.startswith(f"{channel}:", autoescape=True),
        ~exists().where(identities.c.person_id == outbox.c.person_id),
    )
    return or_(alone_here, joined_here)


def identities_of(session: Session, person_id: str) -> list[tuple[str, datetime | None]]:
    """Every identity of a person with when it was last used, most recent first."""
    from storage.models import IdentityRow

    rows = session.execute(
        select(IdentityRow.id, IdentityRow.last_seen_at)
        .where(IdentityRow.person_id == person_id)
        .order_by(IdentityRow.last_seen_at.desc(), IdentityRow.id)
    ).all()
    if not rows:
        return [(person_id, None)]
    return [(row.id, row.last_seen_at) for row in rows]


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive times; every time stored here is UTC."""
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def new_code(session: Session, person_id: str, identity_id: str, now: datetime) -> LinkCode:
    """A fresh 6-digit code for the person (earlier codes of this identity end)."""
    from storage.models import LinkCodeRow

    session.execute(delete(LinkCodeRow).where(LinkCodeRow.expires_at <= now))
    session.execute(delete(LinkCodeRow).where(LinkCodeRow.identity_id == identity_id))
    taken = set(session.scalars(select(LinkCodeRow.code)))
    code = f"{secrets.randbelow(1_000_000):06d}"
    while code in taken:
        code = f"{secrets.randbelow(1_000_000):06d}"
    expires = now + CODE_LIFETIME
    session.add(
        LinkCodeRow(code=code, person_id=person_id, identity_id=identity_id, expires_at=expires)
    )
    session.flush()
    return LinkCode(code, person_id, identity_id, expires)


def find_code(session: Session, code: str, now: datetime) -> LinkCode | None:
    """The open code, if it exists and has not expired."""
    from storage.models import LinkCodeRow

    row = session.get(LinkCodeRow, code)
    if row is None or aware(row.expires_at) <= now:
        return None
    return LinkCode(row.code, row.person_id, row.identity_id, aware(row.expires_at))


def use_code(session: Session, code: str) -> None:
    """A code is used once."""
    from storage.models import LinkCodeRow

    session.execute(delete(LinkCodeRow).where(LinkCodeRow.code == code))


def locked_until(session: Session, identity_id: str, now: datetime) -> datetime | None:
    """Until when this identity may not try codes (None when it may)."""
    from storage.models import LinkAttemptRow

    row = session.get(LinkAttemptRow, identity_id)
    if row is None or row.locked_until is None or aware(row.locked_until) <= now:
        return None
    return aware(row.locked_until)


def record_failure(session: Session, identity_id: str, now: datetime) -> datetime | None:
    """Count a wrong code; returns the lock's end when this one locked the identity."""
    from storage.models import LinkAttemptRow

    row = session.get(LinkAttemptRow, identity_id)
    if row is None:
        row = LinkAttemptRow(identity_id=identity_id, failures=0)
        session.add(row)
    if row.locked_until is not None and aware(row.locked_until) <= now:
        row.failures, row.locked_until = 0, None
    row.failures = (row.failures or 0) + 1
    if row.failures >= MAX_FAILURES:
        row.failures = 0
        row.locked_until = now + LOCK_TIME
        return row.locked_until
    return None


def failures(session: Session, identity_id: str) -> int:
    """Wrong codes in a row so far."""
    from storage.models import LinkAttemptRow

    row = session.get(LinkAttemptRow, identity_id)
    return 0 if row is None else int(row.failures or 0)


def clear_failures(session: Session, identity_id: str) -> None:
    """A right code forgets the wrong ones."""
    from storage.models import LinkAttemptRow

    session.execute(delete(LinkAttemptRow).where(LinkAttemptRow.identity_id == identity_id))


# Answers that are settings rather than card content (the language chosen at the start),
# and the person's memos (bot.engine.memos.MEMO_DIALOG): a memo alone is no card to choose.
SETUP_DIALOGS = ("onboarding", "memos")


def has_answers(session: Session, person_id: str) -> bool:
    """Whether the person has card answers (beyond the onboarding's settings)."""
    from storage.models import AnswerRow

    return (
        session.execute(
            select(AnswerRow.id)
            .where(
                AnswerRow.person_id == person_id,
                AnswerRow.is_current.is_(True),
                AnswerRow.dialog_id.not_in(SETUP_DIALOGS),
            )
            .limit(1)
        ).first()
        is not None
    )


# Tables whose rows are the person's own card and conversation: the kept side's stay and
# the other side's are deleted (after being exported); everything else that belongs to a
# person (bookings, submissions, memberships, web messages) moves.
_CARD_TABLES = ("answers", "conversations", "people", "identities", "link_codes", "document_links")
# One row per person at most: the kept side's wins.
_ONE_PER_PERSON = ("juku_memberships",)


def _person_columns(session: Session) -> list[tuple[Table, str]]:
    """Every (table, column) that refers to ``people.id``."""
    from storage.models import every_table

    found: list[tuple[Table, str]] = []
    for table in every_table().sorted_tables:
        for column in table.columns:
            if any(key.column.table.name == "people" for key in column.foreign_keys):
                found.append((table, column.name))
    return found


def join(session: Session, keep: str, drop: str, now: datetime) -> None:
    """Make ``drop``'s identities part of person ``keep`` and move what ``drop`` owns.

    ``drop``'s answers and conversation are deleted: the caller exports them to the
    person first, unless there were none.
    """
    from storage.models import (
        AnswerRow,
        ConversationRow,
        IdentityRow,
        LinkCodeRow,
        OutboxRow,
        PersonRow,
    )
    from storage.webchat import DocumentLinkRow  # (the web chat's tables, see every_table)

    moved = [
        (i, seen or _last_turn(session, drop, now)) for i, seen in identities_of(session, drop)
    ]
    kept_since = _last_turn(session, keep, now)
    for table, column in _person_columns(session):
        if table.name in _CARD_TABLES or table.name == "outbox":
            continue
        if table.name in _ONE_PER_PERSON:
            kept = session.execute(
                select(table.c[column]).where(table.c[column] == keep).limit(1)
            ).first()
            if kept is not None:
                session.execute(delete(table).where(table.c[column] == drop))
                continue
        session.execute(update(table).where(table.c[column] == drop).values({column: keep}))
    # Reminders already queued follow the person; the other card's conversation does not.
    session.execute(update(OutboxRow).where(OutboxRow.person_id == drop).values(person_id=keep))
    session.execute(delete(IdentityRow).where(IdentityRow.person_id == drop))
    session.execute(delete(LinkCodeRow).where(LinkCodeRow.person_id == drop))
    # A link renders the answers it was made from: those of the card that goes.
    session.execute(delete(DocumentLinkRow).where(DocumentLinkRow.person_id == drop))
    session.execute(delete(AnswerRow).where(AnswerRow.person_id == drop))
    session.execute(delete(ConversationRow).where(ConversationRow.person_id == drop))
    session.execute(delete(PersonRow).where(PersonRow.id == drop))
    if not _has_row(session, keep):
        session.add(IdentityRow(id=keep, person_id=keep, linked_at=now, last_seen_at=kept_since))
    for identity, seen in moved:
        session.add(IdentityRow(id=identity, person_id=keep, linked_at=now, last_seen_at=seen))
    session.flush()


def _last_turn(session: Session, person_id: str, default: datetime) -> datetime:
    """When a person (on one identity so far) last wrote: their conversation's last save."""
    from storage.models import ConversationRow

    updated = session.execute(
        select(ConversationRow.updated_at).where(ConversationRow.person_id == person_id)
    ).scalar_one_or_none()
    return aware(updated) if updated is not None else default


def unlink(session: Session, identity_id: str, now: datetime) -> bool:
    """Detach an identity from its person: it starts afresh, the card stays with the rest.

    When the identity's id is the person's own id, the person is moved to a new id first.
    Returns False when the identity was not joined to anyone.
    """
    from storage.models import IdentityRow, LinkCodeRow
    from storage.webchat import WebMessageRow  # (the web chat's tables, see every_table)

    person = resolve(session, identity_id)
    others = [i for i, _ in identities_of(session, person) if i != identity_id]
    if not _has_row(session, identity_id) or not others:
        return False
    if person == identity_id:
        person = _rename_person(session, person, f"person:{secrets.token_urlsafe(12)}")
    session.execute(delete(IdentityRow).where(IdentityRow.id == identity_id))
    session.execute(delete(WebMessageRow).where(WebMessageRow.identity_id == identity_id))
    session.execute(delete(LinkCodeRow).where(LinkCodeRow.identity_id == identity_id))
    if len(others) == 1:
        # A person with one identity needs no identity row (and gets its id back if new).
        session.execute(delete(IdentityRow).where(IdentityRow.id == others[0]))
        if person != others[0]:
            _rename_person(session, person, others[0])
    session.flush()
    return True


def _rename_person(session: Session, old: str, new: str) -> str:
    """Give a person another id, carrying everything they own."""
    from storage.models import PersonRow

    row = session.get(PersonRow, old)
    assert row is not None
    session.add(
        PersonRow(
            id=new,
            lang=row.lang,
            consent=row.consent,
            consent_at=row.consent_at,
            created_at=row.created_at,
        )
    )
    session.flush()
    for table, column in _person_columns(session):
        if table.name == "people":
            continue
        session.execute(update(table).where(table.c[column] == old).values({column: new}))
    session.execute(delete(PersonRow).where(PersonRow.id == old))
    return new


def forget_identities(session: Session, person_id: str) -> list[str]:
    """Before deleting a person: every identity id, with their rows and delivery ids gone."""
    from storage.models import DeliveryRow, LinkAttemptRow
    from storage.webchat import ResumeCodeRow  # (the web chat's tables, see every_table)

    identities = [identity for identity, _ in identities_of(session, person_id)]
    for identity in identities:
        session.execute(delete(LinkAttemptRow).where(LinkAttemptRow.identity_id == identity))
        session.execute(delete(ResumeCodeRow).where(ResumeCodeRow.identity_id == identity))
        platform_id = identity.rsplit(":", 1)[-1]
        if platform_id:
            session.execute(
                delete(DeliveryRow).where(
                    DeliveryRow.delivery_id.contains(f":{platform_id}:", autoescape=True)
                )
            )
    return identities

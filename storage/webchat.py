"""The web chat's storage: the messages a browser shows, resume codes and document links."""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    Select,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.db import connection_of
from storage.models import AnswerRow, Base, ConversationRow, OutboxRow, PersonRow


class WebMessageRow(Base):
    """Messages of a web chat as its browser shows them (the web has no chat history),
    those written together in one row: a turn's (what the person sent and the replies).

    They are kept so the page can be drawn again (a reload, another device with the resume
    code); they go with the person. One row a turn rather than one a message: each row is a
    table entry and two index entries written in the turn's transaction, and a turn's
    three rows cost SQLite about twice the work of one (see :data:`RUN` for the messages'
    ids).
    """

    __tablename__ = "web_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    identity_id: Mapped[str] = mapped_column(String(200), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # JSON: an array of the messages (role, kind, texts and buttons); a removed one is null.
    body: Mapped[str] = mapped_column(String)
    image: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ResumeCodeRow(Base):
    """A code that lets another browser continue as the same web identity (used once)."""

    __tablename__ = "web_resume_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    identity_id: Mapped[str] = mapped_column(String(200), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DocumentLinkRow(Base):
    """A document handed over as a link: what to render, from which answers, how often.

    ``version`` is the newest answer row id at the time the link was made: the document is
    rendered from the answers as they were then (edits add rows, so that state stays known).
    """

    __tablename__ = "document_links"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    uses_left: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


KEEP_MESSAGES = 200  # what a page shows; older messages of the browser chat are dropped
# Older rows are dropped when a row id is a multiple of this, not on every turn: a browser
# keeps KEEP_MESSAGES rows (so at least as many messages) and a few more meanwhile, and a
# page shows KEEP_MESSAGES messages.
TRIM_EVERY = 64
# A message's id is its row's id times RUN plus its place in the row: ids grow with the
# rows, as the page asks for what follows the last id it has. A row holds at most RUN
# messages, and a message with a picture has a row of its own (the row's image).
RUN = 64


@dataclass(frozen=True, slots=True)
class WebMessage:
    """A stored web chat message: its JSON body and whether it carries a picture."""

    id: int
    body: dict[str, Any]
    has_image: bool


# Run on every turn: built once (building a statement costs more than running it).
_TABLE = WebMessageRow.__table__
assert isinstance(_TABLE, Table)
_APPEND = insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)
_APPEND_COLUMNS = ("identity_id", "person_id", "body", "image", "created_at")


@functools.lru_cache(maxsize=16)
def _sqlite_append(count: int) -> str:
    """SQLite: one INSERT of ``count`` rows returning their ids."""
    row = "(" + ", ".join("?" for _ in _APPEND_COLUMNS) + ")"
    columns = ", ".join(_APPEND_COLUMNS)
    table = WebMessageRow.__tablename__
    rows = ", ".join([row] * count)
    # One row (a turn's, nearly always): its id is the cursor's last row id, which spares
    # SQLite the results a RETURNING clause gathers.
    return f"INSERT INTO {table} ({columns}) VALUES {rows}" + (
        " RETURNING id" if count > 1 else ""
    )


@functools.lru_cache(maxsize=4)
def _converters(dialect: Dialect) -> tuple[Callable[[Any], Any], ...]:
    """What each column's type does to a value before the driver gets it (dates, bytes)."""
    types = (_TABLE.c[name].type for name in _APPEND_COLUMNS)
    found = (kind.dialect_impl(dialect).bind_processor(dialect) for kind in types)
    return tuple(_as_it_is if convert is None else convert for convert in found)


def _as_it_is(value: Any) -> Any:
    return value


def _append_sqlite(
    connection: Connection,
    identity_id: str,
    person_id: str,
    messages: list[tuple[str, bytes | None]],
    now: datetime,
) -> list[int]:
    """The rows (JSON body, image) in one statement given to SQLite's driver itself; their
    ids in order.

    SQLite numbers the rows of one INSERT in the order of its VALUES (what SQLAlchemy's own
    sorted RETURNING relies on there), so the ids sorted are the rows'. The statement runs
    on the transaction's own connection, with the column types' own conversions (the
    identity, person and time once, being the same for every row): done through SQLAlchemy
    this costs about three times as much, on every turn.
    """
    identity, person, body_of, image_of, created = _converters(connection.dialect)
    same = (identity(identity_id), person(person_id))
    at = created(now)
    values: list[Any] = []
    for body, image in messages:
        values += (*same, body_of(body), image_of(image), at)
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.execute(_sqlite_append(len(messages)), values)
    if len(messages) == 1:
        return [int(cursor.lastrowid or 0)]
    return sorted(int(i) for (i,) in cursor.fetchall())


_CUTOFF = (
    select(WebMessageRow.id)
    .where(WebMessageRow.identity_id == bindparam("identity"))
    .order_by(WebMessageRow.id.desc())
    .offset(KEEP_MESSAGES)
    .limit(1)
    .scalar_subquery()
)
_TRIM = delete(WebMessageRow).where(
    WebMessageRow.identity_id == bindparam("identity"), WebMessageRow.id <= _CUTOFF
)
# The same on SQLite, given to its driver on the turn's connection (as the append).
_SQLITE_TRIM = (
    f"DELETE FROM {WebMessageRow.__tablename__} WHERE identity_id = ? AND id <= ("
    f"SELECT id FROM {WebMessageRow.__tablename__} WHERE identity_id = ? "
    f"ORDER BY id DESC LIMIT 1 OFFSET {KEEP_MESSAGES})"
)
_COLUMNS = (WebMessageRow.id, WebMessageRow.body, WebMessageRow.image.is_not(None))
_LAST = (
    select(*_COLUMNS)
    .where(
        WebMessageRow.identity_id == bindparam("identity"), WebMessageRow.id >= bindparam("after")
    )
    .order_by(WebMessageRow.id.desc())
    .limit(bindparam("last"))
)
_ONE = select(WebMessageRow.body).where(
    WebMessageRow.id == bindparam("id"), WebMessageRow.identity_id == bindparam("identity")
)
_ONE_FOR_UPDATE = _ONE.with_for_update()
# Pending or claimed: two comparisons, because an IN list is expanded into the statement
# anew on every execution (a page, and a turn every 30 s).
_LATEST_REPLIES = 12  # enough to reach back past the replies to the person's last message


# A message's JSON (as json.dumps writes it): one encoder, not a new one for every message.
_BODY = json.JSONEncoder(ensure_ascii=False)


def add_messages(
    session: Session,
    identity_id: str,
    person_id: str,
    messages: list[tuple[dict[str, Any], bytes | None]],
    now: datetime,
) -> list[int]:
    """Append messages unless the person is gone (deleted meanwhile); returns their ids."""
    if session.get(PersonRow, person_id) is None:
        return []  # the person was just deleted: nothing of theirs is kept
    return append_messages(session, identity_id, person_id, messages, now)


def append_messages(
    session: Session,
    identity_id: str,
    person_id: str,
    messages: list[tuple[dict[str, Any], bytes | None]],
    now: datetime,
) -> list[int]:
    """Append messages to an identity's web chat (the person exists), keeping the newest
    ``KEEP_MESSAGES`` rows; returns the new messages' ids in order."""
    if not messages:
        return []
    connection = connection_of(session)
    runs = _runs(messages)
    bodies = [(_BODY.encode(run), image) for run, image in runs]
    if connection.dialect.name == "sqlite":
        rows = _append_sqlite(connection, identity_id, person_id, bodies, now)
        if any(i % TRIM_EVERY == 0 for i in rows):
            driver = connection.connection.driver_connection
            assert driver is not None
            driver.execute(_SQLITE_TRIM, (identity_id, identity_id))
    else:
        values = [
            {
                "identity_id": identity_id,
                "person_id": person_id,
                "body": body,
                "image": image,
                "created_at": now,
            }
            for body, image in bodies
        ]
        rows = [int(i) for i in connection.execute(_APPEND, values).scalars()]
        if any(i % TRIM_EVERY == 0 for i in rows):
            connection.execute(_TRIM, {"identity": identity_id})
    return [
        row * RUN + place
        for row, (run, _) in zip(rows, runs, strict=True)
        for place in range(len(run))
    ]


def _runs(
    messages: list[tuple[dict[str, Any], bytes | None]],
) -> list[tuple[list[dict[str, Any] | None], bytes | None]]:
    """The rows to write: the messages in order, at most :data:`RUN` a row, and a message
    with a picture in a row of its own."""
    runs: list[tuple[list[dict[str, Any] | None], bytes | None]] = []
    current: list[dict[str, Any] | None] = []
    for body, image in messages:
        if image is not None:
            if current:
                runs.append((current, None))
                current = []
            runs.append(([body], image))
            continue
        current.append(body)
        if len(current) == RUN:
            runs.append((current, None))
            current = []
    if current:
        runs.append((current, None))
    return runs


def recent_messages(
    session: Session, identity_id: str, *, after: int = 0, last: int | None = None
) -> list[WebMessage]:
    """An identity's web chat, oldest first: the newest ``last`` (by default what a page
    shows, ``KEEP_MESSAGES``) of those after message ``after``."""
    last = last or KEEP_MESSAGES
    # Every row holds at least one message: the newest ``last`` rows hold enough.
    values = {"identity": identity_id, "after": after // RUN, "last": last}
    rows = reversed(list(connection_of(session).execute(_LAST, values)))
    messages = []
    for row, body, image in rows:
        for place, message in enumerate(json.loads(body)):
            if message is not None and row * RUN + place > after:
                messages.append(WebMessage(row * RUN + place, message, bool(image)))
    return messages[-last:]


def message_body(session: Session, identity_id: str, message_id: int) -> dict[str, Any] | None:
    """One of this identity's messages (None when it is gone, or someone else's)."""
    row, place = divmod(message_id, RUN)
    values = {"id": row, "identity": identity_id}
    messages = _row_messages(connection_of(session).execute(_ONE, values).scalar())
    found = messages[place] if place < len(messages) else None
    return None if found is None else dict(found)


def _row_messages(body: str | None) -> list[Any]:
    """A row's messages as stored (a removed one is None); none for a row that is gone."""
    return json.loads(body) if body is not None else []


def remove_message(session: Session, identity_id: str, message_id: int) -> bool:
    """Remove one of this identity's messages (a finished progress note); False if gone."""
    row, place = divmod(message_id, RUN)
    values = {"id": row, "identity": identity_id}
    messages = _row_messages(connection_of(session).execute(_ONE_FOR_UPDATE, values).scalar())
    if place >= len(messages) or messages[place] is None:
        return False
    messages[place] = None
    mine = (WebMessageRow.id == row, WebMessageRow.identity_id == identity_id)
    if any(m is not None for m in messages):
        session.execute(update(WebMessageRow).where(*mine).values(body=_BODY.encode(messages)))
    else:
        session.execute(delete(WebMessageRow).where(*mine))
    return True


def latest_buttons(session: Session, identity_id: str) -> dict[str, str]:
    """The buttons of the replies since the person's last message: payload → label."""
    buttons: dict[str, str] = {}
    for message in reversed(recent_messages(session, identity_id, last=_LATEST_REPLIES)):
        body = message.body
        if body.get("role") == "person":
            break
        for label, value in [*body.get("options", []), *body.get("actions", [])]:
            buttons.setdefault(str(value), str(label))
    return buttons


@dataclass(frozen=True, slots=True)
class PagePerson:
    """Whose page it is: the person an identity belongs to, their language and state, and
    whether a reminder or notice may be due for them (see :func:`storage.outbox.has_due`)."""

    person_id: str
    lang: str
    state: dict[str, Any] | None
    due: bool


@functools.cache
def _page_person() -> Select[tuple[str, str, dict[str, Any] | None, bool]]:
    # storage.people, which imports this module, defines the identities table (and
    # storage.outbox imports storage.people): looked up when first used. Its person when
    # joined, else the identity itself (people.resolve).
    from storage.outbox import WAITING

    identities = Base.metadata.tables["identities"]
    joined = (
        select(identities.c.person_id)
        .where(identities.c.id == bindparam("identity"))
        .scalar_subquery()
    )
    due = (
        select(OutboxRow.id)
        .where(
            OutboxRow.person_id == PersonRow.id,
            OutboxRow.status.in_(WAITING),
            OutboxRow.due_at <= bindparam("now"),
        )
        .exists()
    )
    return (
        select(PersonRow.id, PersonRow.lang, ConversationRow.state, due)
        .join(ConversationRow, ConversationRow.person_id == PersonRow.id)
        .where(PersonRow.id == func.coalesce(joined, bindparam("identity")))
    )


def page_person(session: Session, identity_id: str, now: datetime) -> PagePerson | None:
    """The person of an identity with their conversation, in one statement (None if none is
    stored yet): what every page of the web chat is drawn for."""
    values = {"identity": identity_id, "now": now}
    row = connection_of(session).execute(_page_person(), values).first()
    return None if row is None else PagePerson(row[0], row[1], row[2], bool(row[3]))


def message_image(session: Session, identity_id: str, message_id: int) -> bytes | None:
    """The picture of one of this identity's messages (None for anyone else's)."""
    row, place = divmod(message_id, RUN)
    if place:
        return None  # a picture's message is the first and only one of its row
    return session.execute(
        select(WebMessageRow.image).where(
            WebMessageRow.id == row, WebMessageRow.identity_id == identity_id
        )
    ).scalar_one_or_none()


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def new_resume_code(session: Session, identity_id: str, code: str, expires_at: datetime) -> None:
    """Store a resume code (only its hash) for ``identity_id``."""
    session.execute(delete(ResumeCodeRow).where(ResumeCodeRow.identity_id == identity_id))
    session.add(
        ResumeCodeRow(code_hash=_hash(code), identity_id=identity_id, expires_at=expires_at)
    )


def use_resume_code(session: Session, code: str, now: datetime) -> str | None:
    """The identity a resume code continues (it is used up), or None."""
    session.execute(delete(ResumeCodeRow).where(ResumeCodeRow.expires_at <= now))
    row = session.get(ResumeCodeRow, _hash(code))
    if row is None:
        return None
    identity = row.identity_id
    session.delete(row)
    return identity


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DocumentLink:
    """What a document link renders."""

    id: str
    person_id: str
    kind: str
    filename: str
    version: int
    reference: str | None
    uses_left: int
    expires_at: datetime


def answer_version(session: Session, person_id: str) -> int:
    """The newest answer row id of a person: the version of their answers right now."""
    newest = session.execute(
        select(func.max(AnswerRow.id)).where(AnswerRow.person_id == person_id)
    ).scalar_one_or_none()
    return int(newest or 0)


def add_link(
    session: Session,
    person_id: str,
    *,
    kind: str,
    filename: str,
    reference: str | None,
    uses: int,
    expires_at: datetime,
    now: datetime,
) -> DocumentLink:
    """Record a document link over the person's answers as they are now."""
    session.execute(delete(DocumentLinkRow).where(DocumentLinkRow.expires_at <= now))
    row = DocumentLinkRow(
        id=secrets.token_urlsafe(16),
        person_id=person_id,
        kind=kind,
        filename=filename,
        version=answer_version(session, person_id),
        reference=reference,
        uses_left=uses,
        expires_at=expires_at,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _link(row)


def _link(row: DocumentLinkRow) -> DocumentLink:
    return DocumentLink(
        row.id,
        row.person_id,
        row.kind,
        row.filename,
        row.version,
        row.reference,
        row.uses_left,
        _aware(row.expires_at),
    )


def take_link(session: Session, link_id: str, now: datetime) -> DocumentLink | None:
    """Use a link once: None when it is unknown, expired or used up."""
    row = session.get(DocumentLinkRow, link_id, with_for_update=True)
    if row is None or _aware(row.expires_at) <= now or row.uses_left <= 0:
        return None
    row.uses_left -= 1
    return _link(row)


def answers_as_of(session: Session, person_id: str, version: int) -> dict[str, Any]:
    """The answers keyed ``dialog.field`` as they were when ``version`` was the newest row."""
    rows = session.execute(
        select(AnswerRow.dialog_id, AnswerRow.field, AnswerRow.value)
        .where(AnswerRow.person_id == person_id, AnswerRow.id <= version)
        .order_by(AnswerRow.id)
    )
    answers: dict[str, Any] = {}
    for row in rows:
        answers[f"{row.dialog_id}.{row.field}"] = row.value
    return answers

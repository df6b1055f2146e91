"""Import drafts: the entries read from a person's 職務経歴書, kept while they confirm them.

The document itself is never stored; only what was read from it waits here, one row per
person, until each entry is registered or skipped (then the row goes). /delete removes it
with the person, and /mydata shows it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, JSONValue


class ImportDraftRow(Base):
    """What was read from one document: the entries still to confirm, and where we are.

    ``work`` is the conversation's place in the draft: which entry is shown, which field is
    being corrected, which entries were registered and what they still lack.
    """

    __tablename__ = "import_drafts"

    person_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    proposals: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue)
    work: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# Set in a turn's session when the person's message was a document, read and not kept: a
# channel that keeps its own log of the conversation (the web chat's page) keeps a note instead.
_DOCUMENT_READ = "import.document_read"


def mark_document_read(session: Session) -> None:
    """This turn's message was a pasted document: read, and not to be kept anywhere."""
    session.info[_DOCUMENT_READ] = True


def document_read(session: Session) -> bool:
    """Whether this turn's message was a pasted document (see :func:`mark_document_read`)."""
    return bool(session.info.get(_DOCUMENT_READ))


def load(session: Session, person_id: str) -> ImportDraftRow | None:
    """The person's draft, if an import is under way."""
    return session.get(ImportDraftRow, person_id)


def save(
    session: Session,
    person_id: str,
    proposals: list[dict[str, Any]],
    work: dict[str, Any],
    position: int,
    now: datetime,
) -> None:
    """Keep (or replace) the person's draft."""
    row = session.get(ImportDraftRow, person_id)
    if row is None:
        row = ImportDraftRow(person_id=person_id, created_at=now)
        session.add(row)
    row.proposals = proposals
    row.work = work
    row.position = position
    row.updated_at = now


def drop(session: Session, person_id: str) -> None:
    """Forget the draft (the import is finished or replaced)."""
    session.execute(delete(ImportDraftRow).where(ImportDraftRow.person_id == person_id))


def export(session: Session, person_id: str) -> dict[str, Any] | None:
    """The draft as /mydata shows it (None when there is none)."""
    row = session.get(ImportDraftRow, person_id)
    if row is None:
        return None
    return {
        "proposals": row.proposals,
        "position": row.position,
        "saved_at": row.updated_at.isoformat(),
    }

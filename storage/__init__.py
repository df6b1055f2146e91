"""Persistence: SQLAlchemy models, repository functions and Alembic migrations."""

import storage.audit  # registers the audit trail on Base.metadata
import storage.booking  # registers the booking tables on Base.metadata
import storage.importing  # registers the import drafts (a 職務経歴書 being confirmed)
import storage.juku  # registers the juku tables on Base.metadata
import storage.line  # registers LINE's followers and push counts
import storage.people  # registers identities, link codes, web messages and document links
import storage.review  # noqa: F401  (registers the review tables on Base.metadata)
from storage.db import make_engine, make_session_factory
from storage.migrate import ensure_schema, upgrade

__all__ = ["ensure_schema", "make_engine", "make_session_factory", "upgrade"]

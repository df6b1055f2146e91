"""Persistence: SQLAlchemy models, repository functions and Alembic migrations.

A feature's tables (bookings, juku, review, LINE, the web chat, import drafts, the audit
trail) are defined in its own module, imported with the feature: `jobcard chat` shows its
first prompt without them. ``storage.models.every_table()`` imports them all (migrations,
moving what a person owns).
"""

import storage.people  # noqa: F401  (identities and link codes)
from storage.db import make_engine, make_session_factory
from storage.migrate import ensure_schema, upgrade

__all__ = ["ensure_schema", "make_engine", "make_session_factory", "upgrade"]

"""Persistence: SQLAlchemy models, repository functions and Alembic migrations."""

from storage.db import make_engine, make_session_factory
from storage.migrate import ensure_schema, upgrade

__all__ = ["ensure_schema", "make_engine", "make_session_factory", "upgrade"]

"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage import make_engine, upgrade
from storage.migrate import current_revisions, ensure_schema, head_revisions
from storage.models import every_table
from tests import pgserver


def _diff(url: str) -> list[object]:
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), every_table())
    engine.dispose()
    return list(diff)


def test_sqlite_schema_matches_models(sqlite_url: str) -> None:
    assert _diff(sqlite_url) == []


def test_postgres_schema_matches_models(pg_server: str) -> None:
    assert _diff(pgserver.new_database(pg_server, "migrations_check")) == []


def test_empty_sqlite_is_upgraded_automatically(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    assert current_revisions(engine) == frozenset()
    ensure_schema(engine)
    assert current_revisions(engine) == head_revisions() != frozenset()


def test_the_heads_read_from_the_migration_files_are_alembics() -> None:
    """Start-up checks the schema without importing Alembic: the heads must agree."""
    from storage import migrate

    assert migrate._read_heads() == migrate._alembic_heads()

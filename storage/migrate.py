"""Run Alembic migrations from the installed package (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


# Any fixed 64-bit number, the same in every worker: PostgreSQL's advisory lock key.
_UPGRADE_LOCK = 0x6A6F_6263_6172_6401  # "jobcard" + 1


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Upgrade the database to ``revision`` (by default every feature's newest migration).

    Features add their tables on their own migration branches, so there may be several heads.
    Several workers may upgrade at once: the whole upgrade is one transaction that first
    takes a lock (see :func:`lock_for_upgrade`), so the second waits for the first and then
    finds nothing left to do.
    """
    command.upgrade(_config(engine), revision)


def lock_for_upgrade(connection: Connection) -> None:
    """Hold the migration lock until ``connection``'s transaction ends.

    PostgreSQL: a transaction-level advisory lock. SQLite: the transaction began with
    ``BEGIN IMMEDIATE`` (the connection has the write option), which is the lock.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK})


def current_revisions(engine: Engine) -> frozenset[str]:
    """The revisions the database is at (empty for an empty database)."""
    with engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def head_revisions() -> frozenset[str]:
    """The newest revisions shipped with the code."""
    return frozenset(ScriptDirectory.from_config(_config_for_script()).get_heads())


def _config_for_script() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


class SchemaOutdatedError(RuntimeError):
    """The database needs ``jobcard db upgrade`` before it can be used."""


def ensure_schema(engine: Engine) -> None:
    """Upgrade SQLite automatically; ask for an explicit upgrade on other databases.

    Raises:
        SchemaOutdatedError: A server database is behind the code's migrations.
    """
    if current_revisions(engine) == head_revisions():
        return
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    raise SchemaOutdatedError(
        "the database schema is not up to date: run `jobcard db upgrade --db URL` first"
    )

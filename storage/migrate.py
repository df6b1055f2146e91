"""Run Alembic migrations from the installed package (no alembic.ini needed).

Alembic is imported only to migrate: checking that a database is up to date (every start of
every command) reads the version table and the migration files' revision ids directly.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(engine: Engine) -> Config:
    from alembic.config import Config

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
    from alembic import command

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
        if not engine.dialect.has_table(connection, "alembic_version"):
            return frozenset()
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return frozenset(str(row[0]) for row in rows)


def head_revisions() -> frozenset[str]:
    """The newest revisions shipped with the code."""
    return _read_heads() or _alembic_heads()


def _alembic_heads() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(_config_for_script()).get_heads())


@cache
def _read_heads() -> frozenset[str] | None:
    """The heads, from the ``revision`` and ``down_revision`` of each migration file.

    None when a file does not say them plainly: Alembic then reads the files itself.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found: dict[str, object] = {}
        for node in _module_header(path.read_text(encoding="utf-8")):
            target = node.targets[0] if isinstance(node, ast.Assign) else None
            if isinstance(node, ast.AnnAssign):
                target = node.target
            value = getattr(node, "value", None)
            if isinstance(target, ast.Name) and value is not None:
                try:
                    found[target.id] = ast.literal_eval(value)
                except ValueError:
                    found[target.id] = ...
        revision, down = found.get("revision"), found.get("down_revision", ...)
        if not isinstance(revision, str) or found.get("depends_on") not in (None, ()):
            return None
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple) and all(isinstance(d, str) for d in down):
            parents.update(down)
        elif down is not None:
            return None
        revisions.add(revision)
    return frozenset(revisions - parents) or None


def _module_header(text: str) -> list[ast.stmt]:
    """The statements of a migration file before its first function (where Alembic writes
    the revision ids): parsing only those is a thirtieth of the work, done at every start.
    A header that does not parse alone is read with the rest of the file."""
    end = text.find("\ndef ")
    try:
        return ast.parse(text if end < 0 else text[:end]).body
    except SyntaxError:
        return ast.parse(text).body


def _config_for_script() -> Config:
    from alembic.config import Config

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

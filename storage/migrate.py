"""Run Alembic migrations from the installed package (no alembic.ini needed).

Alembic is imported only to migrate: checking that a database is up to date (every start of
every command) reads the version table and the migration files' revision ids directly.
"""

from __future__ import annotations

import ast
import re
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
        found = _header_ids(path.read_text(encoding="utf-8"))
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


# ``revision = "0001"`` (or ``down_revision: str | None = …``) at the start of a line.
_ASSIGNED_ID = re.compile(r"^(revision|down_revision|depends_on)\b[^=\n]*=(.*)$", re.MULTILINE)


def _header_ids(text: str) -> dict[str, object]:
    """The revision ids a migration file assigns before its first function (where Alembic
    writes them), each read as a one-line literal, or ``...`` when it is not one (Alembic
    then reads the files itself). Done at every start: a pattern finds them in about 1.5 ms
    less than parsing the headers as Python did."""
    end = text.find("\ndef ")
    found: dict[str, object] = {}
    for name, value in _ASSIGNED_ID.findall(text if end < 0 else text[:end]):
        try:
            found[name] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            found[name] = ...
    return found


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

"""Alembic environment: migrations run on the engine handed over by storage.migrate."""

from __future__ import annotations

from alembic import context

from storage.db import WRITE
from storage.migrate import lock_for_upgrade
from storage.models import every_table

config = context.config
engine = config.attributes["engine"]

# One transaction for the whole upgrade, opened before Alembic reads the current revision
# and locked first: a second worker upgrading at the same moment waits, then finds the
# schema up to date (on SQLite the write option makes it BEGIN IMMEDIATE).
with engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
    lock_for_upgrade(connection)
    context.configure(
        connection=connection,
        target_metadata=every_table(),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()

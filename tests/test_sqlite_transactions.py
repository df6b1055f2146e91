"""On SQLite only writing transactions take the write lock; reads never queue behind a writer."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.bootstrap import Runtime
from bot.engine import Inbound
from bot.web import create_app
from storage import ensure_schema, make_engine, make_session_factory, upgrade
from storage.db import AUTOCHECKPOINT_FALLBACK, CHECKPOINT_EVERY
from storage.models import PersonRow
from tests.conftest import NOW, RuntimeFactory
from tests.web.server import serving


@contextmanager
def another_writer(path: Path) -> Iterator[None]:
    """Another process's connection in the middle of a write transaction."""
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_reads_and_the_schema_check_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    engine = make_engine(f"sqlite:///{path}?timeout=0.2")
    upgrade(engine)
    sessions = make_session_factory(engine)
    with another_writer(path):
        ensure_schema(engine)  # the startup check reads only
        with sessions() as session:
            assert session.scalars(select(PersonRow)).all() == []
        # A writing unit of work still takes the lock at BEGIN, so it waits (and here,
        # with a 0.2 s wait, gives up) instead of failing halfway on a lock upgrade.
        with pytest.raises(OperationalError, match="database is locked"), sessions.begin() as s:
            s.scalars(select(PersonRow)).all()
    with sessions.begin() as session:  # once the writer is done, writing works again
        session.add(PersonRow(id="console:a", lang="ja", created_at=NOW))
    engine.dispose()


def test_dashboard_pages_and_the_overview_read_during_a_write(
    make_runtime: RuntimeFactory, tmp_path: Path
) -> None:
    path = tmp_path / "db.sqlite3"
    runtime: Runtime = make_runtime(f"sqlite:///{path}?timeout=0.2")
    app = create_app(runtime.sessions)
    with serving(app) as url, another_writer(path):
        overview = runtime.service.overview("console:nobody")
        assert overview.consented is None
        with httpx.Client(base_url=url) as client:
            assert client.get("/login").status_code == 200
            assert client.get("/queue").status_code == 303  # read the (absent) session


def test_the_wal_is_copied_into_the_database_file_by_a_thread_of_its_own(
    make_runtime: RuntimeFactory, tmp_path: Path
) -> None:
    # A commit copies the WAL into the database file only past AUTOCHECKPOINT_FALLBACK pages
    # (SQLite's own default would be 1,000, a turn in every 150 or so paying for it): before
    # that, the checkpointer thread does, woken by the commits.
    path = tmp_path / "db.sqlite3"
    runtime = make_runtime(f"sqlite:///{path}")
    for number in range(CHECKPOINT_EVERY):
        inbound = Inbound(f"console:{number}", text="/start", delivery_id=f"d{number}")
        assert runtime.service.handle(inbound)
    with runtime.engine.connect() as turns:
        pages = turns.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert pages == AUTOCHECKPOINT_FALLBACK
    # The database file alone (a copy without its WAL) soon holds the people the turns made:
    # all but perhaps the last, whose commit woke the thread (the rest wait for the next).
    alone = tmp_path / "alone.sqlite3"
    deadline = time.monotonic() + 10
    people = 0
    while people < CHECKPOINT_EVERY - 1 and time.monotonic() < deadline:
        time.sleep(0.05)
        shutil.copyfile(path, alone)
        connection = sqlite3.connect(alone)
        try:
            (people,) = connection.execute("SELECT count(*) FROM people").fetchone()
        except sqlite3.DatabaseError:
            pass  # copied while the thread was writing pages into the file: look again
        finally:
            connection.close()
        alone.unlink()
    assert people >= CHECKPOINT_EVERY - 1
    assert "sqlite-checkpoint" in {thread.name for thread in threading.enumerate()}

"""Shared fixtures: a fixed clock, real SQLite and PostgreSQL runtimes, and chat drivers."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.bootstrap import Runtime, build_runtime
from bot.config import Settings
from bot.engine import LoadedDialogs, load_dialogs
from dialogs import DIALOGS_DIR
from tests import pgserver
from tests.chat import Chat

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # 12:00 in Japan


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: NOW


@pytest.fixture(scope="session")
def test_dialogs() -> LoadedDialogs:
    return load_dialogs([DIALOGS_DIR, FIXTURES / "dialogs"])


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'jobcard.sqlite3'}"


RuntimeFactory = Callable[..., Runtime]


@pytest.fixture
def make_runtime(
    clock: Callable[[], datetime], test_dialogs: LoadedDialogs
) -> Iterator[RuntimeFactory]:
    built: list[Runtime] = []

    def make(url: str, dialogs: LoadedDialogs | None = None) -> Runtime:
        runtime = build_runtime(
            Settings(database_url=url), dialogs=dialogs or test_dialogs, clock=clock
        )
        built.append(runtime)
        return runtime

    yield make
    for runtime in built:
        runtime.engine.dispose()


@pytest.fixture
def runtime(make_runtime: RuntimeFactory, sqlite_url: str) -> Runtime:
    return make_runtime(sqlite_url)


@pytest.fixture
def chat(runtime: Runtime) -> Chat:
    return Chat(runtime.service)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    if not pgserver.available():
        if os.environ.get("JOBCARD_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL is required here but initdb/pg_ctl are not installed")
        pytest.skip("PostgreSQL (initdb, pg_ctl) is not installed")
    with pgserver.throwaway_postgres() as url:
        yield url


_databases = itertools.count()


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A fresh, empty database on the throwaway server, upgraded to the current schema."""
    url = pgserver.new_database(pg_server, f"test_{os.getpid()}_{next(_databases)}")
    from storage import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url

"""Several workers upgrading one fresh database at once: one migrates, the others wait."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from storage import make_engine
from storage.migrate import current_revisions, head_revisions
from tests import pgserver


def _upgrade_together(url: str, workers: int = 2) -> list[subprocess.CompletedProcess[str]]:
    """Start ``workers`` × ``jobcard db upgrade`` at the same moment; wait for all."""
    env = {**os.environ, "JOBCARD_DATABASE_URL": url}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "db", "upgrade"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(workers)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def _assert_upgraded(url: str, results: list[subprocess.CompletedProcess[str]]) -> None:
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == "database is up to date\n"
    engine = make_engine(url)
    assert current_revisions(engine) == head_revisions()
    engine.dispose()


def test_two_upgrades_at_once_on_a_fresh_postgresql(pg_server: str) -> None:
    url = pgserver.new_database(pg_server, "concurrent_upgrade")
    _assert_upgraded(url, _upgrade_together(url))


def test_two_upgrades_at_once_on_a_fresh_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    _assert_upgraded(url, _upgrade_together(url))

"""`jobcard import` for a counselor, and `/import FILE` on the console, as subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.importing.corpus import documents

CV = next(d for d in documents() if d.name.startswith("02_")).text
CONSENT = "1\nはい\n山田 太郎\nやまだ たろう\n5\n1\nはい\n2\n確定する\n"


def jobcard(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, JOBCARD_DATABASE_URL=f"sqlite:///{db}")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_a_dry_run_prints_the_proposals_and_stores_nothing(tmp_path: Path) -> None:
    cv = tmp_path / "rirekisho.txt"
    cv.write_bytes(CV.encode("cp932"))
    done = jobcard(tmp_path / "db.sqlite3", "import", "--user", "console:x", str(cv), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "【職務経歴（様式2）】1件目（全2件）" in done.stdout
    assert "会社名：株式会社みなと銀行" in done.stdout and "nothing was stored" in done.stdout
    assert not (tmp_path / "db.sqlite3").exists()


def test_the_person_confirms_in_chat_what_a_counselor_imported(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    cv = tmp_path / "rirekisho.txt"
    cv.write_text(CV, encoding="utf-8")
    refused = jobcard(db, "import", "--user", "console:hanako", str(cv))
    assert refused.returncode == 1 and "has not agreed" in refused.stderr
    assert jobcard(db, "chat", "--user", "hanako", stdin=CONSENT).returncode == 0
    done = jobcard(db, "import", "--user", "console:hanako", str(cv))
    assert done.returncode == 0 and "6 entries are waiting" in done.stdout
    chat = jobcard(db, "chat", "--user", "hanako", stdin="はい\n登録する\n正社員\nスキップ\n")
    assert "相談員があなたの職務経歴書・履歴書を読み込みました" in chat.stdout
    assert "「株式会社みなと銀行」を登録しました" in chat.stdout
    data = json.loads(jobcard(db, "export", "--user", "console:hanako", "--format", "data").stdout)
    assert data["answers"]["work_history.jobs"][0]["employment_type"] == "regular"
    assert data["import_pending"]["position"] == 1  # the rest waits, shown in /mydata


def test_the_console_reads_a_file_with_slash_import(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    cv = tmp_path / "職務経歴書.txt"
    cv.write_text(CV, encoding="utf-8")
    script = CONSENT + f"/import {cv}\n/import {tmp_path / 'missing.docx'}\n"
    chat = jobcard(db, "chat", "--user", "taro", stdin=script)
    assert chat.returncode == 0, chat.stderr
    assert "ファイル「職務経歴書.txt」を読み込みました" in chat.stdout
    assert "会社名：株式会社みなと銀行" in chat.stdout
    assert "missing.docx」が見つかりません" in chat.stdout

"""``jobcard export`` for the documents: formats, default file names, chosen sheets."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.bootstrap import Runtime
from bot.cli import main
from tests.documents import poppler

HANAKO = "console:hanako"


@pytest.fixture
def db(hanako_runtime: Runtime) -> str:
    """The database where hanako chatted her whole card in."""
    return hanako_runtime.settings.database_url


@pytest.mark.usefixtures("needs_poppler")
def test_pdf_goes_to_a_default_file_whose_path_is_printed(db: str, tmp_path: Path) -> None:
    # The real command, in its own process.
    result = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--user", HANAKO, "--format", "pdf", "--db", db],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    path = tmp_path / result.stdout.strip()
    assert path.name == "jobcard-console-hanako.pdf"
    text = poppler.text(path.read_bytes())
    assert "株式会社みなと銀行" in text and "職務経歴シート" in text


def test_xlsx_to_a_named_file_with_chosen_sheets(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "card.xlsx"
    args = ["export", "--user", HANAKO, "--format", "xlsx", "--sheets", "3-1,2", "-o", str(out)]
    assert main([*args, "--db", db]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    workbook = load_workbook(io.BytesIO(out.read_bytes()))
    assert workbook.sheetnames == ["様式2", "様式3-1"]


def test_text_formats_go_to_stdout_and_json_is_unchanged(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--user", HANAKO, "--format", "html", "--db", db]) == 0
    html = capsys.readouterr().out
    assert html.startswith("<!DOCTYPE html>")
    assert "キャリア・プランシート（就業経験がある方用）" in html
    assert main(["export", "--user", HANAKO, "--format", "md", "--sheets", "1", "--db", db]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# ジョブ・カード") and "職務経歴シート" not in markdown
    assert main(["export", "--user", HANAKO, "--db", db]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["format"] == "jobcard-coach/1" and card["person"]["name"] == "佐藤 花子"
    assert not list(tmp_path.iterdir())  # text formats write no file


def test_unknown_sheets_and_people_fail_clearly(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--user", HANAKO, "--format", "pdf", "--sheets", "4", "--db", db])
    assert exit_.value.code == 2 and "unknown sheet 4" in capsys.readouterr().err
    assert main(["export", "--user", "console:nobody", "--format", "pdf", "--db", db]) == 1
    assert "nothing is stored" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())

"""The ``jobcard`` command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

BROKEN = FIXTURES / "broken"


def jobcard(
    *args: str, stdin: str = "", db: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if db is not None:
        env["JOBCARD_DATABASE_URL"] = f"sqlite:///{db}"
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_scripted_chat_then_resume_in_a_new_process(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    first = jobcard("chat", "--user", "hanako", stdin="1\nはい\n佐藤 花子\n", db=db)
    assert first.returncode == 0, first.stderr
    assert "お名前（氏名）" in first.stdout and "ふりがな" in first.stdout
    second = jobcard("chat", "--user", "hanako", stdin="さとう はなこ\n", db=db)
    assert second.returncode == 0, second.stderr
    assert "おかえりなさい" in second.stdout and "年代" in second.stdout
    exported = jobcard("export", "--user", "console:hanako", "--format", "data", db=db)
    data = json.loads(exported.stdout)
    assert data["answers"]["profile.name"] == "佐藤 花子"
    assert data["answers"]["profile.furigana"] == "さとう はなこ"
    card = json.loads(jobcard("export", "--user", "console:hanako", db=db).stdout)
    assert card["format"] == "jobcard-coach/1"
    assert card["person"]["name"] == "佐藤 花子"


def test_chat_in_english_with_a_start_dialog(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    result = jobcard(
        "chat", "--user", "ken", "--lang", "en", "--start", "profile", stdin="", db=db
    )
    assert result.returncode == 0
    assert "Choose your language" in result.stdout  # consent comes first for a new person


def test_multiline_answer_with_backslash(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    jobcard("chat", "--user", "a", stdin="1\nはい\n", db=db)
    result = jobcard("chat", "--user", "a", stdin="山田\\\n太郎\n", db=db)
    assert result.returncode == 0
    data = json.loads(jobcard("export", "--user", "console:a", "--format", "data", db=db).stdout)
    assert data["answers"]["profile.name"] == "山田 太郎"  # single-line text: newline → space


def test_dialogs_check_passes_on_shipped_dialogs() -> None:
    result = jobcard("dialogs", "check")
    assert result.returncode == 0
    assert "profile" in result.stdout


def test_dialogs_check_names_file_line_and_step() -> None:
    result = jobcard("dialogs", "check", str(BROKEN / "dangling_next.yaml"))
    assert result.returncode == 1
    assert f"{BROKEN / 'dangling_next.yaml'}:7: step 'q1': next: there is no step 'nowhere'" in (
        result.stderr
    )


def test_dialogs_graph_writes_mermaid(tmp_path: Path) -> None:
    out = tmp_path / "profile.mmd"
    result = jobcard("dialogs", "graph", "profile", "-o", str(out))
    assert result.returncode == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("flowchart TD") and "name" in text and "summary" in text


def test_export_of_unknown_person_fails_clearly(tmp_path: Path) -> None:
    result = jobcard("export", "--user", "console:nobody", db=tmp_path / "x.sqlite3")
    assert result.returncode == 1 and "nothing is stored" in result.stderr


def test_db_upgrade(tmp_path: Path) -> None:
    result = jobcard("db", "upgrade", db=tmp_path / "new.sqlite3")
    assert result.returncode == 0 and "up to date" in result.stdout


def test_delete_person(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    jobcard("chat", "--user", "b", stdin="1\nはい\n鈴木\n", db=db)
    assert jobcard("delete", "--user", "console:b", "--yes", db=db).returncode == 0
    assert jobcard("export", "--user", "console:b", db=db).returncode == 1


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("chat",),
        ("dialogs",),
        ("dialogs", "check"),
        ("dialogs", "graph"),
        ("db", "upgrade"),
        ("export",),
        ("delete",),
    ],
)
def test_help_on_every_command(args: tuple[str, ...]) -> None:
    result = jobcard(*args, "--help")
    assert result.returncode == 0
    assert "usage: jobcard" in result.stdout


def test_feature_commands_are_listed_as_the_features_register_them() -> None:
    """`jobcard --help` lists feature commands without importing them: the list must agree."""
    import argparse

    from bot.cli import FEATURE_COMMANDS, _feature, build_parser

    for module, owned in FEATURE_COMMANDS.items():
        commands = argparse.ArgumentParser().add_subparsers(dest="command")
        _feature(module).register(commands)
        registered = {
            action.dest: action.help
            for action in commands._choices_actions  # the help of each command
        }
        assert registered == {name: text for name, (text, _) in owned.items()}, module
        aliases = {name for name in commands.choices if name not in registered}
        assert aliases == {alias for _, (_, names) in owned.items() for alias in names}
    assert build_parser(["--help"]).format_help() == build_parser().format_help()


def test_help_and_the_console_import_no_other_features_libraries() -> None:
    check = (
        "import sys; from bot.cli import build_parser; build_parser(['--help']); "
        "build_parser(['chat']); "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'openpyxl', 'bot.booking.cli') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("args", [("bookings", "list"), ("cohort", "list"), ("counselor",)])
def test_a_feature_command_still_runs_with_its_own_options(args: tuple[str, ...]) -> None:
    result = jobcard(*args, "--help")
    assert result.returncode == 0 and f"usage: jobcard {' '.join(args)}" in result.stdout

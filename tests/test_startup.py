"""`jobcard chat` starts quickly: features load after the first prompt, and nothing is lost.

The console's first prompt waits only for what the first turn needs; the features (booking,
juku, review, import, the card's documents) are imported by the first turn that needs one,
or in the background once the first prompt is on screen. These tests drive the real command
in a pseudo-terminal (``-X importtime`` shows what was imported before the prompt) and
through a pipe; timings are in ``tests/bench/startup.py``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest

from bot.bootstrap import FEATURE_NAMES, Features
from bot.config import Settings
from bot.engine import load_dialogs
from dialogs import DIALOGS_DIR
from tests.channels.test_console_terminal import PROMPT_READY, _env, _spawn, quit_chat
from tests.test_cli import jobcard

# Never needed before the first prompt: each is a feature's or a document's library.
NOT_BEFORE_THE_PROMPT = (
    "bot.booking",
    "bot.juku",
    "bot.review",
    "bot.importing",
    "bot.documents",
    "bot.jobcard",
    "jinja2",
    "holidays",
    "jsonschema",
    "alembic",
    "weasyprint",
    "openpyxl",
    "matplotlib",
    "sudachipy",
    "pydantic",
    # The engine's answer parsers: taken with the first typed answer (or the background load).
    "bot.engine.answering",
    "bot.engine.coaching",
    "bot.engine.licences",
    "bot.engine.dates",
    "bot.engine.periods",
    "bot.engine.composer",
    # On SQLite: PostgreSQL's dialect (and its drivers), and the tables of the features.
    "sqlalchemy.dialects.postgresql",
    # The ORM: the first turn runs Core statements on the core tables (storage.tables).
    "sqlalchemy.orm",
    "storage.models",
    "storage.audit",
    "storage.booking",
    "storage.importing",
    "storage.juku",
    "storage.line",
    "storage.review",
    "storage.webchat",
)
# The ORM and the wiring of every feature, imported by the background loading without a
# keystroke.
WIRING = (
    "storage.models",
    "bot.booking.wiring",
    "bot.juku.wiring",
    "bot.review.wiring",
    "bot.importing.wiring",
)


def _imported(importtime_output: str) -> set[str]:
    """The modules named in ``-X importtime`` lines (``import time: self | total | name``)."""
    names = set()
    for line in importtime_output.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def _spawn_timed(db: Path, user: str) -> pexpect.spawn:
    """``jobcard chat`` with ``-X importtime``: its import lines share the terminal."""
    return pexpect.spawn(
        sys.executable,
        ["-X", "importtime", "-m", "bot", "chat", "--user", user],
        env=_env(db),
        cwd=str(db.parent),
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=60,
    )


def test_the_first_prompt_comes_before_any_feature_loads_and_they_load_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "chat.sqlite3"
    assert jobcard("db", "upgrade", db=db).returncode == 0  # a new database needs Alembic
    # The catalog built by a first start, as after any start of an installed copy, in a
    # cache folder of its own (the cache keeps one catalog: another checkout's start on
    # this machine would replace a shared one, and this start would build it again).
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert jobcard("chat", "--user", "first", db=db).returncode == 0
    child = _spawn_timed(db, "early")
    child.expect_exact(PROMPT_READY)
    assert "使う言語を選んでください" in str(child.before)
    before = _imported(str(child.before))
    # The first turn really was taken from the database.
    assert {"sqlalchemy.engine", "storage.repositories"} <= before
    early = sorted(m for m in before if m.startswith(NOT_BEFORE_THE_PROMPT))
    assert early == []
    # Nothing typed: the features load in the background while the person reads.
    for module in WIRING:
        child.expect(rf"\| +{module.replace('.', '[.]')}\r?\n")
    child.send("1\r")  # and the chat goes on
    child.expect_exact("同意して")
    child.expect_exact(PROMPT_READY)
    quit_chat(child)


def test_a_fast_typist_loses_nothing_while_the_console_starts_and_loads(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    child = _spawn(db, "--user", "quick")
    child.send("1\r")  # typed before the first prompt is there
    child.expect_exact("同意して")
    child.expect_exact(PROMPT_READY)
    # Typed at once, key by key, while the features load in the background.
    for key in "はい\r山田 太郎\r":
        child.send(key)
    child.expect_exact("ふりがな")
    child.expect_exact(PROMPT_READY)
    quit_chat(child)
    exported = jobcard("export", "--user", "console:quick", "--format", "data", db=db)
    answers = json.loads(exported.stdout)["answers"]
    assert answers["profile.name"] == "山田 太郎"
    # Started again, the first prompt is where the person stopped.
    child = _spawn(db, "--user", "quick")
    child.expect_exact("おかえりなさい")
    child.expect_exact("ふりがな")
    child.expect_exact(PROMPT_READY)
    quit_chat(child)


def test_a_piped_chat_loads_a_feature_when_its_turn_first_needs_it(tmp_path: Path) -> None:
    """No background loading in a script: the booking turn imports booking itself, and so
    does the first turn of someone who stopped at a booking question (its options are read
    from the booking feature), so their first prompt is that question with its places."""
    db = tmp_path / "chat.sqlite3"
    result = jobcard("chat", "--user", "script", stdin="1\nはい\n予約\n対面\n", db=db)
    assert result.returncode == 0, result.stderr
    assert "ご希望の相談場所" in result.stdout
    assert "センター" in result.stdout.split("ご希望の相談場所", 1)[1]
    resumed = jobcard("chat", "--user", "script", stdin="", db=db)
    assert resumed.returncode == 0, resumed.stderr
    assert "おかえりなさい" in resumed.stdout
    assert "センター" in resumed.stdout.split("ご希望の相談場所", 1)[1]


def test_features_provide_exactly_the_names_the_composition_root_looks_them_up_by() -> None:
    features = Features(Settings(database_url="sqlite://"))
    for feature, (actions, sources) in FEATURE_NAMES.items():
        parts = features.parts(feature)
        assert set(parts.actions) == actions, feature
        assert set(parts.sources) == sources, feature


def _named(spec: Any, key: str) -> Iterator[str]:
    if isinstance(spec, dict):
        for name, value in spec.items():
            if name == key and isinstance(value, str):
                yield value
            yield from _named(value, key)
    elif isinstance(spec, list):
        for item in spec:
            yield from _named(item, key)


def test_every_action_and_options_source_a_dialog_names_has_a_feature() -> None:
    specs = load_dialogs([DIALOGS_DIR]).specs.values()
    emitted = {name for spec in specs for name in _named(spec, "emit")}
    sourced = {name for spec in specs for name in _named(spec, "options_from")}
    assert emitted and sourced
    assert emitted <= {name for actions, _ in FEATURE_NAMES.values() for name in actions}
    assert sourced <= {name for _, sources in FEATURE_NAMES.values() for name in sources}

"""Import rules: the engine is pure, and each SDK is imported by its adapter only."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.engine

ROOT = Path(__file__).parent.parent
FORBIDDEN_IN_ENGINE = {
    "sqlalchemy",
    "jinja2",
    "telegram",
    "slack_bolt",
    "slack_sdk",
    "storage",
    "bot.channels",
    "bot.service",
    "bot.bootstrap",
    "bot.cli",
    "datetime.datetime.now",
    "time",
    "os",
    "socket",
    "requests",
    "httpx",
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _matches(name: str, forbidden: str) -> bool:
    return name == forbidden or name.startswith(forbidden + ".")


def test_engine_imports_no_io_or_sdk() -> None:
    for path in (ROOT / "bot" / "engine").glob("*.py"):
        for name in _imports(path):
            bad = [f for f in FORBIDDEN_IN_ENGINE if _matches(name, f)]
            assert not bad, f"{path.name} imports {name}"


def test_sdks_only_in_their_adapter() -> None:
    owners = {
        "telegram": ("telegram.py", "telegram_webhook.py"),
        "slack_bolt": ("slack.py",),
        "slack_sdk": ("slack.py",),
    }
    for path in list((ROOT / "bot").rglob("*.py")) + list((ROOT / "storage").rglob("*.py")):
        for name in _imports(path):
            for sdk, owner in owners.items():
                if _matches(name, sdk):
                    assert path.name in owner and path.parent.name == "channels", (
                        f"{path} imports {name}"
                    )


def test_storage_does_not_import_the_bot() -> None:
    for path in (ROOT / "storage").rglob("*.py"):
        assert not any(_matches(name, "bot") for name in _imports(path)), path


def test_engine_facade_is_complete_and_sorted() -> None:
    exported = bot.engine.__all__
    # ruff's order: constants first, then classes and functions.
    assert exported == sorted(exported, key=lambda name: (not name.isupper(), name))
    assert all(hasattr(bot.engine, name) for name in exported)

"""Import rules: a pure engine, each SDK in its adapter only, every channel delivers the outbox."""

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
    """Each SDK is imported only by its own channel's modules (``line*.py`` for LINE …)."""
    owners = {
        "telegram": "telegram",
        "slack_bolt": "slack",
        "slack_sdk": "slack",
        "linebot": "line",
    }
    for path in list((ROOT / "bot").rglob("*.py")) + list((ROOT / "storage").rglob("*.py")):
        for name in _imports(path):
            for sdk, owner in owners.items():
                if _matches(name, sdk):
                    assert path.stem.split("_")[0] == owner and path.parent.name == "channels", (
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


# Modules of bot/channels that are not a channel but a kit every channel uses.
CHANNEL_KIT = {"__init__", "kit", "outbox_loop", "slack_blocks", "webhook_server"}


def _calls(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return names


def test_every_channel_delivers_the_outbox() -> None:
    """Reminders and notices reach every channel: each one runs the shared delivery loop.

    A channel is the set of modules named after it (telegram.py, telegram_webhook.py …).
    """
    channels: dict[str, list[Path]] = {}
    for path in (ROOT / "bot" / "channels").glob("*.py"):
        if path.stem not in CHANNEL_KIT:
            channels.setdefault(path.stem.split("_")[0], []).append(path)
    assert {"console", "line", "slack", "telegram"} <= set(channels)
    for name, paths in channels.items():
        delivers = any(
            "bot.channels.outbox_loop" in _imports(path)
            and _calls(path) & {"deliver_due", "deliver_due_now"}
            for path in paths
        )
        assert delivers, f"the {name} channel never delivers the outbox (bot.channels.outbox_loop)"


CHANNELS = ROOT / "bot" / "channels"
MAX_CHANNEL_MODULE_LINES = 300
PREFIX = "bot.channels."


def test_every_channel_module_stays_small() -> None:
    """An adapter keeps only its SDK translation and server; the rest is in the kit."""
    for path in CHANNELS.glob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines < MAX_CHANNEL_MODULE_LINES, f"{path.name} has {lines} lines"


def _channel_graph() -> dict[str, set[str]]:
    """Which bot.channels modules each one imports (anywhere in it, functions included)."""
    graph: dict[str, set[str]] = {}
    for path in CHANNELS.glob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "bot.channels":
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PREFIX):
                names.add((node.module or "").removeprefix(PREFIX))
            elif isinstance(node, ast.Import):
                names.update(a.name.removeprefix(PREFIX) for a in node.names if PREFIX in a.name)
        graph[path.stem] = {name for name in names if (CHANNELS / f"{name}.py").exists()}
    return graph


def test_the_channel_modules_import_no_cycle() -> None:
    graph = _channel_graph()
    assert graph["telegram"] and graph["line_server"] >= {"line"}  # the graph sees imports
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " → ".join((*path, module))
        if module in done:
            return
        for imported in graph[module]:
            visit(imported, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_the_channel_kit_imports_no_sdk() -> None:
    sdks = ("telegram", "slack_bolt", "slack_sdk", "linebot", "aiohttp", "sqlalchemy", "storage")
    for module in ("kit.py", "webhook_server.py"):
        names = _imports(CHANNELS / module)
        assert not [name for name in names for sdk in sdks if _matches(name, sdk)], module


def test_the_outbox_loop_imports_no_sdk() -> None:
    names = _imports(ROOT / "bot" / "channels" / "outbox_loop.py")
    sdks = ("telegram", "slack_bolt", "slack_sdk", "aiohttp", "prompt_toolkit", "sqlalchemy")
    assert not [name for name in names for sdk in sdks if _matches(name, sdk)]

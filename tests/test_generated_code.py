"""Classes made with kept code are the same classes; a bad cache only means compiling.

Each case runs in a process of its own, as `jobcard chat` does (the cache changes how
``dataclasses``, ``typing`` and ``namedtuple`` compile for the whole process).
"""

from __future__ import annotations
import __future__

import json
import marshal
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.channels.test_console_terminal import PROMPT_READY, _spawn
from tests.test_cli import jobcard

# Makes engine values, a frozen class, a named tuple and a forward reference with the cache,
# and reports what it saw.
_MAKE = r"""
import json, sys, dataclasses, typing, collections, re
from pathlib import Path
from bot.generated_code import reuse_compiled_code

methods = reuse_compiled_code(Path(sys.argv[1]))
from bot.engine import Inbound, Text
import sqlalchemy

@dataclasses.dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 2

Pair = collections.namedtuple("Pair", "left right")
hints = typing.get_type_hints(Point.__init__)
ref = typing.Optional["Point"]
date = re.compile(r"(?P<year>[0-9０-９]{4})\s*年\s*(?P<month>\d{1,2})月?", re.I)
found = date.search("入社は ２０１５年 4月 です")

p = Point(1)
try:
    p.x = 5
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
a, b = Inbound("console:a", text="はい"), Inbound("console:a", text="はい")
print(json.dumps({
    "compiled": methods._compiled,
    "repr": [repr(p), repr(Text("こんにちは"))],
    "eq": [p == Point(1, 2), p == Point(1, 3), a == b, hash(a) == hash(b)],
    "frozen": frozen,
    "sql": str(sqlalchemy.select(sqlalchemy.column("a")).where(sqlalchemy.column("b") == 1)),
    "pair": [repr(Pair(1, right=2)), Pair(1, 2) == (1, 2)],
    "re": [found.groupdict(), found.span(), date.groupindex["month"], date.flags,
           bool(re.compile(rb"a+b$").match(b"aaab")), re.sub(r"(\w+)@", r"<\1>", "me@x")],
    "hints": {name: getattr(hint, "__name__", repr(hint)) for name, hint in hints.items()},
    "ref": [repr(ref), typing.get_type_hints(type("T", (), {"__annotations__": {"p": ref}}),
                                             globals())["p"] == typing.Optional[Point]],
}))
methods.save()
"""


def _make(cache: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", _MAKE, str(cache)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(result.stdout))


def test_classes_made_from_kept_code_behave_as_compiled_ones(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _make(cache)
    assert first["compiled"] is True
    [kept] = cache.glob("generated-code-*.marshal")
    again = _make(cache)
    assert again["compiled"] is False  # every method's code came from the file
    assert again == first | {"compiled": False}
    assert again["repr"] == ["Point(x=1, y=2)", first["repr"][1]]  # type: ignore[index]
    assert again["eq"] == [True, False, True, True]
    assert again["frozen"] is True
    assert again["sql"].split() == ["SELECT", "a", "WHERE", "b", "=", ":b_1"]
    _version, code, _programs = marshal.loads(kept.read_bytes())
    # SQLAlchemy's wrappers, made as it loads, were among the code kept.
    generated = {(filename, flags) for _, filename, _, flags in code}
    assert any(name.startswith("<sqlalchemy generated") for name, _ in generated)
    # Each text was compiled with its module's __future__ statements, as the builtins do:
    # SQLAlchemy's module has ``annotations``, dataclasses' none.
    assert {flags for name, flags in generated if name.startswith("<sqlalchemy")} == {
        __future__.annotations.compiler_flag
    }
    assert {flags for name, flags in generated if name == "<string>"} == {0}
    assert again["pair"] == ["Pair(left=1, right=2)", True]
    assert again["re"] == [
        {"year": "２０１５", "month": "4"},
        [4, 12],
        2,
        int(re.I | re.U),
        True,
        "<me>x",
    ]
    # The generated __init__'s annotations are the types, as without the cache.
    assert again["hints"] == {"x": "int", "y": "int", "return": "NoneType"}
    assert again["ref"] == ["typing.Optional[ForwardRef('Point')]", True]
    assert list(cache.glob("generated-code-*.marshal")) == [kept]


@pytest.mark.parametrize("content", [b"", b"not marshal", b"\xe3\x00\x00"])
def test_a_damaged_cache_only_means_compiling_and_is_replaced(
    tmp_path: Path, content: bytes
) -> None:
    cache = tmp_path / "cache"
    expected = _make(cache)
    [kept] = cache.glob("generated-code-*.marshal")
    kept.write_bytes(content)
    assert _make(cache) == expected  # compiled again, and written again
    assert _make(cache) == expected | {"compiled": False}


def test_a_damaged_entry_is_made_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = _make(cache)
    [kept] = cache.glob("generated-code-*.marshal")
    version, code, programs = marshal.loads(kept.read_bytes())
    for key, (flags, _program, groups, index, names) in list(programs.items()):
        programs[key] = (flags, [1, 2, 3], groups, index, names)  # not a matcher's program
    for key in code:
        code[key] = b"not code"
    kept.write_bytes(marshal.dumps((version, code, programs)))
    assert _make(cache) == expected


def test_an_unwritable_cache_folder_only_means_compiling(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    assert _make(blocked)["eq"] == [True, False, True, True]
    assert _make(blocked)["compiled"] is True


def test_jobcard_chat_keeps_the_code_and_answers_the_same_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    db = tmp_path / "chat.sqlite3"
    first = jobcard("chat", "--user", "kept", stdin="1\nはい\n", db=db)
    assert first.returncode == 0, first.stderr
    [kept] = (tmp_path / "cache").rglob("generated-code-*.marshal")
    assert kept.stat().st_size > 0
    again = jobcard("chat", "--user", "kept", stdin="山田 太郎\n", db=db)
    assert again.returncode == 0, again.stderr
    assert "おかえりなさい" in again.stdout and "ふりがな" in again.stdout


def test_a_terminal_chat_quit_at_its_first_prompt_still_keeps_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quitting at once ends the background thread that was writing the file: the console's
    own save as it ends waits for that write (or writes itself), so the next start has it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    db = tmp_path / "chat.sqlite3"
    for _ in range(2):
        child = _spawn(db, "--user", "quick")
        child.expect_exact(PROMPT_READY)
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        [kept] = (tmp_path / "cache").rglob("generated-code-*.marshal")
        _version, code, programs = marshal.loads(kept.read_bytes())
        assert len(code) > 300 and len(programs) > 50

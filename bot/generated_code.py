"""Compiled code of the source text libraries generate as they load, kept between starts.

Some of the standard library writes Python source while a program loads and compiles it
each time: ``@dataclass`` the ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` (and,
frozen, ``__setattr__`` and ``__delattr__``) of each class, ``typing`` each forward
reference written as a string (``Optional["Column[Any]"]``), ``namedtuple`` each class's
``__new__``. On Python 3.11 that is about 0.6 ms for each of the some 75 dataclasses made
before `jobcard chat`'s first prompt, and a few ms more for the rest: over a tenth of its
start. Compiling the same text gives the same code every time, so the code is kept in the
user's cache folder by its text (with the file name and mode it is compiled under) and read
back, in a small part of that time. Only how the text becomes code changes: each module
still runs what it generated, with the globals it gives, and the classes and functions are
made as before. Nothing inherits this module's ``__future__`` flags (``dont_inherit``), as
those modules have none. A missing, damaged or unwritable file, or another Python version,
only means compiling as before.
"""

from __future__ import annotations

import builtins
import collections
import contextlib
import dataclasses
import logging
import marshal
import os
import sys
import threading
import typing
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

log = logging.getLogger(__name__)
_NAME = f"generated-code-{sys.implementation.cache_tag}.marshal"
LIMIT = 3_000  # texts kept at most (this version's start and features need about 1,000)
# (text, file name, mode) → its code.
Key = tuple[str, str, str]


class GeneratedCode:
    """Compiles source text once per text: its ``compile``, ``exec`` and ``eval`` stand in
    for the builtins in the modules that generate code."""

    def __init__(self, file: Path, kept: dict[Key, bytes]) -> None:
        self._file = file
        # Each code is read from its bytes when first used: a chat's start needs about
        # half of those kept (the rest are the features'), and reading costs as much.
        self._kept = kept
        self._known: dict[Key, CodeType] = {}
        self._used: set[Key] = set()
        self._compiled = False
        self._lock = threading.Lock()

    def compile(
        self,
        source: Any,
        filename: Any,
        mode: str,
        flags: int = 0,
        dont_inherit: bool = False,
        optimize: int = -1,
    ) -> Any:
        """``compile`` of a text to code (anything else as the builtin does it)."""
        if not isinstance(source, str) or not isinstance(filename, str) or flags or optimize != -1:
            return builtins.compile(source, filename, mode, flags, dont_inherit, optimize)
        key = (source, filename, mode)
        code = self._known.get(key)
        if code is None:
            code = self._read(key)
        if code is None:
            # (The callers' modules have no __future__ flags: nor does their code.)
            code = builtins.compile(source, filename, mode, dont_inherit=True)
            self._known[key] = code
            self._compiled = True
        self._used.add(key)
        return code

    def _read(self, key: Key) -> CodeType | None:
        data = self._kept.get(key)
        if data is None:
            return None
        try:
            code = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if not isinstance(code, CodeType):
            return None
        self._known[key] = code
        return code

    def exec(self, source: Any, globals: Any = None, locals: Any = None) -> None:
        """``exec`` as ``dataclasses`` calls it (a text is compiled once)."""
        if isinstance(source, str):
            source = self.compile(source, "<string>", "exec")
        builtins.exec(source, _globals_of(globals, dataclasses), locals)

    def eval(self, source: Any, globals: Any = None, locals: Any = None) -> Any:
        """``eval`` as ``namedtuple`` calls it (a text is compiled once)."""
        if isinstance(source, str):
            source = self.compile(source, "<string>", "eval")
        return builtins.eval(source, _globals_of(globals, collections), locals)

    def save(self) -> None:
        """Write the code kept so far, if any was compiled anew in this process.

        The code read at start is written again with it (a script's chat makes fewer
        classes than one in a terminal); past ``LIMIT`` texts only this process's are kept,
        so code for classes changed since (a new version) does not pile up.
        """
        with self._lock:
            if not self._compiled:
                return
            self._compiled = False
            made = list(self._known.items())  # (a copy: other threads may add to it)
            table = self._kept | {key: marshal.dumps(code) for key, code in made}
            if len(table) > LIMIT:
                table = {key: table[key] for key in list(self._used)}
        temporary = self._file.with_name(f".tmp-{os.getpid()}-{self._file.name}")
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(marshal.dumps((sys.version, table)))
            os.replace(temporary, self._file)
        except (OSError, ValueError) as exc:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            log.info("generated code cache not written (%s)", type(exc).__name__)


def _globals_of(given: Any, module: ModuleType) -> Any:
    # Without globals, the builtin takes its caller's: the generating module's.
    return vars(module) if given is None else given


def reuse_compiled_code(cache_dir: Path) -> GeneratedCode:
    """From now on, generated code is compiled once and kept in ``cache_dir``.

    Call :meth:`GeneratedCode.save` once the program has loaded (the console does it after
    the first prompt, and again after loading the features in the background).
    """
    file = cache_dir / _NAME
    kept: dict[Key, bytes] = {}
    try:
        version, table = marshal.loads(file.read_bytes())
        if version == sys.version and isinstance(table, dict):
            kept = table
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged file: compile as before and replace it
        log.info("generated code cache unreadable (%s)", type(exc).__name__)
    code = GeneratedCode(file, kept)
    # Each module calls these by their global names: a module-level name is found before
    # the builtin, for that module only.
    dataclasses.exec = code.exec  # type: ignore[attr-defined]
    typing.compile = code.compile  # type: ignore[attr-defined]
    collections.eval = code.eval  # type: ignore[attr-defined]
    return code

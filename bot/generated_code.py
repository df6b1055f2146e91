"""The compiled code of dataclasses' generated methods, kept between starts of `jobcard chat`.

``@dataclass`` writes the source of each class's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__`` (and, frozen, ``__setattr__`` and ``__delattr__``) and compiles it with
``exec`` when the class is created: on Python 3.11 about 0.6 ms a class, some 75 of ours
before the console's first prompt (a tenth of its start). Compiling the same text gives
the same code every time, so the code is kept in the user's cache folder by its source
text and reused: reading it back takes a few hundredths of that. Only how the source
becomes code changes (``compile(text, "<string>", "exec")``, exactly what ``exec`` of the
text does); the classes are made by ``dataclasses`` as before. A missing, damaged or
unwritable file, or another Python version, only means compiling as before.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import logging
import marshal
import os
import sys
import threading
from pathlib import Path
from types import CodeType
from typing import Any

log = logging.getLogger(__name__)
_NAME = f"dataclass-code-{sys.implementation.cache_tag}.marshal"
LIMIT = 3_000  # texts kept at most (this version's classes need about 900)


class CompiledMethods:
    """The source texts ``dataclasses`` executes, each with its compiled code."""

    def __init__(self, file: Path, known: dict[str, CodeType]) -> None:
        self._file = file
        self._known = known
        self._used: set[str] = set()
        self._compiled = False
        self._lock = threading.Lock()

    def exec(self, source: Any, globals: dict[str, Any] | None = None, locals: Any = None) -> None:
        """``exec`` as ``dataclasses`` calls it, with the text's code compiled once."""
        if globals is None:  # (the caller's globals, as the builtin takes them)
            globals = vars(dataclasses)
        if isinstance(source, str):
            code = self._known.get(source)
            if code is None:
                code = compile(source, "<string>", "exec")
                self._known[source] = code
                self._compiled = True
            self._used.add(source)
            source = code
        builtins.exec(source, globals, locals)

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
            table = dict(self._known)
            if len(table) > LIMIT:
                table = {text: table[text] for text in list(self._used)}
        temporary = self._file.with_name(f".tmp-{os.getpid()}-{self._file.name}")
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(marshal.dumps((sys.version, table)))
            os.replace(temporary, self._file)
        except (OSError, ValueError) as exc:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            log.info("dataclass code cache not written (%s)", type(exc).__name__)


def reuse_compiled_methods(cache_dir: Path) -> CompiledMethods:
    """From now on, dataclasses are made with the code kept in ``cache_dir``.

    Call :meth:`CompiledMethods.save` once the classes are made (the console does it after
    loading the features in the background).
    """
    file = cache_dir / _NAME
    known: dict[str, CodeType] = {}
    try:
        version, table = marshal.loads(file.read_bytes())
        if version == sys.version and isinstance(table, dict):
            known = {
                text: code
                for text, code in table.items()
                if isinstance(text, str) and isinstance(code, CodeType)
            }
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged file: compile as before and replace it
        log.info("dataclass code cache unreadable (%s)", type(exc).__name__)
    methods = CompiledMethods(file, known)
    # ``dataclasses`` calls ``exec`` by its global name: this module-level name is found
    # before the builtin, for that module only.
    dataclasses.exec = methods.exec  # type: ignore[attr-defined]
    return methods

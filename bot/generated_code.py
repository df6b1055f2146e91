"""Compiled code of what libraries generate as they load, kept between starts of the chat.

Some libraries write Python source while a program loads and compile it each time:
``@dataclass`` the ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` (and, frozen,
``__setattr__`` and ``__delattr__``) of each class, ``typing`` each forward reference
written as a string (``Optional["Column[Any]"]``), ``namedtuple`` each class's ``__new__``,
SQLAlchemy the wrappers of its decorated functions; and ``re`` parses each regular
expression into a program for its matcher, in Python. On Python 3.11 that is about 0.6 ms
for each of the some 75 dataclasses made before `jobcard chat`'s first prompt, some 18 ms
for its 140 regular expressions (wcwidth's, SQLAlchemy's, ours) and a few ms for each of
the rest: about a sixth of its start. The same text gives the same code every time, so the
code is kept in the user's cache folder by its text (with the file name, mode and flags it
is compiled with), and each expression's program by the expression and its flags, and read
back in a small part of that time. Only how the text becomes code changes: each module
still runs what it generated, with the globals it gives, and the classes, functions and
patterns are made as before; each text inherits the ``__future__`` statements of the
module compiling it, as with the builtins. A missing, damaged or unwritable file, or
another Python version, only means compiling as before.
"""

from __future__ import annotations
import __future__

import builtins
import collections
import contextlib
import dataclasses
import importlib.abc
import importlib.machinery
import logging
import marshal
import os
import re
import sys
import threading
import typing
from collections.abc import Sequence
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

log = logging.getLogger(__name__)
_NAME = f"generated-code-{sys.implementation.cache_tag}.marshal"
LIMIT = 5_000  # texts and expressions kept at most (this version uses about 1,300)
# (text, file name, mode, compiler flags) → its code.
Key = tuple[str, str, str, int]
# (expression, flags) → what ``re``'s parser makes of it, as ``_sre.compile`` takes it:
# (flags, program, groups, group index, index group).
Expression = tuple[str | bytes, int]
Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

# ``re``'s own steps from an expression to its program (Python 3.11 to 3.13); without
# them (another version) expressions are compiled as before.
_re_compiler: Any = getattr(re, "_compiler", None)
_re_parser: Any = getattr(re, "_parser", None)
_REUSABLE_PATTERNS = all(
    hasattr(module, name)
    for module, name in [(_re_compiler, "compile"), (_re_compiler, "_code"), (_re_parser, "parse")]
) and hasattr(getattr(_re_compiler, "_sre", None), "compile")
_compile_pattern: Any = getattr(_re_compiler, "compile", None)  # re's own
# Every __future__ feature's compiler flag: what a module's texts may inherit.
_FEATURES = [getattr(__future__, name) for name in __future__.all_feature_names]
_FUTURE_FLAGS = sum(feature.compiler_flag for feature in _FEATURES)
# Libraries that compile text they generate while they load, and the builtin each calls.
_LOADING = {"sqlalchemy.util.langhelpers": "compile"}


class GeneratedCode:
    """Compiles source text once per text, and a regular expression once per expression:
    its ``compile``, ``exec`` and ``eval`` stand in for the builtins in the modules that
    generate code, its ``compile_pattern`` for ``re``'s."""

    def __init__(
        self, file: Path, kept: dict[Key, bytes], programs: dict[Expression, Program]
    ) -> None:
        self._file = file
        # Each code is read from its bytes when first used: a chat's start needs about
        # half of those kept (the rest are the features'), and reading costs as much.
        self._kept = kept
        self._known: dict[Key, CodeType] = {}
        self._used: set[Key] = set()
        self._programs = programs
        self._used_programs: set[Expression] = set()
        self._compiled = False
        self._lock = threading.Lock()

    def compile(self, source: Any, filename: Any, mode: str, flags: int, optimize: int) -> Any:
        """``compile`` of a text to code with exactly ``flags`` (anything else as the
        builtin does it)."""
        plain = isinstance(source, str) and isinstance(filename, str) and optimize == -1
        if not plain or flags & ~_FUTURE_FLAGS:  # (an AST wanted, say: not kept)
            return builtins.compile(source, filename, mode, flags, True, optimize)
        key = (source, filename, mode, flags)
        code = self._known.get(key)
        if code is None:
            code = self._read(key)
        if code is None:
            code = builtins.compile(source, filename, mode, flags, dont_inherit=True)
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

    def compile_pattern(self, pattern: Any, flags: int = 0) -> Any:
        """``re._compiler.compile``: a pattern from the program kept for its expression.

        The steps are ``re``'s own, in its order (parse, then the program); ``re`` keeps
        the patterns it made in this process on top of this, as before.
        """
        if not isinstance(pattern, str | bytes) or flags & re.DEBUG:
            return _compile_pattern(pattern, flags)
        key = (pattern, int(flags))
        program = self._programs.get(key)
        if program is not None:
            try:
                made = self._pattern(pattern, program)
            except Exception:  # a damaged entry (the matcher checks each program)
                program = None
            else:
                self._used_programs.add(key)
                return made
        if program is None:
            parsed = _re_parser.parse(pattern, flags)
            code = _re_compiler._code(parsed, flags)
            state = parsed.state
            indexgroup: list[str | None] = [None] * state.groups
            for name, index in state.groupdict.items():
                indexgroup[index] = name
            program = (
                int(flags | state.flags),
                [int(op) for op in code],  # (its opcodes are named ints)
                state.groups - 1,
                dict(state.groupdict),
                tuple(indexgroup),
            )
            self._programs[key] = program
            self._compiled = True
        self._used_programs.add(key)
        return self._pattern(pattern, program)

    @staticmethod
    def _pattern(pattern: str | bytes, program: Program) -> Any:
        flags, code, groups, groupindex, indexgroup = program
        return _re_compiler._sre.compile(
            pattern, flags, code, groups, dict(groupindex), indexgroup
        )

    def save(self) -> None:
        """Write what is kept so far, if anything was compiled anew in this process.

        What was read at start is written again with it (a script's chat makes fewer
        classes than one in a terminal); past ``LIMIT`` only this process's is kept, so code
        for classes changed since (a new version) does not pile up. Written under the lock:
        a save as the process ends waits for one a thread has begun (a console quit at once
        would otherwise end that thread before it wrote the file, at every start).
        """
        with self._lock:
            if not self._compiled:
                return
            self._compiled = False
            made = list(self._known.items())  # (a copy: other threads may add to it)
            table = self._kept | {key: marshal.dumps(code) for key, code in made}
            programs = dict(self._programs)
            if len(table) + len(programs) > LIMIT:
                table = {key: table[key] for key in list(self._used)}
                programs = {key: programs[key] for key in list(self._used_programs)}
            temporary = self._file.with_name(f".tmp-{os.getpid()}-{self._file.name}")
            try:
                self._file.parent.mkdir(parents=True, exist_ok=True)
                temporary.write_bytes(marshal.dumps((sys.version, table, programs)))
                os.replace(temporary, self._file)
            except (OSError, ValueError) as exc:
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)
                log.info("generated code cache not written (%s)", type(exc).__name__)


class _BeforeItRuns(importlib.abc.MetaPathFinder):
    """Finds a module as usual and gives it the caching builtin before its code runs
    (``_LOADING``).

    A library's own names come first only once it has loaded, and it generates code as it
    loads (SQLAlchemy's decorators): a name set before its code runs is found first.
    """

    def __init__(self, code: GeneratedCode) -> None:
        self._code = code

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _LOADING:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        loader = None if spec is None else spec.loader
        if spec is None or not isinstance(loader, importlib.abc.Loader):
            return None
        spec.loader = _Naming(loader, self._code, _LOADING[fullname])
        return spec


class _Naming(importlib.abc.Loader):
    """A module's own loader that gives the module one caching builtin before its code."""

    def __init__(self, loader: importlib.abc.Loader, code: GeneratedCode, name: str) -> None:
        self._loader = loader
        self._code = code
        self._name = name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        setattr(module, self._name, getattr(_InModule(self._code, vars(module)), self._name))
        self._loader.exec_module(module)

    def __getattr__(self, name: str) -> Any:
        # The rest (``get_source`` for tracebacks …) is the module's own loader's.
        return getattr(self._loader, name)


class _InModule:
    """The builtins ``compile``, ``exec`` and ``eval`` for one module, with the code kept.

    As with the builtins, a text inherits the ``__future__`` statements in effect in the
    module (``from __future__ import x`` binds ``x`` in its namespace), and without globals
    runs in the module's.
    """

    def __init__(self, code: GeneratedCode, namespace: dict[str, Any]) -> None:
        self._code = code
        self._namespace = namespace
        # Read at the first call: a module's __future__ statements come before any other,
        # so they are all there by then (the name is given before its code runs).
        self._flags: int | None = None

    def compile(
        self,
        source: Any,
        filename: Any,
        mode: str,
        flags: int = 0,
        dont_inherit: bool = False,
        optimize: int = -1,
    ) -> Any:
        """``compile`` as the module calls it."""
        if not dont_inherit:
            if self._flags is None:
                self._flags = _future_flags(self._namespace)
            flags |= self._flags
        return self._code.compile(source, filename, mode, flags, optimize)

    def exec(self, source: Any, globals: Any = None, locals: Any = None) -> None:
        """``exec`` as the module calls it."""
        if isinstance(source, str):
            source = self.compile(source, "<string>", "exec")
        builtins.exec(source, self._namespace if globals is None else globals, locals)

    def eval(self, source: Any, globals: Any = None, locals: Any = None) -> Any:
        """``eval`` as the module calls it."""
        if isinstance(source, str):
            source = self.compile(source, "<string>", "eval")
        return builtins.eval(source, self._namespace if globals is None else globals, locals)


def _future_flags(namespace: dict[str, Any]) -> int:
    flags = 0
    for name, feature in zip(__future__.all_feature_names, _FEATURES, strict=True):
        flag: int = feature.compiler_flag
        if namespace.get(name) is feature:
            flags |= flag
    return flags


def reuse_compiled_code(cache_dir: Path) -> GeneratedCode:
    """From now on, generated code and regular expressions are compiled once and kept in
    ``cache_dir``.

    Call :meth:`GeneratedCode.save` once the program has loaded (the console does it after
    the first prompt, and again after loading the features in the background).
    """
    file = cache_dir / _NAME
    kept: dict[Key, bytes] = {}
    programs: dict[Expression, Program] = {}
    try:
        version, table, patterns = marshal.loads(file.read_bytes())
        if version == sys.version and isinstance(table, dict) and isinstance(patterns, dict):
            kept, programs = table, patterns
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged file: compile as before and replace it
        log.info("generated code cache unreadable (%s)", type(exc).__name__)
    code = GeneratedCode(file, kept, programs)
    # Each module calls these by their global names: a module-level name is found before
    # the builtin, for that module only.
    dataclasses.exec = _InModule(code, vars(dataclasses)).exec  # type: ignore[attr-defined]
    typing.compile = _InModule(code, vars(typing)).compile  # type: ignore[attr-defined]
    collections.eval = _InModule(code, vars(collections)).eval  # type: ignore[attr-defined]
    for module, name in _LOADING.items():
        if module in sys.modules:  # (loaded already: its later calls)
            namespace = vars(sys.modules[module])
            setattr(sys.modules[module], name, getattr(_InModule(code, namespace), name))
    sys.meta_path.insert(0, _BeforeItRuns(code))
    if _REUSABLE_PATTERNS:
        # (``re.compile`` and the rest find it as ``_compiler.compile`` at each call.)
        _re_compiler.compile = code.compile_pattern
    return code

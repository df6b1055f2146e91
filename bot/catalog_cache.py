"""The built dialog catalog, kept on disk by the digest of the dialog files and the engine's code.

Building the catalog (parsing every dialog file, checking each step against the schema,
compiling conditions) takes about a quarter of a second, and every ``jobcard chat`` and
every worker needs it before its first answer; reading it back takes a hundredth of that.
The file's name is the digest of everything the catalog is built from: every ``*.yaml``
under the dialog folders (examples included), the engine's modules and the Python version.
Any change gives another name, so a stale catalog is never used; a missing, unreadable or
unwritable cache only means building as before. ``jobcard dialogs check`` never uses it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from bot.engine import LoadedDialogs

log = logging.getLogger(__name__)
_PREFIX = "dialogs-"


def default_cache_dir() -> Path:
    """Where the catalog is kept: the user's cache folder for jobcard-coach."""
    import platformdirs  # (its rules in one place; the default database path uses it too)

    return Path(platformdirs.user_cache_dir("jobcard-coach"))


def load_dialogs_cached(
    paths: Iterable[Path], start: str, cache_dir: Path | None
) -> LoadedDialogs:
    """``load_dialogs(paths, start)``, read from ``cache_dir`` when built before."""
    # (Imported here: the console reads the cache folder's place before the engine loads.)
    from bot.engine import LoadedDialogs, load_dialogs

    paths = list(paths)
    if cache_dir is None:
        return load_dialogs(paths, start=start)
    file = cache_dir / f"{_PREFIX}{_digest(paths, start)}.pickle"
    try:
        with file.open("rb") as stream:
            loaded = pickle.load(stream)
        if isinstance(loaded, LoadedDialogs):
            return loaded
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged file: build again and replace it
        log.info("dialog cache unreadable (%s): building the catalog", type(exc).__name__)
    loaded = load_dialogs(paths, start=start)
    _store(file, loaded)
    return loaded


def _digest(paths: list[Path], start: str) -> str:
    import bot.engine

    digest = hashlib.sha256(f"{sys.version}\0{start}\0".encode())
    # Each folder is resolved once, not each file (that took half of this, at every start).
    sources = sorted(Path(bot.engine.__file__).parent.resolve().glob("*.py"))
    dialogs: list[Path] = []
    for path in map(Path.resolve, paths):
        dialogs.extend(sorted(path.rglob("*.yaml")) if path.is_dir() else [path])
        if path.is_file():
            dialogs.extend(sorted((path.parent / "examples").glob(path.name)))
    for file in [*sources, *dialogs]:
        digest.update(f"{file}\0".encode())
        digest.update(file.read_bytes() if file.is_file() else b"\0missing")
    return digest.hexdigest()[:32]


class _Pickler(pickle.Pickler):
    """Writes each of the catalog's values as its class called with its fields.

    Read back, that is the class's own ``__init__`` (about 1,600 values, mostly texts in
    two languages): 2 ms sooner than the ``__setstate__`` that dataclasses with slots
    pickle through, which looks up the class's fields for each value.
    """

    _fields: ClassVar[dict[type, tuple[str, ...] | None]] = {}

    def reducer_override(self, obj: object) -> Any:
        cls = type(obj)
        names = self._fields[cls] if cls in self._fields else self._fields_by_init(cls)
        if names is None:
            return NotImplemented
        return cls, tuple(getattr(obj, name) for name in names)

    @classmethod
    def _fields_by_init(cls, kind: type) -> tuple[str, ...] | None:
        """The fields of a dataclass whose ``__init__`` takes each, in order, and does no
        more (None for any other class)."""
        names = None
        init = getattr(vars(kind).get("__init__"), "__code__", None)
        # Only an __init__ that dataclasses wrote (not one of the class's own) is known to
        # take exactly the fields, and none does more when there is no __post_init__.
        written = isinstance(init, CodeType) and init.co_filename == "<string>"
        if written and dataclasses.is_dataclass(kind) and not hasattr(kind, "__post_init__"):
            fields = dataclasses.fields(kind)
            arguments = (getattr(init, "co_argcount", 0), getattr(init, "co_kwonlyargcount", 1))
            if arguments == (len(fields) + 1, 0) and all(
                field.init and not field.kw_only for field in fields
            ):
                names = tuple(field.name for field in fields)
        cls._fields[kind] = names
        return names


def _store(file: Path, loaded: LoadedDialogs) -> None:
    """Write the catalog atomically (readable by this user only); drop older ones."""
    import tempfile  # only when building the catalog, not at each start

    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=file.parent, prefix=".tmp-", suffix=".pickle", delete=False
        ) as stream:
            _Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump(loaded)
        os.replace(stream.name, file)
        for old in file.parent.glob(f"{_PREFIX}*.pickle"):
            if old != file:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("dialog cache not written (%s)", type(exc).__name__)

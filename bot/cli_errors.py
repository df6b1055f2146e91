"""Operator mistakes as one line each (what is wrong, what to do), never a traceback."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

from storage.migrate import SchemaOutdatedError

USAGE = 2  # the same status argparse uses for a wrong command line
FAILED = 1

_URL_EXAMPLES = "sqlite:///PATH or postgresql+psycopg://USER@HOST/DATABASE"
_UPGRADE = "run `jobcard db upgrade --db URL` first"


@dataclass(frozen=True, slots=True)
class OperatorError:
    """What to print (one line, without the ``jobcard:`` prefix) and the exit status."""

    message: str
    status: int


def shown_url(url: str) -> str:
    """The database URL as it may be printed: the password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def describe(exc: BaseException, database_url: str | None) -> OperatorError | None:
    """The one-line explanation of an operator mistake, or None for a real bug.

    Args:
        exc: What went wrong while running a command.
        database_url: The URL the command used (for the message; its password is hidden).
    """
    where = shown_url(database_url) if database_url else "the database"
    if isinstance(exc, SchemaOutdatedError):
        return OperatorError(str(exc), FAILED)
    if isinstance(exc, ArgumentError):
        return OperatorError(
            f"'{where}' is not a database URL this program can use: give {_URL_EXAMPLES}",
            USAGE,
        )
    if isinstance(exc, ModuleNotFoundError) and database_url and exc.name:
        return OperatorError(
            f"the database driver '{exc.name}' for {where} is not installed: use {_URL_EXAMPLES}",
            USAGE,
        )
    if isinstance(exc, OperationalError):
        detail = _first_line(exc)
        if "database is locked" in detail or "database is busy" in detail:
            return OperatorError(
                f"{where} is busy: another process kept it locked for longer than the wait "
                "time; try again when it has finished (add ?timeout=SECONDS to a SQLite URL "
                "to wait longer)",
                FAILED,
            )
        if "no such table" in detail:
            return OperatorError(f"{where} has no tables yet: {_UPGRADE}", FAILED)
        return OperatorError(
            f"cannot use {where} ({detail}): check that the server is running and the URL "
            "is right",
            FAILED,
        )
    if isinstance(exc, ProgrammingError) and "does not exist" in _first_line(exc):
        return OperatorError(f"{where} is not set up for this version: {_UPGRADE}", FAILED)
    if isinstance(exc, (FileNotFoundError, IsADirectoryError, NotADirectoryError)):
        name = exc.filename if exc.filename is not None else ""
        return OperatorError(f"{name}: {exc.strerror or 'not found'}", FAILED)
    if isinstance(exc, PermissionError):
        return OperatorError(f"{exc.filename}: permission denied", FAILED)
    return None

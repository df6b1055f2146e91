"""Settings from the environment and command-line flags (read in the CLI only, never at import)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dialogs import DIALOGS_DIR


class MissingSettingError(RuntimeError):
    """A required setting is missing; the message names the variable."""


class InvalidSettingError(MissingSettingError):
    """A setting has a value that can't be used; the message names it and what would do."""


# Every channel a person can write from, as their identities are prefixed (``line:…``).
CHANNELS = ("line", "web", "telegram", "slack", "console")


def notify_order(environ: Mapping[str, str]) -> tuple[str, ...]:
    """``JOBCARD_NOTIFY_ORDER``: where a person on several channels gets reminders and notices.

    ``recent`` (the default, also when unset) is the channel they used most recently;
    otherwise channels in order of preference, e.g. ``line,web,telegram,slack,console``
    (the first one the person has; channels left out come last, most recent first).

    Raises:
        InvalidSettingError: A name that is not a channel.
    """
    value = environ.get("JOBCARD_NOTIFY_ORDER", "").strip().lower()
    if value in ("", "recent"):
        return ()
    order = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [part for part in order if part not in CHANNELS]
    if unknown or len(set(order)) != len(order):
        raise InvalidSettingError(
            f"JOBCARD_NOTIFY_ORDER={value!r} is not usable: give recent, or channels from "
            f"{', '.join(CHANNELS)} separated by commas, each once"
        )
    return order


def default_database_url() -> str:
    """SQLite in the user's data directory (created if needed)."""
    import platformdirs  # only without a database URL (it takes about 5 ms to import)

    directory = Path(platformdirs.user_data_dir("jobcard-coach", appauthor=False))
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / 'jobcard.sqlite3'}"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, with defaults that need no tokens.

    Attributes:
        database_url: Any SQLAlchemy URL; SQLite in the user's data directory by default.
        dialogs_dirs: Where dialog files are read from.
        start_dialog: The dialog a new person starts with.
    """

    database_url: str
    dialogs_dirs: tuple[Path, ...] = (DIALOGS_DIR,)
    start_dialog: str = "onboarding"
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)

    def require(self, name: str) -> str:
        """Return the environment variable ``name``, or fail with a message naming it."""
        value = self.environ.get(name, "").strip()
        if not value:
            raise MissingSettingError(f"{name} is not set: export {name}=… and try again")
        return value


def load_settings(
    environ: Mapping[str, str] | None = None, *, database_url: str | None = None
) -> Settings:
    """Build settings: a ``--db`` flag wins over ``JOBCARD_DATABASE_URL``, then the default."""
    env = dict(os.environ if environ is None else environ)
    url = database_url or env.get("JOBCARD_DATABASE_URL") or default_database_url()
    dirs = env.get("JOBCARD_DIALOGS_DIR")
    dialogs_dirs = tuple(Path(part) for part in dirs.split(os.pathsep)) if dirs else (DIALOGS_DIR,)
    start = env.get("JOBCARD_START_DIALOG", "onboarding")
    return Settings(database_url=url, dialogs_dirs=dialogs_dirs, start_dialog=start, environ=env)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """Add the ``--db URL`` option every database command takes."""
    parser.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy database URL (default: $JOBCARD_DATABASE_URL, "
        "else SQLite in your user data directory)",
    )

"""The composition root: build the database, dialogs and service once, from settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.engine import LoadedDialogs, load_dialogs
from bot.service import Clock, ConversationService, utc_now
from storage import ensure_schema, make_engine, make_session_factory


@dataclass(frozen=True, slots=True)
class Runtime:
    """The parts of a running bot, built once."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    dialogs: LoadedDialogs
    service: ConversationService


def build_runtime(
    settings: Settings,
    *,
    dialogs: LoadedDialogs | None = None,
    clock: Clock = utc_now,
    migrate: bool = True,
) -> Runtime:
    """Build a runtime; tests pass their own dialogs or clock."""
    engine = make_engine(settings.database_url)
    if migrate:
        ensure_schema(engine)
    sessions = make_session_factory(engine)
    loaded = dialogs or load_dialogs(settings.dialogs_dirs, start=settings.start_dialog)
    service = ConversationService(sessions, loaded.catalog, loaded.specs, clock=clock)
    return Runtime(settings, engine, sessions, loaded, service)

"""The unit of work per inbound message: dedupe, lock, load, advance, save, run effects, commit."""

from __future__ import annotations

import json
import logging
import threading
import traceback
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.engine import (
    ConversationState,
    DeleteData,
    DialogCatalog,
    Document,
    Effect,
    ExportData,
    Inbound,
    Outbound,
    PersonView,
    SaveAnswer,
    SetConsent,
    SetLanguage,
    Text,
    TurnContext,
    advance,
    as_lang,
    build_dialog,
)
from bot.engine.localized import Lang
from bot.engine.progress import SectionStatus, section_statuses
from bot.engine.texts import t
from storage import repositories as repo

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
DELIVERY_MEMORY = timedelta(days=3)
log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Overview:
    """A person's settings and progress, read without starting a turn."""

    lang: Lang
    consented: bool | None
    sections: list[SectionStatus]


@dataclass(frozen=True, slots=True)
class EffectContext:
    """What an effect handler may use: the open session, the person and the time."""

    session: Session
    person_id: str
    lang: str
    now: datetime


EffectHandler = Callable[[EffectContext, Any], Sequence[Outbound]]


class _PersonLocks:
    """One lock per person, so one person's messages are handled one at a time in-process."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    def acquire(self, person_id: str) -> threading.Lock:
        with self._guard:
            lock, users = self._locks.get(person_id, (threading.Lock(), 0))
            self._locks[person_id] = (lock, users + 1)
        lock.acquire()
        return lock

    def release(self, person_id: str, lock: threading.Lock) -> None:
        lock.release()
        with self._guard:
            _, users = self._locks[person_id]
            if users <= 1:
                del self._locks[person_id]
            else:
                self._locks[person_id] = (lock, users - 1)


class ConversationService:
    """Handles each inbound message in one transaction and returns the replies to send.

    Replies are returned only after the transaction commits, so an answer is always stored
    before the person is told it was taken.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        catalog: DialogCatalog,
        specs: Mapping[str, dict[str, Any]],
        *,
        clock: Clock = utc_now,
        handlers: Mapping[type, EffectHandler] | None = None,
    ) -> None:
        self._sessions = session_factory
        self._catalog = catalog
        self._specs = dict(specs)
        self._clock = clock
        self._locks = _PersonLocks()
        self._snapshots_stored: set[str] = set()
        self._pinned_cache: dict[str, Any] = {}
        self._handlers: dict[type, EffectHandler] = {
            SaveAnswer: _save_answer,
            SetLanguage: _set_language,
            SetConsent: _set_consent,
            ExportData: _export_data,
            DeleteData: _delete_data,
        }
        self._handlers.update(handlers or {})

    @property
    def catalog(self) -> DialogCatalog:
        """The current dialogs."""
        return self._catalog

    def handle(self, inbound: Inbound) -> list[Outbound]:
        """Handle one message; on an internal error, say so plainly (nothing is lost)."""
        lock = self._locks.acquire(inbound.person_id)
        try:
            for attempt in range(5):
                try:
                    return self._handle_once(inbound)
                except OperationalError:
                    # SQLite "database is locked" after the busy timeout: try again.
                    if attempt == 4:
                        raise
            raise AssertionError("unreachable")
        except Exception as exc:
            # Never log the message text or answers: only what failed and where.
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("turn failed for a person: %s\n%s", type(exc).__name__, frames)
            return [Text(t("error", as_lang(inbound.lang_hint)))]
        finally:
            self._locks.release(inbound.person_id, lock)

    def _handle_once(self, inbound: Inbound) -> list[Outbound]:
        now = self._clock()
        with self._sessions.begin() as session:
            if inbound.delivery_id is not None and not repo.claim_delivery(
                session, inbound.delivery_id, now
            ):
                return []
            record = repo.lock_conversation(
                session, inbound.person_id, now, as_lang(inbound.lang_hint)
            )
            state = ConversationState.from_json(record.state)
            catalog = self._catalog_for(session, state)
            person = PersonView(
                lang=as_lang(record.lang),
                consented=record.consent,
                answers=repo.current_answers(session, inbound.person_id),
            )
            context = TurnContext(today=now.astimezone(JST).date())
            transition = advance(catalog, state, person, inbound, context)
            outbound = list(transition.outbound)
            effect_ctx = EffectContext(session, inbound.person_id, person.lang, now)
            deleted = False
            for effect in transition.effects:
                effect_ctx = self._run(effect, effect_ctx, outbound)
                deleted = deleted or isinstance(effect, DeleteData)
            if not deleted:
                self._pin(session, transition.state, now)
                repo.save_state(
                    session, inbound.person_id, transition.state.to_json(), record.revision, now
                )
        return outbound

    def _run(self, effect: Effect, ctx: EffectContext, outbound: list[Outbound]) -> EffectContext:
        handler = self._handlers.get(type(effect))
        if handler is None:
            raise LookupError(f"no handler for effect {type(effect).__name__}")
        outbound.extend(handler(ctx, effect))
        if isinstance(effect, SetLanguage):
            return EffectContext(ctx.session, ctx.person_id, effect.lang, ctx.now)
        return ctx

    def _catalog_for(self, session: Session, state: ConversationState) -> DialogCatalog:
        """The catalog plus any older dialog versions this conversation is pinned to."""
        cursors = [state.active, *state.suspended.values()]
        digests = {c.digest for c in cursors if c is not None} - set(self._catalog.pinned)
        if not digests:
            return self._catalog
        missing = digests - set(self._pinned_cache)
        for digest, spec in repo.load_snapshots(session, missing).items():
            self._pinned_cache[digest] = build_dialog(spec, f"snapshot:{digest}")
        known = {d: self._pinned_cache[d] for d in digests if d in self._pinned_cache}
        return self._catalog.with_pinned(known)

    def _pin(self, session: Session, state: ConversationState, now: datetime) -> None:
        """Store the content of every dialog version the state refers to (once per process)."""
        for cursor in [state.active, *state.suspended.values()]:
            if cursor is None or cursor.digest in self._snapshots_stored:
                continue
            spec = self._specs.get(cursor.digest)
            if spec is not None:
                dialog = self._catalog.get(cursor.dialog, cursor.digest)
                repo.store_snapshot(session, cursor.digest, dialog.id, dialog.version, spec, now)
            self._snapshots_stored.add(cursor.digest)

    def overview(self, person_id: str) -> Overview:
        """The person's language, consent and progress per menu section (e.g. for App Home)."""
        with self._sessions() as session:
            record = repo.find_person(session, person_id)
            answers = repo.current_answers(session, person_id) if record else {}
        lang = as_lang(record.lang if record else None)
        consented = record.consent if record else None
        state = ConversationState.from_json(record.state if record else None)
        open_dialogs = set(state.suspended) | ({state.active.dialog} if state.active else set())
        return Overview(lang, consented, section_statuses(self._catalog, answers, open_dialogs))

    def set_language(self, person_id: str, lang: str) -> None:
        """Set a person's language outside a conversation turn (e.g. ``chat --lang``)."""
        now = self._clock()
        with self._sessions.begin() as session:
            repo.lock_conversation(session, person_id, now, as_lang(lang))
            repo.set_language(session, person_id, as_lang(lang))

    def prune(self) -> int:
        """Forget old delivery ids; returns how many were removed."""
        with self._sessions.begin() as session:
            return repo.prune_deliveries(session, self._clock() - DELIVERY_MEMORY)


def _save_answer(ctx: EffectContext, effect: SaveAnswer) -> Sequence[Outbound]:
    repo.save_answer(
        ctx.session, ctx.person_id, effect.dialog, effect.field, effect.value, ctx.now
    )
    return ()


def _set_language(ctx: EffectContext, effect: SetLanguage) -> Sequence[Outbound]:
    repo.set_language(ctx.session, ctx.person_id, effect.lang)
    return ()


def _set_consent(ctx: EffectContext, effect: SetConsent) -> Sequence[Outbound]:
    repo.set_consent(ctx.session, ctx.person_id, effect.granted, ctx.now)
    return ()


def _export_data(ctx: EffectContext, _effect: ExportData) -> Sequence[Outbound]:
    data = repo.export_person(ctx.session, ctx.person_id) or {}
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return (Document("my-data.json", "application/json", content),)


def _delete_data(ctx: EffectContext, _effect: DeleteData) -> Sequence[Outbound]:
    repo.delete_person(ctx.session, ctx.person_id)
    return ()

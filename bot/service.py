"""The unit of work per inbound message: dedupe, lock, load, advance, save, run effects, commit."""

from __future__ import annotations

import json
import logging
import threading
import traceback
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.bounded import Bounded
from bot.engine import (
    Attachment,
    ConversationState,
    DeleteData,
    DialogCatalog,
    Document,
    Effect,
    Emit,
    ExportData,
    Inbound,
    Outbound,
    PersonView,
    SaveAnswer,
    SetConsent,
    SetLanguage,
    Text,
    Transition,
    TurnContext,
    advance,
    as_lang,
    build_dialog,
)
from bot.engine.choices import Option
from bot.engine.effects import ForgetAnswer
from bot.engine.localized import Lang, Localized
from bot.engine.payloads import Outcome, Payload, RunCommand, encode
from bot.engine.progress import SectionStatus, section_statuses
from bot.engine.texts import t
from bot.people import Linking
from storage import outbox, people
from storage import repositories as repo
from storage.db import SessionFactory

if TYPE_CHECKING:
    # (Types only: a turn runs no ORM, and `jobcard chat` shows its first prompt before
    # SQLAlchemy's ORM is imported; see storage.db.SessionFactory.)
    from sqlalchemy.orm import Session, sessionmaker

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
_BASE_ANSWERS = "jobcard.base_answers"
_LAST_ANSWER = "jobcard.last_answer"  # session.info: a SaveAnswer left for the state's save
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
    """What an effect handler may use: the open session, the person and the time.

    ``value`` is the answer an action was emitted with when its question does not store it
    (``store: false``: a pasted 職務経歴書 the import reads and forgets).
    """

    session: Session
    person_id: str
    lang: str
    now: datetime
    value: Any = None


@dataclass(frozen=True, slots=True)
class Deferred:
    """Slow work an effect leaves until after the commit (rendering the card).

    ``make`` runs outside the transaction, on what the effect read inside it, and returns
    the replies it made; if it raises, the person gets ``failure`` instead of any of them.
    """

    make: Callable[[], Sequence[Outbound]]
    failure: Outbound


EffectHandler = Callable[[EffectContext, Any], Sequence["Outbound | Deferred"]]


@dataclass(frozen=True, slots=True)
class Pending:
    """The rest of a turn's replies, after deferred work: :meth:`render` it, then send them.

    Channels with a slow-work indicator (Telegram's "sending a file…") send the replies
    before this first, so the person hears at once that the card is being made.
    """

    steps: tuple[Outbound | Deferred, ...]

    def render(self) -> list[Outbound]:
        """Do the deferred work (outside any transaction) and return every reply in order."""
        replies: list[Outbound] = []
        for step in self.steps:
            if not isinstance(step, Deferred):
                replies.append(step)
                continue
            try:
                replies.extend(step.make())
            except Exception as exc:
                # Never log what was rendered: only what failed and where.
                frames = "".join(traceback.format_tb(exc.__traceback__))
                log.error("deferred work failed: %s\n%s", type(exc).__name__, frames)
                replies.append(step.failure)
        return replies


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """A turn as a channel may record it, inside the turn's own transaction (see ``converse``).

    ``steps`` are everything the turn says, deferred work still in place; ``state`` is None
    when the turn deleted the person (then nothing of theirs may be written).
    """

    session: Session
    person_id: str
    steps: tuple[Outbound | Deferred, ...]
    lang: Lang
    state: ConversationState | None
    now: datetime


Recorder = Callable[[TurnRecord], None]


class TurnFailed(Exception):
    """A turn failed and nothing of it was committed (``converse(strict=True)``).

    ``replies`` tell the person so in their language, for when the message won't come again.
    """

    def __init__(self, replies: list[Outbound]) -> None:
        super().__init__("the turn failed; nothing of it was stored")
        self.replies = replies


@dataclass(frozen=True, slots=True)
class Reply:
    """The replies to one message, and the language they are in."""

    outbound: list[Outbound]
    lang: Lang


@dataclass(frozen=True, slots=True)
class _Said:
    """What a turn said, deferred work still in place, and the language it is in."""

    steps: list[Outbound | Deferred]
    lang: Lang


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What a service action did: replies, and optionally what the conversation does next.

    Attributes:
        event: An outcome for the emitting dialog's ``events`` (e.g. ``slot_taken``).
        follow: What the conversation does next (e.g. ``JumpTo("work_history", "jobs")`` to
            open a commented answer); ``event`` wins if both are set.
    """

    outbound: Sequence[Outbound | Deferred] = ()
    event: str | None = None
    follow: Payload | None = None


@dataclass(frozen=True, slots=True)
class SourceContext:
    """What an options source may use: the session, the answers so far, language and time."""

    session: Session
    consented: bool
    answers: Mapping[str, Any]
    lang: Lang
    now: datetime
    person_id: str = ""


@dataclass(frozen=True, slots=True)
class Delivery:
    """A claimed outbox message, rendered for its person: send it, then acknowledge its id.

    ``outbox_id`` stays the same when a message is sent again after a failure or a crash,
    so a channel can recognise (and drop) a duplicate.
    """

    outbox_id: int
    person_id: str
    outbound: list[Outbound]
    attempt: int = 1


Action = Callable[[EffectContext], ActionResult]
SourceProvider = Callable[[SourceContext], Sequence[Option]]
AttachmentReader = Callable[[EffectContext, Attachment], ActionResult]
"""Reads a file a person sent (in memory) and says what follows (``bot.importing``)."""
_SOURCE_ROUNDS = 6


class _AnswerCache:
    """People's current answers and conversation state as their last turn here left them.

    Every turn bumps its conversation's revision and changes answers only through
    ``repo.save_answer`` (which notes each in the session), so answers kept with revision
    ``n`` are exactly what the database holds while the row still says ``n``: a turn then
    needs no query that grows with the person's answers, and no decoding of the state it
    reads (the one kept is never changed: the engine works on a copy). Another worker's
    turn, or anything else, moves the revision on and both are read again. Bounded (least
    recently used first), so memory does not grow with the number of people served.
    """

    def __init__(self, size: int = 512) -> None:
        self._kept: Bounded[str, tuple[int, dict[str, Any], ConversationState]] = Bounded(size)

    def get(self, person_id: str, revision: int) -> dict[str, Any] | None:
        """A copy of the answers kept for this revision, or None."""
        kept = self._kept.get(person_id)
        return dict(kept[1]) if kept is not None and kept[0] == revision else None

    def state(self, person_id: str, revision: int) -> ConversationState | None:
        """The conversation state kept for this revision, or None."""
        kept = self._kept.get(person_id)
        return kept[2] if kept is not None and kept[0] == revision else None

    def put(
        self, person_id: str, revision: int, answers: dict[str, Any], state: ConversationState
    ) -> None:
        """Keep what a committed turn left at ``revision``."""
        self._kept.put(person_id, (revision, answers, state))

    def forget(self, person_id: str) -> None:
        """Forget one person (deleted here; a new conversation starts at a new revision)."""
        self._kept.forget(person_id)

    def clear(self) -> None:
        """Forget everyone (after a turn that moved answers between people)."""
        self._kept.clear()


class _PersonLocks:
    """One lock per person, so one person's messages are handled one at a time in-process."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    def acquire(self, person_id: str) -> threading.Lock:
        with self._guard:
            held = self._locks.get(person_id)
            lock, users = held if held is not None else (threading.Lock(), 0)
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
        actions: Mapping[str, Action] | None = None,
        sources: Mapping[str, SourceProvider] | None = None,
        attachments: AttachmentReader | None = None,
        notify_order: Sequence[str] = (),
    ) -> None:
        self._sessions = session_factory
        # Each message's unit of work runs on a Core connection when the factory offers it.
        self._begin_unit: Callable[[], AbstractContextManager[Session]] = (
            session_factory.begin_unit
            if isinstance(session_factory, SessionFactory)
            else session_factory.begin
        )
        self._catalog = catalog
        self._specs = dict(specs)
        self._clock = clock
        self._locks = _PersonLocks()
        self._answers = _AnswerCache()
        self._snapshots_stored: set[str] = set()
        self._pinned_cache: dict[str, Any] = {}
        self._handlers: dict[type, EffectHandler] = {
            SaveAnswer: _save_answer,
            SetLanguage: _set_language,
            SetConsent: _set_consent,
            ExportData: _export_data,
            DeleteData: _delete_data,
            ForgetAnswer: _forget_answer,
        }
        self._handlers.update(handlers or {})
        # A turn's last answer can be stored with its state when saving is the built-in one.
        self._saves_with_state = self._handlers[SaveAnswer] is _save_answer
        # Kept as given, not copied: the composition root's mappings import a feature only
        # when one of its names is first looked up.
        self._actions: Mapping[str, Action] = actions or {}
        self._sources: Mapping[str, SourceProvider] = sources or {}
        self._attachments = attachments
        # Every message goes from its channel identity to its person (see bot.people).
        self._linking = Linking(JST)
        # Where a person on several channels gets reminders (JOBCARD_NOTIFY_ORDER; () = recent).
        self.notify_order = tuple(notify_order)

    @property
    def catalog(self) -> DialogCatalog:
        """The current dialogs."""
        return self._catalog

    def handle(self, inbound: Inbound) -> list[Outbound]:
        """Handle one message; on an internal error, say so plainly (nothing is lost)."""
        return self.reply(inbound).outbound

    def reply(self, inbound: Inbound) -> Reply:
        """Handle one message and also say which language the replies are in.

        Deferred work (the card) is done here too, after the commit and outside the
        transaction; :meth:`converse` leaves it to the caller instead.
        """
        said = self._say(inbound)
        return Reply(Pending(tuple(said.steps)).render(), said.lang)

    def converse(
        self, inbound: Inbound, *, record: Recorder | None = None, strict: bool = False
    ) -> list[Outbound | Pending]:
        """Handle one message; the replies to send at once, then any :class:`Pending` work.

        The turn is committed before this returns. A channel sends the replies, shows that
        something is being made, then sends what ``Pending.render()`` returns. ``record``
        runs inside the turn's transaction with what the turn said, so a channel that keeps
        its own copy of the conversation (the web chat) writes it in the same unit of work;
        it is not called for a re-delivery, nor when the turn failed (nothing was committed).
        With ``strict`` a failed turn raises :class:`TurnFailed` instead of returning the
        apology, so a channel whose platform delivers the message again (LINE) can refuse it.
        """
        steps = self._say(inbound, record, strict).steps
        first = next((i for i, step in enumerate(steps) if isinstance(step, Deferred)), None)
        if first is None:
            return [step for step in steps if not isinstance(step, Deferred)]
        now = [step for step in steps[:first] if not isinstance(step, Deferred)]
        return [*now, Pending(tuple(steps[first:]))]

    def _say(
        self, inbound: Inbound, record: Recorder | None = None, strict: bool = False
    ) -> _Said:
        inbound, altered = storable_inbound(inbound)
        lock = self._locks.acquire(inbound.person_id)
        try:
            for attempt in range(5):
                try:
                    said = self._handle_once(inbound, altered, record)
                    if said is not None:
                        return said
                    if attempt > 0 and record is None:
                        return self._reply_lost(inbound)
                    return _Said([], as_lang(inbound.lang_hint))  # a re-delivery: handled before
                except DBAPIError as exc:
                    # SQLite "database is locked" after the busy timeout, or a connection the
                    # server dropped (connections are not pinged at each checkout: the first
                    # statement finds out, the pool lets that connection go): try again.
                    retry = isinstance(exc, OperationalError) or exc.connection_invalidated
                    if attempt == 4 or not retry:
                        raise
            raise AssertionError("unreachable")
        except Exception as exc:
            # Never log the message text or answers: only what failed and where.
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("turn failed for a person: %s\n%s", type(exc).__name__, frames)
            lang = self._known_language(inbound)
            if strict:
                raise TurnFailed([Text(t("error", lang))]) from exc
            return _Said([Text(t("error", lang))], lang)
        finally:
            self._locks.release(inbound.person_id, lock)

    def _reply_lost(self, inbound: Inbound) -> _Said:
        """A retried message found already handled: the connection failed as its turn
        committed, so it was stored but its reply was lost. Say so and show where the
        conversation is. (A channel that keeps its own log of the conversation wrote the
        reply in the same transaction, so it has it.)"""
        resume = Inbound(inbound.person_id, payload=encode(RunCommand("start")), origin="service")
        again = self._handle_once(resume)
        assert again is not None  # without a delivery id a message is never a re-delivery
        return _Said([Text(t("reply_lost", again.lang)), *again.steps], again.lang)

    def _known_language(self, inbound: Inbound) -> Lang:
        try:
            with self._sessions() as session:
                record = repo.find_person(session, inbound.person_id)
        except Exception:  # the database itself may be what failed
            record = None
        return as_lang(record.lang if record is not None else inbound.lang_hint)

    def _handle_once(
        self, inbound: Inbound, altered: bool = False, recorder: Recorder | None = None
    ) -> _Said | None:
        """One message's unit of work; None when its delivery was handled before."""
        now = self._clock()
        with self._begin_unit() as session:
            # One statement claims the delivery (dedupe), finds the person and locks them.
            opened = repo.open_turn(session, inbound.person_id, inbound.delivery_id, now)
            if opened is None:
                return None  # a re-delivery: handled before
            routed = self._linking.route(session, inbound, now, opened)
            inbound = routed.inbound
            record = opened.record
            if routed.said or record is None or record.person_id != inbound.person_id:
                # A new person, or a link request (it may have moved answers between people).
                new = record is None and not routed.said and opened.person_id == inbound.person_id
                lang = as_lang(inbound.lang_hint)
                record = repo.lock_conversation(session, inbound.person_id, now, lang, new=new)
            # The turn's saves need no revision of their own (see repo.save_answer).
            session.info[repo.TURN_OF] = record.person_id
            kept = self._answers.state(record.person_id, record.revision)
            state = kept or ConversationState.from_json(record.stored_state())
            state, reply, deleted = self._turn(session, record, state, inbound, now)
            last: SaveAnswer | None = session.info.pop(_LAST_ANSWER, None)
            if deleted and last is not None:
                _save_answer(EffectContext(session, record.person_id, record.lang, now), last)
            elif not deleted:
                self._pin(session, state, now)
                if last is None:
                    repo.save_state(
                        session, inbound.person_id, state.to_json(), record.revision, now
                    )
                else:
                    answer = (last.dialog, last.field, last.value)
                    repo.save_answer_and_state(
                        session, inbound.person_id, answer, state.to_json(), record.revision, now
                    )
            said = _Said([*routed.said, *reply.steps], reply.lang)
            if altered and said.steps:
                # The person is told before anything else that the text was changed.
                said = _Said([Text(t("unreadable_chars", said.lang)), *said.steps], said.lang)
            if recorder is not None:
                turn = TurnRecord(
                    session,
                    inbound.person_id,
                    tuple(said.steps),
                    said.lang,
                    None if deleted else state,
                    now,
                )
                recorder(turn)
            info = session.info
        self._keep_answers(info, state, deleted, bool(routed.said))
        return said

    def _current_answers(
        self, session: Session, record: repo.ConversationRecord
    ) -> dict[str, Any]:
        """The person's current answers: kept from their last turn, or read (see _AnswerCache)."""
        if repo.SAVED_ANSWERS not in session.info:
            kept = {} if record.created else self._answers.get(record.person_id, record.revision)
            answers = kept if kept is not None else repo.current_answers(session, record.person_id)
            # What this turn starts from; its saves are added once it is committed.
            session.info[repo.SAVED_ANSWERS] = []
            # (Not copied: nothing changes them during the turn; _keep_answers adds its saves.)
            session.info[_BASE_ANSWERS] = (record.person_id, record.revision, answers)
            # Exactly the fields the database holds a current answer for (see _AnswerCache).
            session.info[repo.CURRENT_KEYS] = (record.person_id, answers)
            return answers
        return repo.current_answers(session, record.person_id)  # an outcome's second round

    def _keep_answers(
        self, info: dict[str, Any], state: ConversationState, deleted: bool, relinked: bool
    ) -> None:
        """After the commit: keep the answers and state the turn left, for the next turn."""
        if relinked:
            self._answers.clear()
            return
        base = info.get(_BASE_ANSWERS)
        gone = info.get(repo.DELETED_PEOPLE, ())
        for person_id in gone:
            self._answers.forget(person_id)
        if base is None or deleted or gone:
            return
        person_id, revision, answers = base
        for person, key, value in info.get(repo.SAVED_ANSWERS, ()):
            if person == person_id:
                answers[key] = value
        self._answers.put(person_id, revision + 1, answers, state)

    def _turn(
        self,
        session: Session,
        record: repo.ConversationRecord,
        state: ConversationState,
        inbound: Inbound,
        now: datetime,
        depth: int = 0,
    ) -> tuple[ConversationState, _Said, bool]:
        """Advance the engine and run its effects; an action's outcome is fed back once."""
        if inbound.kind == "file":
            return self._file(session, record, state, inbound, now, depth)
        catalog = self._catalog_for(session, state)
        person = PersonView(
            lang=as_lang(record.lang),
            consented=record.consent,
            answers=self._current_answers(session, record),
        )
        transition = self._advance(session, catalog, state, person, inbound, now)
        outbound: list[Outbound | Deferred] = list(transition.outbound)
        effect_ctx = EffectContext(session, record.person_id, person.lang, now)
        inserted = 0
        deleted = False
        last = len(transition.effects) - 1
        for index, (effect, anchor) in enumerate(
            zip(transition.effects, transition.anchors, strict=True)
        ):
            if index == last and isinstance(effect, SaveAnswer) and self._saves_with_state:
                # The turn's last write before its state: stored with it (see _handle_once;
                # on PostgreSQL one statement). Nothing reads answers in between.
                session.info[_LAST_ANSWER] = effect
                continue
            result = self._run(effect, effect_ctx)
            if isinstance(effect, SetLanguage):
                effect_ctx = EffectContext(session, record.person_id, effect.lang, now)
            deleted = deleted or isinstance(effect, DeleteData)
            position = anchor + inserted
            follow = result.follow
            if result.event is not None and isinstance(effect, Emit):
                follow = Outcome(effect.dialog, result.event)
            if follow is not None and depth == 0:
                # The outcome changes what comes next: drop what the turn said after this
                # point and continue from the outcome instead.
                kept = [*outbound[:position], *result.outbound]
                event = Inbound(record.person_id, payload=encode(follow), origin="service")
                state, more, deleted = self._turn(
                    session, record, transition.state, event, now, depth + 1
                )
                return state, _Said(kept + more.steps, more.lang), deleted
            outbound[position:position] = result.outbound
            inserted += len(result.outbound)
        return transition.state, _Said(outbound, as_lang(effect_ctx.lang)), deleted

    def _file(
        self,
        session: Session,
        record: repo.ConversationRecord,
        state: ConversationState,
        inbound: Inbound,
        now: datetime,
        depth: int,
    ) -> tuple[ConversationState, _Said, bool]:
        """A file: the reader takes it (once consent is given), then the conversation goes
        where it says; without a reader it is one more thing the bot can't read."""
        attachment = inbound.attachment
        if self._attachments is None or attachment is None or record.consent is not True:
            unreadable = replace(inbound, kind="unsupported", attachment=None)
            return self._turn(session, record, state, unreadable, now, depth)
        ctx = EffectContext(session, record.person_id, as_lang(record.lang), now)
        result = self._attachments(ctx, attachment)
        if result.follow is None:
            return state, _Said(list(result.outbound), as_lang(record.lang)), False
        event = Inbound(record.person_id, payload=encode(result.follow), origin="service")
        state, more, deleted = self._turn(session, record, state, event, now, depth + 1)
        return state, _Said([*result.outbound, *more.steps], more.lang), deleted

    def _advance(
        self,
        session: Session,
        catalog: DialogCatalog,
        state: ConversationState,
        person: PersonView,
        inbound: Inbound,
        now: datetime,
    ) -> Transition:
        """Run the pure engine, computing the run-time options it asks for (a few rounds)."""
        sources: dict[str, tuple[Option, ...]] = {}
        for _ in range(_SOURCE_ROUNDS):
            context = TurnContext(today=now.astimezone(JST).date(), sources=sources)
            transition = advance(catalog, state, person, inbound, context)
            if not transition.needs:
                return transition
            for request in transition.needs:
                provider = self._sources.get(request.name)
                if provider is None:
                    raise LookupError(f"no provider for options source {request.name!r}")
                source_ctx = SourceContext(
                    session,
                    person.consented is True,
                    request.answers,
                    person.lang,
                    now,
                    inbound.person_id,
                )
                sources[request.name] = tuple(provider(source_ctx))
        raise RuntimeError("the engine kept asking for more options")

    def _run(self, effect: Effect, ctx: EffectContext) -> ActionResult:
        if isinstance(effect, Emit):
            action = self._actions.get(effect.name)
            if action is None:
                raise LookupError(f"no service action {effect.name!r}")
            return action(replace(ctx, value=effect.value) if effect.value is not None else ctx)
        handler = self._handlers.get(type(effect))
        if handler is None:
            raise LookupError(f"no handler for effect {type(effect).__name__}")
        return ActionResult(tuple(handler(ctx, effect)))

    def _catalog_for(self, session: Session, state: ConversationState) -> DialogCatalog:
        """The catalog plus any older dialog versions this conversation is pinned to."""
        active, pinned = state.active, self._catalog.pinned
        if not state.suspended and (active is None or active.digest in pinned):
            return self._catalog  # the usual case, decided without building sets
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
            person_id = people.resolve(session, storable(person_id))
            record = repo.find_person(session, person_id)
            answers = repo.current_answers(session, person_id) if record else {}
        lang = as_lang(record.lang if record else None)
        consented = record.consent if record else None
        state = ConversationState.from_json(record.state if record else None)
        open_dialogs = set(state.suspended) | ({state.active.dialog} if state.active else set())
        return Overview(lang, consented, section_statuses(self._catalog, answers, open_dialogs))

    def now(self) -> datetime:
        """The service's current time (its clock is replaceable in tests)."""
        return self._clock()

    def has_due(self, person_id: str) -> bool:
        """Whether reminders or notices may be due for a person (a read: nothing is claimed)."""
        with self._begin_unit() as session:  # (on a connection: no ORM session, as below)
            return outbox.has_due(session, person_id, self._clock())

    def claim_due(
        self, channel: str, *, person_id: str | None = None, limit: int = 50
    ) -> list[Delivery]:
        """Claim due outbox messages of ``channel`` (or of one person) and render them.

        Nothing is marked sent: the sender calls :meth:`acknowledge` once the send succeeded,
        or :meth:`release` when it failed (see ``bot.channels.outbox_loop``). A message whose
        sender crashed is claimed again after the lease, under the same ``outbox_id``.
        """
        now = self._clock()
        # A unit of work on a connection, like a turn's: the check at every prompt of the
        # console, which usually finds nothing due, then needs no ORM session.
        with self._begin_unit() as session:
            items = outbox.claim_due(
                session, channel, now, limit, person_id=person_id, order=self.notify_order
            )
            # Joined identities: the message goes to the one used last (or first in order).
            reach = {
                item.person_id: people.reached_identity(session, item.person_id, self.notify_order)
                for item in items
            }
            langs = {
                item.person_id: as_lang(record.lang if record else None)
                for item in items
                if item.kind == "message"
                for record in [repo.find_person(session, item.person_id)]
            }
        deliveries: list[Delivery] = []
        for item in items:
            if item.kind == "inbound":
                # A retried reminder runs its payload again (the first run may have been
                # committed before the crash): the person sees the question once more.
                retry = "" if item.attempt == 1 else f":{item.attempt}"
                inbound = Inbound(
                    item.person_id,
                    payload=str(item.payload),
                    delivery_id=f"outbox:{item.id}{retry}",
                    origin="service",
                )
                outbound = self.handle(inbound)
            else:
                outbound = [Text(Localized(**item.payload).get(langs[item.person_id]))]
            deliveries.append(Delivery(item.id, reach[item.person_id], outbound, item.attempt))
        return deliveries

    def acknowledge(self, outbox_id: int) -> None:
        """Record that a claimed outbox message was sent."""
        with self._sessions.begin() as session:
            outbox.acknowledge(session, outbox_id, self._clock())

    def release(self, outbox_id: int) -> None:
        """Give back a claimed message whose send failed, to be tried again (a few times)."""
        with self._sessions.begin() as session:
            outbox.release(session, outbox_id)

    def give_up(self, outbox_id: int) -> None:
        """Drop a claimed message for good: its person can't be reached there (unfollowed)."""
        with self._sessions.begin() as session:
            outbox.give_up(session, outbox_id)

    def deliver_due(self, channel: str, limit: int = 50) -> list[tuple[str, list[Outbound]]]:
        """Claim due messages and acknowledge them at once, returning what to show whom.

        Only for in-process callers for which receiving the list *is* the delivery (tests,
        tools); a channel that sends over a network uses :meth:`claim_due` and acknowledges
        each message after its send, through ``bot.channels.outbox_loop``.
        """
        deliveries = self.claim_due(channel, limit=limit)
        for delivery in deliveries:
            self.acknowledge(delivery.outbox_id)
        return [(d.person_id, d.outbound) for d in deliveries]

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


def storable(value: str) -> str:
    """``value`` with what no database can store (lone surrogates, NUL) replaced by U+FFFD.

    Channels hand over whatever their JSON held: a lone UTF-16 surrogate (``\\ud800``) cannot
    be encoded as UTF-8, so it breaks every later export, card and PDF, and PostgreSQL refuses
    it and NUL outright. A valid surrogate pair is joined into its character, not replaced.
    """
    if "\x00" not in value:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            pass
        else:
            return value
    joined = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return joined.replace("\x00", "\ufffd")


def storable_inbound(inbound: Inbound) -> tuple[Inbound, bool]:
    """The message with every string made storable, and whether typed characters were lost."""
    typed = inbound.text or ""
    person = storable(inbound.person_id)
    text = None if inbound.text is None else storable(inbound.text)
    payload = None if inbound.payload is None else storable(inbound.payload)
    delivery = None if inbound.delivery_id is None else storable(inbound.delivery_id)
    hint = None if inbound.lang_hint is None else storable(inbound.lang_hint)
    if (person, text, payload, delivery, hint) == (
        inbound.person_id,
        inbound.text,
        inbound.payload,
        inbound.delivery_id,
        inbound.lang_hint,
    ):
        return inbound, False  # the usual case: nothing to replace
    cleaned = replace(
        inbound,
        person_id=person,
        text=text,
        payload=payload,
        delivery_id=delivery,
        lang_hint=hint,
    )
    return cleaned, (text or "").count("\ufffd") > typed.count("\ufffd")


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


def _forget_answer(ctx: EffectContext, effect: ForgetAnswer) -> Sequence[Outbound]:
    from storage import memos  # (loaded with the first memo deleted)

    memos.forget_answer(ctx.session, ctx.person_id, effect.dialog, effect.field, ctx.now)
    return ()


def _delete_data(ctx: EffectContext, _effect: DeleteData) -> Sequence[Outbound]:
    repo.delete_person(ctx.session, ctx.person_id)
    return ()

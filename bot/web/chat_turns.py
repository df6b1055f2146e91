"""A browser chat turn as one unit of work, and the card made after it.

The page's messages (what the person said, the replies, document links) are written by a
recorder inside the service's own transaction, so a turn costs the service's one
transaction and nothing more. A turn that asks for the card commits and answers at once
with a progress note; the card is made afterwards on a worker thread and its messages
replace the note when ready (``chat.js`` polls for them; without JavaScript the next page
load shows them).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.bounded import Bounded
from bot.documents.links import DocumentLinks
from bot.engine import Attachment, Document, Inbound, Outbound, Text, as_lang
from bot.engine.localized import Lang
from bot.engine.payloads import RunCommand, encode
from bot.service import ConversationService, Deferred, Pending, TurnRecord
from bot.web import chat_messages as shown
from bot.web.chat_security import CHANNEL, ChatKeys, ChatLimits
from bot.web.chat_texts import text
from storage import importing, outbox, people, webchat
from storage import repositories as repo
from storage.webchat import WebMessage

log = logging.getLogger(__name__)

COMMANDS = ("back", "skip", "summary", "menu", "help", "card", "link")
START = encode(RunCommand("start"))
# Longer than any card takes even on a busy machine; a note older than this was left by a
# process that stopped, and the person is told the card could not be made.
PENDING_TIMEOUT = timedelta(minutes=3)
_LANGUAGE = (encode(RunCommand("english")), encode(RunCommand("日本語")))
# Reminders are looked for at most this often during a conversation (the other channels'
# outbox loops run every 30 s too); every page load looks.
DUE_EVERY_SECONDS = 30.0
TURN_WORKERS = 8  # requests at once on PostgreSQL (within SQLAlchemy's pool of 5 + 10)
V = TypeVar("V")
P = ParamSpec("P")


class BrowserMemory(Bounded[str, V]):
    """Something about each browser kept in this process's memory, for a bounded number.

    Only what can be looked up again is kept here: a browser this process does not know
    (another worker served it, a restart) is read from the database instead.
    """

    def __init__(self, size: int = 4096) -> None:
        super().__init__(size)


def _card_workers() -> ThreadPoolExecutor:
    # Two at a time: a card takes about a second of CPU, and turns must stay quick meanwhile.
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="webchat-card")


@dataclass
class ChatSettings:
    """What the chat needs, built once by ``jobcard web`` (or a test)."""

    service: ConversationService
    sessions: sessionmaker[Session]
    keys: ChatKeys
    links: DocumentLinks | None = None
    limits: ChatLimits = field(default_factory=ChatLimits)
    public_url: str = ""
    # Each browser's latest buttons (payload → label), to show a press by its label.
    buttons: BrowserMemory[dict[str, str]] = field(default_factory=BrowserMemory)
    # When each browser's due reminders were last looked for (monotonic seconds).
    due_checked: BrowserMemory[float] = field(default_factory=BrowserMemory)
    card_workers: ThreadPoolExecutor = field(default_factory=_card_workers)
    # Whether the database work of a request runs in the event loop itself: on SQLite a
    # turn is a millisecond of work and one writer at a time anyway, and handing each
    # request to a thread and back cost as much again in CPU (and the GIL's hand-overs).
    # PostgreSQL waits on the network, so there it runs in threads of its own: a plain
    # executor's hand-over costs a third of anyio's (Starlette's run_in_threadpool).
    in_loop: bool = field(init=False)
    turn_workers: ThreadPoolExecutor | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        bind = self.sessions.kw.get("bind")
        self.in_loop = bind is not None and bind.dialect.name == "sqlite"
        if not self.in_loop:
            self.turn_workers = ThreadPoolExecutor(TURN_WORKERS, thread_name_prefix="webchat")

    async def run(self, work: Callable[P, V], *args: P.args, **kwargs: P.kwargs) -> V:
        """Do a request's database work: in the event loop on SQLite, else in a thread."""
        if self.turn_workers is None:
            return work(*args, **kwargs)
        call = functools.partial(contextvars.copy_context().run, work, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.turn_workers, call)


@dataclass(frozen=True, slots=True)
class TurnResult:
    """What a turn added to the page, the answer box for what comes next, and its language.

    ``handled`` is False for a form posted again (a double tap): the first post was taken.
    ``pending`` is the id of the progress note while the card is being made.
    """

    messages: list[WebMessage]
    box: shown.AnswerBox
    lang: Lang
    pending: int | None = None
    handled: bool = True


def command_label(payload: str, lang: Lang) -> str | None:
    """What a command button said, to show it as the person's message."""
    for key in COMMANDS:
        if payload == encode(RunCommand(key)):
            return text(f"cmd_{key}", lang)
    if payload == START:
        return text("start", lang)
    if payload in _LANGUAGE:
        return text("language", "ja" if payload.endswith("english") else "en")
    return None


def page_replies(
    chat: ChatSettings,
    session: Session,
    person: str,
    replies: Sequence[Outbound],
    lang: Lang,
    now: datetime,
) -> list[shown.StoredMessage]:
    """Replies as the page keeps them: a document becomes a signed link."""
    stored = []
    for outbound in replies:
        link = None
        if isinstance(outbound, Document) and chat.links is not None:
            link = chat.links.issue(session, person, outbound, now)
        if isinstance(outbound, Document) and link is None:
            stored.append(shown.bot_text(text("no_link", lang)))
            continue
        stored.append(shown.bot_message(outbound, link))
    return stored


@dataclass
class _Recorded:
    steps: tuple[Outbound | Deferred, ...]
    messages: list[WebMessage]
    buttons: dict[str, str]
    box: shown.AnswerBox
    lang: Lang
    person: str
    pending: int | None
    due: bool


class _Recorder:
    """Writes a turn onto the page inside the service's transaction (``converse(record=…)``)."""

    def __init__(self, chat: ChatSettings, identity: str, typed: str, payload: str | None):
        self.chat, self.identity, self.typed, self.payload = chat, identity, typed, payload
        self.result: _Recorded | None = None
        self.deleted = False

    def _said(self, session: Session, lang: Lang) -> str:
        """What the person is shown to have said: the text, or the pressed button's label."""
        if self.payload is None and importing.document_read(session):
            # A pasted 職務経歴書 is read, not kept: the page keeps a note of it instead.
            return text("document_read", lang, count=len(self.typed))
        if self.payload is None:
            return self.typed
        label = (self.chat.buttons.get(self.identity) or {}).get(self.payload)
        label = label or command_label(self.payload, lang)
        if label is None:
            label = webchat.latest_buttons(session, self.identity).get(self.payload)
        return label or ""

    def __call__(self, turn: TurnRecord) -> None:
        self.result = None
        if turn.state is None:
            self.deleted = True  # the person is gone, and the page with them
            return
        session, lang, now = turn.session, turn.lang, turn.now
        said = self._said(session, lang)
        stored = [shown.person_message(said)] if said else []
        first = next((i for i, s in enumerate(turn.steps) if isinstance(s, Deferred)), None)
        at_once = [s for s in turn.steps[:first] if not isinstance(s, Deferred)]
        replies = page_replies(self.chat, session, turn.person_id, at_once, lang, now)
        stored += replies
        if first is not None:
            failure = turn.steps[first]
            assert isinstance(failure, Deferred)
            told = failure.failure.text if isinstance(failure.failure, Text) else ""
            stored.append(shown.pending_message(text("working", lang), told, now))
        if self.payload is not None and self.typed.strip():
            stored.append(shown.draft_message(self.typed))
        ids = webchat.append_messages(session, self.identity, turn.person_id, stored, now)
        messages = [
            WebMessage(i, body, image is not None)
            for i, (body, image) in zip(ids, stored, strict=True)
        ]
        self.result = _Recorded(
            turn.steps,
            messages,
            shown.buttons_of(replies),
            shown.box_for(turn.state, self.chat.service.catalog),
            lang,
            turn.person_id,
            next((m.id for m in messages if m.body.get("kind") == "pending"), None),
            self._due(session, turn.person_id, now),
        )

    def _due(self, session: Session, person: str, now: datetime) -> bool:
        """Whether reminders may be due (looked for in the database every 30 s at most)."""
        checked = self.chat.due_checked.get(self.identity)
        moment = time.monotonic()
        if checked is not None and moment - checked < DUE_EVERY_SECONDS:
            return False
        self.chat.due_checked.put(self.identity, moment)
        return outbox.has_due(session, person, now)


def _committed(recorded: _Recorded | None, replies: list[Outbound | Pending]) -> bool:
    """Whether what was recorded is what the service returned (not a failed attempt's)."""
    if recorded is None:
        return False
    first: object = replies[0] if replies else None
    if isinstance(first, Pending):
        first = first.steps[0]
    return first is (recorded.steps[0] if recorded.steps else None)


def take_turn(
    chat: ChatSettings,
    identity: str,
    typed: str,
    payload: str | None,
    delivery: str,
    lang_hint: Lang,
    *,
    attachment: Attachment | None = None,
) -> TurnResult:
    """Hand what was typed or pressed to the service; the page's messages ride in its turn.

    With ``attachment`` (the upload field's file), ``typed`` is only what the page shows.
    """
    recorder = _Recorder(chat, identity, typed, payload)
    inbound = Inbound(
        identity,
        text=typed if payload is None and attachment is None else None,
        payload=payload,
        kind="text" if attachment is None else "file",
        attachment=attachment,
        # The browser's id is in the delivery id, so deleting the person forgets it too.
        delivery_id=f"{identity}:{delivery}",
        lang_hint=lang_hint,  # used only for a person not seen before
    )
    replies = chat.service.converse(inbound, record=recorder)
    recorded = recorder.result
    if not replies:
        # The same form again (a double tap, a retry): it was handled once, before.
        return TurnResult([], shown.AnswerBox(), lang_hint, handled=False)
    if recorder.deleted:
        return TurnResult([], shown.AnswerBox(), lang_hint)  # the page went with the person
    if recorded is None or not _committed(recorded, replies):
        return _failed(chat, identity, recorder, replies, lang_hint)
    chat.buttons.put(identity, recorded.buttons)
    pending = next((r for r in replies if isinstance(r, Pending)), None)
    if pending is not None and recorded.pending is not None:
        chat.card_workers.submit(_finish, chat, identity, recorded.pending, pending, recorded.lang)
    messages = recorded.messages
    if recorded.due:
        messages = messages + deliver_due(chat, identity, recorded.person)
    return TurnResult(messages, recorded.box, recorded.lang, recorded.pending)


def _failed(
    chat: ChatSettings,
    identity: str,
    recorder: _Recorder,
    replies: list[Outbound | Pending],
    lang: Lang,
) -> TurnResult:
    """The turn failed and nothing was committed: the page keeps what was typed and the
    apology, so the person can send it again."""
    now = chat.service.now()
    said = [r for r in replies if not isinstance(r, Pending)]
    with chat.sessions.begin() as session:
        person = people.resolve(session, identity)
        stored = [shown.person_message(recorder.typed)] if recorder.payload is None else []
        stored += page_replies(chat, session, person, said, lang, now)
        if recorder.payload is not None and recorder.typed.strip():
            stored.append(shown.draft_message(recorder.typed))
        ids = webchat.add_messages(session, identity, person, stored, now)
        record = repo.find_person(session, person)
    messages = [
        WebMessage(i, b, img is not None) for i, (b, img) in zip(ids, stored, strict=False)
    ]
    state = record.state if record is not None else None
    return TurnResult(messages, shown.answer_box(state, chat.service.catalog), lang)


def _is_note(body: dict[str, Any] | None) -> bool:
    """Whether a stored message is (still) a progress note."""
    return body is not None and body.get("kind") == "pending"


def _finish(chat: ChatSettings, identity: str, note: int, pending: Pending, lang: Lang) -> None:
    """Make the card after the turn's commit; its messages replace the progress note."""
    try:
        replies = pending.render()  # a failure is already its own message to the person
        now = chat.service.now()
        with chat.sessions.begin() as session:
            person = people.resolve(session, identity)
            # Gone: timed out and told, or the person was deleted or unlinked meanwhile.
            if _is_note(webchat.message_body(session, identity, note)):
                stored = page_replies(chat, session, person, replies, lang, now)
                # Added before the note goes, so they come after it (SQLite reuses the
                # highest id once it is deleted, and the page asks for what follows it).
                webchat.add_messages(session, identity, person, stored, now)
                webchat.remove_message(session, identity, note)
        chat.buttons.forget(identity)
    except Exception as exc:
        # Never log the card: only what failed and where. The note times out and says so.
        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error("web chat card failed: %s\n%s", type(exc).__name__, frames)


def settle_stale(chat: ChatSettings, identity: str, messages: list[WebMessage]) -> bool:
    """Tell the person about progress notes whose work never finished; True if any was."""
    now = chat.service.now()
    stale = [
        m
        for m in messages
        if (since := shown.pending_since(m.body)) is not None and now - since > PENDING_TIMEOUT
    ]
    if not stale:
        return False
    with chat.sessions.begin() as session:
        person = people.resolve(session, identity)
        for message in stale:
            if _is_note(webchat.message_body(session, identity, message.id)):
                told = str(message.body.get("failure") or "")
                if told:
                    webchat.add_messages(session, identity, person, [shown.bot_text(told)], now)
                webchat.remove_message(session, identity, message.id)
    chat.buttons.forget(identity)
    return True


def updates(
    chat: ChatSettings, identity: str, after: int, note: int | None
) -> tuple[list[WebMessage], bool]:
    """Messages after ``after``, and whether the progress note ``note`` is still waiting."""
    for _ in range(2):
        with chat.sessions() as session:
            messages = webchat.recent_messages(session, identity, after=after)
            body = webchat.message_body(session, identity, note) if note else None
        waiting = [WebMessage(note, body, False)] if note and body and _is_note(body) else []
        if not settle_stale(chat, identity, messages + waiting):
            return messages, bool(waiting)
    return messages, False


def deliver_due(chat: ChatSettings, identity: str, person: str) -> list[WebMessage]:
    """Reminders and notices due for this browser's person, when the web is where they are."""
    with chat.sessions() as session:
        if not outbox.has_due(session, person, chat.service.now()):
            return []  # the usual case: no write transaction for a page view
        order = chat.service.notify_order
        here = people.reached_identity(session, person, order) == identity
        record = repo.find_person(session, person)
    if not here or record is None:
        return []
    lang = as_lang(record.lang)
    added: list[WebMessage] = []
    for delivery in chat.service.claim_due(CHANNEL, person_id=person):
        now = chat.service.now()
        with chat.sessions.begin() as session:
            stored = page_replies(chat, session, person, delivery.outbound, lang, now)
            ids = webchat.add_messages(session, identity, person, stored, now)
        chat.service.acknowledge(delivery.outbox_id)
        added += [
            WebMessage(i, b, img is not None) for i, (b, img) in zip(ids, stored, strict=False)
        ]
    if added:
        chat.buttons.forget(identity)
    return added

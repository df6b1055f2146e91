"""A terminal chat's start on two cores: the opening turn in a forked process, the editor here.

`jobcard chat` shows its first prompt after two slow steps that need nothing from each
other: loading the line editor (prompt_toolkit) and importing the database layer
(SQLAlchemy) to take the opening turn, about a third of the start each. A child process
forked at start takes the opening turn (the same service, on the same database, as any
second channel process would) and hands back its replies, while this process loads the
line editor; the service here is built in the background once the first prompt shows, and
a turn that needs it first waits for it. Without ``fork`` or a second core, or if the
child fails, everything happens here, one step after the other, as before.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.engine import Inbound, Lang, Outbound
    from bot.service import ConversationService, Delivery, Reply


@dataclass(frozen=True, slots=True)
class Opened:
    """The opening turn's replies and their language; ``due``: reminders or notices may be
    waiting (they are delivered before the first prompt, once the service is built here)."""

    outbound: tuple[Outbound, ...]
    lang: Lang
    due: bool


def opening(person_id: str, start: str | None = None) -> Inbound:
    """The message a console chat opens with: 「/start」 (where the person left off), or the
    dialog ``start`` names."""
    from bot.engine import Inbound, OpenSection, encode

    if start is None:
        return Inbound(person_id, text="/start", delivery_id=delivery_id())
    return Inbound(person_id, payload=encode(OpenSection(start)), delivery_id=delivery_id())


def delivery_id() -> str:
    """A new console message's delivery id (each message is its own delivery)."""
    return f"console:{uuid.uuid4().hex}"


def can_fork() -> bool:
    """Whether a second process would run beside this one (``fork``, two usable cores)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return hasattr(os, "fork") and (cores or 1) >= 2


# What the child does once the opening is handed over (close its database …).
Cleanup = Callable[[], None]
# The child's work: the opening, and its cleanup.
Work = Callable[[], tuple[Opened, Cleanup]]


def forked(work: Work) -> Callable[[], Opened | None]:
    """Run ``work`` in a child process from now; the function returned waits for its result,
    or None if the child failed (the caller then does the work itself)."""
    try:
        read, write = os.pipe()
        pid = os.fork()
    except OSError:
        return lambda: None
    if pid == 0:  # pragma: no cover (the child ends with os._exit: coverage can't see it)
        _child(read, write, work)
    os.close(write)
    result: list[Opened | None] = []

    def wait() -> Opened | None:
        if not result:
            with os.fdopen(read, "rb") as pipe:
                data = pipe.read()
            # The child closes its database after handing the opening over (SQLite copies
            # its log back then): it is reaped in the background, not waited for here.
            threading.Thread(target=os.waitpid, args=(pid, 0), daemon=True).start()
            opened = None
            with contextlib.suppress(Exception):  # (our own child's bytes, never a user's)
                opened = pickle.loads(data) if data else None
            result.append(opened if isinstance(opened, Opened) else None)
        return result[0]

    return wait


def _child(read: int, write: int, work: Work) -> None:
    """The child's life: ``work``, its result written to the pipe and the pipe closed, the
    work's cleanup, then ``os._exit`` (never the parent's exit handlers, nor its buffered
    output written twice)."""
    code = 1
    try:
        os.close(read)
        # Keys typed meanwhile are the line editor's, in the parent: never read here.
        with open(os.devnull, "rb") as nothing:
            os.dup2(nothing.fileno(), 0)
        opened, cleanup = work()
        with os.fdopen(write, "wb") as pipe:
            pipe.write(pickle.dumps(opened, protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
        cleanup()
    except BaseException:  # Ctrl-C, a failure: the parent takes the opening turn itself
        pass
    finally:
        os._exit(code)


def take_opening(settings: Settings, person_id: str) -> tuple[Opened, Cleanup]:
    """The opening turn through the whole service, as the console takes it (in the child),
    and the closing of its database, for once the opening is handed over."""
    from bot.bootstrap import build_runtime

    runtime = build_runtime(settings, load_features=False)
    try:
        reply = runtime.service.reply(opening(person_id))
        due = runtime.service.has_due(person_id)
    except BaseException:
        runtime.engine.dispose()
        raise
    return Opened(tuple(reply.outbound), reply.lang, due), runtime.engine.dispose


class ServiceNotStarted(Exception):
    """The service could not be built here: the start failed (its error is the cause), and
    `jobcard chat` says so as it does when the service is built before anything is shown."""


class LaterService:
    """The service, built in the background: each call waits until it is there.

    It is what the console calls for a turn (``reply``) and for reminders (the outbox);
    if building it failed, every call raises :class:`ServiceNotStarted`.
    """

    def __init__(self) -> None:
        self._built = threading.Event()
        self._service: ConversationService | None = None
        self._failure: Exception | None = None

    def built(self, service: ConversationService) -> None:
        """The service is there: calls waiting for it go on."""
        self._service = service
        self._built.set()

    def failed(self, failure: Exception) -> None:
        """Building the service failed: calls waiting for it raise."""
        self._failure = failure
        self._built.set()

    def _get(self) -> ConversationService:
        self._built.wait()
        if self._service is None:
            raise ServiceNotStarted("the chat service could not be started") from self._failure
        return self._service

    def reply(self, inbound: Inbound) -> Reply:
        """A turn (see :meth:`ConversationService.reply`)."""
        return self._get().reply(inbound)

    def claim_due(
        self, channel: str, *, person_id: str | None = None, limit: int = 50
    ) -> list[Delivery]:
        """Claim and render due messages."""
        return self._get().claim_due(channel, person_id=person_id, limit=limit)

    def acknowledge(self, outbox_id: int) -> None:
        """Mark one message sent."""
        self._get().acknowledge(outbox_id)

    def release(self, outbox_id: int) -> None:
        """Give one message back after a failed send."""
        self._get().release(outbox_id)

    def give_up(self, outbox_id: int) -> None:
        """Drop one message for good."""
        self._get().give_up(outbox_id)

"""The console channel: chat in a terminal, or script a whole conversation through stdin."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, assert_never

from bot.channels.console_opening import ServiceNotStarted, delivery_id, opening
from bot.channels.console_texts import GOODBYE, IMPORT_COMMAND, KEYS_HINT, NO_FILE, STOPPED, UNSENT
from bot.channels.outbox_loop import Outbox, SentIds, deliver_due_now
from bot.engine import Choices, Document, Image, Inbound, Lang, Localized, Outbound, Text
from bot.engine.messages import ATTACHMENT_LIMIT, Attachment

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession

    from bot.channels.console_opening import Opened
    from bot.service import Reply

Handler = Callable[[Inbound], "Reply"]


def render(outbound: Outbound, out_dir: Path) -> str:
    """Turn one outbound message into terminal text (files are saved to ``out_dir``)."""
    if isinstance(outbound, Text):
        return outbound.text
    if isinstance(outbound, Choices):
        lines = [outbound.text]
        lines.extend(f"  {n}) {button.label}" for n, button in enumerate(outbound.options, 1))
        if outbound.actions:
            lines.append("  " + "  ".join(f"[{button.label}]" for button in outbound.actions))
        return "\n".join(lines)
    if isinstance(outbound, Image | Document):
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / outbound.filename
        path.write_bytes(outbound.content)
        caption = f"{outbound.caption}\n" if outbound.caption else ""
        return f"{caption}📄 {path}"
    assert_never(outbound)


def read_answers(stream: TextIO) -> Iterator[str]:
    """Yield one answer per line; a line ending in a backslash continues on the next line."""
    pending: list[str] = []
    while True:
        line = stream.readline()
        if not line:
            if pending:
                yield "\n".join(pending)
            return
        line = line.rstrip("\n").rstrip("\r")
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        yield "\n".join(pending)
        pending = []


class ConsoleChannel:
    """Runs a conversation between one person at a terminal (or a script) and the service."""

    def __init__(
        self,
        handler: Handler,
        person_id: str,
        *,
        out: TextIO = sys.stdout,
        err: TextIO = sys.stderr,
        out_dir: Path = Path("."),
        outbox: Outbox | None = None,
        ready: Callable[[], None] | None = None,
        warm: Callable[[], None] | None = None,
        opened: Callable[[], Opened | None] | None = None,
    ) -> None:
        """``ready`` is called once the first prompt is on screen (a script: once the first
        replies are printed). ``warm`` (which must not raise) loads what later turns need:
        in a terminal it runs in the background from then on, while the person types.
        ``opened`` gives a terminal chat's opening turn taken elsewhere while the line
        editor loads (see :mod:`bot.channels.console_opening`), or None to take it here."""
        self._handler = handler
        self._ready = ready
        self._warm = warm
        self._opened = opened
        self._outbox = outbox
        self._sent = SentIds()
        self._person_id = person_id
        self._out = out
        self._err = err
        self._out_dir = out_dir
        self._color = out.isatty()
        self._lang: Lang | None = None  # unknown until the first reply

    def send(self, messages: Iterable[Outbound]) -> None:
        """Print the bot's messages."""
        for message in messages:
            text = render(message, self._out_dir)
            if self._color:
                text = f"\033[36m{text}\033[0m"
            self._out.write(text + "\n\n")
        self._out.flush()

    def deliver(self) -> int:
        """Print this person's due reminders and notices; returns how many were shown.

        The console has no background loop, so it delivers at start and before each prompt.
        """
        if self._outbox is None:
            return 0
        return deliver_due_now(
            self._outbox,
            "console",
            lambda _person, outbound: self.send(outbound),
            person_id=self._person_id,
            sent=self._sent,
        )

    def submit(self, text: str | None = None, payload: str | None = None) -> None:
        """Send one message from the person and print the replies."""
        attachment = None
        if text is not None and text.startswith(IMPORT_COMMAND):
            attachment = self._file(text[len(IMPORT_COMMAND) :])
            if attachment is None:
                return
        inbound = Inbound(
            person_id=self._person_id,
            text=None if attachment else text,
            payload=payload,
            delivery_id=delivery_id(),
            kind="file" if attachment else "text",
            attachment=attachment,
        )
        self._take(inbound)

    def _take(self, inbound: Inbound) -> None:
        reply = self._handler(inbound)
        self._lang = reply.lang
        self.send(reply.outbound)

    def run(self, stream: TextIO, *, start: str | None = None) -> int:
        """Chat until the input ends or the person quits; returns the exit code."""
        if stream.isatty():
            return self._run_terminal(start)
        return self._run_script(stream, start)

    def _open(self, start: str | None) -> bool:
        """Show the opening turn's replies; whether reminders may be due (always when the
        turn was taken here: they are looked for at once)."""
        opened = self._opened() if self._opened is not None else None
        if self._opened is not None and (opened is None or opened.due):
            # The service here is needed before the first prompt (to take the opening the
            # other process could not, or for the reminders, which come first): build it now.
            self._start_warming()
        if opened is None:
            self._take(opening(self._person_id, start))
            return True
        self._lang = opened.lang
        self.send(opened.outbound)
        return opened.due

    def _run_script(self, stream: TextIO, start: str | None) -> int:
        """Piped input: each line is the next answer, echoed so the output reads as a chat."""
        try:
            self._open(start)
            self.deliver()
            if self._ready is not None:
                self._ready()
            for answer in read_answers(stream):
                self._out.write(f"> {answer}\n")
                self.submit(answer)
                self.deliver()
        except KeyboardInterrupt:
            self._out.write("\n")
        return 0

    def _run_terminal(self, start: str | None) -> int:
        """A person at a terminal: a line editor in which a paste is one answer."""
        try:
            session = _prompt_session()  # (while an opening turn taken elsewhere is taken)
            due = self._open(start)
            self._when_first_drawn(session)
            self._say(KEYS_HINT)
            while True:
                if due:  # (else the first prompt need not wait for the service)
                    self.deliver()
                due = True
                try:
                    answer = session.prompt("> ")
                except EOFError:  # Ctrl-D at an empty prompt
                    break
                except KeyboardInterrupt:
                    if session.default_buffer.text.strip():
                        self._say(UNSENT)
                    break
                self._out.write("\n")
                self.submit(answer)
        except KeyboardInterrupt:  # while the bot was answering: the turn is all or nothing
            self._out.write("\n")
        except ServiceNotStarted:
            raise  # a failed start: told as one (see bot.channels.console_opening)
        except Exception as exc:  # a broken terminal or database: one line, never a traceback
            self._err.write(f"jobcard: {self._text(STOPPED)}: {type(exc).__name__}: {exc}\n")
            return 1
        self._say(GOODBYE)
        return 0

    def _when_first_drawn(self, session: PromptSession[str]) -> None:
        """Once the first prompt has been drawn: ``ready``, then ``warm`` in a thread.

        The line editor keeps reading keys in this thread meanwhile (the loading thread
        only takes turns with it), so nothing typed is lost or delayed noticeably.
        """
        drawn = threading.Event()

        def first(_app: object) -> None:
            if drawn.is_set():
                return
            drawn.set()
            if self._ready is not None:
                self._ready()
            self._start_warming()

        session.app.after_render += first

    def _start_warming(self) -> None:
        """Run ``warm`` in a thread of its own (once)."""
        warm, self._warm = self._warm, None
        if warm is not None:
            threading.Thread(target=warm, daemon=True).start()

    def _file(self, typed: str) -> Attachment | None:
        """The file ``/import`` names, read (up to the limit) as a channel would send it."""
        path = Path(typed.strip().strip("\"'")).expanduser()
        if not path.is_file():
            self._out.write(NO_FILE.format(self._lang or "ja", path=typed.strip()) + "\n\n")
            return None
        size = path.stat().st_size
        content = path.read_bytes() if size <= ATTACHMENT_LIMIT else b""
        return Attachment(path.name, "", content, size)

    def _text(self, text: Localized) -> str:
        if self._lang is None:
            return f"{text.ja}\n{text.en}"
        return text.get(self._lang)

    def _say(self, text: Localized) -> None:
        self._out.write(self._text(text) + "\n")
        self._out.flush()


def _prompt_session() -> PromptSession[str]:
    """The line editor; imported here so piped chats and other commands don't load it."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

    bindings = KeyBindings()

    @bindings.add("escape", "enter")  # Alt+Enter sends Esc then Enter in most terminals
    def _line_break(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    # History stays in memory: answers are personal, so they are not written to a file.
    # Bracketed paste is on by default: the whole paste is inserted, line breaks included.
    return PromptSession(
        history=InMemoryHistory(),
        key_bindings=bindings,
        multiline=False,
        prompt_continuation="  ",
        enable_open_in_editor=False,
    )

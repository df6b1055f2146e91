"""The console channel: chat in a terminal, or script a whole conversation through stdin."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO, assert_never

from bot.engine import Choices, Document, Image, Inbound, Outbound, Text

Handler = Callable[[Inbound], list[Outbound]]


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


def read_answers(stream: TextIO, prompt: Callable[[], None] | None = None) -> Iterator[str]:
    """Yield one answer per line; a line ending in a backslash continues on the next line."""
    pending: list[str] = []
    while True:
        if prompt is not None and not pending:
            prompt()
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
        out_dir: Path = Path("."),
    ) -> None:
        self._handler = handler
        self._person_id = person_id
        self._out = out
        self._out_dir = out_dir
        self._color = out.isatty()

    def send(self, messages: Iterable[Outbound]) -> None:
        """Print the bot's messages."""
        for message in messages:
            text = render(message, self._out_dir)
            if self._color:
                text = f"\033[36m{text}\033[0m"
            self._out.write(text + "\n\n")
        self._out.flush()

    def submit(self, text: str | None = None, payload: str | None = None) -> None:
        """Send one message from the person and print the replies."""
        inbound = Inbound(
            person_id=self._person_id,
            text=text,
            payload=payload,
            delivery_id=f"console:{uuid.uuid4().hex}",
        )
        self.send(self._handler(inbound))

    def run(self, stream: TextIO, *, start: str | None = None) -> int:
        """Chat until the input ends; returns the exit code."""
        if start is None:
            self.submit("/start")
        else:
            self.submit(payload=f"m|{start}")
        interactive = stream.isatty()

        def show_prompt() -> None:
            self._out.write("> ")
            self._out.flush()

        try:
            for answer in read_answers(stream, show_prompt if interactive else None):
                if not interactive:
                    self._out.write(f"> {answer}\n")
                self.submit(answer)
        except KeyboardInterrupt:
            self._out.write("\n")
        return 0

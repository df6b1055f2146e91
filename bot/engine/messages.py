"""The channel-neutral message vocabulary: what comes in and what goes out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.engine.choices import Option

InboundKind = Literal["text", "unsupported", "edited", "file"]

ATTACHMENT_LIMIT = 2 * 1024 * 1024
"""The largest file a channel downloads and the service reads (a 職務経歴書 is a few KB)."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file a person sent (a 職務経歴書 as Word, PDF or text), read in memory, never stored.

    Attributes:
        size: The size the platform reported; a channel does not download a file larger
            than :data:`ATTACHMENT_LIMIT` and passes it with empty ``content``.
    """

    name: str
    media_type: str
    content: bytes = field(repr=False)
    size: int = 0


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a person, as any channel adapter delivers it.

    Attributes:
        person_id: ``CHANNEL:ID``, e.g. ``telegram:12345`` or ``console:hanako``.
        text: What the person typed, if anything.
        payload: The payload of a pressed button, if a button was pressed.
        delivery_id: The channel's own id for this delivery, used to drop re-deliveries.
        lang_hint: The language the channel reports for the person, used only at first contact.
        origin: ``person`` for what a person sent; ``service`` for what the service itself
            feeds back (an action's outcome, a due reminder), which may carry payloads a
            person's button never may.
        kind: What arrived: ``text`` (typed text or a button), ``unsupported`` (a sticker,
            photo, voice message …, which the bot cannot read), ``edited`` (an edit of an
            earlier message, which is not taken as an answer) or ``file`` (a document, in
            ``attachment``: the service reads it, see ``bot.importing``).
        attachment: The file sent, when ``kind`` is ``file``.
        sent_at: When the platform says it was sent (seconds since the epoch), where it says
            so: a long paste a platform split in two (Telegram at 4,096 characters) arrives
            as parts sent in the same moment, and is put back together.
    """

    person_id: str
    text: str | None = None
    payload: str | None = None
    delivery_id: str | None = None
    lang_hint: str | None = None
    origin: Literal["person", "service"] = "person"
    kind: InboundKind = "text"
    attachment: Attachment | None = None
    sent_at: float | None = None


@dataclass(frozen=True, slots=True)
class Button:
    """A button: the label people see and the payload it sends back."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True, slots=True)
class Choices:
    """A message with buttons.

    Attributes:
        options: The answers, which may also be typed by their number.
        actions: Extra buttons (keep, skip, examples …), which may be typed by their label.
    """

    text: str
    options: tuple[Button, ...]
    actions: tuple[Button, ...] = ()


@dataclass(frozen=True, slots=True)
class Image:
    """A picture (PNG), e.g. a chart."""

    filename: str
    content: bytes = field(repr=False)
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """A file to hand over, e.g. the filled Job Card."""

    filename: str
    media_type: str
    content: bytes = field(repr=False)
    caption: str = ""


Outbound = Text | Choices | Image | Document


@dataclass(frozen=True, slots=True)
class TurnContext:
    """Facts from outside the engine for one turn: the engine itself reads no clock.

    Attributes:
        sources: Options computed by the service for ``options_from`` questions, by name.
    """

    today: date
    sources: Mapping[str, tuple[Option, ...]] = field(default_factory=dict)

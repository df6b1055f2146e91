"""LINE message objects as plain JSON: texts, quick replies, Flex bubbles, images and links.

LINE cannot receive a file from a bot, and shows a picture only from an HTTPS URL, so
documents and charts arrive here already turned into signed links (:class:`LinkedDocument`,
:class:`LinkedImage`). Everything is LINE's documented JSON; ``bot.channels.line`` hands it
to the SDK.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, assert_never

from sqlalchemy.orm import Session

from bot.channels.kit import (
    ButtonLimits,
    FittedChoices,
    clip,
    coalesce,
    fit_choices,
    split_text,
)
from bot.documents.links import DocumentLinks
from bot.engine import (
    Button,
    Choices,
    Document,
    Image,
    Lang,
    Localized,
    Outbound,
    Reply,
    Text,
    decode,
)

Message = dict[str, Any]

MAX_TEXT = 5000  # characters of one text message
MAX_MESSAGES = 5  # message objects in one reply or push
BUTTONS = ButtonLimits(count=13, label=20, payload_bytes=300)  # quick reply items
DISPLAY_TEXT = 300  # what a pressed button shows as the person's message
ALT_TEXT = 400  # a Flex message's text for notifications and old clients
L = Localized

TEXTS: dict[str, Localized] = {
    "document": L(
        "{caption}\n\n📄 {filename}\n{url}\n（このリンクは{hours}時間、{uses}回まで開けます）",
        "{caption}\n\n📄 {filename}\n{url}\n(The link opens up to {uses} times "
        "within {hours} hours.)",
    ),
    "open": L("開く", "Open"),
    "no_link": L(
        "申し訳ありません。このファイルはLINEではお渡しできませんでした。回答は保存されています。"
        "少し時間をおいて、もう一度お試しください。",
        "Sorry, this file could not be handed over on LINE. Your answers are saved. "
        "Please try again a little later.",
    ),
}


@dataclass(frozen=True, slots=True)
class LinkedDocument:
    """A document as a signed link (LINE takes no files)."""

    filename: str
    url: str
    caption: str
    hours: int
    uses: int


@dataclass(frozen=True, slots=True)
class LinkedImage:
    """A picture by URL: the original and a smaller preview, both signed links."""

    original: str
    preview: str
    caption: str


LineReply = Outbound | LinkedDocument | LinkedImage


def linked(
    links: DocumentLinks | None,
    session: Session,
    person: str,
    reply: Outbound,
    lang: Lang,
    now: datetime,
) -> LineReply:
    """A document or chart as signed links (issued in ``session``); anything else as it is."""
    if links is None:
        return reply
    if isinstance(reply, Image):
        urls = links.issue_image(session, person, reply, lang, now)
        return LinkedImage(urls[0], urls[1], reply.caption) if urls else reply
    if isinstance(reply, Document):
        url = links.issue(session, person, reply, now)
        hours = int(links.lifetime.total_seconds() // 3600)
        if url is not None:
            return LinkedDocument(reply.filename, url, reply.caption, hours, links.uses)
    return reply


CARD_TEXT = 3000  # a Flex card's body: well within LINE's 30 KB for one bubble


def _text(text: str) -> list[Message]:
    return [{"type": "text", "text": piece} for piece in split_text(text, MAX_TEXT)]


@lru_cache(maxsize=512)
def _fitted(choices: Choices) -> FittedChoices:
    # Everyone meets the same questions, so each is fitted once (the result is immutable).
    return fit_choices(choices, BUTTONS)


def quick_reply(choices: Choices) -> tuple[str, list[Message]]:
    """The question's text (a numbered list added when needed) and its quick reply items."""
    fitted = _fitted(choices)
    items = [
        {
            "type": "action",
            "action": {
                "type": "postback",
                "label": button.label,
                "data": button.payload,
                "displayText": clip(full, DISPLAY_TEXT),
            },
        }
        for button, full in zip(fitted.buttons, fitted.full_labels, strict=True)
    ]
    return fitted.text, items


@lru_cache(maxsize=512)
def _edits_answers(options: tuple[Button, ...]) -> bool:
    return any(
        isinstance(found := decode(b.payload), Reply) and found.kind in ("e", "g") for b in options
    )


def _is_summary(choices: Choices) -> bool:
    """A summary: its options edit the answers listed (``e``/``g`` payloads)."""
    return _edits_answers(choices.options)


def _card(text: str, footer: list[dict[str, Any]] | None = None) -> Message:
    """A Flex bubble holding ``text`` (and buttons); ``altText`` is the text itself."""
    bubble: dict[str, Any] = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [{"type": "text", "text": clip(text, CARD_TEXT), "wrap": True}],
        },
    }
    if footer:
        bubble["footer"] = {"type": "box", "layout": "vertical", "contents": footer}
    return {"type": "flex", "altText": clip(text, ALT_TEXT), "contents": bubble}


def _question(choices: Choices) -> list[Message]:
    text, items = quick_reply(choices)
    if _is_summary(choices) and len(text) <= CARD_TEXT:
        # The answers so far read as one card; the buttons to change them stay quick replies.
        messages = [_card(text)]
    else:
        messages = _text(text) or [{"type": "text", "text": "…"}]
    if items:
        messages[-1]["quickReply"] = {"items": items}
    return messages


def _document(document: LinkedDocument, lang: Lang) -> list[Message]:
    text = (
        TEXTS["document"]
        .format(
            lang,
            caption=document.caption,
            filename=document.filename,
            url=document.url,
            hours=document.hours,
            uses=document.uses,
        )
        .strip()
    )
    label = clip(f"{TEXTS['open'].get(lang)}: {document.filename}", 40)
    button = {
        "type": "button",
        "style": "primary",
        "action": {"type": "uri", "label": label, "uri": document.url},
    }
    return [_card(text, [button])]


def _confirmations(replies: Sequence[LineReply]) -> list[LineReply]:
    """A text followed by its calendar file (a booking confirmed) becomes one card."""
    joined: list[LineReply] = []
    for reply in replies:
        previous = joined[-1] if joined else None
        calendar = isinstance(reply, LinkedDocument) and reply.filename.endswith(".ics")
        if calendar and isinstance(reply, LinkedDocument) and isinstance(previous, Text):
            joined[-1] = replace(reply, caption=f"{previous.text}\n\n{reply.caption}".strip())
            continue
        joined.append(reply)
    return joined


def messages(replies: Sequence[LineReply], lang: Lang) -> list[Message]:
    """LINE message objects for a turn's replies, texts joined where they fit."""
    out: list[Message] = []
    for reply in coalesce(_confirmations(replies), MAX_TEXT):
        if isinstance(reply, Text):
            out += _text(reply.text)
        elif isinstance(reply, Choices):
            out += _question(reply)
        elif isinstance(reply, LinkedImage):
            out += _text(reply.caption)
            out.append(
                {
                    "type": "image",
                    "originalContentUrl": reply.original,
                    "previewImageUrl": reply.preview,
                }
            )
        elif isinstance(reply, LinkedDocument):
            out += _document(reply, lang)
        elif isinstance(reply, Image | Document):
            out += _text(TEXTS["no_link"].get(lang))  # no link could be made for it
        else:
            assert_never(reply)
    return out


def batches(items: Sequence[Message]) -> list[list[Message]]:
    """Messages in groups of at most five: one reply, then pushes."""
    return [list(items[i : i + MAX_MESSAGES]) for i in range(0, len(items), MAX_MESSAGES)]

"""A turn's replies as Bot API calls: texts cut to Telegram's limits, questions with buttons,
photos and files, the "sending a file…" indicator while the card is made."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, assert_never

from telegram.constants import ChatAction, MessageLimit
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.channels import kit
from bot.channels.kit import utf16_units as _units
from bot.channels.telegram_api import call
from bot.channels.telegram_keyboard import answer_now, fitted, keyboard
from bot.engine import Choices, Document, Image, Outbound, Text
from bot.service import Pending

MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)
MAX_CAPTION = int(MessageLimit.CAPTION_LENGTH)
# Telegram shows a chat action for five seconds, or until the next message arrives.
CHAT_ACTION_EVERY_SECONDS = 4.0

log = logging.getLogger(__name__)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut text into messages of at most ``limit``, at line ends (see the channel kit)."""
    return kit.split_text(text, limit)


def coalesce(replies: Sequence[Outbound]) -> list[Outbound]:
    """Join texts into fewer, fuller messages within Telegram's limit (see the channel kit)."""
    return kit.coalesce(replies, MAX_TEXT)


async def send_text(
    bot: ExtBot[Any],
    chat_id: int,
    text: str,
    *,
    markup: dict[str, Any] | None = None,
    pace: str | None = None,
) -> None:
    """Send one message (``markup``: its buttons) as a plain JSON call, paced for its chat."""
    params: dict[str, Any] = {"chat_id": chat_id, "text": text}
    if markup is not None:
        params["reply_markup"] = markup
    await call(bot, "sendMessage", params, pace=pace)


async def _send_texts(
    bot: ExtBot[Any], chat_id: int, chunks: Sequence[str], pace: str | None
) -> None:
    for chunk in chunks:
        await send_text(bot, chat_id, chunk, pace=pace)


async def send(
    bot: ExtBot[Any], chat_id: int, outbound: Outbound, *, pace: str | None = None
) -> None:
    """Deliver one outbound message: text, a question with buttons, a photo or a file.

    ``pace`` is handed to the rate limiter: ``BULK`` for the outbox's reminders and notices.
    """
    if isinstance(outbound, Text):
        await _send_texts(bot, chat_id, split_text(outbound.text), pace)
    elif isinstance(outbound, Choices):
        question = fitted(outbound)
        chunks = split_text(question.text) or ["…"]
        await _send_texts(bot, chat_id, chunks[:-1], pace)
        await send_text(bot, chat_id, chunks[-1], markup=keyboard(question), pace=pace)
    elif isinstance(outbound, Image | Document):
        fits = _units(outbound.caption) <= MAX_CAPTION
        caption = outbound.caption if fits and outbound.caption.strip() else None
        # Uploads go through python-telegram-bot, which builds the multipart form.
        upload = bot.send_photo if isinstance(outbound, Image) else bot.send_document
        await upload(
            chat_id,
            outbound.content,
            filename=outbound.filename,
            caption=caption,
            rate_limit_args=pace,
        )
        if not fits:
            await _send_texts(bot, chat_id, split_text(outbound.caption), pace)
    else:
        assert_never(outbound)


@asynccontextmanager
async def showing(bot: ExtBot[Any], chat_id: int, action: str) -> AsyncIterator[None]:
    """Show ``action`` ("sending a file…") in the chat while the block runs."""

    async def keep_showing() -> None:
        while True:
            try:
                await call(bot, "sendChatAction", {"chat_id": chat_id, "action": action})
            except TelegramError as exc:
                # Only a courtesy: the files follow whether or not it was shown.
                log.info("chat action skipped: %s", type(exc).__name__)
            await asyncio.sleep(CHAT_ACTION_EVERY_SECONDS)

    task = asyncio.create_task(keep_showing())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def deliver(bot: ExtBot[Any], chat_id: int, replies: Sequence[Outbound | Pending]) -> None:
    """Send a turn's replies; slow work (the card) is done after them, then its files sent.

    Nothing the slow work made is sent until all of it is made, so a failure sends only
    the message saying so.
    """
    for reply in coalesce([r for r in replies if not isinstance(r, Pending)]):
        await send(bot, chat_id, reply)
    for pending in (r for r in replies if isinstance(r, Pending)):
        await answer_now(bot)  # a press held for the webhook response would spin meanwhile
        async with showing(bot, chat_id, ChatAction.UPLOAD_DOCUMENT):
            later = await asyncio.to_thread(pending.render)
        for reply in coalesce(later):
            await send(bot, chat_id, reply)

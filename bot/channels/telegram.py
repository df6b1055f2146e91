"""The Telegram channel: translate updates into service turns and replies into Bot API calls."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import traceback
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, assert_never

from telegram import (
    Update,
)
from telegram.constants import ChatAction, ChatType, MessageLimit
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.channels import kit
from bot.channels.kit import utf16_units as _units
from bot.channels.telegram_keyboard import answer_in_response, answer_now, fitted, keyboard
from bot.channels.telegram_updates import addressed_to_bot as _addressed_to_bot
from bot.channels.telegram_updates import attachment_of as _attachment_of
from bot.channels.telegram_updates import inbound_of as _inbound
from bot.channels.telegram_updates import lang_hint as _lang_hint
from bot.channels.telegram_updates import typed_text as _typed_text
from bot.config import MissingSettingError, Settings
from bot.engine import Choices, Document, Image, Inbound, Outbound, Text, as_lang
from bot.engine.texts import t
from bot.service import Pending

TOKEN_VARIABLE = "TELEGRAM_BOT_TOKEN"
SECRET_VARIABLE = "TELEGRAM_WEBHOOK_SECRET"
API_URL_VARIABLE = "TELEGRAM_API_URL"
# Edits are subscribed to only to tell the person they are not read.
ALLOWED_UPDATES = (Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY)
MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)
MAX_CAPTION = int(MessageLimit.CAPTION_LENGTH)
_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Telegram shows a chat action for five seconds, or until the next message arrives.
CHAT_ACTION_EVERY_SECONDS = 4.0

log = logging.getLogger(__name__)

# ``ConversationService.converse``: replies to send at once, then any slow work (the card).
Handler = Callable[[Inbound], Sequence[Outbound | Pending]]
App = Application[Any, Any, Any, Any, Any, Any]


GROUP_NOTICE = kit.group_notice("/start")


def check_settings(settings: Settings, args: argparse.Namespace | None = None) -> None:
    """Fail with a message naming the variable when a required setting is missing."""
    settings.require(TOKEN_VARIABLE)
    if args is not None and getattr(args, "webhook", None):
        webhook_secret(settings)


def webhook_secret(settings: Settings) -> str:
    """The webhook secret, checked against the characters Telegram accepts."""
    secret = settings.require(SECRET_VARIABLE)
    if not _SECRET_PATTERN.fullmatch(secret):
        raise MissingSettingError(
            f"{SECRET_VARIABLE} must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return secret


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut text into messages of at most ``limit``, at line ends (see the channel kit)."""
    return kit.split_text(text, limit)


def coalesce(replies: Sequence[Outbound]) -> list[Outbound]:
    """Join texts into fewer, fuller messages within Telegram's limit (see the channel kit)."""
    return kit.coalesce(replies, MAX_TEXT)


async def _send_text(
    bot: ExtBot[Any], chat_id: int, chunks: Sequence[str], pace: str | None
) -> None:
    for chunk in chunks:
        await bot.send_message(chat_id, chunk, rate_limit_args=pace)


async def send(
    bot: ExtBot[Any], chat_id: int, outbound: Outbound, *, pace: str | None = None
) -> None:
    """Deliver one outbound message: text, a question with buttons, a photo or a file.

    ``pace`` is handed to the rate limiter: ``BULK`` for the outbox's reminders and notices.
    """
    if isinstance(outbound, Text):
        await _send_text(bot, chat_id, split_text(outbound.text), pace)
    elif isinstance(outbound, Choices):
        question = fitted(outbound)
        chunks = split_text(question.text) or ["…"]
        await _send_text(bot, chat_id, chunks[:-1], pace)
        await bot.send_message(
            chat_id, chunks[-1], reply_markup=keyboard(question), rate_limit_args=pace
        )
    elif isinstance(outbound, Image | Document):
        fits = _units(outbound.caption) <= MAX_CAPTION
        caption = outbound.caption if fits and outbound.caption.strip() else None
        if isinstance(outbound, Image):
            await bot.send_photo(
                chat_id,
                outbound.content,
                filename=outbound.filename,
                caption=caption,
                rate_limit_args=pace,
            )
        else:
            await bot.send_document(
                chat_id,
                outbound.content,
                filename=outbound.filename,
                caption=caption,
                rate_limit_args=pace,
            )
        if not fits:
            await _send_text(bot, chat_id, split_text(outbound.caption), pace)
    else:
        assert_never(outbound)


@asynccontextmanager
async def showing(bot: ExtBot[Any], chat_id: int, action: str) -> AsyncIterator[None]:
    """Show ``action`` ("sending a file…") in the chat while the block runs."""

    async def keep_showing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id, action)
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
        await answer_now()  # a press held for the webhook response would spin meanwhile
        async with showing(bot, chat_id, ChatAction.UPLOAD_DOCUMENT):
            later = await asyncio.to_thread(pending.render)
        for reply in coalesce(later):
            await send(bot, chat_id, reply)


ChatLocks = kit.KeyedLocks  # one chat's updates and replies one at a time


class TelegramChannel:
    """Turns private messages and button presses into service turns; groups are sent away.

    With ``turns_in_loop`` (SQLite: a turn is a millisecond of work, and one writer at a time
    anyway) turns run in the event loop itself, without a thread's hand-over for each update
    and without threads queueing on SQLite's write lock; a file sent (a 職務経歴書 to read)
    still goes to a thread. Otherwise (PostgreSQL, where a turn waits on the network) every
    turn runs in a thread.
    """

    def __init__(self, handle: Handler, *, turns_in_loop: bool = False) -> None:
        self._handle = handle
        self._in_loop = turns_in_loop
        self._locks = ChatLocks()

    def register(self, application: App) -> None:
        """Attach the update handlers and the error handler to an application."""
        application.add_handler(CallbackQueryHandler(self.on_button))
        new = filters.UpdateType.MESSAGE
        private = new & filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL
        application.add_handler(MessageHandler(private, self.on_message))
        # An edit is not a new answer: the person is told how to change one instead.
        edited = filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE
        application.add_handler(MessageHandler(edited, self.on_edited_message))
        groups = new & filters.ChatType.GROUPS
        application.add_handler(MessageHandler(groups, self.on_group_message))
        application.add_error_handler(self.on_error)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A private message: what was typed goes to the service as it is.

        A document goes as a ``file`` for the service to read (a 職務経歴書); anything else
        without text (a sticker, photo, voice message, location …) goes as ``unsupported``,
        so the person hears what the bot reads and no attempt is counted.
        """
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        # A document (a 職務経歴書) is read by the service; other things without text are not.
        attachment = await _attachment_of(message, context.bot) if message.text is None else None
        if attachment is not None:
            inbound = _inbound(update, user, kind="file", attachment=attachment)
        elif message.text is None:
            inbound = _inbound(update, user, kind="unsupported")
        else:
            inbound = _inbound(update, user, text=_typed_text(message))
        await self._converse(context.bot, message.chat_id, inbound)

    async def on_edited_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An edit of an earlier private message: never taken as an answer."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        inbound = _inbound(update, user, kind="edited")
        await self._converse(context.bot, message.chat_id, inbound)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: its payload goes to the service, and the press is answered."""
        query = update.callback_query
        if query is None:
            return
        chat = update.effective_chat
        if query.data is None or (chat is not None and chat.type != ChatType.PRIVATE):
            if not answer_in_response(query):
                await answer_now(query)
            return
        inbound = _inbound(update, query.from_user, payload=query.data)
        chat_id = chat.id if chat is not None else query.from_user.id
        if answer_in_response(query):
            await self._converse(context.bot, chat_id, inbound)
        else:
            # Long polling: the answer needs nothing from the service, so the two run side by side.
            await asyncio.gather(answer_now(query), self._converse(context.bot, chat_id, inbound))

    async def on_group_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In a group, answer what is addressed to the bot with where it does work."""
        message = update.effective_message
        if message is not None and _addressed_to_bot(message, context.bot):
            await context.bot.send_message(message.chat_id, GROUP_NOTICE)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log what failed and where (never the text), and tell the person plainly."""
        error = context.error
        frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
        log.error("telegram update failed: %s\n%s", type(error).__name__, frames)
        if not isinstance(update, Update) or isinstance(error, Forbidden):
            return
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        lang = as_lang(_lang_hint(user) if user else None)
        try:
            await context.bot.send_message(chat.id, t("error", lang))
        except TelegramError as exc:
            log.error("could not tell the person about the failure: %s", type(exc).__name__)

    async def _converse(self, bot: ExtBot[Any], chat_id: int, inbound: Inbound) -> None:
        # Held across the sends too, so one chat's replies never interleave or reorder.
        async with self._locks.hold(chat_id):
            if self._in_loop and inbound.kind != "file":
                replies = self._handle(inbound)
            else:
                replies = await asyncio.to_thread(self._handle, inbound)
            await deliver(bot, chat_id, replies)

"""The Telegram channel: updates, read as the JSON they arrive in, into service turns, and the
replies into Bot API calls (:mod:`bot.channels.telegram_send`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes, ExtBot, TypeHandler

from bot.channels import kit
from bot.channels.telegram_keyboard import answer_in_response, answer_now
from bot.channels.telegram_send import coalesce, deliver, send, send_text, split_text
from bot.channels.telegram_updates import (
    Json,
    addressed_to_bot,
    attachment_of,
    chat_id_of,
    inbound_of,
    kind_of,
    lang_hint,
    sender_of,
    typed_text,
)
from bot.config import MissingSettingError, Settings
from bot.engine import Inbound, Outbound, as_lang
from bot.engine.texts import t
from bot.service import Pending

__all__ = [
    "ALLOWED_UPDATES",
    "GROUP_NOTICE",
    "ChatLocks",
    "Handler",
    "TelegramChannel",
    "channel_of",
    "check_settings",
    "coalesce",
    "send",
    "split_text",
    "webhook_secret",
]

TOKEN_VARIABLE = "TELEGRAM_BOT_TOKEN"
SECRET_VARIABLE = "TELEGRAM_WEBHOOK_SECRET"
API_URL_VARIABLE = "TELEGRAM_API_URL"
# Edits are subscribed to only to tell the person they are not read.
ALLOWED_UPDATES = (Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY)
_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_CHANNEL = "jobcard.channel"  # where the application keeps its channel (``bot_data``)

log = logging.getLogger(__name__)

# ``ConversationService.converse``: replies to send at once, then any slow work (the card).
Handler = Callable[[Inbound], Sequence[Outbound | Pending]]
App = Application[Any, Any, Any, Any, Any, Any]
ChatLocks = kit.KeyedLocks  # one chat's updates and replies one at a time

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


def channel_of(application: App) -> TelegramChannel | None:
    """The channel registered on ``application``, which the webhook hands updates to."""
    channel = application.bot_data.get(_CHANNEL)
    return channel if isinstance(channel, TelegramChannel) else None


class TelegramChannel:
    """Turns private messages and button presses into service turns; groups are sent away.

    Each turn runs in a thread, on SQLite too: the database's own work then runs beside the
    event loop (its C code lets go of the GIL), which served more updates a second, at a
    lower latency, than turns run in the loop itself.
    """

    def __init__(self, handle: Handler) -> None:
        self._handle = handle
        self._locks = ChatLocks()

    def register(self, application: App) -> None:
        """Take the application's updates: the webhook's as JSON (:func:`channel_of`), long
        polling's through python-telegram-bot's handlers."""
        application.bot_data[_CHANNEL] = self
        application.add_handler(TypeHandler(Update, self._polled))
        application.add_error_handler(self._on_error)

    async def receive(self, update: Json, bot: ExtBot[Any]) -> None:
        """Handle one update; a failure is logged and told to the person, never raised."""
        try:
            kind = kind_of(update)
            if kind == "message":
                await self._message(update, bot)
            elif kind == "button":
                await self._button(update, bot)
            elif kind == "edited":
                await self._edited(update, bot)
            elif kind == "group":
                await self._group(update, bot)
        except Exception as exc:
            await self._failed(update, exc, bot)

    async def _polled(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.receive(update.to_dict(), context.bot)

    async def _message(self, update: Json, bot: ExtBot[Any]) -> None:
        """A private message: what was typed goes to the service as it is.

        A document goes as a ``file`` for the service to read (a 職務経歴書); anything else
        without text (a sticker, photo, voice message, location …) goes as ``unsupported``,
        so the person hears what the bot reads and no attempt is counted.
        """
        message = update["message"]
        user = message.get("from")
        if user is None:
            return
        if "text" in message:
            inbound = inbound_of(update, user, text=typed_text(message))
        elif (attachment := await attachment_of(message, bot)) is not None:
            inbound = inbound_of(update, user, kind="file", attachment=attachment)
        else:
            inbound = inbound_of(update, user, kind="unsupported")
        await self._converse(bot, message["chat"]["id"], inbound)

    async def _edited(self, update: Json, bot: ExtBot[Any]) -> None:
        """An edit of an earlier private message: never taken as an answer."""
        message = update["edited_message"]
        user = message.get("from")
        if user is not None:
            inbound = inbound_of(update, user, kind="edited")
            await self._converse(bot, message["chat"]["id"], inbound)

    async def _button(self, update: Json, bot: ExtBot[Any]) -> None:
        """A button press: its payload goes to the service, and the press is answered."""
        query = update["callback_query"]
        message, data, query_id = query.get("message"), query.get("data"), query["id"]
        chat = message["chat"] if message is not None else None
        if data is None or (chat is not None and chat["type"] != "private"):
            if not answer_in_response(query_id):
                await answer_now(bot, query_id)
            return
        inbound = inbound_of(update, query["from"], payload=data)
        chat_id = chat["id"] if chat is not None else query["from"]["id"]
        if answer_in_response(query_id):
            await self._converse(bot, chat_id, inbound)
        else:  # long polling: the answer needs nothing from the service, so both run at once
            await asyncio.gather(answer_now(bot, query_id), self._converse(bot, chat_id, inbound))

    async def _group(self, update: Json, bot: ExtBot[Any]) -> None:
        """In a group, answer what is addressed to the bot with where it does work."""
        message = update["message"]
        if addressed_to_bot(message, bot):
            await send_text(bot, message["chat"]["id"], GROUP_NOTICE)

    async def _failed(self, update: Json, error: Exception, bot: ExtBot[Any]) -> None:
        """Log what failed and where (never the text), and tell the person plainly."""
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("telegram update failed: %s\n%s", type(error).__name__, frames)
        if isinstance(error, Forbidden):  # the person blocked the bot
            return
        try:
            chat_id, user = chat_id_of(update), sender_of(update)
        except (KeyError, TypeError, ValueError):  # not an update as Telegram sends them
            return
        if chat_id is None:
            return
        lang = as_lang(lang_hint(user) if user else None)
        try:
            await send_text(bot, chat_id, t("error", lang))
        except TelegramError as exc:
            log.error("could not tell the person about the failure: %s", type(exc).__name__)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Only what fails before an update reaches ``receive`` (which handles its own).
        error = context.error
        frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
        log.error("telegram update failed: %s\n%s", type(error).__name__, frames)

    async def _converse(self, bot: ExtBot[Any], chat_id: int, inbound: Inbound) -> None:
        # Held across the sends too, so one chat's replies never interleave or reorder.
        async with self._locks.hold(chat_id):
            replies = await asyncio.to_thread(self._handle, inbound)
            await deliver(bot, chat_id, replies)

"""The Telegram channel: translate updates into service turns and replies into Bot API calls."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import traceback
import unicodedata
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any, assert_never

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.constants import ChatAction, ChatType, InlineKeyboardButtonLimit, MessageLimit
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.bootstrap import Runtime
from bot.config import MissingSettingError, Settings
from bot.engine import Button, Choices, Document, Image, Inbound, Outbound, Text, as_lang
from bot.engine.messages import InboundKind
from bot.engine.texts import t
from bot.service import Pending

TOKEN_VARIABLE = "TELEGRAM_BOT_TOKEN"
SECRET_VARIABLE = "TELEGRAM_WEBHOOK_SECRET"
API_URL_VARIABLE = "TELEGRAM_API_URL"
# Edits are subscribed to only to tell the person they are not read.
ALLOWED_UPDATES = (Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY)
MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)
MAX_CAPTION = int(MessageLimit.CAPTION_LENGTH)
MAX_PAYLOAD_BYTES = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)
_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Telegram shows a chat action for five seconds, or until the next message arrives.
CHAT_ACTION_EVERY_SECONDS = 4.0

log = logging.getLogger(__name__)

# ``ConversationService.converse``: replies to send at once, then any slow work (the card).
Handler = Callable[[Inbound], Sequence[Outbound | Pending]]
App = Application[Any, Any, Any, Any, Any, Any]


@dataclass(frozen=True, slots=True)
class CommandText:
    """A slash command shown in Telegram's menu, with its description in both languages."""

    name: str
    ja: str
    en: str


# One place for the command menu registered with setMyCommands.
COMMANDS: tuple[CommandText, ...] = (
    CommandText("start", "はじめる・続きから再開する", "Start, or pick up where you left off"),
    CommandText("menu", "メニューを開く", "Open the menu"),
    CommandText("help", "使い方とコマンドの一覧", "How to use this bot"),
    CommandText("back", "前の質問に戻る", "Go back to the previous question"),
    CommandText("skip", "この質問をスキップする（任意の質問のみ）", "Skip an optional question"),
    CommandText("summary", "ここまでの回答を確認する", "See your answers so far"),
    CommandText("card", "ジョブ・カードを作成する", "Make my Job Card"),
    CommandText("book", "キャリアコンサルティングを予約する", "Book a consultation"),
    CommandText("mydata", "保存されたデータを受け取る", "Receive everything stored about you"),
    CommandText("delete", "保存されたデータを削除する", "Delete everything stored about you"),
)

GROUP_NOTICE = (
    "申し訳ありません。このボットは個別のチャットでのみご利用いただけます。"
    "ボットとの個別チャットを開いて /start を送ってください。\n"
    "Sorry, this bot works in a direct chat only. "
    "Please open a private chat with me and send /start."
)


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


def _units(text: str) -> int:
    # Telegram counts UTF-16 code units; for Japanese text that is one per character.
    return len(text.encode("utf-16-le")) // 2


def _hard_split(line: str, limit: int) -> list[str]:
    if _units(line) <= limit:
        return [line]
    pieces: list[str] = []
    start = size = 0
    for index, char in enumerate(line):
        width = 2 if ord(char) > 0xFFFF else 1
        if size + width > limit:
            pieces.append(line[start:index])
            start, size = index, 0
        size += width
    pieces.append(line[start:])
    return pieces


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut text into messages of at most ``limit``, at line ends; a longer line is hard-split."""
    chunks: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        for piece in _hard_split(line, limit):
            if current is None:
                current = piece
            elif _units(current) + 1 + _units(piece) <= limit:
                current = f"{current}\n{piece}"
            else:
                chunks.append(current)
                current = piece
    if current is not None:
        chunks.append(current)
    # Telegram refuses empty and whitespace-only messages.
    return [chunk for chunk in chunks if chunk.strip()]


def _width(label: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in label)


def _button(button: Button) -> InlineKeyboardButton:
    if len(button.payload.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"a button payload is longer than {MAX_PAYLOAD_BYTES} bytes")
    return InlineKeyboardButton(button.label, callback_data=button.payload)


def _rows(buttons: Sequence[Button]) -> list[list[InlineKeyboardButton]]:
    if not buttons:
        return []
    # Short labels share rows (はい／いいえ, 20代 …); long sentences get a row each.
    widest = 3 if all(_width(b.label) <= 12 for b in buttons) else 1
    count = -(-len(buttons) // widest)
    per_row = -(-len(buttons) // count)
    cells = [_button(b) for b in buttons]
    return [cells[i : i + per_row] for i in range(0, len(cells), per_row)]


def keyboard(choices: Choices) -> InlineKeyboardMarkup | None:
    """The inline keyboard for a question: answer buttons first, then the extra actions."""
    rows = _rows(choices.options) + _rows(choices.actions)
    return InlineKeyboardMarkup(rows) if rows else None


def coalesce(replies: Sequence[Outbound]) -> list[Outbound]:
    """Join each run of texts, and the texts before a question, into one message where it fits.

    Fewer, fuller messages read better on a phone and keep a turn within Telegram's
    per-chat flood limit of about one message a second.
    """
    merged: list[Outbound] = []
    for reply in replies:
        previous = merged[-1] if merged else None
        if isinstance(previous, Text) and isinstance(reply, Text | Choices):
            joined = f"{previous.text}\n\n{reply.text}"
            if _units(joined) <= MAX_TEXT:
                merged[-1] = replace(reply, text=joined)
                continue
        merged.append(reply)
    return merged


async def _send_text(bot: Bot, chat_id: int, chunks: Sequence[str]) -> None:
    for chunk in chunks:
        await bot.send_message(chat_id, chunk)


async def send(bot: Bot, chat_id: int, outbound: Outbound) -> None:
    """Deliver one outbound message: text, a question with buttons, a photo or a file."""
    if isinstance(outbound, Text):
        await _send_text(bot, chat_id, split_text(outbound.text))
    elif isinstance(outbound, Choices):
        chunks = split_text(outbound.text) or ["…"]
        await _send_text(bot, chat_id, chunks[:-1])
        await bot.send_message(chat_id, chunks[-1], reply_markup=keyboard(outbound))
    elif isinstance(outbound, Image | Document):
        fits = _units(outbound.caption) <= MAX_CAPTION
        caption = outbound.caption if fits and outbound.caption.strip() else None
        if isinstance(outbound, Image):
            await bot.send_photo(
                chat_id, outbound.content, filename=outbound.filename, caption=caption
            )
        else:
            await bot.send_document(
                chat_id, outbound.content, filename=outbound.filename, caption=caption
            )
        if not fits:
            await _send_text(bot, chat_id, split_text(outbound.caption))
    else:
        assert_never(outbound)


@asynccontextmanager
async def showing(bot: Bot, chat_id: int, action: str) -> AsyncIterator[None]:
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


async def deliver(bot: Bot, chat_id: int, replies: Sequence[Outbound | Pending]) -> None:
    """Send a turn's replies; slow work (the card) is done after them, then its files sent.

    Nothing the slow work made is sent until all of it is made, so a failure sends only
    the message saying so.
    """
    for reply in coalesce([r for r in replies if not isinstance(r, Pending)]):
        await send(bot, chat_id, reply)
    for pending in (r for r in replies if isinstance(r, Pending)):
        async with showing(bot, chat_id, ChatAction.UPLOAD_DOCUMENT):
            later = await asyncio.to_thread(pending.render)
        for reply in coalesce(later):
            await send(bot, chat_id, reply)


class ChatLocks:
    """One FIFO lock per chat, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        """Run the block while no other update of this chat is being handled."""
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            _, users = self._locks[chat_id]
            if users <= 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


def _lang_hint(user: User) -> str | None:
    code = user.language_code
    return code.split("-", 1)[0].lower() if code else None


def _inbound(
    update: Update,
    user: User,
    *,
    text: str | None = None,
    payload: str | None = None,
    kind: InboundKind = "text",
) -> Inbound:
    return Inbound(
        person_id=f"telegram:{user.id}",
        text=text,
        payload=payload,
        delivery_id=f"telegram:{update.update_id}",
        lang_hint=_lang_hint(user),
        kind=kind,
    )


def _typed_text(message: Message) -> str | None:
    text = message.text
    # A deep link (t.me/bot?start=x) arrives as "/start x"; the parameter means nothing to us.
    if text is not None and text.startswith("/start "):
        return "/start"
    return text


def _addressed_to_bot(message: Message, bot: Bot) -> bool:
    if any(member.id == bot.id for member in message.new_chat_members):
        return True
    text = message.text or ""
    mention = f"@{bot.username}".casefold()
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0].casefold()
        return "@" not in command or command.endswith(mention)
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    return mention in text.casefold()


async def _acknowledge(query: CallbackQuery) -> None:
    """Stop the button's spinner and take the keyboard off the message that was answered."""
    results = await asyncio.gather(
        query.answer(), query.edit_message_reply_markup(reply_markup=None), return_exceptions=True
    )
    for result in results:
        # Expected after a double press or for an old message: the markup is already gone.
        if isinstance(result, TelegramError):
            log.info("button acknowledgement skipped: %s", type(result).__name__)
        elif isinstance(result, BaseException):
            raise result


class TelegramChannel:
    """Turns private messages and button presses into service turns; groups are sent away."""

    def __init__(self, handle: Handler) -> None:
        self._handle = handle
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

        A message without text (a sticker, photo, voice message, file, location …) goes as
        ``unsupported``, so the person hears what the bot reads and no attempt is counted.
        """
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        if message.text is None:
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
        """A button press: acknowledged at once, then its payload goes to the service."""
        query = update.callback_query
        if query is None:
            return
        chat = update.effective_chat
        if query.data is None or (chat is not None and chat.type != ChatType.PRIVATE):
            await _acknowledge(query)
            return
        inbound = _inbound(update, query.from_user, payload=query.data)
        chat_id = chat.id if chat is not None else query.from_user.id
        # The acknowledgement needs no answer from the service, so the two run side by side.
        await asyncio.gather(_acknowledge(query), self._converse(context.bot, chat_id, inbound))

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

    async def _converse(self, bot: Bot, chat_id: int, inbound: Inbound) -> None:
        # Held across the sends too, so one chat's replies never interleave or reorder.
        async with self._locks.hold(chat_id):
            replies = await asyncio.to_thread(self._handle, inbound)
            await deliver(bot, chat_id, replies)


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Run the bot until SIGINT or SIGTERM; returns the exit code."""
    # Imported here: the serving side needs starlette and uvicorn, and imports this module.
    from bot.channels.telegram_webhook import run_bot

    return run_bot(runtime, args)

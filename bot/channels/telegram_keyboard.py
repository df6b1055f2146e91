"""Telegram's buttons: a question's inline keyboard, taking it off once pressed, the menu.

Which options get a button, and when they are written out as a numbered list instead, is the
channel kit's fitting (:func:`bot.channels.kit.fit_choices`) within Telegram's limits; this
module only lays the buttons out in rows.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Bot, BotCommand, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit
from telegram.error import TelegramError

from bot.channels.kit import ButtonLimits, FittedChoices, fit_choices
from bot.engine import Button, Choices

MAX_PAYLOAD_BYTES = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)  # 64 bytes
# Telegram takes up to 100 buttons on a message; a label is shown on one line, cut off by the
# app when wider than the screen: about 24 full-width characters on a phone.
BUTTONS = ButtonLimits(count=100, label=24, payload_bytes=MAX_PAYLOAD_BYTES)

log = logging.getLogger(__name__)


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
    CommandText(
        "link",
        "ほかのアプリやブラウザでも続ける（連携）",
        "Continue in another app or the browser",
    ),
    CommandText("mydata", "保存されたデータを受け取る", "Receive everything stored about you"),
    CommandText("delete", "保存されたデータを削除する", "Delete everything stored about you"),
)


def _width(label: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in label)


def _rows(buttons: Sequence[Button]) -> list[list[InlineKeyboardButton]]:
    if not buttons:
        return []
    # Short labels share rows (はい／いいえ, 20代 …); long sentences get a row each.
    widest = 3 if all(_width(b.label) <= 12 for b in buttons) else 1
    count = -(-len(buttons) // widest)
    per_row = -(-len(buttons) // count)
    cells = [InlineKeyboardButton(b.label, callback_data=b.payload) for b in buttons]
    return [cells[i : i + per_row] for i in range(0, len(cells), per_row)]


def fitted(choices: Choices) -> FittedChoices:
    """The question within Telegram's limits: its text (options listed when needed), buttons."""
    return fit_choices(choices, BUTTONS)


def keyboard(question: FittedChoices) -> InlineKeyboardMarkup | None:
    """The inline keyboard for a fitted question: answer buttons first, then the extra actions."""
    rows = _rows(question.options) + _rows(question.actions)
    return InlineKeyboardMarkup(rows) if rows else None


async def acknowledge(query: CallbackQuery) -> None:
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


async def announce(bot: Bot) -> None:
    """Register the command menu in Japanese (everyone's default) and in English."""
    await bot.set_my_commands([BotCommand(c.name, c.ja) for c in COMMANDS])
    await bot.set_my_commands([BotCommand(c.name, c.en) for c in COMMANDS], language_code="en")

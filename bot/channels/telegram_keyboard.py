"""Telegram's buttons: a question's inline keyboard, answering a press, the command menu.

Which options get a button, and when they are written out as a numbered list instead, is the
channel kit's fitting (:func:`bot.channels.kit.fit_choices`) within Telegram's limits; this
module only lays the buttons out in rows.

A pressed question keeps its keyboard: taking it off would cost a Bot API call per press,
and an old button pressed again is answered by the engine (「そのボタンの質問はすでに終わって
います」 and the current question) and a double press counted once by the service. Under a
webhook the press is answered in the webhook's HTTP response (Telegram makes that one call
for the bot), which saves a request per press; in long polling it is a call of its own.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram import Bot, BotCommand
from telegram.constants import InlineKeyboardButtonLimit
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.channels.kit import ButtonLimits, FittedChoices, fit_choices
from bot.channels.telegram_api import call
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
    CommandText(
        "memo",
        "メモ（答えにできなかった文章の控え）を見る",
        "See your memos (text kept for later)",
    ),
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


def _rows(buttons: Sequence[Button]) -> list[list[dict[str, str]]]:
    if not buttons:
        return []
    # Short labels share rows (はい／いいえ, 20代 …); long sentences get a row each.
    widest = 3 if all(_width(b.label) <= 12 for b in buttons) else 1
    count = -(-len(buttons) // widest)
    per_row = -(-len(buttons) // count)
    cells = [{"text": b.label, "callback_data": b.payload} for b in buttons]
    return [cells[i : i + per_row] for i in range(0, len(cells), per_row)]


def fitted(choices: Choices) -> FittedChoices:
    """The question within Telegram's limits: its text (options listed when needed), buttons."""
    return fit_choices(choices, BUTTONS)


def keyboard(question: FittedChoices) -> dict[str, Any] | None:
    """The inline keyboard (``reply_markup``'s JSON) for a fitted question: answer buttons
    first, then the extra actions."""
    rows = _rows(question.options) + _rows(question.actions)
    return {"inline_keyboard": rows} if rows else None


class WebhookAnswer:
    """The one Bot API call an update's webhook response may carry: a press's answer."""

    __slots__ = ("query_id",)

    def __init__(self) -> None:
        self.query_id: str | None = None

    def body(self) -> dict[str, Any] | None:
        """The webhook response's JSON (``method`` and its parameters), if a press is held."""
        if self.query_id is None:
            return None
        return {"method": "answerCallbackQuery", "callback_query_id": self.query_id}


# Set by the webhook while it handles one update; unset under long polling.
_WEBHOOK_ANSWER: ContextVar[WebhookAnswer | None] = ContextVar("webhook_answer", default=None)


@contextmanager
def answering_in_response() -> Iterator[WebhookAnswer]:
    """While an update is handled, a press is answered in the webhook response (see above)."""
    answer = WebhookAnswer()
    token = _WEBHOOK_ANSWER.set(answer)
    try:
        yield answer
    finally:
        _WEBHOOK_ANSWER.reset(token)


def answer_in_response(query_id: str) -> bool:
    """Hold the press's answer for the webhook response; False under long polling."""
    held = _WEBHOOK_ANSWER.get()
    if held is None or held.query_id is not None:
        return False
    held.query_id = query_id
    return True


async def answer_now(bot: ExtBot[Any], query_id: str | None = None) -> None:
    """Stop a button's spinner with a call of its own: ``query_id``'s, or the press held for
    the webhook response (before slow work such as the card, so the spinner stops at once)."""
    if query_id is None:
        held = _WEBHOOK_ANSWER.get()
        if held is None or held.query_id is None:
            return
        query_id, held.query_id = held.query_id, None
    try:
        await call(bot, "answerCallbackQuery", {"callback_query_id": query_id})
    except TelegramError as exc:
        # Only a courtesy (an answer after Telegram's deadline is refused): the turn goes on.
        log.info("button answer skipped: %s", type(exc).__name__)


async def announce(bot: Bot) -> None:
    """Register the command menu in Japanese (everyone's default) and in English."""
    await bot.set_my_commands([BotCommand(c.name, c.ja) for c in COMMANDS])
    await bot.set_my_commands([BotCommand(c.name, c.en) for c in COMMANDS], language_code="en")

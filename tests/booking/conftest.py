"""Booking fixtures: a settable clock, the booking configuration and a service wired with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from bot.booking.config import BookingConfig, load_config
from bot.booking.wiring import booking_actions, booking_sources
from bot.bootstrap import Runtime
from bot.engine import Document
from bot.service import ConversationService
from tests.chat import Chat
from tests.conftest import NOW


@dataclass
class Clock:
    """A clock the test moves on."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def config() -> BookingConfig:
    return load_config({})


@pytest.fixture
def moving_clock() -> Clock:
    return Clock()


def wired(
    runtime: Runtime, config: BookingConfig, clock: Callable[[], datetime]
) -> ConversationService:
    """A service with the booking actions and sources, like bot/bootstrap.py will build it."""
    return ConversationService(
        runtime.sessions,
        runtime.dialogs.catalog,
        runtime.dialogs.specs,
        clock=clock,
        actions=booking_actions(config),
        sources=booking_sources(config),
    )


@pytest.fixture
def service(runtime: Runtime, config: BookingConfig, moving_clock: Clock) -> ConversationService:
    return wired(runtime, config, moving_clock)


@pytest.fixture
def person(service: ConversationService) -> Chat:
    chat = Chat(service, "telegram:100")
    chat.start_profile()
    return chat


def documents(chat: Chat) -> list[Document]:
    """The files in the bot's last reply."""
    return [message for message in chat.last if isinstance(message, Document)]


def unfold(content: bytes) -> list[str]:
    """The logical lines of an .ics file (continuation lines joined)."""
    text = content.decode()
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def book(
    chat: Chat,
    *,
    mode: str = "対面",
    place: str | None = "横浜",
    day: str = "11/25",
    time: str = "1",
    purpose: str = "4",
    note: str | None = None,
    share: str = "いいえ",
    confirm: str = "はい",
) -> str:
    """Go through the booking dialog in Japanese; return the bot's last reply."""
    chat.send("予約")
    chat.press(mode)
    if place is not None:
        chat.send(place)
    chat.send(day)
    chat.send(time)
    chat.send(purpose)
    if note is None:
        chat.send("スキップ")
    else:
        chat.send(note)
    chat.press(share)
    return chat.press(confirm)

"""Telegram's flood limits, per chat: each chat paced, the outbox throttled as bulk, 429s obeyed.

Telegram asks bots to send about one message a second in a chat, twenty a minute in a group,
and no more than about thirty a second when notifying many people at once. A single
bot-wide limit of thirty a second (python-telegram-bot's ``AIORateLimiter``) makes every
person wait for everyone else's replies; here each chat has its own pace, so one busy chat
never slows another, and only bulk sends (reminders and notices from the outbox, marked with
:data:`BULK`) share the bot-wide budget. Calls that add no message to a chat (answering a
button, the "sending a file…" indicator) are not paced at all.
Anything Telegram still refuses with 429 is retried after the ``retry_after`` it names,
holding back only that chat.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Hashable
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

BULK = "bulk"
"""``rate_limit_args`` of a bulk send (the outbox's reminders and notices)."""

CHAT_INTERVAL = 1.0  # about one message a second in a private chat…
CHAT_BURST = 3  # …after a short burst: a turn's reply rarely waits at all
GROUP_INTERVAL = 3.0  # twenty messages a minute in a group
GROUP_BURST = 3
BULK_INTERVAL = 1 / 30  # thirty bulk messages a second, bot-wide
MAX_RETRIES = 3
_PRUNE_AT = 4096  # chats remembered before the idle ones are forgotten
_NOT_MESSAGES = frozenset({"sendChatAction"})
_ALSO_MESSAGES = frozenset({"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"})

Clock = Callable[[], float]


def _adds_a_message(endpoint: str) -> bool:
    if endpoint in _NOT_MESSAGES:
        return False
    return endpoint.startswith("send") or endpoint in _ALSO_MESSAGES


class Pace:
    """At most one send per ``interval`` seconds for each key, after a burst of ``burst``.

    A generic cell rate: each key remembers only when its next send is due, so a key idle
    for a while costs nothing and is forgotten.
    """

    def __init__(self, interval: float, burst: int = 1, clock: Clock = time.monotonic) -> None:
        self._interval = interval
        self._slack = interval * (burst - 1)
        self._clock = clock
        self._due: dict[Hashable, float] = {}
        self._prune_at = _PRUNE_AT

    def reserve(self, key: Hashable) -> float:
        """Take the next slot of ``key``; returns the seconds to wait before using it."""
        now = self._clock()
        due = max(self._due.get(key, now), now)
        self._due[key] = due + self._interval
        if len(self._due) > self._prune_at:
            self._forget_idle(now)
            # Many chats all active at once: look again only once there are twice as many.
            self._prune_at = max(_PRUNE_AT, 2 * len(self._due))
        return max(0.0, due - self._slack - now)

    def hold(self, key: Hashable, seconds: float) -> None:
        """Send nothing more for ``key`` during ``seconds`` (Telegram said to wait)."""
        now = self._clock()
        self._due[key] = max(self._due.get(key, now), now + seconds + self._slack)

    def __len__(self) -> int:
        return len(self._due)

    def _forget_idle(self, now: float) -> None:
        for key in [key for key, due in self._due.items() if due <= now]:
            del self._due[key]


def _retry_seconds(error: RetryAfter) -> float:
    # The public attribute warns that its type will change; python-telegram-bot's own
    # limiter reads the timedelta behind it in the same way.
    return float(error._retry_after.total_seconds())


class ChatPacing(BaseRateLimiter[str]):
    """The rate limiter ``jobcard telegram`` runs with (see the module's docstring)."""

    def __init__(
        self,
        *,
        chat_interval: float = CHAT_INTERVAL,
        max_retries: int = MAX_RETRIES,
        clock: Clock = time.monotonic,
    ) -> None:
        """``chat_interval``: seconds between a chat's messages after its burst (groups get
        three times as long, as Telegram allows twenty a minute there)."""
        self._chats = Pace(chat_interval, CHAT_BURST, clock)
        self._groups = Pace(chat_interval * GROUP_INTERVAL / CHAT_INTERVAL, GROUP_BURST, clock)
        self._bulk = Pace(BULK_INTERVAL, 1, clock)
        self._max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def chats_remembered(self) -> int:
        """How many chats' pace is remembered (idle chats are forgotten)."""
        return len(self._chats) + len(self._groups)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the chat's (and, for bulk, the bot's) next slot, then make the call."""
        chat = data.get("chat_id")
        pace: Pace | None = None
        if chat is not None and _adds_a_message(endpoint):
            pace = self._groups if _is_group(chat) else self._chats
        attempt = 0
        while True:
            wait = pace.reserve(chat) if pace is not None else 0.0
            if rate_limit_args == BULK:
                wait = max(wait, self._bulk.reserve(BULK))
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt >= self._max_retries:
                    raise
                attempt += 1
                seconds = _retry_seconds(error) + 0.1
                if pace is not None:
                    pace.hold(chat, seconds)  # the next reserve() waits it out
                else:
                    await asyncio.sleep(seconds)


def _is_group(chat: object) -> bool:
    # Private chats have positive ids; groups and channels negative ones or an @username.
    if isinstance(chat, str):
        return not chat.lstrip("-").isdigit() or chat.startswith("-")
    return isinstance(chat, int) and chat < 0

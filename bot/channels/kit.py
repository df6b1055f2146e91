"""What every chat channel repeats, free of any SDK: texts cut to a platform's limit, questions
fitted to its buttons, replies joined into fewer messages, one chat at a time, groups sent away.

An adapter keeps only the translation to and from its SDK and its server. Which button may
act is the engine's decision (a stale button is answered politely there), and a press
delivered twice is dropped by the service's delivery ids; what a channel must add is order:
one chat's turns and replies one at a time (:class:`KeyedLocks`). Reminders and notices go
through :mod:`bot.channels.outbox_loop`.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Hashable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar, cast

from bot.engine import Button, Choices, Lang, Localized, Text

Measure = Callable[[str], int]
log = logging.getLogger(__name__)
R = TypeVar("R")  # a reply: any message kind of a channel, of which texts are joined
T = TypeVar("T")


def utf16_units(text: str) -> int:
    """Length as Telegram and LINE count it: UTF-16 code units (an emoji may be two)."""
    return len(text.encode("utf-16-le")) // 2


def _hard_split(line: str, limit: int, measure: Measure) -> list[str]:
    if measure(line) <= limit:
        return [line]
    pieces: list[str] = []
    start = size = 0
    for index, char in enumerate(line):
        width = measure(char)
        if size + width > limit:
            pieces.append(line[start:index])
            start, size = index, 0
        size += width
    pieces.append(line[start:])
    return pieces


def split_text(text: str, limit: int, *, measure: Measure = utf16_units) -> list[str]:
    """Cut text into messages of at most ``limit``, at line ends; a longer line is hard-split.

    Empty and whitespace-only pieces are dropped (platforms refuse them).
    """
    if measure(text) <= limit:  # nearly every message: one piece, measured once
        return [text] if text.strip() else []
    chunks: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        for piece in _hard_split(line, limit, measure):
            if current is None:
                current = piece
            elif measure(current) + 1 + measure(piece) <= limit:
                current = f"{current}\n{piece}"
            else:
                chunks.append(current)
                current = piece
    if current is not None:
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def coalesce(replies: Sequence[R], limit: int, *, measure: Measure = utf16_units) -> list[R]:
    """Join each run of texts, and the texts before a question, into one message where it fits.

    Fewer, fuller messages read better on a phone, keep within a platform's per-chat pace
    and, on LINE, within the five messages of one reply.
    """
    merged: list[R] = []
    for reply in replies:
        previous = merged[-1] if merged else None
        if isinstance(previous, Text) and isinstance(reply, Text | Choices):
            joined = f"{previous.text}\n\n{reply.text}"
            if measure(joined) <= limit:
                merged[-1] = cast(R, replace(reply, text=joined))
                continue
        merged.append(reply)
    return merged


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class ButtonLimits:
    """A platform's buttons: how many on one message, label length, payload size in bytes."""

    count: int
    label: int
    payload_bytes: int


@dataclass(frozen=True, slots=True)
class FittedChoices:
    """A question as a platform can show it.

    Attributes:
        text: The question, with the options written out as a numbered list when the
            buttons can't carry them (too many, or labels too long to read on a button).
        options: The answer buttons that fit, labels shortened to the limit.
        actions: The extra buttons (スキップ, 例を見る …) that fit.
        full_labels: Each button's whole label, options then actions (what the person is
            shown to have chosen).
    """

    text: str
    options: tuple[Button, ...]
    actions: tuple[Button, ...]
    full_labels: tuple[str, ...]

    @property
    def buttons(self) -> tuple[Button, ...]:
        """Every button, answers first."""
        return (*self.options, *self.actions)


def numbered(options: Sequence[Button]) -> str:
    """「1) 正社員」, one option a line: the numbers people may type."""
    return "\n".join(f"{n}) {button.label}" for n, button in enumerate(options, 1))


def fit_choices(choices: Choices, limits: ButtonLimits) -> FittedChoices:
    """Map a question to buttons within ``limits``, with a numbered list where they can't go.

    Typed numbers and labels always work, so nothing is lost when a button is left out.
    """

    def sendable(button: Button) -> bool:
        return len(button.payload.encode()) <= limits.payload_bytes

    def clipped(buttons: Sequence[Button]) -> tuple[Button, ...]:
        return tuple(Button(clip(b.label, limits.label), b.payload) for b in buttons)

    every = (*choices.options, *choices.actions)
    fits = len(every) <= limits.count and all(sendable(b) for b in every)
    labels = tuple(b.label for b in every)
    if fits and not any(len(b.label) > limits.label for b in choices.options):
        return FittedChoices(
            choices.text, clipped(choices.options), clipped(choices.actions), labels
        )
    listed = f"{choices.text}\n\n{numbered(choices.options)}" if choices.options else choices.text
    if fits:
        # Every option has its button, named by its number and the start of its label.
        named = tuple(
            Button(clip(f"{n}. {b.label}", limits.label), b.payload)
            for n, b in enumerate(choices.options, 1)
        )
        return FittedChoices(listed, named, clipped(choices.actions), labels)
    # Too many: the options are typed by number; the extra actions keep their buttons.
    actions = [b for b in choices.actions if sendable(b)][: limits.count]
    left_out = [b for b in choices.actions if b not in actions]
    if left_out:
        listed += "\n" + "  ".join(f"[{b.label}]" for b in left_out)
    return FittedChoices(listed, (), clipped(actions), tuple(b.label for b in actions))


GROUP_NOTICE = Localized(
    ja="申し訳ありません。このボットは個別のチャットでのみご利用いただけます。"
    "ボットとの個別チャットを開いて {start} を送ってください。",
    en="Sorry, this bot works in a direct chat only. "
    "Please open a private chat with me and send {start}.",
)


def group_notice(start: str, lang: Lang | None = None) -> str:
    """What a group is told (once): use a one-to-one chat, and how to begin there.

    Without ``lang`` (a group has no language of its own) both languages are given.
    """
    if lang is not None:
        return GROUP_NOTICE.format(lang, start=start)
    return f"{GROUP_NOTICE.format('ja', start=start)}\n{GROUP_NOTICE.format('en', start=start)}"


class KeyedLocks:
    """One FIFO lock per chat (or person), kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        """Run the block while no other turn of this chat is being handled."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            _, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


async def regularly(
    work: Callable[[], Awaitable[object]],
    seconds: float,
    what: str,
    describe: Callable[[BaseException], str] = lambda exc: type(exc).__name__,
) -> None:
    """Run ``work`` now and every ``seconds`` until cancelled (the outbox, pruning old ids).

    A failure is logged by what failed (``describe``, never a message's text) and the work
    is tried again next time.
    """
    while True:
        try:
            await work()
        except Exception as exc:
            log.error("%s failed: %s", what, describe(exc))
        await asyncio.sleep(seconds)


def run_fast(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` on uvloop where it is installed (as uvicorn itself would), else asyncio's:
    its event loop and transports take a good part less CPU per request."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is installed except on Windows
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def environment_proxy(url: str) -> str | None:
    """The proxy the environment names for ``url`` (``NO_PROXY`` respected), if any.

    Read once by a bot's HTTP session: aiohttp's ``trust_env`` looks the variables and
    ``~/.netrc`` up again for every request, each in a thread of its own.
    """
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname or urllib.request.proxy_bypass(parts.hostname):
        return None
    return urllib.request.getproxies().get(parts.scheme)

"""Text kept for a person while it can't be taken as it is: too long, thin, unclear, not kana."""

from __future__ import annotations

from typing import Any, Literal

from bot.engine.state import Position
from bot.engine.thin import continues, is_placeholder, is_unknown, unclear_addition
from bot.engine.turn import Turn

__all__ = [
    "continues",
    "head",
    "held",
    "hold",
    "is_placeholder",
    "is_unknown",
    "position_key",
    "release",
    "unclear_addition",
]

HeldWhy = Literal["long", "thin", "merge", "suggest", "paste", "reading"]


def position_key(pos: Position) -> str:
    """A question's place in a dialog, entry included (coaching is per item)."""
    item = "" if pos.item is None else str(pos.item)
    return f"{pos.step}/{item}/{pos.sub or ''}"


def hold(turn: Turn, value: str, why: HeldWhy, extra: str | None = None) -> None:
    """Keep ``value`` at the open question until the person decides what to do with it."""
    cursor = turn.cursor
    assert cursor.pos is not None
    cursor.held = {
        "at": position_key(cursor.pos),
        "why": why,
        "value": value,
        "extra": extra,
        "sent_at": turn.sent_at,
    }


# A platform splits a long paste into parts sent at once (Telegram: 4,096 characters).
SPLIT_AT = 4000
SPLIT_WINDOW = 3.0


def continued(turn: Turn, text: str) -> str:
    """``text`` joined to the over-long text kept here when it is the next part of one paste."""
    kept = held(turn, "long", "paste")
    if kept is None:
        return text
    first = str(kept["value"])
    if kept["why"] == "paste":
        # A document's first part, kept while the person was asked for the rest.
        return first + text
    if turn.sent_at is None or kept.get("sent_at") is None:
        return text
    gap = turn.sent_at - float(kept["sent_at"])
    if len(first) < SPLIT_AT or not 0 <= gap <= SPLIT_WINDOW:
        return text
    return first + text


def may_continue(turn: Turn, part: str) -> bool:
    """Whether ``part`` may be the first of several a platform split a paste into."""
    return turn.sent_at is not None and len(part) >= SPLIT_AT


def held(turn: Turn, *whys: HeldWhy) -> dict[str, Any] | None:
    """The text kept at the open question (of one of ``whys``, if given), if any."""
    cursor = turn.state.active
    if cursor is None or cursor.pos is None or cursor.held is None:
        return None
    if cursor.held.get("at") != position_key(cursor.pos):
        return None
    if whys and cursor.held.get("why") not in whys:
        return None
    return cursor.held


def release(turn: Turn) -> None:
    """The kept text was used or replaced by a new answer."""
    if turn.state.active is not None:
        turn.state.active.held = None


def head(text: str, limit: int) -> str:
    """The longest beginning of ``text`` within ``limit`` characters, ending at a sentence."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    ends = [cut.rfind(mark) + len(mark) for mark in ("\n", "。", "．", ". ", "！", "？")]
    end = max(ends)
    # A sentence end near the limit reads better; far from it, use all the room there is.
    if end >= limit * 0.6:
        return cut[:end].rstrip()
    return cut.rstrip()

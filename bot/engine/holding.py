"""Text kept for a person while it can't be taken as it is: too long, thin, or unclear."""

from __future__ import annotations

import re
from typing import Any, Literal

from bot.engine.normalize import fold
from bot.engine.state import Position
from bot.engine.turn import Turn

HeldWhy = Literal["long", "thin", "merge", "suggest"]

# Answers that say nothing yet: never printed on a sheet unless the person confirms them.
_PLACEHOLDERS = frozenset(
    fold(word)
    for word in (
        "特になし",
        "特にない",
        "特にありません",
        "とくになし",
        "とくにない",
        "なし",
        "ない",
        "無し",
        "ありません",
        "色々",
        "いろいろ",
        "イロイロ",
        "様々",
        "さまざま",
        "普通",
        "ふつう",
        "未定",
        "まだ",
        "none",
        "nothing",
        "n/a",
        "na",
        "various",
        "normal",
        "nothing special",
        "-",
        "ー",
        "…",
    )
)
# Answers that say "I don't know": a gap to help with, never a fact to print.
_UNKNOWN = frozenset(
    fold(word)
    for word in (
        "わからない",
        "分からない",
        "わかりません",
        "分かりません",
        "わからん",
        "不明",
        "知らない",
        "しらない",
        "知りません",
        "覚えていない",
        "覚えてない",
        "おぼえていない",
        "覚えていません",
        "忘れた",
        "忘れました",
        "don't know",
        "dont know",
        "i don't know",
        "i dont know",
        "do not know",
        "unknown",
        "not sure",
        "no idea",
        "i don't remember",
        "don't remember",
    )
)
_TRAILING = re.compile(r"(?:です|でした|だ|ね|よ)?[\s。、．，.,!！?？…〜~ー]*$")
# Words that say "and also": what follows builds on the answer before.
_CONTINUES = (
    "また",
    "さらに",
    "それと",
    "あと、",
    "あと ",
    "加えて",
    "ほかに",
    "他に",
    "それから",
)
_CONTINUES_EN = ("also", "and ", "plus", "in addition", "besides", "additionally")


def _core(text: str) -> str:
    folded = fold(text)
    return _TRAILING.sub("", folded) if folded else folded


def is_placeholder(value: Any) -> bool:
    """Whether an answer is a word that stands for no answer (特になし, 色々, 普通 …)."""
    if not isinstance(value, str):
        return False
    core = _core(value)
    return core in _PLACEHOLDERS or core in _UNKNOWN or not core


def is_unknown(text: str) -> bool:
    """Whether a message says "I don't know" and nothing more."""
    return _core(text) in _UNKNOWN


def continues(text: str) -> bool:
    """Whether an addition says it builds on what came before (「また、…」, "Also …")."""
    folded = fold(text)
    return folded.startswith(_CONTINUES) or folded.startswith(_CONTINUES_EN)


def unclear_addition(text: str) -> bool:
    """Too little to tell whether it belongs to the answer (「1」, 「はい」, 「ok」)."""
    core = _core(text)
    return len(core) <= 3 or core.replace(",", "").replace(" ", "").isdigit()


def position_key(pos: Position) -> str:
    """A question's place in a dialog, entry included (coaching is per item)."""
    item = "" if pos.item is None else str(pos.item)
    return f"{pos.step}/{item}/{pos.sub or ''}"


def hold(turn: Turn, value: str, why: HeldWhy, extra: str | None = None) -> None:
    """Keep ``value`` at the open question until the person decides what to do with it."""
    cursor = turn.cursor
    assert cursor.pos is not None
    cursor.held = {"at": position_key(cursor.pos), "why": why, "value": value, "extra": extra}


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

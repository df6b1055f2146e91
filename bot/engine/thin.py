"""Answers that say nothing yet: placeholders (特になし), 「わからない」, and unclear additions."""

from __future__ import annotations

import re
from typing import Any

from bot.engine.normalize import fold

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


# Words that make an answer vague wherever they appear (「いろいろ学んだ」「普通の製造ライン」).
VAGUE_WORDS = (
    "いろいろ",
    "色々",
    "様々",
    "さまざま",
    "普通の",
    "特にない",
    "特になし",
    "なんとなく",
)


def is_vague(text: str) -> bool:
    """Whether a text leans on a vague word or is a placeholder."""
    return is_placeholder(text) or any(word in text for word in VAGUE_WORDS)

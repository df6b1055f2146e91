"""Reading numbers as typed (「１，０００円」「マイナス5」「三十歳」) and showing them."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Final

from bot.engine.normalize import fold, kanji_to_digits, unify_dashes

# Units people add out of habit; the spec's own unit label is tolerated too. Longest first, so
# 「万円」 goes before 「円」.
TOLERATED_UNITS: Final = (
    "万円",
    "円",
    "歳",
    "才",
    "点",
    "人",
    "名",
    "年",
    "件",
    "社",
    "回",
    "個",
    "日",
    "時間",
    "か月",
    "ヶ月",
    "カ月",
    "ヵ月",
    "%",
    "years old",
    "years",
    "year",
    "yrs",
    "yen",
    "people",
    "persons",
    "points",
    "pts",
    "times",
    "months",
)
_HEDGES: Final = ("くらい", "ぐらい", "位", "程度", "ほど", "前後", "です", "でした", "ちょうど")
_PREFIX = re.compile(r"^(?:約|およそ|だいたい|大体|about|approx\.?|approximately|around)\s*")
_MINUS = re.compile(r"^(?:マイナス|minus|▲|△)\s*")
_PLUS = re.compile(r"^(?:プラス|plus)\s*")
_NUMBER = re.compile(
    r"(?P<sign>[-+])?\s*(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
)
MAX_INPUT: Final = 100
"""The longest text (folded) read as a number."""
# Longer digit strings are never a real answer, and int() refuses very long ones anyway.
MAX_DIGITS: Final = 30


def _strip_suffixes(s: str, words: tuple[str, ...]) -> str:
    changed = True
    while changed:
        changed = False
        s = s.rstrip(" 。.!！")
        for word in words:
            if word and s.endswith(word) and len(s) > len(word):
                s, changed = s[: -len(word)], True
                break
    return s.strip()


def parse_decimal(text: str, extra_units: tuple[str, ...] = ()) -> Decimal | None:
    """Read one number from ``text`` (units, hedges, thousands separators, minus variants).

    Returns None if ``text`` is not a single number.
    """
    s = fold(text)
    if len(s) > MAX_INPUT:
        return None
    s = kanji_to_digits(unify_dashes(s))
    s = _PREFIX.sub("", s)
    s = _MINUS.sub("-", s)
    s = _PLUS.sub("+", s)
    units = sorted({fold(u) for u in extra_units} | set(TOLERATED_UNITS), key=len, reverse=True)
    s = _strip_suffixes(s, (*_HEDGES, *units))
    match = _NUMBER.fullmatch(s)
    if match is None:
        return None
    digits = match["digits"].replace(",", "")
    if len(digits) > MAX_DIGITS:
        return None
    try:
        number = Decimal(digits)
    except InvalidOperation:
        return None
    return -number if match["sign"] == "-" else number


def format_number(value: float) -> str:
    """Show a number plainly: whole floats without ``.0``; thousands separators from 10,000."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if not value.is_integer():
            text = f"{value:,.6f}".rstrip("0").rstrip(".")
            return text if abs(value) >= 10_000 else text.replace(",", "")
        value = int(value)
    return f"{value:,}" if abs(value) >= 10_000 else str(value)

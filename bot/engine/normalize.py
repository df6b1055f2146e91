"""Text normalisation: what we store (as typed, cleaned) and what we match against (folded)."""

from __future__ import annotations

import re
import unicodedata

_ZWJ = "\u200d"
# Tag characters are format characters too, but they spell out subdivision flag emoji.
_TAGS = range(0xE0020, 0xE0080)
_LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
# Three or more blank (or whitespace-only) lines become two.
_BLANK_RUN = re.compile(r"\n(?:[^\S\n]*\n){3,}")
_WHITESPACE = re.compile(r"\s+")

# Dashes people type between dates or before a negative number.
_DASHES = re.compile("[\u2010-\u2015\u2043\u2212\u2500\u2501\ufe58\ufe63\uff0d]")
_TILDES = re.compile("[\u301c\uff5e\u223c\u223e\u2053]")
# 「ー」 is a katakana long-vowel mark after kana; anywhere else it is someone's dash.
_LONG_VOWEL_AS_DASH = re.compile("(?<![\u3041-\u30ff])[\u30fc\uff70]")

_KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_CHARS = "〇零一二三四五六七八九十百千"
# Starting only at the head of a run and never backtracking keeps this linear on long input.
_KANJI_RUN = re.compile(f"(?<![0-9{_KANJI_CHARS}])[{_KANJI_CHARS}]++(?![0-9])")


def _is_emoji_part(ch: str) -> bool:
    code = ord(ch)
    return unicodedata.category(ch) == "So" or 0x1F3FB <= code <= 0x1F3FF or code == 0xFE0F


def _drop_invisible(s: str) -> str:
    if s.isprintable():
        return s  # no control or format character at all: the usual answer, kept as it is
    kept: list[str] = []
    for i, ch in enumerate(s):
        if ch in "\n\t":
            kept.append(ch)
        elif ch == _ZWJ:
            # A joiner inside an emoji sequence (👩‍💻) is part of the emoji; keep it there.
            if kept and _is_emoji_part(kept[-1]) and i + 1 < len(s) and _is_emoji_part(s[i + 1]):
                kept.append(ch)
        elif unicodedata.category(ch) not in ("Cc", "Cf") or ord(ch) in _TAGS:
            kept.append(ch)
    return "".join(kept)


def normalize_text(s: str) -> str:
    """Clean an answer for storage without changing what the person wrote.

    Unifies line breaks to ``\\n``, drops control characters (except newline and tab) and
    invisible format characters (zero-width spaces, BOM, bidi marks), trims surrounding
    whitespace (including U+3000) and collapses three or more blank lines to two. Everything
    else, HTML and emoji included, is kept literally.
    """
    text = _drop_invisible(_LINE_BREAKS.sub("\n", s)).strip()
    return _BLANK_RUN.sub("\n\n\n", text)


def single_line(s: str) -> str:
    """Join the lines of ``s`` with single spaces (blank lines disappear)."""
    if "\n" not in s:
        return s
    return " ".join(line for line in (part.strip() for part in s.split("\n")) if line)


def fold(s: str) -> str:
    """Fold text for matching: NFKC (full-width → ASCII), casefold, one space between words."""
    folded = unicodedata.normalize("NFKC", s).casefold()
    return _WHITESPACE.sub(" ", _drop_invisible(folded)).strip()


def unify_dashes(s: str) -> str:
    """Map dash variants to ``-`` and wave dashes/tildes to ``~`` for parsing dates and numbers.

    「ー」 counts as a dash only where it cannot be a long-vowel mark (i.e. not after kana).
    """
    s = _TILDES.sub("~", s)
    s = _DASHES.sub("-", s)
    return _LONG_VOWEL_AS_DASH.sub("-", s)


def _kanji_number(run: str) -> str:
    if not any(ch in _KANJI_UNITS for ch in run):
        return "".join(str(_KANJI_DIGITS[ch]) for ch in run)
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in run:
        if ch in _KANJI_DIGITS:
            if digit is not None:
                return run
            digit = _KANJI_DIGITS[ch]
        else:
            unit = _KANJI_UNITS[ch]
            if unit >= last_unit:
                return run
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    return str(total + (digit or 0))


def kanji_to_digits(s: str) -> str:
    """Rewrite simple kanji numerals as digits: 「二十七」→27, 「二〇一五」→2015, 「十二」→12.

    Runs that are not a well-formed number (「十百」) are left alone.
    """
    return _KANJI_RUN.sub(lambda m: _kanji_number(m.group(0)), s)

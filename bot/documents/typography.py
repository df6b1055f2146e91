"""Japanese text: the font shipped in a Python package, and width-aware wrapping."""

from __future__ import annotations

import importlib.util
import unicodedata
from functools import cache
from pathlib import Path

FONT_PACKAGE = "matplotlib_fontja"
FONT_FAMILY = "IPAexGothic"
FONT_FILE = "fonts/ipaexg.ttf"


class FontMissingError(RuntimeError):
    """The bundled Japanese font could not be found."""


@cache
def font_path() -> Path:
    """The IPAexGothic TrueType file inside the ``matplotlib-fontja`` package.

    Found without importing the package: importing it calls ``japanize()``, which changes
    matplotlib's global settings for the whole process.
    """
    spec = importlib.util.find_spec(FONT_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / FONT_FILE
        if path.is_file():
            return path
    raise FontMissingError(
        f"the Japanese font {FONT_FAMILY} was not found: install matplotlib-fontja "
        "(pip install matplotlib-fontja)"
    )


def font_url() -> str:
    """The font as a ``file:`` URL for CSS ``@font-face``."""
    return font_path().resolve().as_uri()


ELLIPSIS = "…"


def char_width(char: str) -> int:
    """2 for a full-width character (漢字, かな, 全角記号), else 1."""
    return 2 if unicodedata.east_asian_width(char) in "WFA" else 1


def display_width(text: str) -> int:
    """The width of ``text`` in half-width columns."""
    return sum(char_width(char) for char in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, keeping the writer's own line breaks.

    Japanese breaks between any two characters; a Latin word is kept whole when it fits.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for word in _words(paragraph):
            size = display_width(word)
            if used + size > width and line:
                lines.append(line.rstrip())
                line, used = "", 0
                word = word.lstrip()
                size = display_width(word)
            while size > width:
                head, word = _cut(word, width)
                lines.append(head)
                size = display_width(word)
            line, used = line + word, used + size
        lines.append(line.rstrip())
    return lines


def shorten(text: str, width: int, max_lines: int, *, balance: bool = False) -> str:
    """``text`` wrapped to ``width`` in at most ``max_lines`` lines, ending in … when cut.

    With ``balance``, text that needs fewer lines is spread evenly over them instead of
    leaving one character alone on the last line.
    """
    flat = " ".join(text.split())
    lines = wrap(flat, width)
    if balance and 1 < len(lines) <= max_lines:
        even = -(-display_width(flat) // len(lines)) + 1
        balanced = wrap(flat, min(width, even))
        lines = balanced if len(balanced) == len(lines) else lines
    if len(lines) <= max_lines:
        return "\n".join(lines)
    last = lines[max_lines - 1]
    while last and display_width(last) + 1 > width:
        last = last[:-1]
    return "\n".join([*lines[: max_lines - 1], last + ELLIPSIS])


def _words(paragraph: str) -> list[str]:
    """Latin words (with their leading space) stay together; every full-width char is a word."""
    words: list[str] = []
    current = ""
    for char in paragraph:
        if char_width(char) == 2:
            if current:
                words.append(current)
            words.append(char)
            current = ""
        elif char == " " and current.strip():
            words.append(current)
            current = char
        else:
            current += char
    if current:
        words.append(current)
    return words


def _cut(word: str, width: int) -> tuple[str, str]:
    used = 0
    for index, char in enumerate(word):
        used += char_width(char)
        if used > width:
            # A character wider than the whole line still takes a line of its own.
            cut = max(index, 1)
            return word[:cut], word[cut:]
    return word, ""

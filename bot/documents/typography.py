"""Japanese text: the fonts the documents embed, emoji they cannot draw, and wrapping."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Iterable
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


EMOJI_FONT_FAMILY = "JobcardEmoji"
EMOJI_FONT_FILES = (
    "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",  # Debian, Ubuntu: fonts-noto-color-emoji
    "/usr/share/fonts/noto/NotoColorEmoji.ttf",  # Arch: noto-fonts-emoji
    "/usr/share/fonts/google-noto-color-emoji-fonts/NotoColorEmoji.ttf",  # Fedora
    "/usr/share/fonts/google-noto-emoji/NotoColorEmoji.ttf",  # older Fedora
)
EMOJI_PLACEHOLDER = "〔絵文字〕"
"""What a document shows for an emoji it has no font for: visibly something, never a box."""


def emoji_font_path() -> Path | None:
    """Noto Color Emoji where the system has it (Debian ``fonts-noto-color-emoji``), else None."""
    return next((Path(name) for name in EMOJI_FONT_FILES if Path(name).is_file()), None)


@cache
def covered(fonts: tuple[Path, ...]) -> frozenset[int]:
    """The code points that ``fonts`` have a glyph for."""
    # matplotlib's FreeType binding reads the character map without drawing anything.
    from matplotlib.ft2font import FT2Font

    points: set[int] = set()
    for path in fonts:
        points.update(FT2Font(str(path)).get_charmap())
    return frozenset(points)


_EMOJI = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u25fe"
    "\u2600-\u27bf\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)
_MODIFIERS = "\ufe0e\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
# One emoji as people see it: a keycap (1️⃣), a flag (two regional indicators), or a symbol
# with its presentation selector, skin tone and tags, joined into a family by ZWJs; or a
# stray joiner or selector left over from one.
_EMOJI_CLUSTER = re.compile(
    f"[0-9#*]\ufe0f?\u20e3"
    f"|[\U0001f1e6-\U0001f1ff]{{2}}"
    f"|[{_EMOJI}][{_MODIFIERS}]*(?:\u200d[{_EMOJI}][{_MODIFIERS}]*)*"
    f"|[\u200d\u20e3{_MODIFIERS}]"
)
_INVISIBLE = str.maketrans("", "", "\ufe0e\ufe0f\u200d")


def printable(text: str, fonts: Iterable[Path], *, shaped: bool = False) -> str:
    """``text`` with each emoji that ``fonts`` cannot draw shown as 〔絵文字〕.

    An emoji or symbol the fonts have (★, ♪, or any emoji with an emoji font) stays. With
    ``shaped`` text (WeasyPrint's HarfBuzz) the invisible joiners and presentation
    selectors stay too, as they choose the emoji's form; for matplotlib, which would draw
    them as boxes, they are dropped. Only what is printed changes: the stored answer is
    never touched.
    """
    have = covered(tuple(fonts))

    def replace(match: re.Match[str]) -> str:
        core = match[0].translate(_INVISIBLE)
        if not core:
            return match[0] if shaped else ""
        if all(ord(char) in have for char in core):
            return match[0] if shaped else core
        return EMOJI_PLACEHOLDER

    return _EMOJI_CLUSTER.sub(replace, text)


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

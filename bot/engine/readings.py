"""Readings for matching: katakana folded to hiragana, and kanji read as hiragana (pykakasi).

People type a choice the way their keyboard gives it: 「ハイ」 for はい, or 「はけん」 for
派遣社員 when the IME did not convert. Matching compares readings as a fallback, after the
wording itself.

pykakasi's dictionary takes about half a second to load, so it is loaded on the first reading
of a text with kanji (never at import) and every reading is cached.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pykakasi import kakasi as Kakasi

# Katakana ァ..ヶ sit exactly 0x60 above hiragana ぁ..ゖ; 「ー」 and 「・」 have no hiragana twin.
_KATAKANA: Final = re.compile("[\u30a1-\u30f6]")
_HAS_KANA: Final = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc]")
_HAS_KANJI: Final = re.compile("[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Variation selectors change a glyph, not a reading; pykakasi fails on a stray one.
_SELECTORS: Final = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")

MAX_READING: Final = 40
"""The longest text read through the dictionary; longer text is only kana-folded."""

_lock = threading.Lock()
_converter: Kakasi | None = None


def kana_fold(s: str) -> str:
    """Katakana to hiragana (「ハケン」→「はけん」); everything else unchanged."""
    return _KATAKANA.sub(lambda m: chr(ord(m.group(0)) - 0x60), s)


def has_kana(s: str) -> bool:
    """Whether ``s`` has any hiragana or katakana."""
    return _HAS_KANA.search(s) is not None


def has_kanji(s: str) -> bool:
    """Whether ``s`` has any kanji."""
    return _HAS_KANJI.search(s) is not None


def _kakasi() -> Kakasi:
    global _converter
    with _lock:
        if _converter is None:
            # Imported here, not at the top: the import and its dictionary cost ~0.5 s.
            import pykakasi

            _converter = pykakasi.kakasi()  # type: ignore[no-untyped-call]
        return _converter


@functools.lru_cache(maxsize=8192)
def reading(s: str) -> str:
    """The hiragana reading of ``s`` (「派遣社員」→「はけんしゃいん」); kana folded, the rest kept.

    Text without kanji, or longer than :data:`MAX_READING`, is only kana-folded, so the
    dictionary is loaded only when a short text with kanji is read.
    """
    if len(s) > MAX_READING or not has_kanji(s):
        return kana_fold(s)
    try:
        parts = _kakasi().convert(_SELECTORS.sub("", s))
    except (IndexError, KeyError, ValueError):
        # A reading is only a second chance at matching: text the library can't read is
        # compared as typed rather than failing the person's turn.
        return kana_fold(s)
    return kana_fold("".join(str(part["hira"]) for part in parts))

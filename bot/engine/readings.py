"""Readings for matching: katakana folded to hiragana, and kanji read as hiragana (Sudachi).

People type a choice the way their keyboard gives it: 「ハイ」 for はい, or 「はけん」 for
派遣社員 when the IME did not convert. Matching compares readings as a fallback, after the
wording itself.

Sudachi's dictionary (SudachiDict-small) is opened on the first reading of a text with kanji,
never at import, and every reading is cached.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sudachipy import Tokenizer  # type: ignore[import-untyped]

# Katakana ァ..ヶ sit exactly 0x60 above hiragana ぁ..ゖ; 「ー」 and 「・」 have no hiragana twin.
_KATAKANA: Final = re.compile("[\u30a1-\u30f6]")
_HAS_KANA: Final = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc]")

MAX_READING: Final = 40
"""The longest text read through the dictionary; longer text is only kana-folded."""

_UNREAD: Final = frozenset({"補助記号", "記号", "空白"})
_lock = threading.Lock()
_tokenizer: Tokenizer | None = None


def kana_fold(s: str) -> str:
    """Katakana to hiragana (「ハケン」→「はけん」); everything else unchanged."""
    return _KATAKANA.sub(lambda m: chr(ord(m.group(0)) - 0x60), s)


def has_kana(s: str) -> bool:
    """Whether ``s`` has any hiragana or katakana."""
    return _HAS_KANA.search(s) is not None


@functools.cache
def _kana_reading() -> re.Pattern[str]:
    # A reading as people type it: hiragana, katakana (full and half width, small ones),
    # voicing and iteration marks, the long-vowel mark, a middle dot (・ ･ ·) and spaces.
    # U+FFFD stands for a character the channel could not carry (the person is told so as
    # the message arrives): it says nothing about whether the rest is a reading. Compiled on
    # first use, like the kanji ranges: `jobcard chat` shows its first prompt without it.
    return re.compile(
        "[\u3041-\u3096\u309b-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff65-\uff9f\u00b7 \u3000\ufffd]+"
    )


_SEPARATORS: Final = " \u3000\u30fb\uff65\u00b7\ufffd"


def is_kana_reading(s: str) -> bool:
    """Whether ``s`` is in kana only, as a reading is (「やまだ たろう」「ヤマダ・タロウ」)."""
    return _kana_reading().fullmatch(s) is not None and bool(s.strip(_SEPARATORS))


@functools.cache
def _has_kanji() -> re.Pattern[str]:
    # Compiled on first use: its wide ranges take milliseconds, and `jobcard chat` starts
    # without them.
    return re.compile("[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def has_kanji(s: str) -> bool:
    """Whether ``s`` has any kanji."""
    return _has_kanji().search(s) is not None


def _read(s: str) -> list[tuple[str, str]]:
    """Each word of ``s`` with its reading, under the lock (one tokenizer for all threads)."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            # Imported here, not at the top: opening the dictionary takes ~0.1 s.
            from sudachipy import Dictionary, SplitMode

            _tokenizer = Dictionary(dict="small").tokenizer(mode=SplitMode.C)
        words = _tokenizer.tokenize(s)
        # Symbols are "read" as キゴウ: they keep their surface, like everything but kanji.
        return [
            (m.surface(), "" if m.part_of_speech()[0] in _UNREAD else m.reading_form())
            for m in words
        ]


@functools.lru_cache(maxsize=8192)
def reading(s: str) -> str:
    """The hiragana reading of ``s`` (「派遣社員」→「はけんしゃいん」); kana folded, the rest kept.

    Only words with kanji take the dictionary's reading; kana, digits, Latin letters and
    punctuation stay as written. Text without kanji, or longer than :data:`MAX_READING`, is
    only kana-folded, so the dictionary is opened only when a short text with kanji is read.
    """
    if len(s) > MAX_READING or not has_kanji(s):
        return kana_fold(s)
    words = _read(s)
    return kana_fold("".join(read if has_kanji(word) and read else word for word, read in words))

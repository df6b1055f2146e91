"""The reading check (``check: reading``): a ふりがな typed in kana is taken, anything else kept.

A reading is stored exactly as typed, hiragana or katakana. Text that is not kana (a date
typed by mistake, kanji, Latin letters) is neither refused nor stored: it is kept at the
question while the person is asked for the reading in hiragana, and 「入力したとおりにする」
stores it as typed (a name written in Latin letters has no other reading).
"""

from __future__ import annotations

import re
from typing import Final

from bot.engine import holding, views
from bot.engine.model import Question
from bot.engine.normalize import fold
from bot.engine.readings import is_kana_reading
from bot.engine.turn import Turn

_ERA: Final = r"(?:明治|大正|昭和|平成|令和|[mtshr])\s*(?:\d{1,2}|元)"
# A date the way people write a birthday: 1968年4月3日, 1968/4/3, 昭和43年4月3日, S43.4.3.
_DATE: Final = re.compile(
    rf"(?:{_ERA}|\d{{4}})\s*(?:年|[./-])\s*\d{{1,2}}\s*(?:月|[./-])?\s*(?:\d{{1,2}}\s*日?)?"
    r"\s*(?:生まれ|生)?"
)


def looks_like_date(text: str) -> bool:
    """Whether ``text`` is a date (a birth date typed where the reading was asked)."""
    return _DATE.fullmatch(fold(text)) is not None


def held_unless_reading(turn: Turn, question: Question, value: object) -> bool:
    """Keep ``value`` and ask again when the question wants a reading and it isn't kana.

    Typed again in kana, the reading is taken as usual; 「入力したとおりにする」 (or 「このまま」)
    takes the kept text as it was typed.
    """
    if question.check != "reading" or not isinstance(value, str) or is_kana_reading(value):
        return False
    holding.hold(turn, value, "reading", value)
    example = next((e.ja for e in question.examples if is_kana_reading(e.ja)), None)
    shown = "" if example is None else turn.t("reading_example", example=example)
    notice = turn.t("reading_kana", example=shown)
    if looks_like_date(value):
        gap = " " if turn.lang == "en" else ""
        notice = turn.t("reading_not_date") + gap + notice
    views.ask(turn, notice=notice)
    return True

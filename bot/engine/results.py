"""What parsing an answer yields: accepted, rejected, or usable but incomplete."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TypeAlias

from bot.engine.answer_texts import ANSWER_MESSAGES
from bot.engine.localized import Lang, Localized

JSONValue: TypeAlias = bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"] | None
Params: TypeAlias = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ParseContext:
    """Facts from outside the engine that parsing needs: today's date and the person's language."""

    today: datetime.date
    lang: Lang


@dataclass(frozen=True, slots=True)
class Accepted:
    """A complete answer, in its stored JSON shape.

    ``note``: a key of ``ANSWER_MESSAGES`` said once the answer is stored, when it was
    taken other than exactly as typed (a pasted line break in a one-line box, a birth year
    for an age group), with ``note_params`` for its message.
    """

    value: JSONValue
    note: str | None = None
    note_params: Params = ()


@dataclass(frozen=True, slots=True)
class Rejected:
    """An unusable answer; ``reason`` is a key of ``ANSWER_MESSAGES``."""

    reason: str
    params: Params = ()

    def message(self, lang: Lang) -> str:
        """The polite explanation of what is expected, in ``lang``."""
        return ANSWER_MESSAGES[self.reason].format(lang, **dict(self.params))


@dataclass(frozen=True, slots=True)
class NeedMore:
    """The answer is usable but incomplete: ask a short follow-up, keep `partial`."""

    partial: JSONValue
    reason: str
    params: Params = ()

    def message(self, lang: Lang) -> str:
        """The follow-up question, in ``lang``."""
        return ANSWER_MESSAGES[self.reason].format(lang, **dict(self.params))


ParseResult: TypeAlias = Accepted | Rejected | NeedMore


def both(name: str, text: Localized) -> Params:
    """Message params ``{name}_ja`` and ``{name}_en`` holding ``text`` in each language."""
    return ((f"{name}_ja", text.ja), (f"{name}_en", text.en))


def empty_answer(hint: Localized) -> Rejected:
    """The rejection of an empty answer, saying what to enter (``hint``, a noun phrase)."""
    return Rejected("empty", both("hint", hint))

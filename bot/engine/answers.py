"""Answer kinds: how to read what a person typed, and how to show a stored answer.

Every ``parse`` is pure (``today`` comes in through :class:`ParseContext`) and never raises for
any text; ``display`` never raises for any stored value.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from bot.engine.answer_texts import ANSWER_MESSAGES
from bot.engine.choices import ChoiceAnswer, MultiChoiceAnswer, Option, YesNoAnswer, match_words
from bot.engine.localized import Lang, Localized
from bot.engine.normalize import fold, normalize_text, single_line
from bot.engine.numeric import format_number, parse_decimal
from bot.engine.results import (
    Accepted,
    JSONValue,
    NeedMore,
    ParseContext,
    ParseResult,
    Rejected,
    both,
    empty_answer,
)

# The readers of dates and periods (``bot.engine.dates``, ``bot.engine.periods``) are imported
# by the methods that read or show one, not here: the dialog catalog read back at start needs
# these classes, and `jobcard chat` shows its first prompt without those readers.

__all__ = [
    "Accepted",
    "AnswerSpec",
    "ChoiceAnswer",
    "DateAnswer",
    "JSONValue",
    "LongTextAnswer",
    "MultiChoiceAnswer",
    "NeedMore",
    "NumberAnswer",
    "Option",
    "ParseContext",
    "ParseResult",
    "PeriodAnswer",
    "Rejected",
    "ScaleAnswer",
    "TextAnswer",
    "YearMonthAnswer",
    "YesNoAnswer",
    "readback",
]


def _length_hint(key: str, max_length: int) -> Localized:
    template = ANSWER_MESSAGES[key]
    return Localized(template.format("ja", max=max_length), template.format("en", max=max_length))


def _text(
    text: str, min_length: int, max_length: int, multiline: bool, hint: Localized
) -> ParseResult:
    value = normalize_text(text)
    # A one-line box (a name, a company) prints one line: lines pasted into it are joined
    # with spaces, and the person is told so (the note).
    joined = not multiline and "\n" in value
    if joined:
        value = single_line(value)
    if not value:
        return empty_answer(hint)
    count = len(value)
    if count > max_length:
        return Rejected("too_long", (("max", str(max_length)), ("count", str(count))))
    if count < min_length:
        return Rejected("too_short", (("min", str(min_length)), ("count", str(count))))
    return Accepted(value, "lines_joined" if joined else None)


@dataclass(frozen=True, slots=True)
class TextAnswer:
    """A short free-text answer, stored as typed (cleaned); one line unless ``multiline``."""

    kind: ClassVar[str] = "text"
    min_length: int = 1
    max_length: int = 200
    multiline: bool = False

    def parse(self, text: str, ctx: ParseContext, partial: JSONValue = None) -> ParseResult:
        """Accept the cleaned text if its length (in characters) is within the limits."""
        return _text(text, self.min_length, self.max_length, self.multiline, self._hint())

    def display(self, value: JSONValue, lang: Lang) -> str:
        """The text as stored."""
        return value if isinstance(value, str) else str(value)

    def hint(self, lang: Lang) -> str:
        """What is expected, as a short noun phrase."""
        return self._hint().get(lang)

    def _hint(self) -> Localized:
        return _length_hint("hint_long_text" if self.multiline else "hint_text", self.max_length)


@dataclass(frozen=True, slots=True)
class LongTextAnswer:
    """A longer free-text answer that may span several lines."""

    kind: ClassVar[str] = "long_text"
    min_length: int = 1
    max_length: int = 2000

    def parse(self, text: str, ctx: ParseContext, partial: JSONValue = None) -> ParseResult:
        """Accept the cleaned text (line breaks kept) if its length is within the limits."""
        return _text(text, self.min_length, self.max_length, True, self._hint())

    def display(self, value: JSONValue, lang: Lang) -> str:
        """The text as stored."""
        return value if isinstance(value, str) else str(value)

    def hint(self, lang: Lang) -> str:
        """What is expected, as a short noun phrase."""
        return self._hint().get(lang)

    def _hint(self) -> Localized:
        return _length_hint("hint_long_text", self.max_length)


def _with_unit(number: str, unit: Localized | None) -> Localized:
    if unit is None:
        return Localized(number, number)
    # "50%" but "30 years old".
    gap = " " if unit.en[:1].isalnum() else ""
    return Localized(f"{number}{unit.ja}", f"{number}{gap}{unit.en}")


@dataclass(frozen=True, slots=True)
class NumberAnswer:
    """A number, optionally whole, bounded and with a unit (「30歳」「1,000円」「マイナス5」)."""

    kind: ClassVar[str] = "number"
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    unit: Localized | None = None

    def parse(self, text: str, ctx: ParseContext, partial: JSONValue = None) -> ParseResult:
        """Read the number; stored as an int if ``integer``, else as a float."""
        if not fold(text):
            return empty_answer(self._hint())
        units = () if self.unit is None else (self.unit.ja, self.unit.en)
        number = parse_decimal(text, units)
        example = both("example", _with_unit(self._example(), self.unit))
        if number is None:
            return Rejected("number_invalid", example)
        if self.integer and number != number.to_integral_value():
            return Rejected("number_not_integer", example)
        low, high = self.minimum, self.maximum
        too_low = low is not None and number < Decimal(str(low))
        too_high = high is not None and number > Decimal(str(high))
        if too_low or too_high:
            if low is not None and high is not None:
                params = (("min", format_number(low)), ("max", format_number(high)))
                return Rejected("out_of_range", params)
            if low is not None:
                return Rejected("out_of_range_min", (("min", format_number(low)),))
            if high is not None:
                return Rejected("out_of_range_max", (("max", format_number(high)),))
        return Accepted(int(number) if self.integer else float(number))

    def display(self, value: JSONValue, lang: Lang) -> str:
        """The number with its unit, e.g. 「30歳」 / "30 years old"."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        return _with_unit(format_number(value), self.unit).get(lang)

    def hint(self, lang: Lang) -> str:
        """What is expected, as a short noun phrase."""
        return self._hint().get(lang)

    def _example(self) -> str:
        for candidate in (30, 3, 1, 0):
            if (self.minimum is None or candidate >= self.minimum) and (
                self.maximum is None or candidate <= self.maximum
            ):
                return str(candidate)
        bound = self.minimum if self.minimum is not None else self.maximum
        return format_number(bound if bound is not None else 0)

    def _hint(self) -> Localized:
        low = None if self.minimum is None else format_number(self.minimum)
        high = None if self.maximum is None else format_number(self.maximum)
        if low is not None and high is not None:
            bounds = ANSWER_MESSAGES["hint_range_both"]
        elif low is not None or high is not None:
            bounds = ANSWER_MESSAGES["hint_range_min" if low is not None else "hint_range_max"]
        else:
            bounds = Localized("", "")
        kind = ANSWER_MESSAGES["hint_number_integer" if self.integer else "hint_number_real"]
        unit = ANSWER_MESSAGES["hint_unit"]

        def part(lang: Lang) -> tuple[str, str, str]:
            unit_text = "" if self.unit is None else unit.format(lang, unit=self.unit.get(lang))
            return bounds.format(lang, min=low, max=high), kind.get(lang), unit_text

        ja_range, ja_kind, ja_unit = part("ja")
        en_range, en_kind, en_unit = part("en")
        return Localized(ja_range + ja_kind + ja_unit, en_kind + en_range + en_unit)


@dataclass(frozen=True, slots=True)
class ScaleAnswer:
    """A whole number on a scale, by default -100 (very unhappy) to 100 (very happy).

    Attributes:
        named: Words that stand for a point, as the prompt names them (「ふつう」 for 0).
    """

    kind: ClassVar[str] = "scale"
    minimum: int = -100
    maximum: int = 100
    named: tuple[tuple[str, int], ...] = ()

    def parse(self, text: str, ctx: ParseContext, partial: JSONValue = None) -> ParseResult:
        """Read a whole number within the scale."""
        params = (
            ("min", str(self.minimum)),
            ("max", str(self.maximum)),
            ("example", self._example()),
        )
        if not fold(text):
            return empty_answer(self._hint())
        number = parse_decimal(text)
        if number is None and self.named:
            said = {self.named[i][1] for i in match_words(tuple(w for w, _ in self.named), text)}
            if len(said) == 1:
                number = Decimal(said.pop())
        if number is None or number != number.to_integral_value():
            return Rejected("scale_invalid", params)
        if not self.minimum <= number <= self.maximum:
            return Rejected("scale_out_of_range", params)
        return Accepted(int(number))

    def display(self, value: JSONValue, lang: Lang) -> str:
        """The number as stored."""
        return str(value)

    def hint(self, lang: Lang) -> str:
        """What is expected, as a short noun phrase."""
        return self._hint().get(lang)

    def _example(self) -> str:
        # Three quarters up the scale: 50 on -100..100, 4 on 1..5.
        return str(self.minimum + (self.maximum - self.minimum) * 3 // 4)

    def _hint(self) -> Localized:
        template = ANSWER_MESSAGES["hint_scale"]
        params = {"min": self.minimum, "max": self.maximum, "example": self._example()}
        return Localized(template.format("ja", **params), template.format("en", **params))


def _year_of(partial: JSONValue, today: datetime.date) -> int | None:
    from bot.engine.dates import FUTURE_YEARS, MIN_YEAR  # see the note above __all__

    if not isinstance(partial, dict):
        return None
    year = partial.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        return None
    # A partial is only ever a year that was read; anything else is not worth keeping.
    return year if MIN_YEAR <= year <= today.year + FUTURE_YEARS else None


def _readback(value: JSONValue, shown: str, lang: Lang) -> str:
    """「…として記録しました。」, saying so when a month was left out as unknown."""
    from bot.engine.periods import has_unknown_month  # see the note above __all__

    key = "recorded_year_only" if has_unknown_month(value) else "recorded_as"
    return ANSWER_MESSAGES[key].format(lang, value=shown)


@dataclass(frozen=True, slots=True)
class YearMonthAnswer:
    """A year and month (「2015年4月」「平成27年4月」「H27.4」「2015/4」); stored ``YYYY-MM``.

    A year alone asks for the month; 「覚えていない」 then keeps the year alone, stored ``YYYY``.
    """

    kind: ClassVar[str] = "year_month"
    allow_future: bool = False

    def parse(self, text: str, ctx: ParseContext, partial: JSONValue = None) -> ParseResult:
        """Read a year-month; a year alone asks for the month (then a bare month completes it)."""
        from bot.engine.dates import (  # see the note above __all__
            UNKNOWN_MONTH,
            is_unknown_month,
            parse_bare_month,
            parse_year_month,
            year_month_text,
            ym_str,
        )

        if not fold(text):
            return empty_answer(ANSWER_MESSAGES["hint_year_month"])
        now = (ctx.today.year, ctx.today.month)
        future = Rejected("year_month_future", both("now", year_month_text(now)))
        parsed: tuple[int, int] | Rejected | NeedMore | None = None
        year = _year_of(partial, ctx.today)
        if year is not None:
            month = parse_bare_month(text)
            if month is None and is_unknown_month(text):
                month = UNKNOWN_MONTH
            parsed = (year, month) if isinstance(month, int) else month
        if parsed is None:
            parsed = parse_year_month(text, ctx.today)
            unreadable = ("year_month_invalid", "year_missing")
            if year is not None and isinstance(parsed, Rejected) and parsed.reason in unreadable:
                # Keep to the question asked: the month of the year already given.
                parsed = Rejected("month_unreadable", (("year", str(year)),))
        if isinstance(parsed, NeedMore):
            new_year = _year_of(parsed.partial, ctx.today)
            too_late = new_year is not None and new_year > ctx.today.year
            return future if too_late and not self.allow_future else parsed
        if isinstance(parsed, Rejected):
            return parsed
        if parsed > now and not self.allow_future:
            return future
        return Accepted(ym_str(parsed))

    def display(self, value: JSONValue, lang: Lang) -> str:
        """「2015年4月」 / "Apr 2015" (「1996年」 / "1996" when the month is unknown)."""
        from bot.engine.dates import format_year_month  # see the note above __all__

        return format_year_month(value, lang) if isinstance(value, str) else str(value)

    def readback(self, value: JSONValue, lang: Lang) -> str | None:
        """How the answer was read, said right after it is stored
        (「2015年4月として記録しました。」)."""
        return _readback(value, self.display(value, lang), lang)

    def hint(self, lang: Lang) -> str:
        """What is expected, as a short noun phrase."""
        return ANSWER_MESSAGES["hint_year_month"].get(lang)


_PLANNING_YEARS = 10


@dataclass(frozen=True, slots=True)
class PeriodAnswer:
    """A period from a year-month to a year-month or 「現在」; a start alone asks for the end."""

    kind: ClassVar[str] = "period"
    allow_future: bool = False

    def parse(self, text: str, ctx: ParseContext, partial: JSONValue = None) -> ParseResult:
        """Read a period; stored as ``{"start": "YYYY-MM", "end": "YYYY-MM" or None}``.

        Either end is ``YYYY`` when the person said they don't remember its month. With
        ``allow_future`` a planned period (a course starting next April) is taken too.
        """
        from bot.engine.periods import parse_period_answer, period_value  # see above __all__

        if not fold(text):
            return empty_answer(ANSWER_MESSAGES["hint_period"])
        parsed = parse_period_answer(text, ctx.today, partial)
        if (
            self.allow_future
            and isinstance(parsed, Rejected)
            and parsed.reason in ("period_start_future", "period_end_future")
        ):
            # Only the "not in the future" check differs: read it again from a later today.
            later = ctx.today.replace(year=ctx.today.year + _PLANNING_YEARS, month=12, day=31)
            parsed = parse_period_answer(text, later, partial)
        return Accepted(period_value(parsed)) if isinstance(parsed, tuple) else parsed

    def display(self, value: JSONValue, lang: Lang) -> str:
        """「2015年4月～現在」 / "Apr 2015 – present"."""
        from bot.engine.periods import format_period  # see the note above __all__

        return format_period(value, lang)

    def readback(self, value: JSONValue, lang: Lang) -> str | None:
        """How the answer was read, said right after it is stored
        (「1988年4月～1995年3月として記録しました。」)."""
        return _readback(value, self.display(value, lang), lang)

    def hint(self, lang: Lang) -> str:
        """What is expected, as a short noun phrase."""
        return ANSWER_MESSAGES["hint_period"].get(lang)


@dataclass(frozen=True, slots=True)
class DateAnswer:
    """A calendar date (「2026年12月1日」「R8.12.1」「12/1」); stored ``YYYY-MM-DD``."""

    kind: ClassVar[str] = "date"
    allow_past: bool = True
    allow_future: bool = True

    def parse(self, text: str, ctx: ParseContext, partial: JSONValue = None) -> ParseResult:
        """Read a date; without a year it is in this year."""
        from bot.engine.dates import date_text, parse_date  # see the note above __all__

        if not fold(text):
            return empty_answer(ANSWER_MESSAGES["hint_date"])
        parsed = parse_date(text, ctx.today)
        if isinstance(parsed, Rejected):
            return parsed
        today = both("today", date_text(ctx.today))
        if parsed < ctx.today and not self.allow_past:
            return Rejected("date_past", today)
        if parsed > ctx.today and not self.allow_future:
            return Rejected("date_future", today)
        return Accepted(parsed.isoformat())

    def display(self, value: JSONValue, lang: Lang) -> str:
        """「2026年12月1日」 / "1 Dec 2026"."""
        from bot.engine.dates import format_date  # see the note above __all__

        return format_date(value, lang) if isinstance(value, str) else str(value)

    def hint(self, lang: Lang) -> str:
        """What is expected, as a short noun phrase."""
        return ANSWER_MESSAGES["hint_date"].get(lang)


AnswerSpec = (
    TextAnswer
    | LongTextAnswer
    | NumberAnswer
    | ScaleAnswer
    | YearMonthAnswer
    | PeriodAnswer
    | DateAnswer
    | ChoiceAnswer
    | MultiChoiceAnswer
    | YesNoAnswer
)


def readback(spec: AnswerSpec, value: JSONValue, lang: Lang) -> str | None:
    """What to say right after ``value`` is stored: the reading of a date or period that was
    accepted (「1988年4月～1995年3月として記録しました。」), or None for other kinds."""
    if isinstance(spec, YearMonthAnswer | PeriodAnswer):
        return spec.readback(value, lang)
    return None

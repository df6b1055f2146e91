"""Parsing and displaying periods: a start year-month and an end year-month or 「現在」.

Either end may be a year alone when the person does not remember the month: a year typed
without a month is asked about once (「1996年の何月からですか？」), and 「覚えていない」 then keeps
the year alone (stored ``YYYY``) rather than dropping it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Final, Literal

from bot.engine.answer_texts import ANSWER_MESSAGES
from bot.engine.dates import (
    FUTURE_YEARS,
    MAX_INPUT,
    MIN_YEAR,
    UNKNOWN_MONTH,
    YearMonth,
    is_open_end,
    is_unknown_month,
    parse_bare_month,
    parse_year_month,
    parse_ym_str,
    year_month_text,
    ym_str,
)
from bot.engine.localized import Lang
from bot.engine.normalize import fold, unify_dashes
from bot.engine.results import JSONValue, NeedMore, Params, Rejected, both

Period = tuple[YearMonth, YearMonth | None]
"""A start and an end; an end of None means the period is still going on. Either end's month
may be ``UNKNOWN_MONTH`` (the year alone)."""

Ask = Literal["end", "start_month", "end_month", "months"]
"""What a period's follow-up question asks for."""
_ASKS: Final[dict[str, Ask]] = {
    "end": "end",
    "start_month": "start_month",
    "end_month": "end_month",
    "months": "months",
}

# After folding, every wave dash/tilde is "~" and every dash is "-" (see unify_dashes).
_STRONG_SEP = re.compile(r"->|→|⇒|~|から|至|\b(?:to|until|till|through|thru)\b")
_START_PREFIX = re.compile(r"^(?:自|from\b|since\b)\s*")
_END_PREFIX = re.compile(r"^(?:->|→|⇒|~|-|から|至|to\b|until\b|till\b)\s*")
_END_SUFFIX = re.compile(r"\s*(?:まで|迄)$")
# 「現在に至る」 says "until now", and in 「～至現在」 the 至 repeats the ～: neither is a second
# separator.
_UNTIL_NOW = re.compile(r"(現在|今|いま)\s*に\s*至(?:る|ります|っています|っております)?(?:まで)?")
_SEP_THEN_UNTIL = re.compile(r"(->|→|⇒|~|-|から|\b(?:to|until|till|through|thru))\s*至")
_TO_DATE = re.compile(r"\bto date$")
# Rejections only a whole period (start and end) can produce.
_FULL_ONLY = frozenset({"period_order", "period_start_future", "period_end_future"})
# Rejections that explain a real problem; others become the generic period message.
_SPECIFIC = frozenset(
    {
        "month_out_of_range",
        "era_year_too_large",
        "era_ended",
        "era_not_begun",
        "year_out_of_range",
        "date_nonexistent",
        "period_order",
        "period_start_future",
        "period_end_future",
    }
)


@dataclass(frozen=True, slots=True)
class _Year:
    """A year typed without its month: the month is still to be asked."""

    year: int


_Point = YearMonth | _Year


@dataclass(frozen=True, slots=True)
class _Pending:
    """A period being completed over several turns (decoded from the stored partial)."""

    start: _Point
    end: _Point | None
    has_end: bool
    ask: Ask


def _clean(text: str) -> str:
    s = fold(text)
    if len(s) > MAX_INPUT:
        return s
    s = _SEP_THEN_UNTIL.sub(r"\1 ", _UNTIL_NOW.sub(r"\1", unify_dashes(s)))
    s = _TO_DATE.sub("to present", s)
    return _END_SUFFIX.sub("", _START_PREFIX.sub("", s)).strip()


def _now(today: datetime.date) -> YearMonth:
    return (today.year, today.month)


def _ym(point: _Point) -> YearMonth:
    return (point.year, UNKNOWN_MONTH) if isinstance(point, _Year) else point


def _later(a: YearMonth, b: YearMonth) -> bool:
    """Whether ``a`` is certainly after ``b``: with a month unknown, only the years compare."""
    if UNKNOWN_MONTH in (a[1], b[1]):
        return a[0] > b[0]
    return a > b


def _check(start: YearMonth, end: YearMonth | None, today: datetime.date) -> Rejected | None:
    now = _now(today)
    if _later(start, now):
        params = both("start", year_month_text(start)) + both("now", year_month_text(now))
        return Rejected("period_start_future", params)
    if end is not None and _later(end, now):
        return Rejected("period_end_future", both("end", year_month_text(end)))
    if end is not None and _later(start, end):
        params = both("start", year_month_text(start)) + both("end", year_month_text(end))
        return Rejected("period_order", params)
    return None


def _finish(
    start: _Point, end: _Point | None, has_end: bool, today: datetime.date
) -> Period | Rejected | NeedMore:
    """Check what is known so far, then ask for what is missing or give the period."""
    end_ym = None if end is None else _ym(end)
    if problem := _check(_ym(start), end_ym, today):
        return problem
    partial: dict[str, JSONValue] = {"start": ym_str(_ym(start))}
    if has_end:
        partial["end"] = None if end_ym is None else ym_str(end_ym)
    params: Params
    if isinstance(start, _Year) and isinstance(end, _Year):
        partial["ask"] = "months"
        params = (("start", str(start.year)), ("end", str(end.year)))
        return NeedMore(partial, "period_months_missing", params)
    if isinstance(start, _Year):
        partial["ask"] = "start_month"
        return NeedMore(partial, "period_start_month_missing", (("year", str(start.year)),))
    if isinstance(end, _Year):
        partial["ask"] = "end_month"
        return NeedMore(partial, "period_end_month_missing", (("year", str(end.year)),))
    if not has_end:
        # Just the start: this shape ({"start": ...}) is also what older turns stored.
        return NeedMore({"start": ym_str(start)}, "period_end_missing")
    return (start, end_ym)


def _endpoint(text: str, today: datetime.date, generic: str) -> _Point | Rejected:
    parsed = parse_year_month(text, today)
    if isinstance(parsed, tuple):
        return parsed
    if isinstance(parsed, NeedMore):
        year = parsed.partial.get("year") if isinstance(parsed.partial, dict) else None
        return _Year(year) if isinstance(year, int) else Rejected(generic)
    if parsed.reason == "year_missing":
        return Rejected("period_need_month")
    return parsed if parsed.reason in _SPECIFIC else Rejected(generic)


def _combine(left: str, right: str, today: datetime.date) -> Period | Rejected | NeedMore:
    start = _endpoint(left.strip(), today, "period_invalid")
    if isinstance(start, Rejected):
        return start
    right = right.strip()
    if not right:
        return _finish(start, None, False, today)
    if is_open_end(right):
        return _finish(start, None, True, today)
    end = _endpoint(right, today, "period_invalid")
    return end if isinstance(end, Rejected) else _finish(start, end, True, today)


def _parse_full(s: str, today: datetime.date) -> Period | Rejected | NeedMore:
    separators = list(_STRONG_SEP.finditer(s))
    if len(separators) > 1:
        return Rejected("period_invalid")
    if separators:
        sep = separators[0]
        return _combine(s[: sep.start()], s[sep.end() :], today)
    whole = _endpoint(s, today, "period_invalid")
    if not isinstance(whole, Rejected):
        return _finish(whole, None, False, today)
    # Only hyphens can separate the ends here, and dates contain hyphens too ("2015-04-2020-03"):
    # use the one split point where both sides read as a start and an end.
    splits: list[int] = []
    problem: Rejected | None = None
    for i in (m.start() for m in re.finditer("-", s)):
        left, right = s[:i].strip(), s[i + 1 :].strip()
        start = _endpoint(left, today, "period_invalid")
        end = (
            None if not right or is_open_end(right) else _endpoint(right, today, "period_invalid")
        )
        rejected = [r for r in (start, end) if isinstance(r, Rejected)]
        if not rejected:
            splits.append(i)
        elif problem is None:
            problem = next((r for r in rejected if r.reason != "period_invalid"), None)
    if len(splits) == 1:
        return _combine(s[: splits[0]], s[splits[0] + 1 :], today)
    if len(splits) > 1:
        return Rejected("period_invalid")
    if whole.reason in _SPECIFIC:
        return whole
    return problem or Rejected("period_invalid")


def parse_period(
    text: str, today: datetime.date, start: YearMonth | None = None
) -> Period | Rejected | NeedMore:
    """Read a period (「2015年4月～2020年3月」「H27.4〜R2.3」「2015/4-現在に至る」...).

    A start alone asks for the end (``NeedMore`` with partial ``{"start": "YYYY-MM"}``); a
    year without its month asks for the month (partial with ``"ask"``, see
    :func:`parse_period_answer`). With ``start`` (the partial of an earlier turn), ``text`` is
    the end: a year-month or 「現在」; a whole new period replaces the start.
    """
    s = _clean(text)
    if len(s) > MAX_INPUT:
        return Rejected("period_invalid" if start is None else "period_end_invalid")
    if start is None:
        return _parse_full(s, today)
    body = _END_PREFIX.sub("", s).strip()
    if body and is_open_end(body):
        return _finish(start, None, True, today)
    end = _endpoint(body, today, "period_end_invalid") if body else Rejected("period_end_invalid")
    if not isinstance(end, Rejected):
        return _finish(start, end, True, today)
    # A whole new period replaces the start given before (a new start alone does not).
    full = _parse_full(s, today)
    if isinstance(full, tuple) or (isinstance(full, Rejected) and full.reason in _FULL_ONLY):
        return full
    if isinstance(full, NeedMore) and "ask" in _as_dict(full.partial):
        return full
    return end


def _as_dict(value: JSONValue) -> dict[str, JSONValue]:
    return value if isinstance(value, dict) else {}


def _pending(partial: JSONValue, today: datetime.date) -> _Pending | None:
    """The period being completed, from an earlier turn's partial (None if it is unusable)."""
    data = _as_dict(partial)
    start = parse_ym_str(data.get("start"))
    ask = _ASKS.get(str(data.get("ask", "end")))
    if start is None or ask is None:
        return None
    has_end = "end" in data
    end = None if data.get("end") is None else parse_ym_str(data.get("end"))
    if has_end and data.get("end") is not None and end is None:
        return None
    # A partial only ever holds years that were read: anything else is not worth keeping.
    years = [start[0]] + ([] if end is None else [end[0]])
    if not all(MIN_YEAR <= year <= today.year + FUTURE_YEARS for year in years):
        return None
    start_point: _Point = start
    end_point: _Point | None = end
    if ask in ("start_month", "months"):
        if start[1] != UNKNOWN_MONTH:
            return None
        start_point = _Year(start[0])
    if ask in ("end_month", "months"):
        if end is None or end[1] != UNKNOWN_MONTH:
            return None
        end_point = _Year(end[0])
    if ask == "end" and has_end:
        return None
    return _Pending(start_point, end_point, has_end, ask)


def _month_for(text: str, point: _Point) -> _Point | Rejected | None:
    """The asked month of ``point`` from a bare month or 「覚えていない」 (None if neither)."""
    if not isinstance(point, _Year):
        return point
    if is_unknown_month(text):
        return (point.year, UNKNOWN_MONTH)
    month = parse_bare_month(text)
    return (point.year, month) if isinstance(month, int) else month


def _months(text: str, today: datetime.date, pending: _Pending) -> Period | Rejected | NeedMore:
    """Complete the months asked for; a whole year-month or period replaces what it gives."""
    start, end = pending.start, pending.end
    s = _clean(text)
    if len(s) > MAX_INPUT:
        return Rejected("period_invalid")
    if pending.ask == "months":
        assert isinstance(start, _Year) and isinstance(end, _Year)
        if is_unknown_month(text):
            return _finish(_ym(start), _ym(end), True, today)
        # 「4月～3月」: the one split where both sides read as a month or 「覚えていない」
        # (「わからない」 holds a から that separates nothing).
        readings: list[tuple[_Point, _Point]] = []
        for sep in [*_STRONG_SEP.finditer(s), *re.finditer("-", s)]:
            new_start = _month_for(s[: sep.start()].strip(), start)
            new_end = _month_for(s[sep.end() :].strip(), end)
            for got in (new_start, new_end):
                if isinstance(got, Rejected) and got.reason == "month_out_of_range":
                    return got
            if not isinstance(new_start, Rejected | None) and not isinstance(
                new_end, Rejected | None
            ):
                readings.append((new_start, new_end))
        if len(readings) == 1:
            return _finish(*readings[0], True, today)
        unreadable: Rejected = Rejected(
            "period_months_unreadable", (("start", str(start.year)), ("end", str(end.year)))
        )
    else:
        asked = start if pending.ask == "start_month" else end
        assert isinstance(asked, _Year)
        got = _month_for(text, asked)
        if isinstance(got, Rejected):
            return got
        if got is None:
            # A year-month for the asked end (「1996年4月」) fills it in.
            typed = _endpoint(s, today, "period_invalid")
            got = None if isinstance(typed, Rejected) else typed
        if got is not None:
            if pending.ask == "start_month":
                return _finish(got, end, pending.has_end, today)
            return _finish(start, got, True, today)
        unreadable = Rejected("month_unreadable", (("year", str(asked.year)),))
    full = _parse_full(s, today)
    if not isinstance(full, Rejected) or full.reason in _SPECIFIC:
        return full
    return unreadable


def parse_period_answer(
    text: str, today: datetime.date, partial: JSONValue = None
) -> Period | Rejected | NeedMore:
    """Read a period answer, continuing the follow-up question ``partial`` describes.

    ``partial`` is what an earlier ``NeedMore`` kept: ``{"start": S}`` asks for the end;
    ``{"start": S, "end": E, "ask": A}`` (``end`` present once given, None for 「現在」) asks
    for the month of the start (``start_month``), of the end (``end_month``) or of both
    (``months``), where S and E are ``YYYY-MM`` or ``YYYY``.
    """
    pending = _pending(partial, today)
    if pending is None:
        return parse_period(text, today)
    if pending.ask == "end":
        assert not isinstance(pending.start, _Year)
        return parse_period(text, today, pending.start)
    return _months(text, today, pending)


def period_value(period: Period) -> dict[str, JSONValue]:
    """The stored form of a period: ``{"start": "YYYY-MM", "end": "YYYY-MM" or None}``.

    Either end is ``YYYY`` when its month is unknown.
    """
    start, end = period
    return {"start": ym_str(start), "end": None if end is None else ym_str(end)}


def format_period(value: JSONValue, lang: Lang) -> str:
    """Show a stored period as 「2015年4月～現在」 / "Apr 2015 – present" (anything else as is)."""
    if not isinstance(value, dict):
        return str(value)
    start, end = parse_ym_str(value.get("start")), value.get("end")
    end_ym = parse_ym_str(end)
    if start is None or (end is not None and end_ym is None):
        return str(value)
    start_text = year_month_text(start).get(lang)
    end_text = (
        ANSWER_MESSAGES["word_present"] if end_ym is None else year_month_text(end_ym)
    ).get(lang)
    return f"{start_text}～{end_text}" if lang == "ja" else f"{start_text} – {end_text}"


def has_unknown_month(value: JSONValue) -> bool:
    """Whether a stored year-month or period holds a year whose month is unknown."""
    values = [value.get("start"), value.get("end")] if isinstance(value, dict) else [value]
    return any((ym := parse_ym_str(v)) is not None and ym[1] == UNKNOWN_MONTH for v in values)

"""Parsing and displaying periods: a start year-month and an end year-month or 「現在」."""

from __future__ import annotations

import datetime
import re

from bot.engine.answer_texts import ANSWER_MESSAGES
from bot.engine.dates import (
    MAX_INPUT,
    YearMonth,
    is_open_end,
    parse_year_month,
    parse_ym_str,
    year_month_text,
    ym_str,
)
from bot.engine.localized import Lang
from bot.engine.normalize import fold, unify_dashes
from bot.engine.results import JSONValue, NeedMore, Rejected, both

Period = tuple[YearMonth, YearMonth | None]
"""A start and an end; an end of None means the period is still going on."""

# After folding, every wave dash/tilde is "~" and every dash is "-" (see unify_dashes).
_STRONG_SEP = re.compile(r"->|→|⇒|~|から|至|\b(?:to|until|till|through|thru)\b")
_START_PREFIX = re.compile(r"^(?:自|from\b|since\b)\s*")
_END_PREFIX = re.compile(r"^(?:->|→|⇒|~|-|から|至|to\b|until\b|till\b)\s*")
_END_SUFFIX = re.compile(r"\s*(?:まで|迄)$")
# Rejections only a whole period (start and end) can produce.
_FULL_ONLY = frozenset({"period_order", "period_start_future", "period_end_future"})
# Rejections that explain a real problem; others become the generic period message.
_SPECIFIC = frozenset(
    {
        "month_out_of_range",
        "era_year_too_large",
        "year_out_of_range",
        "date_nonexistent",
        "period_order",
        "period_start_future",
        "period_end_future",
    }
)


def _clean(text: str) -> str:
    s = fold(text)
    if len(s) > MAX_INPUT:
        return s
    s = unify_dashes(s)
    return _END_SUFFIX.sub("", _START_PREFIX.sub("", s)).strip()


def _now(today: datetime.date) -> YearMonth:
    return (today.year, today.month)


def _check(start: YearMonth, end: YearMonth | None, today: datetime.date) -> Period | Rejected:
    now = _now(today)
    if start > now:
        params = both("start", year_month_text(start)) + both("now", year_month_text(now))
        return Rejected("period_start_future", params)
    if end is not None and end > now:
        return Rejected("period_end_future", both("end", year_month_text(end)))
    if end is not None and start > end:
        params = both("start", year_month_text(start)) + both("end", year_month_text(end))
        return Rejected("period_order", params)
    return (start, end)


def _start_only(start: YearMonth, today: datetime.date) -> NeedMore | Rejected:
    checked = _check(start, None, today)
    if isinstance(checked, Rejected):
        return checked
    partial: JSONValue = {"start": ym_str(start)}
    return NeedMore(partial, "period_end_missing")


def _endpoint(text: str, today: datetime.date, generic: str) -> YearMonth | Rejected:
    parsed = parse_year_month(text, today)
    if isinstance(parsed, tuple):
        return parsed
    if isinstance(parsed, NeedMore) or parsed.reason == "year_missing":
        return Rejected("period_need_month")
    return parsed if parsed.reason in _SPECIFIC else Rejected(generic)


def _combine(left: str, right: str, today: datetime.date) -> Period | Rejected | NeedMore:
    start = _endpoint(left.strip(), today, "period_invalid")
    if isinstance(start, Rejected):
        return start
    right = right.strip()
    if not right:
        return _start_only(start, today)
    if is_open_end(right):
        return _check(start, None, today)
    end = _endpoint(right, today, "period_invalid")
    return end if isinstance(end, Rejected) else _check(start, end, today)


def _parse_full(s: str, today: datetime.date) -> Period | Rejected | NeedMore:
    separators = list(_STRONG_SEP.finditer(s))
    if len(separators) > 1:
        return Rejected("period_invalid")
    if separators:
        sep = separators[0]
        return _combine(s[: sep.start()], s[sep.end() :], today)
    whole = parse_year_month(s, today)
    if isinstance(whole, tuple):
        return _start_only(whole, today)
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
    if isinstance(whole, NeedMore):
        return Rejected("period_need_month")
    if whole.reason in _SPECIFIC:
        return whole
    return problem or Rejected("period_invalid")


def parse_period(
    text: str, today: datetime.date, start: YearMonth | None = None
) -> Period | Rejected | NeedMore:
    """Read a period (「2015年4月～2020年3月」「H27.4〜R2.3」「2015/4-現在」...).

    A start alone asks for the end (``NeedMore`` with partial ``{"start": "YYYY-MM"}``). With
    ``start`` (the partial of an earlier turn), ``text`` is the end: a year-month or 「現在」;
    a whole new period replaces the start.
    """
    s = _clean(text)
    if len(s) > MAX_INPUT:
        return Rejected("period_invalid" if start is None else "period_end_invalid")
    if start is None:
        return _parse_full(s, today)
    body = _END_PREFIX.sub("", s).strip()
    if body and is_open_end(body):
        return _check(start, None, today)
    end = _endpoint(body, today, "period_end_invalid") if body else Rejected("period_end_invalid")
    if not isinstance(end, Rejected):
        return _check(start, end, today)
    full = _parse_full(s, today)
    if isinstance(full, tuple) or (isinstance(full, Rejected) and full.reason in _FULL_ONLY):
        return full
    return end


def period_value(period: Period) -> dict[str, JSONValue]:
    """The stored form of a period: ``{"start": "YYYY-MM", "end": "YYYY-MM" or None}``."""
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

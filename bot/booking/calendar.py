"""Japan time, public holidays (the ``holidays`` library), business days and fiscal years."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta

import holidays

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
_WEEKDAYS_JA = "月火水木金土日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@functools.lru_cache(maxsize=64)
def _holidays_of(year: int) -> dict[date, str]:
    # Built once per year and then only read, so lookups are safe from several threads.
    return dict(holidays.country_holidays("JP", years=year, language="ja").items())


def holiday_name(day: date) -> str | None:
    """The name of the Japanese public holiday on ``day`` (振替休日 included), if any."""
    return _holidays_of(day.year).get(day)


def is_open_day(day: date, closed: Collection[date]) -> bool:
    """Whether consultations may happen on ``day`` at all: not a holiday or closed date."""
    return holiday_name(day) is None and day not in closed


def is_business_day(day: date, closed: Collection[date]) -> bool:
    """A weekday that is neither a public holiday nor a closed date."""
    return day.weekday() < 5 and is_open_day(day, closed)


def add_business_days(day: date, count: int, closed: Collection[date]) -> date:
    """The ``count``-th business day after ``day`` (``day`` itself when ``count`` is 0)."""
    result = day
    while count > 0:
        result += timedelta(days=1)
        if is_business_day(result, closed):
            count -= 1
    return result


def at_jst(day: date, clock_time: time) -> datetime:
    """A Japan-time wall-clock moment, as an aware UTC datetime (Japan has no DST)."""
    return datetime.combine(day, clock_time, tzinfo=JST).astimezone(UTC)


def jst(moment: datetime) -> datetime:
    """An aware datetime in Japan time."""
    return moment.astimezone(JST)


def fiscal_year(day: date) -> int:
    """The Japanese fiscal year (April to March) ``day`` belongs to."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_months(year: int) -> list[tuple[int, int]]:
    """The (year, month) pairs of fiscal year ``year``, April to March."""
    return [(year, month) for month in range(4, 13)] + [(year + 1, month) for month in (1, 2, 3)]


def reiwa(year: int) -> int:
    """The Reiwa era year of a (fiscal) year: 2025 → 7."""
    return year - 2018


def day_label(day: date, lang: str) -> str:
    """「11月25日（水）」 or "Wed 25 Nov"."""
    if lang == "ja":
        return f"{day.month}月{day.day}日（{_WEEKDAYS_JA[day.weekday()]}）"
    return f"{_WEEKDAYS_EN[day.weekday()]} {day.day} {_MONTHS_EN[day.month - 1]}"


def full_day_label(day: date, lang: str) -> str:
    """「2026年11月25日（水）」 or "Wed 25 Nov 2026"."""
    return (
        f"{day.year}年{day_label(day, lang)}"
        if lang == "ja"
        else f"{day_label(day, lang)} {day.year}"
    )


def span_label(starts_at: datetime, ends_at: datetime, lang: str, *, year: bool = True) -> str:
    """「2026年11月25日（水）10:00〜10:50」 in Japan time."""
    start, end = jst(starts_at), jst(ends_at)
    day = full_day_label(start.date(), lang) if year else day_label(start.date(), lang)
    dash = "〜" if lang == "ja" else "–"
    separator = " " if lang == "ja" else ", "
    return f"{day}{separator}{start:%H:%M}{dash}{end:%H:%M}"

"""Parsing and displaying years, months and dates, including Japanese era years (和暦)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Final

from bot.engine.localized import Lang, Localized
from bot.engine.normalize import fold, kanji_to_digits, unify_dashes
from bot.engine.results import JSONValue, NeedMore, Params, Rejected, both

YearMonth = tuple[int, int]

MIN_YEAR: Final = 1900
FUTURE_YEARS: Final = 10
"""How many years after this one are still accepted (e.g. a planned qualification)."""

MAX_INPUT: Final = 100
"""The longest text (folded) read as a date, year-month or period."""

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Era:
    """A Japanese era: its name, the Gregorian year of its first year, and its last era year."""

    name: Localized
    first_year: int
    last: int | None

    def last_western(self) -> int | None:
        """The Gregorian year of the era's last year, or None while the era lasts."""
        return None if self.last is None else self.first_year + self.last - 1


MEIJI: Final = Era(Localized("明治", "Meiji"), 1868, 45)
TAISHO: Final = Era(Localized("大正", "Taishō"), 1912, 15)
SHOWA: Final = Era(Localized("昭和", "Shōwa"), 1926, 64)
HEISEI: Final = Era(Localized("平成", "Heisei"), 1989, 31)
REIWA: Final = Era(Localized("令和", "Reiwa"), 2019, None)
ERAS: Final = (MEIJI, TAISHO, SHOWA, HEISEI, REIWA)

# Keys are folded text, so 「Ｈ」 and 「H」 both arrive as "h"; 「㍻」 arrives as 「平成」.
_ERA_BY_TOKEN: Final = {
    token: era
    for era, abbr in zip(ERAS, "mtshr", strict=True)
    for token in (era.name.ja, era.name.ja[0], abbr)
}

OPEN_END_WORDS: Final = frozenset(
    {
        "現在",
        "今",
        "いま",
        "現職",
        "在職中",
        "在籍中",
        "継続中",
        "至現在",
        "現在に至る",
        "現在まで",
        "今まで",
        "いままで",
        "present",
        "now",
        "current",
        "currently",
        "ongoing",
        "to date",
        "today",
    }
)
"""Words (folded) meaning a period has not ended; ``—`` alone is deliberately not one."""

_FULL_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _month_number(name: str) -> int | None:
    """1..12 for an English month name or its abbreviation ("apr", "sept", "april")."""
    for number, full in enumerate(_FULL_MONTHS, start=1):
        if len(name) >= 3 and full.startswith(name):
            return number
    return None


_ERA_TOKEN = "明治|大正|昭和|平成|令和|[明大昭平令mtshr]"
_YEAR = rf"(?:(?P<era>{_ERA_TOKEN})\s*(?P<eyear>\d{{1,3}}|元)|(?P<year>\d{{4}}))"
_YEAR_SEP = r"(?:\s*(?:年|[/.\-])\s*|\s+)"
_MONTH_SEP = r"(?:\s*(?:月|[/.\-])\s*|\s+)"
_ORD = r"(?:st|nd|rd|th)?"

_FULL_DATE = (
    re.compile(rf"{_YEAR}{_YEAR_SEP}(?P<month>\d{{1,2}}){_MONTH_SEP}(?P<day>\d{{1,2}})\s*日?"),
    re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"),
    re.compile(rf"(?P<day>\d{{1,2}}){_ORD}\s*(?P<mname>[a-z]{{3,9}})\.?,?\s*(?P<year>\d{{4}})"),
    re.compile(rf"(?P<mname>[a-z]{{3,9}})\.?\s*(?P<day>\d{{1,2}}){_ORD},?\s*(?P<year>\d{{4}})"),
)
_YEAR_MONTH = (
    re.compile(rf"{_YEAR}{_YEAR_SEP}(?P<month>\d{{1,2}})\s*月?"),
    re.compile(r"(?P<year>\d{4})(?P<month>\d{2})"),
    re.compile(r"(?P<mname>[a-z]{3,9})\.?,?\s*(?P<year>\d{4})"),
    re.compile(r"(?P<year>\d{4})\s*(?P<mname>[a-z]{3,9})\.?"),
)
_YEAR_ONLY = re.compile(rf"{_YEAR}\s*年?")
_MONTH_DAY = re.compile(r"(?P<month>\d{1,2})\s*(?:月|/)\s*(?P<day>\d{1,2})\s*日?")
_MONTH_ONLY = re.compile(r"(?P<month>\d{1,2})\s*月?")

# Particles and hedges around a date that change nothing: 「2015年4月頃です」「約2015年」.
_TRAILING = re.compile(r"(?:\s|頃|ごろ|ころ|くらい|ぐらい|です|でした|に|から|[。.!?])+$")
_LEADING = re.compile(r"^(?:約|およそ|だいたい|大体)\s*")

_RELATIVE_DAYS: Final = {
    "今日": 0,
    "きょう": 0,
    "本日": 0,
    "today": 0,
    "明日": 1,
    "あした": 1,
    "あす": 1,
    "tomorrow": 1,
    "昨日": -1,
    "きのう": -1,
    "yesterday": -1,
}


@dataclass(frozen=True, slots=True)
class _Parts:
    year: int | None
    month: int | None
    day: int | None


def prepare(text: str) -> str | None:
    """Fold ``text`` for date parsing: NFKC, casefold, unified dashes, kanji numerals as digits.

    Returns None for text too long to be a date (which also bounds the work on pasted essays).
    """
    s = fold(text)
    if len(s) > MAX_INPUT:
        return None
    s = kanji_to_digits(unify_dashes(s))
    return _LEADING.sub("", _TRAILING.sub("", s))


def _year(groups: dict[str, str | None]) -> int | Rejected:
    if groups.get("year") is not None:
        return int(str(groups["year"]))
    era = _ERA_BY_TOKEN[str(groups["era"])]
    raw = str(groups["eyear"])
    number = 1 if raw == "元" else int(raw)
    if number < 1:
        return Rejected("year_month_invalid")
    if era.last is not None and number > era.last:
        params: Params = (
            *both("era", era.name),
            ("last", str(era.last)),
            ("last_western", str(era.last_western())),
        )
        return Rejected("era_year_too_large", params)
    return era.first_year + number - 1


def _month(groups: dict[str, str | None]) -> int:
    if groups.get("mname") is not None:
        return _month_number(str(groups["mname"])) or 0
    return int(str(groups["month"]))


def _scan(s: str | None) -> _Parts | Rejected | None:
    if s is None:
        return None
    for patterns, has_day in ((_FULL_DATE, True), (_YEAR_MONTH, False)):
        for pattern in patterns:
            match = pattern.fullmatch(s)
            if match is None:
                continue
            groups = match.groupdict()
            if groups.get("mname") is not None and _month_number(str(groups["mname"])) is None:
                continue
            year = _year(groups)
            if isinstance(year, Rejected):
                return year
            day = int(str(groups["day"])) if has_day else None
            return _Parts(year, _month(groups), day)
    if match := _YEAR_ONLY.fullmatch(s):
        year = _year(match.groupdict())
        return year if isinstance(year, Rejected) else _Parts(year, None, None)
    if match := _MONTH_DAY.fullmatch(s):
        return _Parts(None, int(match["month"]), int(match["day"]))
    if match := _MONTH_ONLY.fullmatch(s):
        return _Parts(None, int(match["month"]), None)
    return None


def _check(parts: _Parts, today: datetime.date) -> Rejected | None:
    """Reject a year outside the accepted range, a month outside 1..12 or a non-existent day."""
    year, month, day = parts.year, parts.month, parts.day
    params: Params
    if year is not None and not MIN_YEAR <= year <= today.year + FUTURE_YEARS:
        params = (("min", str(MIN_YEAR)), ("max", str(today.year + FUTURE_YEARS)))
        return Rejected("year_out_of_range", params)
    if month is not None and not 1 <= month <= 12:
        return Rejected("month_out_of_range", (("month", str(month)),))
    if year is not None and month is not None and day is not None:
        try:
            datetime.date(year, month, day)
        except ValueError:
            params = (("year", str(year)), ("month", str(month)), ("day", str(day)))
            return Rejected("date_nonexistent", params)
    return None


def parse_year_month(text: str, today: datetime.date) -> YearMonth | Rejected | NeedMore:
    """Read a year and month (「2015年4月」「平成27/4」「H27.4」「2015-04」「Apr 2015」...).

    A year alone asks for the month (``NeedMore`` with partial ``{"year": ...}``); a day, if
    given, must exist and is dropped.
    """
    parts = _scan(prepare(text))
    if parts is None or isinstance(parts, Rejected):
        return parts or Rejected("year_month_invalid")
    if parts.year is None:
        if parts.day is None and parts.month is not None and 1 <= parts.month <= 12:
            return Rejected("year_missing")
        return Rejected("year_month_invalid")
    if problem := _check(parts, today):
        return problem
    if parts.month is None:
        partial: JSONValue = {"year": parts.year}
        return NeedMore(partial, "month_missing", (("year", str(parts.year)),))
    return (parts.year, parts.month)


def parse_bare_month(text: str) -> int | Rejected | None:
    """Read a month on its own (「4」「4月」「４月」「四月」); None if it is not a bare month."""
    s = prepare(text)
    match = None if s is None else _MONTH_ONLY.fullmatch(s)
    if match is None:
        return None
    month = int(match["month"])
    if not 1 <= month <= 12:
        return Rejected("month_out_of_range", (("month", str(month)),))
    return month


def parse_date(text: str, today: datetime.date) -> datetime.date | Rejected:
    """Read a full date (「2026年12月1日」「R8.12.1」「12/1」「1 Dec 2026」「明日」...).

    Without a year, the date is in ``today``'s year.
    """
    s = prepare(text)
    if s is not None and (offset := _RELATIVE_DAYS.get(s)) is not None:
        return today + datetime.timedelta(days=offset)
    parts = _scan(s)
    if parts is None or isinstance(parts, Rejected):
        return parts or Rejected("date_invalid")
    if parts.month is None or parts.day is None:
        return Rejected("date_need_day")
    year, month, day = parts.year or today.year, parts.month, parts.day
    if problem := _check(_Parts(year, month, day), today):
        return problem
    return datetime.date(year, month, day)


def is_open_end(text: str) -> bool:
    """Whether ``text`` says a period is still going on (「現在」「至現在」「present」...)."""
    s = fold(text)
    if len(s) > MAX_INPUT:
        return False
    s = _TRAILING.sub("", s)
    return s in OPEN_END_WORDS or s.replace(" ", "") in OPEN_END_WORDS


def ym_str(ym: YearMonth) -> str:
    """The stored form of a year-month: ``YYYY-MM``."""
    return f"{ym[0]:04d}-{ym[1]:02d}"


def parse_ym_str(value: JSONValue) -> YearMonth | None:
    """The year-month stored as ``YYYY-MM``, or None if ``value`` is not one."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}", value):
        return None
    year, month = int(value[:4]), int(value[5:])
    return (year, month) if 1 <= month <= 12 else None


def year_month_text(ym: YearMonth) -> Localized:
    """A year-month for people to read, in both languages."""
    return Localized(f"{ym[0]}年{ym[1]}月", f"{MONTH_ABBR[ym[1] - 1]} {ym[0]}")


def date_text(day: datetime.date) -> Localized:
    """A date for people to read, in both languages."""
    return Localized(
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}",
    )


def format_year_month(ym: str, lang: Lang) -> str:
    """Show a stored ``YYYY-MM`` as 「2015年4月」 / "Apr 2015" (anything else as it is)."""
    parsed = parse_ym_str(ym)
    return str(ym) if parsed is None else year_month_text(parsed).get(lang)


def format_date(value: str, lang: Lang) -> str:
    """Show a stored ``YYYY-MM-DD`` as 「2026年12月1日」 / "1 Dec 2026" (anything else as is)."""
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return date_text(day).get(lang)

"""Parsing and displaying years, months and dates, including Japanese era years (和暦)."""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from dataclasses import dataclass
from typing import Final

from bot.engine.localized import Lang, Localized
from bot.engine.normalize import fold, kanji_to_digits, unify_dashes
from bot.engine.readings import has_kana, reading
from bot.engine.results import JSONValue, NeedMore, Params, Rejected, both

YearMonth = tuple[int, int]
"""A year and month; the month is ``UNKNOWN_MONTH`` when only the year is known."""

UNKNOWN_MONTH: Final = 0
"""The month of a year-month given as a year alone (stored ``YYYY``, shown 「1996年」)."""

MIN_YEAR: Final = 1900
FUTURE_YEARS: Final = 10
"""How many years after this one are still accepted (e.g. a planned qualification)."""

MAX_INPUT: Final = 100
"""The longest text (folded) read as a date, year-month or period."""

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class Era:
    """A Japanese era: its name, its first day and its last day (None while it lasts).

    Eras change mid-year, so 平成31年 ends in April and 令和元年 begins in May; the day of a
    change belongs to both (大正元年7月30日 is also 明治45年7月30日).
    """

    name: Localized
    start: datetime.date
    end: datetime.date | None

    @property
    def first_year(self) -> int:
        """The Gregorian year of the era's first year (元年)."""
        return self.start.year

    @property
    def last(self) -> int | None:
        """The era's last year number (平成: 31), or None while the era lasts."""
        return None if self.end is None else self.end.year - self.start.year + 1

    def last_western(self) -> int | None:
        """The Gregorian year of the era's last year, or None while the era lasts."""
        return None if self.end is None else self.end.year

    def year_text(self, number: int) -> Localized:
        """「平成31年」「令和元年」 / "Heisei 31", "Reiwa 1"."""
        return Localized(
            f"{self.name.ja}{'元' if number == 1 else number}年", f"{self.name.en} {number}"
        )


# 明治 counts from 1 January 1868 (the change of era was made retroactive to the new year).
MEIJI: Final = Era(
    Localized("明治", "Meiji"), datetime.date(1868, 1, 1), datetime.date(1912, 7, 30)
)
TAISHO: Final = Era(
    Localized("大正", "Taishō"), datetime.date(1912, 7, 30), datetime.date(1926, 12, 25)
)
SHOWA: Final = Era(
    Localized("昭和", "Shōwa"), datetime.date(1926, 12, 25), datetime.date(1989, 1, 7)
)
HEISEI: Final = Era(
    Localized("平成", "Heisei"), datetime.date(1989, 1, 8), datetime.date(2019, 4, 30)
)
REIWA: Final = Era(Localized("令和", "Reiwa"), datetime.date(2019, 5, 1), None)
ERAS: Final = (MEIJI, TAISHO, SHOWA, HEISEI, REIWA)

# Keys are folded text, so 「Ｈ」 and 「H」 both arrive as "h"; 「㍻」 arrives as 「平成」.
_ERA_BY_TOKEN: Final = {
    token: era
    for era, abbr in zip(ERAS, "mtshr", strict=True)
    for token in (era.name.ja, era.name.ja[0], abbr)
}


def era_at(day: datetime.date) -> tuple[Era, int] | None:
    """The era of ``day`` and its year number in that era (the newer era on a day of change)."""
    for era in reversed(ERAS):
        if era.start <= day:
            return era, day.year - era.first_year + 1
    return None


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

_FULL_MONTHS = tuple(name.casefold() for name in MONTH_NAMES)


def _month_number(name: str) -> int | None:
    """1..12 for an English month name or its abbreviation ("apr", "sept", "april")."""
    for number, full in enumerate(_FULL_MONTHS, start=1):
        if len(name) >= 3 and full.startswith(name):
            return number
    return None


_ERA_TOKEN = "明治|大正|昭和|平成|令和|[明大昭平令mtshr]"
_YEAR = rf"(?:(?P<era>{_ERA_TOKEN})\s*(?P<eyear>\d{{1,3}}|元)|(?P<year>\d{{4}}))"
# 「。」 too: a Japanese IME types it for "." (「2015。4」).
_YEAR_SEP = r"(?:\s*(?:年|[/.\-。])\s*|\s+)"
_MONTH_SEP = r"(?:\s*(?:月|[/.\-。])\s*|\s+)"
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
_MONTH_NAME = re.compile(r"(?P<mname>[a-z]{3,9})\.?")

# Particles and hedges around a date that change nothing: 「2015年4月頃です」「約2015年」,
# and 「西暦」 before a Gregorian year.
_TRAILING = re.compile(r"(?:\s|頃|ごろ|ころ|くらい|ぐらい|です|でした|に|から|[。.!?])+$")
_LEADING = re.compile(r"^(?:(?:約|およそ|だいたい|大体|西暦)\s*)+")

# "I don't remember (the month)", said instead of a month (folded text, apostrophes unified).
_DONT_KNOW = (
    r"(?:(?:覚|おぼ)えて(?:い)?(?:ない|ません)|(?:忘|わす)れ(?:た|ました|てしまいました)"
    r"|不明|不詳|(?:わか|分か|判)ら(?:ない|ん)|わかんない|(?:わか|分か)りません|思い出せ(?:ない|ません)"
    r"|記憶に(?:ない|ありません)|(?:i\s*)?(?:don't|do not|can't|cannot|can not)\s+"
    r"(?:remember|recall|know)|not sure|unknown|(?:i\s*)?forgot|no idea)"
)
_MONTH_WORD = r"(?:(?:何|なん)月(?:か|かは|は)?|月(?:は|が|も)?|(?:the\s+)?month(?:\s+is)?)"
_UNKNOWN_MONTH_TEXT = (
    rf"(?:{_MONTH_WORD}\s*)?{_DONT_KNOW}(?:です)?(?:\s*(?:the\s+|which\s+)?month)?"
)
_UNKNOWN_MONTH = re.compile(_UNKNOWN_MONTH_TEXT)
# A year with the month said to be unknown: 「1996年（月は不明）」「1996年?月」
# "1996, month unknown".
_YEAR_UNKNOWN_MONTH = re.compile(
    rf"(?P<year>.+?)\s*[、,(]?\s*(?:{_UNKNOWN_MONTH_TEXT}|[?○◯×x*]+\s*月)\s*\)?"
)

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
    era: tuple[Era, int] | None = None
    """The era and era year the year was written in (平成, 31), if it was."""


def prepare(text: str) -> str | None:
    """Fold ``text`` for date parsing: NFKC, casefold, unified dashes, kanji numerals as digits.

    Returns None for text too long to be a date (which also bounds the work on pasted essays).
    """
    s = fold(text)
    if len(s) > MAX_INPUT:
        return None
    s = kanji_to_digits(unify_dashes(s)).replace("\u2019", "'")
    return _LEADING.sub("", _TRAILING.sub("", s))


def _day_in(day: datetime.date, *, year: bool) -> Localized:
    """「4月30日」 / "30 April"; with ``year``, 「2019年4月30日」 / "30 April 2019"."""
    month = MONTH_NAMES[day.month - 1]
    if year:
        return Localized(f"{day.year}年{day.month}月{day.day}日", f"{day.day} {month} {day.year}")
    return Localized(f"{day.month}月{day.day}日", f"{day.day} {month}")


def _month_of(day: datetime.date, *, year: bool) -> Localized:
    """「4月」 / "April", with the year when ``year``: 「2019年4月」 / "April 2019"."""
    month = MONTH_NAMES[day.month - 1]
    if year:
        return Localized(f"{day.year}年{day.month}月", f"{month} {day.year}")
    return Localized(f"{day.month}月", month)


def _boundary(day: datetime.date, by_month: bool, *, year: bool) -> Localized:
    return _month_of(day, year=year) if by_month else _day_in(day, year=year)


def _year(groups: dict[str, str | None]) -> tuple[int, tuple[Era, int] | None] | Rejected:
    if groups.get("year") is not None:
        return int(str(groups["year"])), None
    era = _ERA_BY_TOKEN[str(groups["era"])]
    raw = str(groups["eyear"])
    number = 1 if raw == "元" else int(raw)
    if number < 1:
        return Rejected("year_month_invalid")
    western = era.first_year + number - 1
    if era.end is not None and era.last is not None and number > era.last:
        right = era_at(datetime.date(western, 12, 31))
        assert right is not None
        # 平成 ends on the last day of a month, 昭和 in the middle of one (1月7日).
        by_month = (era.end + datetime.timedelta(days=1)).day == 1
        params: Params = (
            *both("era", era.name),
            ("last", str(era.last)),
            ("last_western", str(era.end.year)),
            *both("until", _boundary(era.end, by_month, year=False)),
            ("western", str(western)),
            *both("right", right[0].year_text(right[1])),
        )
        return Rejected("era_year_too_large", params)
    return western, (era, number)


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
            return _Parts(year[0], _month(groups), day, year[1])
    if match := _YEAR_ONLY.fullmatch(s):
        year = _year(match.groupdict())
        return year if isinstance(year, Rejected) else _Parts(year[0], None, None, year[1])
    if match := _MONTH_DAY.fullmatch(s):
        return _Parts(None, int(match["month"]), int(match["day"]))
    if match := _MONTH_ONLY.fullmatch(s):
        return _Parts(None, int(match["month"]), None)
    return None


def _outside_era(parts: _Parts) -> Rejected | None:
    """Reject an era month or date outside its era (平成31年5月, 令和元年4月, 昭和64年2月)."""
    if parts.era is None or parts.year is None or parts.month is None:
        return None
    era, number = parts.era
    year, month = parts.year, parts.month
    if parts.day is not None:
        first = last = datetime.date(year, month, parts.day)
        typed = _day_in(first, year=True)
        iso = first.isoformat()
    else:
        first = datetime.date(year, month, 1)
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        typed = _month_of(first, year=True)
        iso = f"{year:04d}-{month:02d}"
    index = ERAS.index(era)
    if era.end is not None and first > era.end:
        reason, other = "era_ended", ERAS[index + 1]
        by_month = other.start.day == 1
        limit = _boundary(era.end, by_month, year=False)
        params: Params = (
            *both("limit", limit),
            *both("other_from", _boundary(other.start, by_month, year=True)),
            *both("other", other.year_text(1)),
        )
    elif last < era.start and index > 0:
        reason, other = "era_not_begun", ERAS[index - 1]
        by_month = era.start.day == 1
        since = _boundary(era.start, by_month, year=False)
        assert other.end is not None and other.last is not None
        params = (
            ("since_ja", since.ja),
            ("since_en", f"{'in' if by_month else 'on'} {since.en}"),
            *both("other_until", _boundary(other.end, by_month, year=True)),
            *both("other", other.year_text(other.last)),
        )
    else:
        return None
    right = era_at(first)
    assert right is not None
    right_text = right[0].year_text(right[1]).ja + typed.ja.split("年", 1)[1]
    return Rejected(
        reason,
        (
            *both("era_year", era.year_text(number)),
            *params,
            *both("typed", typed),
            *both("right", Localized(right_text, iso)),
        ),
    )


def _check(parts: _Parts, today: datetime.date) -> Rejected | None:
    """Reject a year outside the accepted range, a month outside 1..12, a non-existent day,
    or an era year-month or date outside its era."""
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
    return _outside_era(parts)


# 「1968年生まれ」「昭和43年5月3日生まれです」"born in 1968": a birth date said for an age.
_BORN_AFTER = re.compile(r"\s*(?:生まれ|うまれ|生)$")
_BORN_BEFORE = re.compile(r"^born\s+(?:in\s+|on\s+)?")


def ages_when_born(text: str, today: datetime.date) -> tuple[int, int] | None:
    """The youngest and oldest someone born on the date or in the year said can be today
    (「1968年生まれ」「昭和43年5月」「1968」: 57 or 58 in 2026); None if it is no past birth
    date with its year."""
    s = prepare(text)
    if s is None:
        return None
    parts = _scan(_TRAILING.sub("", _BORN_BEFORE.sub("", _BORN_AFTER.sub("", s))))
    if parts is None or isinstance(parts, Rejected) or parts.year is None:
        return None
    if _check(parts, today) is not None:
        return None
    year, month, day = parts.year, parts.month, parts.day
    full = today.year - year  # the age once this year's birthday has passed
    if month is None or (month == today.month and day is None):
        youngest, oldest = full - 1, full  # the birthday may be still to come this year
    else:
        youngest = oldest = full - int((month, day or 1) > (today.month, today.day))
    if oldest < 0 or (month is not None and datetime.date(year, month, day or 1) > today):
        return None
    return max(youngest, 0), oldest


def is_unknown_month(text: str) -> bool:
    """Whether ``text`` says the month is unknown: 「覚えていない」「月は不明」"don't remember"."""
    s = prepare(text)
    return s is not None and _UNKNOWN_MONTH.fullmatch(s) is not None


def _year_with_unknown_month(s: str, today: datetime.date) -> YearMonth | Rejected | None:
    """「1996年（月は不明）」「1996年?月」: the year, with the month known to be unknown."""
    match = _YEAR_UNKNOWN_MONTH.fullmatch(s)
    year = None if match is None else _YEAR_ONLY.fullmatch(match["year"].strip())
    if year is None:
        return None
    parts = _year(year.groupdict())
    if isinstance(parts, Rejected):
        return parts
    problem = _check(_Parts(parts[0], None, None), today)
    return problem or (parts[0], UNKNOWN_MONTH)


def parse_year_month(text: str, today: datetime.date) -> YearMonth | Rejected | NeedMore:
    """Read a year and month (「2015年4月」「平成27/4」「H27.4」「2015-04」「Apr 2015」...).

    A year alone asks for the month (``NeedMore`` with partial ``{"year": ...}``); a year said
    with an unknown month (「1996年（月は覚えていない）」) is the year alone, month
    ``UNKNOWN_MONTH``. A day, if given, must exist and is dropped.
    """
    s = prepare(text)
    parts = _scan(s)
    if parts is None and s is not None:
        year_only = _year_with_unknown_month(s, today)
        if year_only is not None:
            return year_only
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
    """Read a month on its own (「4」「4月」「４月」「四月」「April」); None if it is not one."""
    s = prepare(text)
    if s is None:
        return None
    if (named := _MONTH_NAME.fullmatch(s)) and (number := _month_number(named["mname"])):
        return number
    match = _MONTH_ONLY.fullmatch(s)
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
    if problem := _check(_Parts(year, month, day, parts.era), today):
        return problem
    return datetime.date(year, month, day)


def is_open_end(text: str) -> bool:
    """Whether ``text`` says a period is still going on (「現在」「至現在」「present」...)."""
    s = fold(text)
    if len(s) > MAX_INPUT:
        return False
    s = _TRAILING.sub("", s)
    if s in OPEN_END_WORDS or s.replace(" ", "") in OPEN_END_WORDS:
        return True
    # Typed in kana (「げんざい」「ゲンザイ」): the same words by reading.
    return has_kana(s) and len(s) <= 12 and reading(s) in _open_end_readings()


@functools.cache
def _open_end_readings() -> frozenset[str]:
    return frozenset(reading(word) for word in OPEN_END_WORDS)


def ym_str(ym: YearMonth) -> str:
    """The stored form of a year-month: ``YYYY-MM``, or ``YYYY`` when the month is unknown."""
    if ym[1] == UNKNOWN_MONTH:
        return f"{ym[0]:04d}"
    return f"{ym[0]:04d}-{ym[1]:02d}"


def parse_ym_str(value: JSONValue) -> YearMonth | None:
    """The year-month stored as ``YYYY-MM`` or ``YYYY`` (month unknown), or None."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}(?:-\d{2})?", value):
        return None
    if len(value) == 4:
        return (int(value), UNKNOWN_MONTH)
    year, month = int(value[:4]), int(value[5:])
    return (year, month) if 1 <= month <= 12 else None


def year_month_text(ym: YearMonth) -> Localized:
    """A year-month for people to read, in both languages (「1996年」 / "1996" for a year)."""
    if ym[1] == UNKNOWN_MONTH:
        return Localized(f"{ym[0]}年", str(ym[0]))
    return Localized(f"{ym[0]}年{ym[1]}月", f"{MONTH_ABBR[ym[1] - 1]} {ym[0]}")


def date_text(day: datetime.date) -> Localized:
    """A date for people to read, in both languages."""
    return Localized(
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}",
    )


def format_year_month(ym: str, lang: Lang) -> str:
    """Show a stored ``YYYY-MM`` as 「2015年4月」 / "Apr 2015", ``YYYY`` as 「1996年」 / "1996"
    (anything else as it is)."""
    parsed = parse_ym_str(ym)
    return str(ym) if parsed is None else year_month_text(parsed).get(lang)


def format_date(value: str, lang: Lang) -> str:
    """Show a stored ``YYYY-MM-DD`` as 「2026年12月1日」 / "1 Dec 2026" (anything else as is)."""
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return date_text(day).get(lang)

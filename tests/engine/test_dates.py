"""Year-month, date and period parsing (dates.py, periods.py) and their display."""

from __future__ import annotations

import datetime

import pytest

from bot.engine.dates import (
    OPEN_END_WORDS,
    format_date,
    format_year_month,
    is_open_end,
    parse_bare_month,
    parse_date,
    parse_year_month,
)
from bot.engine.periods import format_period, parse_period
from bot.engine.results import NeedMore, Rejected

TODAY = datetime.date(2026, 4, 10)


# --- year-month ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015/4", (2015, 4)),
        ("2015/04", (2015, 4)),
        ("2015-04", (2015, 4)),
        ("2015-4", (2015, 4)),
        ("2015.4", (2015, 4)),
        ("2015年4月", (2015, 4)),
        ("2015年04月", (2015, 4)),
        ("201504", (2015, 4)),
        ("2015 4", (2015, 4)),
        ("2015 年 4 月", (2015, 4)),
        ("平成27年4月", (2015, 4)),
        ("平成 27 年 4 月", (2015, 4)),
        ("平成27/4", (2015, 4)),
        ("H27.4", (2015, 4)),
        ("H27/4", (2015, 4)),
        ("h27年4月", (2015, 4)),
        ("h27.4", (2015, 4)),
        ("R2.4", (2020, 4)),
        ("r2/4", (2020, 4)),
        ("令和元年5月", (2019, 5)),
        ("令和1年5月", (2019, 5)),
        ("２０１５年４月", (2015, 4)),
        ("Ｈ２７．４", (2015, 4)),
        ("ｈ２７／４", (2015, 4)),
        ("　2015年4月　", (2015, 4)),
        ("2015年4月頃", (2015, 4)),
        ("2015年4月ごろ", (2015, 4)),
        ("2015年4月から", (2015, 4)),
        ("平成二十七年四月", (2015, 4)),
        ("二〇一五年四月", (2015, 4)),
        ("㍻27年4月", (2015, 4)),
        ("S50.4", (1975, 4)),
        ("昭和50年4月", (1975, 4)),
        ("T10.1", (1921, 1)),
        ("大正10年1月", (1921, 1)),
        ("Apr 2015", (2015, 4)),
        ("April 2015", (2015, 4)),
        ("apr. 2015", (2015, 4)),
        ("2015 April", (2015, 4)),
        ("2015年4月1日", (2015, 4)),
        ("2015/4/1", (2015, 4)),
        ("2015－04", (2015, 4)),
        ("2015ー04", (2015, 4)),
    ],
)
def test_year_month_spellings(text: str, expected: tuple[int, int]) -> None:
    assert parse_year_month(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成31年4月", (2019, 4)),
        ("平成元年1月", (1989, 1)),
        ("昭和64年1月", (1989, 1)),
        ("昭和元年12月", (1926, 12)),
        ("大正15年12月", (1926, 12)),
        ("令和元年5月", (2019, 5)),
        ("R8.4", (2026, 4)),
    ],
)
def test_era_boundaries_accepted(text: str, expected: tuple[int, int]) -> None:
    assert parse_year_month(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "era", "last", "western"),
    [
        ("平成32年", "平成", "31", "2019"),
        ("H32.4", "平成", "31", "2019"),
        ("昭和65年1月", "昭和", "64", "1989"),
        ("大正16年1月", "大正", "15", "1926"),
        ("明治46年1月", "明治", "45", "1912"),
    ],
)
def test_era_year_beyond_its_end_is_rejected(text: str, era: str, last: str, western: str) -> None:
    result = parse_year_month(text, TODAY)
    assert isinstance(result, Rejected)
    assert result.reason == "era_year_too_large"
    assert (
        result.message("ja")
        == f"{era}は{last}年（{western}年）までです。年をもう一度確かめてください。"
    )
    assert western in result.message("en")


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2020", 2020),
        ("2020年", 2020),
        ("R2", 2020),
        ("令和2年", 2020),
        ("令和元年", 2019),
        ("H27", 2015),
        ("平成27年", 2015),
        ("２０２０年", 2020),
    ],
)
def test_year_only_asks_for_the_month(text: str, year: int) -> None:
    result = parse_year_month(text, TODAY)
    assert isinstance(result, NeedMore)
    assert result.partial == {"year": year}
    assert result.reason == "month_missing"
    assert result.message("ja") == f"{year}年の何月ですか？（例: 4）"
    assert result.message("en") == f"Which month of {year}? (e.g. 4)"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "year_month_invalid"),
        ("hello", "year_month_invalid"),
        ("2015年13月", "month_out_of_range"),
        ("2015/0", "month_out_of_range"),
        ("2015-00", "month_out_of_range"),
        ("4月", "year_missing"),
        ("1899年4月", "year_out_of_range"),
        ("2037年1月", "year_out_of_range"),
        ("明治30年1月", "year_out_of_range"),
        ("平成0年1月", "year_month_invalid"),
        ("2015年2月30日", "date_nonexistent"),
        ("15/4", "year_month_invalid"),
        ("2015年4月—2016年", "year_month_invalid"),
        ("4" * 500, "year_month_invalid"),
    ],
)
def test_year_month_rejections(text: str, reason: str) -> None:
    result = parse_year_month(text, TODAY)
    assert isinstance(result, Rejected)
    assert result.reason == reason


def test_unreadable_year_month_message_gives_examples() -> None:
    result = parse_year_month("そのころ", TODAY)
    assert isinstance(result, Rejected)
    assert result.message("ja") == (
        "年月が読み取れませんでした。「2015年4月」「平成27年4月」「2015/4」のように入力してください。"
    )
    assert "2015-04" in result.message("en")


def test_month_out_of_range_message_names_the_month() -> None:
    result = parse_year_month("2015年13月", TODAY)
    assert isinstance(result, Rejected)
    assert "13月という月はありません" in result.message("ja")
    assert "1から12" in result.message("ja")
    assert "month 13" in result.message("en")


def test_year_range_ends_ten_years_from_today() -> None:
    assert parse_year_month("2036年1月", TODAY) == (2036, 1)
    result = parse_year_month("2037年1月", TODAY)
    assert isinstance(result, Rejected)
    assert result.params == (("min", "1900"), ("max", "2036"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4", 4), ("4月", 4), ("４月", 4), ("04", 4), ("十二月", 12), ("12月ごろ", 12)],
)
def test_bare_month(text: str, expected: int) -> None:
    assert parse_bare_month(text) == expected


def test_bare_month_out_of_range_and_not_a_month() -> None:
    rejected = parse_bare_month("13月")
    assert isinstance(rejected, Rejected)
    assert rejected.reason == "month_out_of_range"
    assert parse_bare_month("2015年4月") is None
    assert parse_bare_month("よん") is None


@pytest.mark.parametrize(
    ("value", "ja", "en"),
    [
        ("2015-04", "2015年4月", "Apr 2015"),
        ("2019-05", "2019年5月", "May 2019"),
        ("1989-12", "1989年12月", "Dec 1989"),
    ],
)
def test_format_year_month(value: str, ja: str, en: str) -> None:
    assert format_year_month(value, "ja") == ja
    assert format_year_month(value, "en") == en


@pytest.mark.parametrize("value", ["2015-13", "2015-4", "abc", ""])
def test_format_year_month_passes_malformed_values_through(value: str) -> None:
    assert format_year_month(value, "ja") == value


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/12/1", datetime.date(2026, 12, 1)),
        ("2026-12-01", datetime.date(2026, 12, 1)),
        ("2026年12月1日", datetime.date(2026, 12, 1)),
        ("令和8年12月1日", datetime.date(2026, 12, 1)),
        ("R8.12.1", datetime.date(2026, 12, 1)),
        ("12月1日", datetime.date(2026, 12, 1)),
        ("12/1", datetime.date(2026, 12, 1)),
        ("２０２６年１２月１日", datetime.date(2026, 12, 1)),
        ("１２／１", datetime.date(2026, 12, 1)),
        ("20261201", datetime.date(2026, 12, 1)),
        ("1 Dec 2026", datetime.date(2026, 12, 1)),
        ("Dec 1, 2026", datetime.date(2026, 12, 1)),
        ("平成元年1月8日", datetime.date(1989, 1, 8)),
        ("2024年2月29日", datetime.date(2024, 2, 29)),
        ("今日", TODAY),
        ("明日", datetime.date(2026, 4, 11)),
        ("yesterday", datetime.date(2026, 4, 9)),
    ],
)
def test_date_spellings(text: str, expected: datetime.date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2月30日", "date_nonexistent"),
        ("2026年2月29日", "date_nonexistent"),
        ("2026/4/31", "date_nonexistent"),
        ("2026年12月", "date_need_day"),
        ("2026", "date_need_day"),
        ("13/1", "month_out_of_range"),
        ("いつか", "date_invalid"),
        ("平成32年1月1日", "era_year_too_large"),
    ],
)
def test_date_rejections(text: str, reason: str) -> None:
    result = parse_date(text, TODAY)
    assert isinstance(result, Rejected)
    assert result.reason == reason


def test_nonexistent_date_message_names_the_date() -> None:
    result = parse_date("2月30日", TODAY)
    assert isinstance(result, Rejected)
    assert result.message("ja").startswith("2026年2月30日という日はありません。")


@pytest.mark.parametrize(
    ("value", "ja", "en"),
    [("2026-12-01", "2026年12月1日", "1 Dec 2026"), ("1989-01-08", "1989年1月8日", "8 Jan 1989")],
)
def test_format_date(value: str, ja: str, en: str) -> None:
    assert format_date(value, "ja") == ja
    assert format_date(value, "en") == en


def test_format_date_passes_malformed_values_through() -> None:
    assert format_date("2026-02-30", "en") == "2026-02-30"


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2015年4月～2020年3月", (2015, 4), (2020, 3)),
        ("2015年4月〜2020年3月", (2015, 4), (2020, 3)),
        ("2015年4月~2020年3月", (2015, 4), (2020, 3)),
        ("2015/4-2020/3", (2015, 4), (2020, 3)),
        ("2015-04 - 2020-03", (2015, 4), (2020, 3)),
        ("2015-04-2020-03", (2015, 4), (2020, 3)),
        ("2015-4-2020-3", (2015, 4), (2020, 3)),
        ("2015-04 – 2020-03", (2015, 4), (2020, 3)),
        ("2015-04—2020-03", (2015, 4), (2020, 3)),
        ("2015年4月ー2020年3月", (2015, 4), (2020, 3)),
        ("H27.4〜R2.3", (2015, 4), (2020, 3)),
        ("H27.4-R2.3", (2015, 4), (2020, 3)),
        ("2015年4月から2020年3月まで", (2015, 4), (2020, 3)),
        ("2015年4月から2020年3月", (2015, 4), (2020, 3)),
        ("自2015年4月 至2020年3月", (2015, 4), (2020, 3)),
        ("２０１５年４月～２０２０年３月", (2015, 4), (2020, 3)),
        ("2015-04 to 2020-03", (2015, 4), (2020, 3)),
        ("Apr 2015 to Mar 2020", (2015, 4), (2020, 3)),
        ("2015年4月から現在", (2015, 4), None),
        ("2015.4~現在", (2015, 4), None),
        ("2015年4月～今", (2015, 4), None),
        ("2015年4月ー現在", (2015, 4), None),
        ("2015-04-現在", (2015, 4), None),
        ("2015年4月～現在まで", (2015, 4), None),
        ("2015年4月から在職中", (2015, 4), None),
        ("平成27年4月 至現在", (2015, 4), None),
        ("2015-04 to present", (2015, 4), None),
        ("from 2015-04 until now", (2015, 4), None),
        ("2015年4月～2015年4月", (2015, 4), (2015, 4)),
        ("2026年4月～現在", (2026, 4), None),
    ],
)
def test_period_spellings(text: str, start: tuple[int, int], end: tuple[int, int] | None) -> None:
    assert parse_period(text, TODAY) == (start, end)


@pytest.mark.parametrize(
    "text", ["2015年4月～", "2015年4月から", "2015年4月", "2015/4 -", "2015年4月—", "H27.4"]
)
def test_period_start_only_asks_for_the_end(text: str) -> None:
    result = parse_period(text, TODAY)
    assert isinstance(result, NeedMore)
    assert result.partial == {"start": "2015-04"}
    assert result.reason == "period_end_missing"
    assert result.message("ja") == (
        "終わりの年月を教えてください。今も続いている場合は「現在」と入力してください。"
    )


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("現在", None),
        ("今", None),
        ("いま", None),
        ("現職", None),
        ("継続中", None),
        ("至現在", None),
        ("present", None),
        ("Now", None),
        ("～現在", None),
        ("2020年3月", (2020, 3)),
        ("2020-03", (2020, 3)),
        ("R2.3", (2020, 3)),
        ("～2020年3月まで", (2020, 3)),
        ("2015年4月", (2015, 4)),
    ],
)
def test_period_end_follow_up(text: str, end: tuple[int, int] | None) -> None:
    assert parse_period(text, TODAY, start=(2015, 4)) == ((2015, 4), end)


def test_period_follow_up_with_a_whole_period_replaces_the_start() -> None:
    assert parse_period("2016/4-2020/3", TODAY, start=(2015, 4)) == ((2016, 4), (2020, 3))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("—", "period_end_invalid"),
        ("-", "period_end_invalid"),
        ("まで", "period_end_invalid"),
        ("そのうち", "period_end_invalid"),
        ("2020", "period_need_month"),
        ("2014年1月", "period_order"),
        ("2026年5月", "period_end_future"),
        ("2020年13月", "month_out_of_range"),
    ],
)
def test_period_end_follow_up_rejections(text: str, reason: str) -> None:
    result = parse_period(text, TODAY, start=(2015, 4))
    assert isinstance(result, Rejected)
    assert result.reason == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2015-2020", "period_need_month"),
        ("2015年～2020年", "period_need_month"),
        ("2015年4月～2020年", "period_need_month"),
        ("4月～2020年3月", "period_need_month"),
        ("2020年3月～2015年4月", "period_order"),
        ("2026年5月～", "period_start_future"),
        ("2026年5月～現在", "period_start_future"),
        ("2015年4月～2026年5月", "period_end_future"),
        ("H32.4〜R2.3", "era_year_too_large"),
        ("2015/13-2016/1", "month_out_of_range"),
        ("2015年4月～2016年3月～2017年3月", "period_invalid"),
        ("～2020年3月", "period_invalid"),
        ("ずっと前から", "period_invalid"),
        ("—", "period_invalid"),
        ("2015-04-" * 100, "period_invalid"),
    ],
)
def test_period_rejections(text: str, reason: str) -> None:
    result = parse_period(text, TODAY)
    assert isinstance(result, Rejected)
    assert result.reason == reason


def test_period_order_message_names_both_ends() -> None:
    result = parse_period("2020年3月～2015年4月", TODAY)
    assert isinstance(result, Rejected)
    assert result.message("ja").startswith("始まり（2020年3月）が終わり（2015年4月）より後")
    assert "Mar 2020" in result.message("en")
    assert "Apr 2015" in result.message("en")


def test_period_end_future_suggests_present() -> None:
    result = parse_period("2015年4月～2026年5月", TODAY)
    assert isinstance(result, Rejected)
    assert "「現在」" in result.message("ja")
    assert "present" in result.message("en")


@pytest.mark.parametrize(
    "word", ["現在", "いま", "至現在", "present", "NOW", "Current", "現在まで"]
)
def test_open_end_words(word: str) -> None:
    assert is_open_end(word)


@pytest.mark.parametrize("word", ["—", "-", "", "2020年", "いつか", "現在" * 60])
def test_not_open_end_words(word: str) -> None:
    assert not is_open_end(word)


def test_open_end_words_are_folded() -> None:
    # Matching folds the input, so every listed word must already be in folded form.
    assert all(word == word.casefold().strip() for word in OPEN_END_WORDS)
    assert {"現在", "今", "いま", "現職", "在職中", "継続中", "至現在", "present", "now"} <= (
        OPEN_END_WORDS
    )


@pytest.mark.parametrize(
    ("value", "ja", "en"),
    [
        ({"start": "2015-04", "end": None}, "2015年4月～現在", "Apr 2015 – present"),
        ({"start": "2015-04", "end": "2020-03"}, "2015年4月～2020年3月", "Apr 2015 – Mar 2020"),
    ],
)
def test_format_period(value: dict[str, str | None], ja: str, en: str) -> None:
    assert format_period(dict(value), "ja") == ja
    assert format_period(dict(value), "en") == en


@pytest.mark.parametrize(
    "value", [None, "2015-04", {"start": "x"}, {"start": "2015-04", "end": 5}, [1, 2]]
)
def test_format_period_passes_malformed_values_through(value: object) -> None:
    assert format_period(value, "ja") == str(value)  # type: ignore[arg-type]

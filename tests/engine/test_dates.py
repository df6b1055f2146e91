"""Year-month, date and period parsing (dates.py, periods.py) and their display."""

from __future__ import annotations

import datetime

import pytest

from bot.engine.dates import (
    OPEN_END_WORDS,
    UNKNOWN_MONTH,
    ages_when_born,
    era_at,
    format_date,
    format_year_month,
    is_open_end,
    is_unknown_month,
    parse_bare_month,
    parse_date,
    parse_year_month,
    parse_ym_str,
    ym_str,
)
from bot.engine.periods import format_period, parse_period, parse_period_answer
from bot.engine.results import JSONValue, NeedMore, Rejected

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
        # 「。」 is what a Japanese IME types for "."; 西暦 names the Gregorian calendar.
        ("2015。4", (2015, 4)),
        ("2015。04", (2015, 4)),
        ("H27。4", (2015, 4)),
        ("平成27。4", (2015, 4)),
        ("2015。4。1", (2015, 4)),
        ("２０１５。４", (2015, 4)),
        ("2015年4月。", (2015, 4)),
        ("西暦2015年4月", (2015, 4)),
        ("西暦 2015/4", (2015, 4)),
        ("西暦２０１５年４月", (2015, 4)),
        ("約西暦2015年4月", (2015, 4)),
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
    ("text", "ja", "en"),
    [
        (
            "平成32年",
            "平成は31年（2019年）4月までです。2020年は令和2年です。年をもう一度確かめてください。",
            "The Heisei era lasted until April 2019 (Heisei 31); 2020 is Reiwa 2. "
            "Please check the year.",
        ),
        (
            "H32.4",
            "平成は31年（2019年）4月までです。2020年は令和2年です。年をもう一度確かめてください。",
            "The Heisei era lasted until April 2019 (Heisei 31); 2020 is Reiwa 2. "
            "Please check the year.",
        ),
        (
            "昭和65年1月",
            "昭和は64年（1989年）1月7日までです。1990年は平成2年です。"
            "年をもう一度確かめてください。",
            "The Shōwa era lasted until 7 January 1989 (Shōwa 64); 1990 is Heisei 2. "
            "Please check the year.",
        ),
        (
            "大正16年1月",
            "大正は15年（1926年）12月25日までです。1927年は昭和2年です。"
            "年をもう一度確かめてください。",
            "The Taishō era lasted until 25 December 1926 (Taishō 15); 1927 is Shōwa 2. "
            "Please check the year.",
        ),
        (
            "明治46年1月",
            "明治は45年（1912年）7月30日までです。1913年は大正2年です。"
            "年をもう一度確かめてください。",
            "The Meiji era lasted until 30 July 1912 (Meiji 45); 1913 is Taishō 2. "
            "Please check the year.",
        ),
    ],
)
def test_era_year_beyond_its_end_is_rejected(text: str, ja: str, en: str) -> None:
    result = parse_year_month(text, TODAY)
    assert isinstance(result, Rejected)
    assert result.reason == "era_year_too_large"
    assert result.message("ja") == ja
    assert result.message("en") == en


@pytest.mark.parametrize(
    ("text", "reason", "ja", "en"),
    [
        (
            "平成31年5月",
            "era_ended",
            "平成31年は4月までです。2019年5月以降は令和元年です。"
            "2019年5月のことでしたら「令和元年5月」か「2019年5月」と入力してください。",
            "That is outside its era: Heisei 31 lasted only until April; from May 2019 it is "
            "Reiwa 1. If you mean May 2019, please type “2019-05”.",
        ),
        (
            "令和元年4月",
            "era_not_begun",
            "令和元年は5月からです。2019年4月までは平成31年です。"
            "2019年4月のことでしたら「平成31年4月」か「2019年4月」と入力してください。",
            "That is outside its era: Reiwa 1 began only in May; until April 2019 it is "
            "Heisei 31. If you mean April 2019, please type “2019-04”.",
        ),
        (
            "昭和64年2月",
            "era_ended",
            "昭和64年は1月7日までです。1989年1月8日以降は平成元年です。"
            "1989年2月のことでしたら「平成元年2月」か「1989年2月」と入力してください。",
            "That is outside its era: Shōwa 64 lasted only until 7 January; from 8 January "
            "1989 it is Heisei 1. If you mean February 1989, please type “1989-02”.",
        ),
    ],
)
def test_era_month_outside_its_era_is_refused_with_the_right_era(
    text: str, reason: str, ja: str, en: str
) -> None:
    result = parse_year_month(text, TODAY)
    assert isinstance(result, Rejected)
    assert result.reason == reason
    assert result.message("ja") == ja
    assert result.message("en") == en


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("H31.5", "era_ended"),
        ("平成31/12", "era_ended"),
        ("R1.4", "era_not_begun"),
        ("令和1年1月", "era_not_begun"),
        ("S64.2", "era_ended"),
        ("昭和64年12月", "era_ended"),
        ("大正元年6月", "era_not_begun"),
        ("大正15年12月1日", None),
        ("大正15年12月26日", "era_ended"),
        ("昭和元年12月24日", "era_not_begun"),
        ("明治45年8月", "era_ended"),
        ("平成31年4月30日", None),
        ("平成31年5月1日", "era_ended"),
        ("令和元年4月30日", "era_not_begun"),
        ("令和元年5月1日", None),
        ("昭和64年1月7日", None),
        ("昭和64年1月8日", "era_ended"),
        ("平成元年1月7日", "era_not_begun"),
        ("平成元年1月8日", None),
    ],
)
def test_era_boundaries_to_the_day(text: str, reason: str | None) -> None:
    result = parse_year_month(text, TODAY)
    if reason is None:
        assert isinstance(result, tuple)
    else:
        assert isinstance(result, Rejected)
        assert result.reason == reason


def test_era_dates_outside_their_era_are_refused_to_the_day() -> None:
    result = parse_date("平成31年5月1日", TODAY)
    assert isinstance(result, Rejected)
    assert result.message("ja") == (
        "平成31年は4月までです。2019年5月以降は令和元年です。"
        "2019年5月1日のことでしたら「令和元年5月1日」か「2019年5月1日」と入力してください。"
    )
    result = parse_date("平成元年1月7日", TODAY)
    assert isinstance(result, Rejected)
    assert result.message("ja") == (
        "平成元年は1月8日からです。1989年1月7日までは昭和64年です。"
        "1989年1月7日のことでしたら「昭和64年1月7日」か「1989年1月7日」と入力してください。"
    )
    assert "on 8 January" in result.message("en")
    assert parse_date("昭和64年1月7日", TODAY) == datetime.date(1989, 1, 7)


def test_era_at() -> None:
    assert era_at(datetime.date(2019, 4, 30)) is not None
    assert [
        (era.name.ja, number)
        for era, number in filter(
            None,
            map(
                era_at,
                [datetime.date(2019, 4, 30), datetime.date(2019, 5, 1), datetime.date(1989, 1, 7)],
            ),
        )
    ] == [("平成", 31), ("令和", 1), ("昭和", 64)]


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
    assert result.message("ja") == (
        f"{year}年の何月ですか？（例: 4）月を覚えていなければ「覚えていない」と送ってください。"
    )
    assert result.message("en") == (
        f"Which month of {year}? (e.g. 4) If you don't remember, type “don't remember”."
    )


@pytest.mark.parametrize(
    "text",
    [
        "1996年（月は覚えていない）",
        "1996年(月は不明)",
        "1996年 月不明",
        "1996年、月はわからない",
        "1996年?月",
        "1996年？月",
        "1996年○月",
        "平成8年（月は忘れました）",
        "H8 月は覚えてないです",
        "西暦1996年・月不明".replace("・", " "),
        "1996, month unknown",
        "1996 (don't remember the month)",
        "1996 (don’t remember the month)",
    ],
)
def test_year_said_with_an_unknown_month_is_the_year_alone(text: str) -> None:
    assert parse_year_month(text, TODAY) == (1996, UNKNOWN_MONTH)


@pytest.mark.parametrize(
    "text",
    [
        "覚えていない",
        "覚えてない",
        "覚えていません",
        "おぼえてない",
        "覚えていないです。",
        "月は覚えていない",
        "何月かは覚えていない",
        "月不明",
        "不明",
        "不明です",
        "わからない",
        "分かりません",
        "わかんない",
        "忘れました",
        "思い出せない",
        "記憶にない",
        "don't remember",
        "Don’t remember",
        "I don't remember the month",
        "unknown",
        "not sure",
        "forgot",
        "no idea",
    ],
)
def test_unknown_month_words(text: str) -> None:
    assert is_unknown_month(text)


@pytest.mark.parametrize(
    "text", ["4", "4月", "2015年4月", "現在", "はい", "", "覚える", "知ってる"]
)
def test_not_unknown_month_words(text: str) -> None:
    assert not is_unknown_month(text)


@pytest.mark.parametrize(
    ("value", "parsed", "stored"),
    [("1996", (1996, UNKNOWN_MONTH), "1996"), ("1996-04", (1996, 4), "1996-04")],
)
def test_stored_year_month_with_or_without_its_month(
    value: str, parsed: tuple[int, int], stored: str
) -> None:
    assert parse_ym_str(value) == parsed
    assert ym_str(parsed) == stored


@pytest.mark.parametrize("value", ["199", "19960", "1996-4", "1996-00", "1996-13", 1996, None])
def test_stored_year_month_rejects_other_shapes(value: JSONValue) -> None:
    assert parse_ym_str(value) is None


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
    [
        ("4", 4),
        ("4月", 4),
        ("４月", 4),
        ("04", 4),
        ("十二月", 12),
        ("12月ごろ", 12),
        ("April", 4),
        ("sept", 9),
        ("Dec.", 12),
    ],
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
        ("1996", "1996年", "1996"),
    ],
)
def test_format_year_month(value: str, ja: str, en: str) -> None:
    assert format_year_month(value, "ja") == ja
    assert format_year_month(value, "en") == en


@pytest.mark.parametrize("value", ["2015-13", "2015-4", "abc", "", "199", "1996-"])
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
        # The 至 of 「現在に至る」 and 「～至現在」 is no second separator.
        ("2015年4月～現在に至る", (2015, 4), None),
        ("2015年4月から現在に至る", (2015, 4), None),
        ("2015年4月～至現在", (2015, 4), None),
        ("2015年4月 ～ 至 現在", (2015, 4), None),
        ("2015年4月から至現在", (2015, 4), None),
        ("2015年4月～至2020年3月", (2015, 4), (2020, 3)),
        ("2015年4月～現在に至るまで", (2015, 4), None),
        ("平成27年4月～現在に至ります", (2015, 4), None),
        ("2015年4月～今に至る", (2015, 4), None),
        ("自2015年4月至現在", (2015, 4), None),
        ("2015。4～2020。3", (2015, 4), (2020, 3)),
        ("H27。4～現在に至る", (2015, 4), None),
        ("西暦2015年4月～西暦2020年3月", (2015, 4), (2020, 3)),
        ("西暦2015年4月から現在に至る", (2015, 4), None),
        ("2015-04 to date", (2015, 4), None),
        ("1996年（月は不明）～2000年3月", (1996, 0), (2000, 3)),
        ("1996年?月～現在", (1996, 0), None),
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
        ("現在に至る", None),
        ("～現在に至る", None),
        ("～至現在", None),
        ("2020。3", (2020, 3)),
        ("2020年（月は不明）", (2020, 0)),
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
        ("2014年1月", "period_order"),
        ("2014年", "period_order"),
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
        ("4月～2020年3月", "period_need_month"),
        ("2015年4月～現在に至る～2020年", "period_invalid"),
        ("平成31年5月～現在", "era_ended"),
        ("2015年4月～令和元年4月", "era_not_begun"),
        ("2021年～2020年", "period_order"),
        ("2027年～", "period_start_future"),
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


# --- periods with a year whose month is not remembered ----------------------------------------


@pytest.mark.parametrize(
    ("text", "partial", "reason"),
    [
        ("2015-2020", {"start": "2015", "end": "2020", "ask": "months"}, "period_months_missing"),
        ("2015年～2020年", {"start": "2015", "end": "2020", "ask": "months"}, None),
        ("2015年4月～2020年", {"start": "2015-04", "end": "2020", "ask": "end_month"}, None),
        ("2015年～2020年3月", {"start": "2015", "end": "2020-03", "ask": "start_month"}, None),
        ("2015年～現在", {"start": "2015", "end": None, "ask": "start_month"}, None),
        ("2015年", {"start": "2015", "ask": "start_month"}, "period_start_month_missing"),
        ("2015年～", {"start": "2015", "ask": "start_month"}, None),
        ("平成8年～平成12年", {"start": "1996", "end": "2000", "ask": "months"}, None),
    ],
)
def test_a_year_without_its_month_asks_for_the_month(
    text: str, partial: JSONValue, reason: str | None
) -> None:
    result = parse_period(text, TODAY)
    assert isinstance(result, NeedMore)
    assert result.partial == partial
    if reason is not None:
        assert result.reason == reason


def test_month_questions_name_the_year() -> None:
    both_years = parse_period("1996年～2000年", TODAY)
    assert isinstance(both_years, NeedMore)
    assert both_years.message("ja") == (
        "始まり（1996年）と終わり（2000年）は、それぞれ何月ですか？「4月～3月」のように"
        "入力してください。月を覚えていなければ「覚えていない」と送ってください。"
    )
    end = parse_period("1996年4月～2000年", TODAY)
    assert isinstance(end, NeedMore)
    assert end.message("ja").startswith("2000年の何月までですか？")
    assert "Which month of 2000 did it end?" in end.message("en")
    start = parse_period("1996年～現在", TODAY)
    assert isinstance(start, NeedMore)
    assert start.message("ja").startswith("1996年の何月からですか？")


@pytest.mark.parametrize(
    ("first", "answers", "expected"),
    [
        # 「覚えていない」 keeps the years given; nothing is dropped.
        ("1996年～2000年", ["覚えていない"], {"start": "1996", "end": "2000"}),
        ("1996年～2000年", ["4月～3月"], {"start": "1996-04", "end": "2000-03"}),
        ("1996年～2000年", ["4～3"], {"start": "1996-04", "end": "2000-03"}),
        ("1996年～2000年", ["April to March"], {"start": "1996-04", "end": "2000-03"}),
        ("1996年～2000年", ["4月～覚えていない"], {"start": "1996-04", "end": "2000"}),
        ("1996年～2000年", ["わからない～3月"], {"start": "1996", "end": "2000-03"}),
        ("1996年～2000年", ["1997年4月～2001年3月"], {"start": "1997-04", "end": "2001-03"}),
        ("1996年4月～2000年", ["3"], {"start": "1996-04", "end": "2000-03"}),
        ("1996年4月～2000年", ["不明"], {"start": "1996-04", "end": "2000"}),
        ("1996年4月～2000年", ["2000年3月"], {"start": "1996-04", "end": "2000-03"}),
        ("1996年～2000年3月", ["4月"], {"start": "1996-04", "end": "2000-03"}),
        ("1996年～現在", ["don't remember"], {"start": "1996", "end": None}),
        ("1996年", ["4", "現在"], {"start": "1996-04", "end": None}),
        ("1996年", ["覚えていない", "2000年3月"], {"start": "1996", "end": "2000-03"}),
        ("1996年", ["覚えていない", "2000年", "覚えていない"], {"start": "1996", "end": "2000"}),
        ("1996年4月～", ["2000年", "3月"], {"start": "1996-04", "end": "2000-03"}),
    ],
)
def test_month_follow_ups_complete_the_period(
    first: str, answers: list[str], expected: dict[str, JSONValue]
) -> None:
    result = parse_period_answer(first, TODAY)
    for answer in answers:
        assert isinstance(result, NeedMore), (answer, result)
        result = parse_period_answer(answer, TODAY, result.partial)
    assert isinstance(result, tuple), result
    start, end = result
    assert {"start": ym_str(start), "end": None if end is None else ym_str(end)} == expected


@pytest.mark.parametrize(
    ("partial", "text", "reason"),
    [
        (
            {"start": "1996", "end": "2000", "ask": "months"},
            "そのころ",
            "period_months_unreadable",
        ),
        ({"start": "1996", "end": "2000", "ask": "months"}, "4", "period_months_unreadable"),
        ({"start": "1996", "end": "2000", "ask": "months"}, "13月～3月", "month_out_of_range"),
        ({"start": "1996", "end": "1996", "ask": "months"}, "5月～3月", "period_order"),
        ({"start": "1996-04", "end": "2000", "ask": "end_month"}, "そのころ", "month_unreadable"),
        ({"start": "1996", "ask": "start_month"}, "13", "month_out_of_range"),
        ({"start": "2026", "ask": "start_month"}, "5", "period_start_future"),
    ],
)
def test_month_follow_up_rejections(partial: JSONValue, text: str, reason: str) -> None:
    result = parse_period_answer(text, TODAY, partial)
    assert isinstance(result, Rejected)
    assert result.reason == reason


def test_unreadable_month_follow_up_keeps_to_the_question() -> None:
    partial: JSONValue = {"start": "1996-04", "end": "2000", "ask": "end_month"}
    result = parse_period_answer("そのころ", TODAY, partial)
    assert isinstance(result, Rejected)
    assert result.message("ja") == (
        "2000年の何月か読み取れませんでした。「4」のように月を数字で入力してください。"
        "覚えていなければ「覚えていない」と送ってください。"
    )


@pytest.mark.parametrize(
    "partial",
    [
        {"start": "1996-04", "ask": "start_month"},  # the start already has its month
        {"start": "1996", "end": "2000-03", "ask": "end_month"},
        {"start": "1996", "end": "2000-03", "ask": "months"},
        {"start": "1996-04", "end": None},  # an end given, yet asking for it
        {"start": "1996-04", "ask": "weeks"},
        {"start": "1996-04", "end": "garbage", "ask": "end_month"},
        {"start": "0001"},  # no year that was ever read
        {"start": "1996-04", "end": "9999", "ask": "end_month"},
    ],
)
def test_inconsistent_partials_start_afresh(partial: JSONValue) -> None:
    assert parse_period_answer("2015年4月～2020年3月", TODAY, partial) == ((2015, 4), (2020, 3))


def test_older_start_only_partials_still_ask_for_the_end() -> None:
    assert parse_period_answer("2020年3月", TODAY, {"start": "2015-04"}) == ((2015, 4), (2020, 3))
    assert parse_period_answer("現在", TODAY, {"start": "1996"}) == ((1996, 0), None)


@pytest.mark.parametrize(
    ("value", "ja", "en"),
    [
        ({"start": "1996", "end": "2000"}, "1996年～2000年", "1996 – 2000"),
        ({"start": "1996", "end": None}, "1996年～現在", "1996 – present"),
        ({"start": "1996-04", "end": "2000"}, "1996年4月～2000年", "Apr 1996 – 2000"),
    ],
)
def test_format_period_with_years_alone(value: dict[str, JSONValue], ja: str, en: str) -> None:
    assert format_period(value, "ja") == ja
    assert format_period(value, "en") == en


# --- a birth date said for an age --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("1968年生まれ", (57, 58)),  # the birthday may be still to come this year
        ("昭和43年5月3日生まれです", (57, 57)),  # 3 May is still to come on 10 April
        ("S43.3.1", (58, 58)),
        ("1968年4月", (57, 58)),  # this month: the day decides
        ("1968年4月10日", (58, 58)),  # the birthday is today
        ("1964年2月29日", (62, 62)),
        ("平成元年生まれ", (36, 37)),
        ("born in 1990", (35, 36)),
        ("1990", (35, 36)),
        ("2026年", (0, 0)),
    ],
)
def test_a_birth_date_or_year_means_the_ages_it_may_be_today(
    text: str, ages: tuple[int, int]
) -> None:
    assert ages_when_born(text, TODAY) == ages


@pytest.mark.parametrize(
    "text",
    ["5月3日", "52", "52歳", "2030年", "2026年5月1日", "令和10年", "昭和70年", "1968年2月30日"],
)
def test_text_that_is_no_past_birth_date_with_a_year_means_no_age(text: str) -> None:
    assert ages_when_born(text, TODAY) is None

"""Answer kinds: parse, display and hint, plus the normalisation helpers and message table."""

from __future__ import annotations

import datetime
import re
import string

import pytest

from bot.engine.answer_texts import ANSWER_MESSAGES
from bot.engine.answers import (
    Accepted,
    AnswerSpec,
    ChoiceAnswer,
    DateAnswer,
    JSONValue,
    LongTextAnswer,
    MultiChoiceAnswer,
    NeedMore,
    NumberAnswer,
    Option,
    ParseContext,
    ParseResult,
    PeriodAnswer,
    Rejected,
    ScaleAnswer,
    TextAnswer,
    YearMonthAnswer,
    YesNoAnswer,
    readback,
)
from bot.engine.localized import Localized
from bot.engine.normalize import fold, kanji_to_digits, normalize_text, unify_dashes

TODAY = datetime.date(2026, 4, 10)
CTX = ParseContext(today=TODAY, lang="ja")

EMPLOYMENT = (
    Option("regular", Localized("正社員", "Full-time employee"), ("正規", "seishain")),
    Option("contract", Localized("契約社員", "Contract employee")),
    Option("dispatch", Localized("派遣社員", "Temp agency worker"), ("派遣",)),
    Option("part_time", Localized("パート・アルバイト", "Part-time job")),
    Option("self", Localized("自営業", "Self-employed")),
)


def accepted(spec: AnswerSpec, text: str, partial: JSONValue = None) -> JSONValue:
    result = spec.parse(text, CTX, partial)
    assert isinstance(result, Accepted), (text, result)
    return result.value


def rejected(spec: AnswerSpec, text: str, partial: JSONValue = None) -> Rejected:
    result = spec.parse(text, CTX, partial)
    assert isinstance(result, Rejected), (text, result)
    return result


def need_more(spec: AnswerSpec, text: str, partial: JSONValue = None) -> NeedMore:
    result = spec.parse(text, CTX, partial)
    assert isinstance(result, NeedMore), (text, result)
    return result


# --- normalize -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  こんにちは　", "こんにちは"),
        ("\u3000\u3000全角スペース\u3000", "全角スペース"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\x00b\x07c\x1bd", "abcd"),
        ("tab\tkept", "tab\tkept"),
        ("zero\u200bwidth\ufeff\u200c", "zerowidth"),
        ("a\n\n\n\n\nb", "a\n\n\nb"),
        ("a\n \n\u3000\n \nb", "a\n\n\nb"),
        ("a\n\n\nb", "a\n\n\nb"),
        ("<b>太字</b> & 'quote'", "<b>太字</b> & 'quote'"),
        ("😀 emoji 👍🏽", "😀 emoji 👍🏽"),
        ("👩\u200d💻", "👩\u200d💻"),
        ("a\u200db", "ab"),
        ("ＡＢＣ１２３", "ＡＢＣ１２３"),
        ("\x00\n\t \u3000", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "abc123"),
        ("  Full   Time  ", "full time"),
        ("Ｈ２７．４", "h27.4"),
        ("①", "1"),
        ("㍻", "平成"),
        ("\u200bはい\x00", "はい"),
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2015ー04", "2015-04"),
        ("2015年4月ー現在", "2015年4月-現在"),
        ("ー5", "-5"),
        ("2015〜2020", "2015~2020"),
        ("2015‐2020–2021—2022−2023", "2015-2020-2021-2022-2023"),
        ("コーヒー", "コーヒー"),
        ("マネージャー", "マネージャー"),
        ("らーめん", "らーめん"),
    ],
)
def test_unify_dashes_leaves_long_vowels_alone(raw: str, expected: str) -> None:
    assert unify_dashes(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("二十七", "27"),
        ("十二月", "12月"),
        ("二〇一五年", "2015年"),
        ("二千十五", "2015"),
        ("百二十三", "123"),
        ("十", "10"),
        ("十百", "十百"),
        ("5千", "5千"),
        ("元年", "元年"),
    ],
)
def test_kanji_to_digits(raw: str, expected: str) -> None:
    assert kanji_to_digits(raw) == expected


# --- text ------------------------------------------------------------------------------------


def test_text_is_stored_as_typed_but_cleaned() -> None:
    assert accepted(TextAnswer(), "  <script>alert(1)</script>　") == "<script>alert(1)</script>"
    assert accepted(TextAnswer(), "株式会社テスト 😀") == "株式会社テスト 😀"


def test_single_line_text_joins_lines_with_a_space() -> None:
    assert accepted(TextAnswer(), "一行目\n\n  二行目\r\n三行目") == "一行目 二行目 三行目"


def test_multiline_text_keeps_line_breaks() -> None:
    assert accepted(TextAnswer(multiline=True), "一行目\n二行目") == "一行目\n二行目"
    assert accepted(LongTextAnswer(), "一行目\r\n\r\n二行目") == "一行目\n\n二行目"


@pytest.mark.parametrize("spec", [TextAnswer(), LongTextAnswer()])
@pytest.mark.parametrize("text", ["", "   ", "\u3000\n\t", "\u200b\x00"])
def test_empty_text_is_rejected_with_a_hint(spec: AnswerSpec, text: str) -> None:
    result = rejected(spec, text)
    assert result.reason == "empty"
    assert result.message("ja").startswith("回答が空のようです。")
    assert result.message("ja").endswith("を入力してください。")
    assert result.message("en").startswith("Your answer seems to be empty.")


def test_too_long_text_says_the_limit_and_the_count() -> None:
    result = rejected(TextAnswer(max_length=10), "あ" * 12)
    assert result.reason == "too_long"
    assert result.message("ja") == "10文字以内で入力してください（いまは12文字です）。"
    assert "10 characters" in result.message("en")
    assert "12" in result.message("en")


def test_length_is_counted_after_normalising() -> None:
    assert accepted(TextAnswer(max_length=3), "  あいう\u200b　") == "あいう"
    assert accepted(LongTextAnswer(max_length=2000), "字" * 2000) == "字" * 2000
    assert rejected(LongTextAnswer(), "字" * 2001).reason == "too_long"


def test_too_short_text() -> None:
    result = rejected(LongTextAnswer(min_length=10), "短い")
    assert result.reason == "too_short"
    assert result.params == (("min", "10"), ("count", "2"))
    assert "10文字以上" in result.message("ja")


def test_text_display_and_hint() -> None:
    assert TextAnswer().display("そのまま <b>", "en") == "そのまま <b>"
    assert TextAnswer().display(42, "ja") == "42"
    assert TextAnswer(max_length=50).hint("ja") == "50文字以内のテキスト"
    assert TextAnswer(max_length=50).hint("en") == "some text (up to 50 characters)"
    assert "2000" in LongTextAnswer().hint("en")


# --- number ----------------------------------------------------------------------------------

AGE = NumberAnswer(minimum=15, maximum=99, unit=Localized("歳", "years old"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("55", 55),
        ("５５", 55),
        ("55歳", 55),
        ("５５歳", 55),
        ("55才", 55),
        ("55歳です", 55),
        ("約55歳", 55),
        ("55 years old", 55),
        ("五十五歳", 55),
        ("+55", 55),
        ("55.0", 55),
    ],
)
def test_number_with_units_and_full_width(text: str, expected: int) -> None:
    value = accepted(AGE, text)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-30", -30),
        ("−30", -30),
        ("ー30", -30),
        ("－30", -30),
        ("マイナス30", -30),
        ("マイナス 30", -30),
        ("minus 30", -30),
        ("1,000", 1000),
        ("１，０００", 1000),
        ("1,234,567円", 1234567),
        ("30万円", 30),
        ("50%", 50),
        ("50％", 50),
        ("3人", 3),
        ("5件", 5),
        ("80点", 80),
        ("10年", 10),
        ("0", 0),
    ],
)
def test_number_minus_variants_and_separators(text: str, expected: int) -> None:
    assert accepted(NumberAnswer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [("1.5", 1.5), ("１．５", 1.5), ("-0.25", -0.25), ("1,234.5", 1234.5)]
)
def test_decimals_when_allowed(text: str, expected: float) -> None:
    value = accepted(NumberAnswer(integer=False), text)
    assert value == expected
    assert type(value) is float


def test_decimal_rejected_for_integers() -> None:
    result = rejected(AGE, "30.5")
    assert result.reason == "number_not_integer"
    assert result.message("ja") == "整数で入力してください（例: 30歳）。"
    assert result.message("en") == "Please enter a whole number (e.g. 30 years old)."


@pytest.mark.parametrize(
    "text", ["abc", "1e5", "12,34", "3, 4", "5ー", "--5", "1.2.3", "三十三十"]
)
def test_not_a_number(text: str) -> None:
    result = rejected(NumberAnswer(), text)
    assert result.reason == "number_invalid"
    assert "数字で入力してください" in result.message("ja")


def test_spec_unit_label_is_tolerated() -> None:
    spec = NumberAnswer(unit=Localized("時間", "hours"))
    assert accepted(spec, "40時間") == 40
    assert accepted(spec, "40 hours") == 40
    assert spec.display(40, "ja") == "40時間"
    assert spec.display(40, "en") == "40 hours"


@pytest.mark.parametrize(
    ("spec", "text", "reason", "ja"),
    [
        (AGE, "120歳", "out_of_range", "15から99までの数で入力してください。"),
        (AGE, "14", "out_of_range", "15から99までの数で入力してください。"),
        (NumberAnswer(minimum=0), "-1", "out_of_range_min", "0以上の数で入力してください。"),
        (NumberAnswer(maximum=10), "11", "out_of_range_max", "10以下の数で入力してください。"),
        (
            NumberAnswer(minimum=0.5, maximum=1.5, integer=False),
            "1.6",
            "out_of_range",
            "0.5から1.5までの数で入力してください。",
        ),
    ],
)
def test_number_out_of_range(spec: NumberAnswer, text: str, reason: str, ja: str) -> None:
    result = rejected(spec, text)
    assert result.reason == reason
    assert result.message("ja") == ja


def test_number_range_is_inclusive() -> None:
    assert accepted(AGE, "15") == 15
    assert accepted(AGE, "99") == 99


def test_huge_numbers_do_not_crash() -> None:
    assert rejected(NumberAnswer(), "9" * 5000).reason == "number_invalid"
    assert accepted(NumberAnswer(), "9" * 25) == int("9" * 25)


def test_number_display_and_hint() -> None:
    assert AGE.display(30, "ja") == "30歳"
    assert AGE.display(30, "en") == "30 years old"
    assert NumberAnswer(unit=Localized("％", "%")).display(50, "en") == "50%"
    assert NumberAnswer(integer=False).display(1.5, "ja") == "1.5"
    assert NumberAnswer(integer=False).display(2.0, "ja") == "2"
    assert NumberAnswer().display(1234567, "en") == "1,234,567"
    assert NumberAnswer().display("oops", "en") == "oops"
    assert NumberAnswer().display(True, "en") == "True"
    assert AGE.hint("ja") == "15〜99の整数（単位: 歳）"
    assert AGE.hint("en") == "a whole number from 15 to 99 (in years old)"
    assert NumberAnswer(integer=False, minimum=0).hint("ja") == "0以上の数"
    assert NumberAnswer(maximum=5).hint("en") == "a whole number of at most 5"


# --- scale -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("50", 50), ("-100", -100), ("100", 100), ("ー30", -30), ("マイナス30", -30), ("０", 0)],
)
def test_scale(text: str, expected: int) -> None:
    assert accepted(ScaleAnswer(), text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [("101", "scale_out_of_range"), ("-101", "scale_out_of_range"), ("50.5", "scale_invalid")],
)
def test_scale_rejections(text: str, reason: str) -> None:
    result = rejected(ScaleAnswer(), text)
    assert result.reason == reason
    assert "-100から100" in result.message("ja")
    assert "-100" in result.message("en")
    assert "100" in result.message("en")


def test_scale_custom_range() -> None:
    spec = ScaleAnswer(minimum=1, maximum=5)
    assert accepted(spec, "３") == 3
    result = rejected(spec, "とても")
    assert result.message("ja") == "1から5までの整数で入力してください（例: 4）。"
    assert spec.hint("en") == "a whole number from 1 to 5 (e.g. 4)"


# --- year-month ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015/4", "2015-04"),
        ("平成27年4月", "2015-04"),
        ("H27.4", "2015-04"),
        ("令和元年5月", "2019-05"),
        ("２０１５年４月", "2015-04"),
        ("2026年4月", "2026-04"),
    ],
)
def test_year_month_answer(text: str, expected: str) -> None:
    assert accepted(YearMonthAnswer(), text) == expected


def test_year_only_then_month_round_trip() -> None:
    spec = YearMonthAnswer()
    first = need_more(spec, "平成2年")
    assert first.partial == {"year": 1990}
    assert first.message("ja") == (
        "1990年の何月ですか？（例: 4）月を覚えていなければ「覚えていない」と送ってください。"
    )
    for month in ("4", "4月", "４月", "四月", "04"):
        assert accepted(spec, month, first.partial) == "1990-04"


@pytest.mark.parametrize(
    "word", ["覚えていない", "覚えてません", "月は不明です", "わからない", "don't remember"]
)
def test_year_then_unknown_month_keeps_the_year(word: str) -> None:
    spec = YearMonthAnswer()
    first = need_more(spec, "1996年")
    assert accepted(spec, word, first.partial) == "1996"
    assert spec.display("1996", "ja") == "1996年"
    assert spec.display("1996", "en") == "1996"


def test_year_with_unknown_month_in_one_answer() -> None:
    assert accepted(YearMonthAnswer(), "1996年（月は覚えていない）") == "1996"
    assert rejected(YearMonthAnswer(), "2027年（月は不明）").reason == "year_month_future"
    assert accepted(YearMonthAnswer(allow_future=True), "2027年?月") == "2027"


def test_month_follow_up_that_is_no_month_keeps_to_the_question() -> None:
    result = rejected(YearMonthAnswer(), "そのころ", {"year": 1996})
    assert result.reason == "month_unreadable"
    assert result.message("ja") == (
        "1996年の何月か読み取れませんでした。「4」のように月を数字で入力してください。"
        "覚えていなければ「覚えていない」と送ってください。"
    )
    assert "“don't remember”" in result.message("en")


def test_month_follow_up_accepts_a_full_year_month_or_a_new_year() -> None:
    spec = YearMonthAnswer()
    assert accepted(spec, "2016年5月", {"year": 2015}) == "2016-05"
    again = need_more(spec, "2016", {"year": 2015})
    assert again.partial == {"year": 2016}


def test_month_follow_up_rejects_a_bad_month() -> None:
    result = rejected(YearMonthAnswer(), "13", {"year": 2015})
    assert result.reason == "month_out_of_range"


@pytest.mark.parametrize(
    "partial",
    [None, {}, {"year": "2015"}, {"year": True}, [2015], "2015", {"year": -1}, {"year": 9000}],
)
def test_bare_month_without_a_usable_partial_asks_for_the_year(partial: JSONValue) -> None:
    assert rejected(YearMonthAnswer(), "4月", partial).reason == "year_missing"


def test_future_year_month() -> None:
    result = rejected(YearMonthAnswer(), "2026年5月")
    assert result.reason == "year_month_future"
    assert result.message("ja") == (
        "未来の年月は入力できません。今月（2026年4月）までの年月を入力してください。"
    )
    assert "Apr 2026" in result.message("en")
    assert rejected(YearMonthAnswer(), "2027").reason == "year_month_future"
    assert rejected(YearMonthAnswer(), "5", {"year": 2026}).reason == "year_month_future"
    assert accepted(YearMonthAnswer(allow_future=True), "2027年3月") == "2027-03"
    assert isinstance(YearMonthAnswer(allow_future=True).parse("2027", CTX), NeedMore)


def test_year_month_display_and_hint() -> None:
    spec = YearMonthAnswer()
    assert spec.display("2015-04", "ja") == "2015年4月"
    assert spec.display("2015-04", "en") == "Apr 2015"
    assert spec.display(None, "en") == "None"
    assert spec.display("garbage", "ja") == "garbage"
    assert spec.hint("ja") == "年月（例: 2015年4月、平成27年4月）"
    assert spec.hint("en") == "a year and month (e.g. 2015-04)"


# --- period ----------------------------------------------------------------------------------


def test_period_answer() -> None:
    spec = PeriodAnswer()
    assert accepted(spec, "2015年4月～2020年3月") == {"start": "2015-04", "end": "2020-03"}
    assert accepted(spec, "H27.4〜現在") == {"start": "2015-04", "end": None}


@pytest.mark.parametrize(
    ("follow_up", "end"),
    [("現在", None), ("いま", None), ("2020年3月", "2020-03"), ("R2.3", "2020-03")],
)
def test_period_start_then_end_round_trip(follow_up: str, end: str | None) -> None:
    spec = PeriodAnswer()
    first = need_more(spec, "2015年4月から")
    assert first.partial == {"start": "2015-04"}
    assert "現在" in first.message("ja")
    assert accepted(spec, follow_up, first.partial) == {"start": "2015-04", "end": end}


def test_period_with_a_broken_partial_starts_over() -> None:
    assert need_more(PeriodAnswer(), "2015年4月", {"start": "garbage"}).partial == {
        "start": "2015-04"
    }
    assert rejected(PeriodAnswer(), "現在", {"start": 2015}).reason == "period_invalid"


def test_period_month_without_a_year_asks_for_year_and_month() -> None:
    result = rejected(PeriodAnswer(), "4月～2020年3月")
    assert result.message("ja") == (
        "期間は、始まりと終わりをそれぞれ年と月で入力してください（例: 2015年4月～2020年3月）。"
    )


def test_period_years_alone_ask_for_the_months_then_keep_the_years() -> None:
    spec = PeriodAnswer()
    first = need_more(spec, "2015～2020")
    assert first.partial == {"start": "2015", "end": "2020", "ask": "months"}
    assert accepted(spec, "覚えていない", first.partial) == {"start": "2015", "end": "2020"}
    assert accepted(spec, "4月～3月", first.partial) == {"start": "2015-04", "end": "2020-03"}


@pytest.mark.parametrize(
    ("spec", "value", "ja", "en"),
    [
        (
            PeriodAnswer(),
            {"start": "1988-04", "end": "1995-03"},
            "1988年4月～1995年3月として記録しました。",
            "Recorded as Apr 1988 – Mar 1995.",
        ),
        (
            PeriodAnswer(),
            {"start": "2015-04", "end": None},
            "2015年4月～現在として記録しました。",
            "Recorded as Apr 2015 – present.",
        ),
        (
            PeriodAnswer(),
            {"start": "1996", "end": "2000-03"},
            "1996年～2000年3月として記録しました（わからない月は空けてあります）。"
            "思い出したら、あとで「まとめ」から直せます。",
            "Recorded as 1996 – Mar 2000 (the month you don't remember is left out). If it "
            "comes back to you, you can change it later from the summary.",
        ),
        (YearMonthAnswer(), "2010-03", "2010年3月として記録しました。", "Recorded as Mar 2010."),
        (
            YearMonthAnswer(),
            "1996",
            "1996年として記録しました（わからない月は空けてあります）。"
            "思い出したら、あとで「まとめ」から直せます。",
            "Recorded as 1996 (the month you don't remember is left out). If it comes back "
            "to you, you can change it later from the summary.",
        ),
        (TextAnswer(), "2010-03", None, None),
        (DateAnswer(), "2026-12-01", None, None),
        (YesNoAnswer(), True, None, None),
    ],
)
def test_readback_says_how_a_date_was_read(
    spec: AnswerSpec, value: JSONValue, ja: str | None, en: str | None
) -> None:
    assert readback(spec, value, "ja") == ja
    assert readback(spec, value, "en") == en


def test_period_display() -> None:
    spec = PeriodAnswer()
    assert spec.display({"start": "2015-04", "end": None}, "ja") == "2015年4月～現在"
    assert spec.display({"start": "2015-04", "end": None}, "en") == "Apr 2015 – present"
    assert spec.display({"start": "2015-04", "end": "2020-03"}, "en") == "Apr 2015 – Mar 2020"
    assert spec.display("2015-04", "en") == "2015-04"
    assert "現在" in spec.hint("ja")


# --- date ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/12/1", "2026-12-01"),
        ("令和8年12月1日", "2026-12-01"),
        ("R8.12.1", "2026-12-01"),
        ("12月1日", "2026-12-01"),
        ("12/1", "2026-12-01"),
        ("２０２６年１２月１日", "2026-12-01"),
    ],
)
def test_date_answer(text: str, expected: str) -> None:
    assert accepted(DateAnswer(), text) == expected


def test_date_past_and_future_limits() -> None:
    no_past = DateAnswer(allow_past=False)
    assert accepted(no_past, "2026/4/10") == "2026-04-10"
    result = rejected(no_past, "2026/4/9")
    assert result.reason == "date_past"
    assert "2026年4月10日" in result.message("ja")
    no_future = DateAnswer(allow_future=False)
    assert accepted(no_future, "2026/4/10") == "2026-04-10"
    result = rejected(no_future, "2026/4/11")
    assert result.reason == "date_future"
    assert "10 Apr 2026" in result.message("en")


def test_invalid_calendar_date() -> None:
    assert rejected(DateAnswer(), "2月30日").reason == "date_nonexistent"


def test_date_display() -> None:
    assert DateAnswer().display("2026-12-01", "ja") == "2026年12月1日"
    assert DateAnswer().display("2026-12-01", "en") == "1 Dec 2026"
    assert DateAnswer().display(20261201, "en") == "20261201"


# --- choice ----------------------------------------------------------------------------------

CHOICE = ChoiceAnswer(EMPLOYMENT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "regular"),
        ("２", "contract"),
        ("2番", "contract"),
        ("2番目", "contract"),
        ("②", "contract"),
        ("(3)", "dispatch"),
        ("二番", "contract"),
        ("正社員", "regular"),
        ("Full-time employee", "regular"),
        ("full time employee", "regular"),
        ("FULL-TIME EMPLOYEE", "regular"),
        ("regular", "regular"),
        ("part_time", "part_time"),
        ("正規", "regular"),
        ("Seishain", "regular"),
        ("派遣", "dispatch"),
        ("パート", "part_time"),
        ("アルバイト", "part_time"),
        ("契約", "contract"),
        ("self employed", "self"),
        ("正社員です", "regular"),
    ],
)
def test_choice(text: str, expected: str | None) -> None:
    result = CHOICE.parse(text, CTX)
    if expected is None:
        assert isinstance(result, Rejected)
    else:
        assert result == Accepted(expected)


def test_ambiguous_choice_lists_the_candidates() -> None:
    result = rejected(CHOICE, "社員")
    assert result.reason == "choice_ambiguous"
    ja = result.message("ja")
    assert "1. 正社員\n2. 契約社員\n3. 派遣社員" in ja
    assert "自営業" not in ja
    assert "1. Full-time employee" in result.message("en")


@pytest.mark.parametrize("text", ["9", "0", "xyz", "正社員ではない", "会社員"])
def test_unknown_choice_lists_all_options(text: str) -> None:
    result = rejected(CHOICE, text)
    assert result.reason == "choice_unknown"
    assert "5. 自営業" in result.message("ja")
    assert "5. Self-employed" in result.message("en")


def test_exact_label_beats_number() -> None:
    spec = ChoiceAnswer((Option("a", Localized("3", "3")), Option("b", Localized("1", "1"))))
    assert accepted(spec, "1") == "b"
    assert accepted(spec, "2") == "b"


def test_unique_prefix_beats_containment() -> None:
    spec = ChoiceAnswer(
        (
            Option("a", Localized("アルバイト", "Part-time job")),
            Option("b", Localized("パート・アルバイト", "Temporary part-time job")),
        )
    )
    assert accepted(spec, "アルバ") == "a"  # in both, but only the first starts with it
    assert accepted(spec, "part") == "a"
    assert accepted(spec, "パート") == "b"
    assert rejected(spec, "time").reason == "choice_ambiguous"  # in both, a prefix of neither


def test_choice_display() -> None:
    assert CHOICE.display("contract", "ja") == "契約社員"
    assert CHOICE.display("contract", "en") == "Contract employee"
    assert CHOICE.display("unknown", "en") == "unknown"
    assert CHOICE.display(None, "en") == "None"


# --- multi-choice ----------------------------------------------------------------------------

MULTI = MultiChoiceAnswer(EMPLOYMENT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,3", ["regular", "dispatch"]),
        ("3,1", ["regular", "dispatch"]),
        ("1、3", ["regular", "dispatch"]),
        ("１，３", ["regular", "dispatch"]),
        ("1 3", ["regular", "dispatch"]),
        ("1・3", ["regular", "dispatch"]),
        ("13", ["regular", "dispatch"]),
        ("①③", ["regular", "dispatch"]),
        ("1と3", ["regular", "dispatch"]),
        ("1 and 3", ["regular", "dispatch"]),
        ("3,1,3", ["regular", "dispatch"]),
        ("正社員と派遣", ["regular", "dispatch"]),
        ("正社員、パート・アルバイト", ["regular", "part_time"]),
        ("パート・アルバイト", ["part_time"]),
        ("契約社員・自営業", ["contract", "self"]),
        ("full time employee, part time job", ["regular", "part_time"]),
        ("2", ["contract"]),
        ("全部", ["regular", "contract", "dispatch", "part_time", "self"]),
        ("すべて", ["regular", "contract", "dispatch", "part_time", "self"]),
        ("ALL", ["regular", "contract", "dispatch", "part_time", "self"]),
    ],
)
def test_multi_choice(text: str, expected: list[str]) -> None:
    assert accepted(MULTI, text) == expected


def test_multi_choice_unknown_piece_is_named() -> None:
    result = rejected(MULTI, "1、社長")
    assert result.reason == "multi_unknown"
    assert result.message("ja").startswith("「社長」に当たる選択肢が見つかりませんでした。")
    assert "4. パート・アルバイト" in result.message("ja")


def test_multi_choice_ambiguous_piece() -> None:
    assert rejected(MULTI, "1、社員").reason == "choice_ambiguous"


def test_multi_choice_counts() -> None:
    at_most_two = MultiChoiceAnswer(EMPLOYMENT, max_count=2)
    result = rejected(at_most_two, "1,2,3")
    assert result.reason == "multi_too_many"
    assert result.message("ja") == "選べるのは2個までです（いまは3個です）。"
    assert rejected(at_most_two, "全部").reason == "multi_too_many"
    at_least_two = MultiChoiceAnswer(EMPLOYMENT, min_count=2)
    assert rejected(at_least_two, "1").reason == "multi_too_few"
    assert accepted(at_least_two, "1,2") == ["regular", "contract"]


def test_multi_choice_none() -> None:
    assert accepted(MultiChoiceAnswer(EMPLOYMENT, min_count=0), "なし") == []
    assert rejected(MULTI, "なし").reason == "multi_too_few"


def test_multi_choice_display() -> None:
    assert MULTI.display(["regular", "self"], "ja") == "正社員、自営業"
    assert MULTI.display(["regular", "self"], "en") == "Full-time employee, Self-employed"
    assert MULTI.display([], "en") == ""
    assert MULTI.display("regular", "en") == "regular"


# --- yes/no ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "はい",
        "ええ",
        "うん",
        "そうです",
        "ある",
        "あります",
        "yes",
        "Yes",
        "Y",
        "OK",
        "true",
        "1",
        "ＹＥＳ",
        "はい、あります",
        "はいそうです",
        "はい！",
        "OKです",
        "ありです",
        "Yes, I do",
    ],
)
def test_yes(text: str) -> None:
    assert accepted(YesNoAnswer(), text) is True


@pytest.mark.parametrize(
    "text",
    [
        "いいえ",
        "いや",
        "ない",
        "ありません",
        "no",
        "No",
        "N",
        "false",
        "2",
        "ＮＯ",
        "いいえ。",
        "いいえ、ないです",
    ],
)
def test_no(text: str) -> None:
    assert accepted(YesNoAnswer(), text) is False


@pytest.mark.parametrize(
    "text", ["たぶん", "maybe", "ええと", "はい、ありません", "3", "yesno", "いいです", "です"]
)
def test_yes_no_unknown(text: str) -> None:
    result = rejected(YesNoAnswer(), text)
    assert result.reason == "yes_no_unknown"
    assert result.message("ja") == "「はい」か「いいえ」でお答えください。"


def test_yes_no_display() -> None:
    assert YesNoAnswer().display(True, "ja") == "はい"
    assert YesNoAnswer().display(False, "ja") == "いいえ"
    assert YesNoAnswer().display(True, "en") == "Yes"
    assert YesNoAnswer().display(False, "en") == "No"
    assert YesNoAnswer().display(1, "en") == "1"


# --- all kinds -------------------------------------------------------------------------------

ALL_SPECS: list[AnswerSpec] = [
    TextAnswer(),
    LongTextAnswer(),
    AGE,
    ScaleAnswer(),
    YearMonthAnswer(),
    PeriodAnswer(),
    DateAnswer(),
    CHOICE,
    MULTI,
    YesNoAnswer(),
]


def test_kinds() -> None:
    assert [spec.kind for spec in ALL_SPECS] == [
        "text",
        "long_text",
        "number",
        "scale",
        "year_month",
        "period",
        "date",
        "choice",
        "multi_choice",
        "yes_no",
    ]


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda spec: spec.kind)
def test_empty_answer_for_every_kind(spec: AnswerSpec) -> None:
    result = rejected(spec, " \u3000\n")
    assert result.reason == "empty"
    assert spec.hint("ja") in result.message("ja")
    assert spec.hint("en") in result.message("en")


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda spec: spec.kind)
def test_hints_are_one_line_in_both_languages(spec: AnswerSpec) -> None:
    ja, en = spec.hint("ja"), spec.hint("en")
    assert ja
    assert en
    assert ja != en
    assert "\n" not in ja + en
    assert "{" not in ja + en


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda spec: spec.kind)
def test_rejections_are_deterministic_hashable_values(spec: AnswerSpec) -> None:
    first: ParseResult = spec.parse("???", CTX)
    second: ParseResult = spec.parse("???", CTX)
    if isinstance(first, Rejected):
        assert hash(first) == hash(second)
    assert first == second


_FIELD = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("key", sorted(ANSWER_MESSAGES))
def test_messages_use_matching_placeholders_in_both_languages(key: str) -> None:
    text = ANSWER_MESSAGES[key]
    ja = {name.removesuffix("_ja") for name in _FIELD.findall(text.ja)}
    en = {name.removesuffix("_en") for name in _FIELD.findall(text.en)}
    assert ja == en
    assert not any(name.endswith("_en") for name in _FIELD.findall(text.ja))
    assert not any(name.endswith("_ja") for name in _FIELD.findall(text.en))
    # Placeholders only; no stray braces that str.format would choke on.
    stripped = _FIELD.sub("", text.ja + text.en)
    assert "{" not in stripped
    assert "}" not in stripped


@pytest.mark.parametrize(
    "key", sorted(k for k in ANSWER_MESSAGES if not k.startswith(("hint", "word")))
)
def test_messages_are_polite_sentences(key: str) -> None:
    ja = ANSWER_MESSAGES[key].ja.split("\n")[0]
    assert ja.endswith(("。", "？", "）")), ja
    assert any(
        polite in ja for polite in ("ください", "ですか", "です。", "です（", "ます。", "ました。")
    ), ja
    en = ANSWER_MESSAGES[key].en.split("\n")[0]
    assert en[:1] in string.ascii_uppercase, en
    assert en.endswith((".", "?", ")")), en

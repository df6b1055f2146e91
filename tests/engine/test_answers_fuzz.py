"""Property tests: parsing never raises, results are well-formed, valid answers round-trip."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
)
from bot.engine.choices import match_option
from bot.engine.localized import LANGS, Localized
from bot.engine.normalize import fold, normalize_text
from bot.engine.readings import kana_fold, reading

TODAY = datetime.date(2026, 4, 10)
CTX = ParseContext(today=TODAY, lang="ja")
FAST = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
SLOW = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

OPTIONS = (
    Option("regular", Localized("正社員", "Full-time employee"), ("正規",)),
    Option("contract", Localized("契約社員", "Contract employee")),
    Option("dispatch", Localized("派遣社員", "Temp agency worker")),
    Option("part_time", Localized("パート・アルバイト", "Part-time job")),
    Option("self", Localized("自営業", "Self-employed")),
    Option("none", Localized("なし", "None")),
)
VALUES = [option.value for option in OPTIONS]
AGE_BANDS = (
    Option("under20", Localized("20歳未満", "Under 20"), (), (0, 19)),
    Option("20s", Localized("20代", "20s"), (), (20, 29)),
    Option("30s", Localized("30代", "30s"), (), (30, 39)),
    Option("60plus", Localized("60代以上", "60 or older"), (), (60, 130)),
)

SPECS: list[AnswerSpec] = [
    TextAnswer(),
    TextAnswer(min_length=5, max_length=20, multiline=True),
    LongTextAnswer(),
    NumberAnswer(),
    NumberAnswer(minimum=0, maximum=120, unit=Localized("歳", "years old")),
    NumberAnswer(minimum=-1.5, maximum=1e6, integer=False, unit=Localized("円", "yen")),
    ScaleAnswer(),
    ScaleAnswer(minimum=1, maximum=5),
    ScaleAnswer(named=(("ふつう", 0), ("普通", 0), ("最高", 100), ("neutral", 0))),
    YearMonthAnswer(),
    YearMonthAnswer(allow_future=True),
    PeriodAnswer(),
    DateAnswer(),
    DateAnswer(allow_past=False, allow_future=False),
    ChoiceAnswer(OPTIONS),
    ChoiceAnswer(AGE_BANDS),
    MultiChoiceAnswer(OPTIONS),
    MultiChoiceAnswer(OPTIONS, min_count=0, max_count=2),
    YesNoAnswer(),
]
PARTIALS: dict[str, list[JSONValue]] = {
    "year_month": [None, {"year": 2015}, {"year": 2030}, {"year": "x"}, {}],
    "period": [
        None,
        {"start": "2015-04"},
        {"start": "2026-04"},
        {"start": "bad"},
        [],
        {"start": "1996", "ask": "start_month"},
        {"start": "1996", "end": None, "ask": "start_month"},
        {"start": "1996-04", "end": "2000", "ask": "end_month"},
        {"start": "1996", "end": "2000", "ask": "months"},
        {"start": "1996", "end": "2000-03", "ask": "months"},
        {"start": "1996"},
    ],
}
ids = [f"{spec.kind}-{i}" for i, spec in enumerate(SPECS)]

YEAR_MONTH = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
"""A stored year-month: ``YYYY-MM``, or ``YYYY`` when the person did not remember the month."""
PLACEHOLDER = re.compile(r"\{\w*\}")

# Whitespace, control and invisible format characters: all of them together are "nothing".
BLANK = st.text(
    alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]).filter(
        lambda ch: not 0xE0020 <= ord(ch) < 0xE0080
    ),
    max_size=50,
)
# Ten thousand characters, cheaply: a random chunk repeated.
HUGE = st.tuples(st.text(min_size=1, max_size=40), st.integers(1, 40)).map(
    lambda pair: (pair[0] * (10_000 // len(pair[0]) + 1))[: 10_000 - pair[1]]
)
# Text with the characters that parsers react to, so the interesting branches get exercised.
DATEISH = st.lists(
    st.sampled_from(
        [
            *"0123456789０１２３４５６７８９年月日/-.~～〜ー－—– ,、・",
            *"元平成令和昭HhRrSs現在から至",
            *(
                "まで",
                "平成",
                "令和",
                "昭和",
                "現在",
                "はい",
                "いいえ",
                "全部",
                "正社員",
                "1番",
                "①",
                "。",
                "西暦",
                "覚えていない",
                "不明",
                "に至る",
                "?",
            ),
        ]
    ),
    max_size=20,
).map("".join)


def check_result(spec: AnswerSpec, text: str, result: ParseResult) -> None:
    """The invariants every parse result must keep, whatever the input."""
    assert isinstance(result, Accepted | Rejected | NeedMore)
    if isinstance(result, Accepted):
        check_value(spec, result.value)
        for lang in LANGS:
            shown = spec.display(result.value, lang)
            assert isinstance(shown, str)
        return
    for lang in LANGS:
        message = result.message(lang)
        assert isinstance(message, str)
        assert message.strip()
        if "{" not in text and "}" not in text:
            assert not PLACEHOLDER.search(message), message
            assert "{" not in message, message
            assert "}" not in message, message
    if isinstance(result, NeedMore):
        if spec.kind == "year_month":
            assert isinstance(result.partial, dict)
            assert set(result.partial) == {"year"}
            assert isinstance(result.partial["year"], int)
        else:
            assert spec.kind == "period"
            check_period_partial(result.partial)


def check_period_partial(partial: JSONValue) -> None:
    """A period's follow-up keeps what was given: the start, the end once given, what to ask."""
    assert isinstance(partial, dict)
    assert set(partial) in ({"start"}, {"start", "ask"}, {"start", "end", "ask"})
    start, end = partial["start"], partial.get("end")
    assert isinstance(start, str)
    assert YEAR_MONTH.match(start)
    assert end is None or (isinstance(end, str) and YEAR_MONTH.match(end))
    ask = partial.get("ask")
    if ask is not None:
        assert ask in ("start_month", "end_month", "months")
        # The month asked about belongs to a year given alone (a year may also be alone
        # because its month was already said to be unknown).
        if ask in ("start_month", "months"):
            assert len(start) == 4
        if ask in ("end_month", "months"):
            assert isinstance(end, str) and len(end) == 4


def check_value(spec: AnswerSpec, value: JSONValue) -> None:
    """Accepted values have the documented JSON shape."""
    if isinstance(spec, TextAnswer | LongTextAnswer):
        assert isinstance(value, str)
        assert value
        assert spec.min_length <= len(value) <= spec.max_length
        assert value == normalize_text(value)
        if isinstance(spec, TextAnswer) and not spec.multiline:
            assert "\n" not in value
    elif isinstance(spec, NumberAnswer):
        assert type(value) is (int if spec.integer else float)
        assert isinstance(value, int | float)
        assert spec.minimum is None or value >= spec.minimum
        assert spec.maximum is None or value <= spec.maximum
    elif isinstance(spec, ScaleAnswer):
        assert type(value) is int
        assert spec.minimum <= value <= spec.maximum
    elif isinstance(spec, YearMonthAnswer):
        assert isinstance(value, str)
        assert YEAR_MONTH.match(value)
        assert spec.allow_future or value[:7] <= f"{TODAY:%Y-%m}"
    elif isinstance(spec, PeriodAnswer):
        assert isinstance(value, dict)
        assert set(value) == {"start", "end"}
        start, end = value["start"], value["end"]
        assert isinstance(start, str)
        assert YEAR_MONTH.match(start)
        assert start[:7] <= f"{TODAY:%Y-%m}"
        assert end is None or (isinstance(end, str) and YEAR_MONTH.match(end))
        if isinstance(end, str):
            # With a month unknown only the years compare (1996 – 1996-03 is fine).
            width = min(len(start), len(end))
            assert start[:width] <= end[:width]
            assert end[:7] <= f"{TODAY:%Y-%m}"
    elif isinstance(spec, DateAnswer):
        assert isinstance(value, str)
        day = datetime.date.fromisoformat(value)
        assert value == day.isoformat()
        assert spec.allow_past or day >= TODAY
        assert spec.allow_future or day <= TODAY
    elif isinstance(spec, ChoiceAnswer):
        assert value in [option.value for option in spec.options]
    elif isinstance(spec, MultiChoiceAnswer):
        assert isinstance(value, list)
        assert value == [v for v in VALUES if v in value]  # option order, no duplicates
        assert spec.min_count <= len(value)
        assert spec.max_count is None or len(value) <= spec.max_count
    else:
        assert type(value) is bool


def parse_everything(spec: AnswerSpec, text: str) -> None:
    for partial in PARTIALS.get(spec.kind, [None]):
        check_result(spec, text, spec.parse(text, CTX, partial))


# --- never raises, always well-formed ---------------------------------------------------------
# Each example runs through every spec: far cheaper than one hypothesis run per spec.


@FAST
@given(text=st.text())
def test_random_unicode(text: str) -> None:
    for spec in SPECS:
        parse_everything(spec, text)


@FAST
@given(text=DATEISH)
def test_parser_shaped_noise(text: str) -> None:
    for spec in SPECS:
        parse_everything(spec, text)


@SLOW
@given(text=HUGE)
def test_ten_thousand_characters(text: str) -> None:
    assert len(text) > 9_900
    for spec in SPECS:
        check_result(spec, text, spec.parse(text, CTX))


@pytest.mark.parametrize("spec", SPECS, ids=ids)
@pytest.mark.parametrize(
    "text",
    [
        "1" * 10_000,
        "2015-" * 2_000,
        "-" * 10_000,
        "ー" * 10_000,
        "十" * 10_000,
        "。" * 9_999 + "x",
    ],
)
def test_ten_thousand_characters_worst_cases(spec: AnswerSpec, text: str) -> None:
    parse_everything(spec, text)


@FAST
@given(text=BLANK)
def test_only_whitespace_and_control_characters_is_empty(text: str) -> None:
    for spec in SPECS:
        for partial in PARTIALS.get(spec.kind, [None]):
            result = spec.parse(text, CTX, partial)
            assert isinstance(result, Rejected)
            assert result.reason == "empty"
            check_result(spec, text, result)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["start", "end", "year", "x"]) | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=10,
)


@FAST
@given(value=JSON)
def test_display_never_raises(value: Any) -> None:
    for spec in SPECS:
        for lang in LANGS:
            assert isinstance(spec.display(value, lang), str)


@FAST
@given(partial=JSON, text=DATEISH)
def test_any_stored_partial_is_survivable(partial: Any, text: str) -> None:
    for spec in SPECS:
        result = spec.parse(text, CTX, partial)
        assert isinstance(result, Accepted | Rejected | NeedMore)
        if isinstance(result, Accepted):
            check_value(spec, result.value)
        else:
            assert result.message("ja")
            assert result.message("en")


# --- round trips -----------------------------------------------------------------------------

# Each era's first and last day; the day of a change belongs to both eras.
ERAS = [
    ("令和", "R", datetime.date(2019, 5, 1), datetime.date(9999, 12, 31)),
    ("平成", "H", datetime.date(1989, 1, 8), datetime.date(2019, 4, 30)),
    ("昭和", "S", datetime.date(1926, 12, 25), datetime.date(1989, 1, 7)),
    ("大正", "T", datetime.date(1912, 7, 30), datetime.date(1926, 12, 25)),
    ("明治", "M", datetime.date(1868, 1, 1), datetime.date(1912, 7, 30)),
]


def month_span(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return datetime.date(year, month, 1), following - datetime.timedelta(days=1)


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def era_spellings(year: int, month: int) -> list[str]:
    """The month written in every era it falls in (both eras in a month of change)."""
    spellings = []
    first_day, last_day = month_span(year, month)
    for name, abbr, start, end in ERAS:
        if start <= last_day and first_day <= end:
            number = year - start.year + 1
            written = "元" if number == 1 else str(number)
            spellings += [f"{name}{written}年{month}月", f"{abbr}{number}.{month}"]
            spellings += [full_width(f"{abbr.lower()}{number}/{month}")]
    return spellings


year_months = st.tuples(st.integers(1900, 2026), st.integers(1, 12)).filter(
    lambda ym: ym <= (TODAY.year, TODAY.month)
)


@FAST
@given(ym=year_months)
def test_year_month_spellings_round_trip(ym: tuple[int, int]) -> None:
    year, month = ym
    expected = f"{year:04d}-{month:02d}"
    spec = YearMonthAnswer()
    spellings = [
        f"{year}/{month}",
        f"{year}年{month}月",
        f"{year}-{month:02d}",
        f"{year}.{month}",
        f"{year}{month:02d}",
        full_width(f"{year}年{month}月"),
        full_width(f"{year}/{month}"),
        f"{year}。{month}",
        f"西暦{year}年{month}月",
        *era_spellings(year, month),
        *(spelling.replace(".", "。") for spelling in era_spellings(year, month)),
        spec.display(expected, "ja"),
        spec.display(expected, "en"),
    ]
    assert len(era_spellings(year, month)) >= (3 if year >= 1912 else 0)
    for text in spellings:
        assert spec.parse(text, CTX) == Accepted(expected), text


@FAST
@given(ym=year_months)
def test_year_then_month_round_trip(ym: tuple[int, int]) -> None:
    year, month = ym
    spec = YearMonthAnswer()
    first = spec.parse(f"{year}年", CTX)
    assert isinstance(first, NeedMore)
    assert spec.parse(f"{month}月", CTX, first.partial) == Accepted(f"{year:04d}-{month:02d}")


@FAST
@given(
    start=year_months,
    end=year_months,
    sep=st.sampled_from(["～", "〜", "~", "-", " - ", "から", "ー", " to ", "—"]),
)
def test_period_round_trip(start: tuple[int, int], end: tuple[int, int], sep: str) -> None:
    start, end = min(start, end), max(start, end)
    spec = PeriodAnswer()
    start_text, end_text = f"{start[0]:04d}-{start[1]:02d}", f"{end[0]:04d}-{end[1]:02d}"
    value: dict[str, JSONValue] = {"start": start_text, "end": end_text}
    for left, right in [
        (f"{start[0]}年{start[1]}月", f"{end[0]}年{end[1]}月"),
        (f"{start[0]}/{start[1]}", f"{end[0]}/{end[1]}"),
        (value["start"], value["end"]),
    ]:
        assert spec.parse(f"{left}{sep}{right}", CTX) == Accepted(value), (left, sep, right)
        open_end = Accepted({"start": value["start"], "end": None})
        for now in ("現在", "現在に至る", "至現在", "現在に至るまで"):
            assert spec.parse(f"{left}{sep}{now}", CTX) == open_end, (left, sep, now)
    for lang in LANGS:
        assert spec.parse(spec.display(value, lang), CTX) == Accepted(value)


@FAST
@given(era=st.sampled_from(ERAS), number=st.integers(1, 70), month=st.integers(1, 12))
def test_era_year_month_is_read_right_or_refused(
    era: tuple[str, str, datetime.date, datetime.date], number: int, month: int
) -> None:
    """An era year-month is its Gregorian month when the era covers it, else refused with why."""
    name, abbr, start, end = era
    year = start.year + number - 1
    spec = YearMonthAnswer(allow_future=True)
    for text in (f"{name}{number}年{month}月", f"{abbr}{number}.{month}"):
        result = spec.parse(text, CTX)
        if year > end.year:
            assert isinstance(result, Rejected) and result.reason == "era_year_too_large", text
            continue
        first_day, last_day = month_span(year, month)
        if last_day < start or first_day > end:
            assert isinstance(result, Rejected), text
            assert result.reason == ("era_not_begun" if last_day < start else "era_ended")
            # The message gives the reading in the right era and in the Gregorian calendar.
            assert f"{year}年{month}月" in result.message("ja")
            assert f"{year:04d}-{month:02d}" in result.message("en")
        elif 1900 <= year <= TODAY.year + 10:
            assert result == Accepted(f"{year:04d}-{month:02d}"), text


UNKNOWN_WORDS = [
    "覚えていない",
    "覚えてないです",
    "わからない",
    "不明",
    "忘れました",
    "don't remember",
]


@FAST
@given(year=st.integers(1900, TODAY.year), word=st.sampled_from(UNKNOWN_WORDS))
def test_year_without_its_month_is_kept(year: int, word: str) -> None:
    spec = YearMonthAnswer()
    first = spec.parse(f"{year}年", CTX)
    assert isinstance(first, NeedMore)
    kept = spec.parse(word, CTX, first.partial)
    assert kept == Accepted(f"{year:04d}")
    assert spec.display(f"{year:04d}", "ja") == f"{year}年"
    assert spec.display(f"{year:04d}", "en") == str(year)
    assert spec.parse(f"{year}年（月は{word}）", CTX) == kept


@FAST
@given(
    start=st.integers(1900, TODAY.year),
    end=st.integers(1900, TODAY.year),
    months=st.tuples(st.integers(1, 12), st.integers(1, 12)),
    word=st.sampled_from(UNKNOWN_WORDS),
)
def test_period_years_without_months_are_kept(
    start: int, end: int, months: tuple[int, int], word: str
) -> None:
    start, end = min(start, end), max(start, end)
    spec = PeriodAnswer()
    first = spec.parse(f"{start}年～{end}年", CTX)
    assert isinstance(first, NeedMore)
    check_period_partial(first.partial)
    assert spec.parse(word, CTX, first.partial) == Accepted({"start": f"{start}", "end": f"{end}"})
    with_months = spec.parse(f"{months[0]}月～{months[1]}月", CTX, first.partial)
    if (start, months[0]) <= (end, months[1]) and (end, months[1]) <= (TODAY.year, TODAY.month):
        value = {"start": f"{start}-{months[0]:02d}", "end": f"{end}-{months[1]:02d}"}
        assert with_months == Accepted(value)
    else:
        assert isinstance(with_months, Rejected)


@FAST
@given(text=DATEISH, word=st.sampled_from(UNKNOWN_WORDS))
def test_period_follow_up_never_drops_what_was_given(text: str, word: str) -> None:
    """Whatever a period's follow-up asks, answering it keeps the years already given."""
    spec = PeriodAnswer()
    first = spec.parse(text, CTX)
    if not isinstance(first, NeedMore):
        return
    given = first.partial
    assert isinstance(given, dict)
    done: ParseResult = first
    # At most: the start's month, then the end, then the end's month.
    for _ in range(3):
        if not isinstance(done, NeedMore):
            break
        partial = done.partial
        check_period_partial(partial)
        assert isinstance(partial, dict)
        answer = "現在" if "ask" not in partial else word
        done = spec.parse(answer, CTX, partial)
    assert isinstance(done, Accepted), (text, given, done)
    assert isinstance(done.value, dict)
    assert str(done.value["start"])[:4] == str(given["start"])[:4]
    if given.get("end") is not None:
        assert str(done.value["end"])[:4] == str(given["end"])[:4]


@FAST
@given(day=st.dates(datetime.date(1900, 1, 1), datetime.date(2036, 12, 31)))
def test_date_round_trip(day: datetime.date) -> None:
    spec = DateAnswer()
    expected = Accepted(day.isoformat())
    for text in [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        full_width(f"{day.year}年{day.month}月{day.day}日"),
        spec.display(day.isoformat(), "ja"),
        spec.display(day.isoformat(), "en"),
    ]:
        assert spec.parse(text, CTX) == expected, text


@FAST
@given(number=st.integers(-(10**9), 10**9))
def test_integer_round_trip(number: int) -> None:
    spec = NumberAnswer(unit=Localized("円", "yen"))
    digits = str(abs(number))
    grouped = f"{abs(number):,}"
    signs = ["-", "−", "ー", "－", "マイナス"] if number < 0 else ["", "+"]
    for sign in signs:
        for body in (digits, grouped, full_width(digits), f"{grouped}円", f"{digits} yen"):
            assert spec.parse(sign + body, CTX) == Accepted(number), sign + body
    for lang in LANGS:
        assert spec.parse(spec.display(number, lang), CTX) == Accepted(number)


@FAST
@given(number=st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False))
def test_decimal_round_trip(number: Any) -> None:
    spec = NumberAnswer(integer=False)
    assert spec.parse(str(number), CTX) == Accepted(float(number))


@FAST
@given(index=st.integers(0, len(OPTIONS) - 1), lang=st.sampled_from(LANGS))
def test_choice_round_trip(index: int, lang: Any) -> None:
    spec = ChoiceAnswer(OPTIONS)
    option = OPTIONS[index]
    for text in (str(index + 1), full_width(str(index + 1)), option.value, option.label.get(lang)):
        assert spec.parse(text, CTX) == Accepted(option.value), text
    assert spec.parse(spec.display(option.value, lang), CTX) == Accepted(option.value)


@FAST
@given(
    chosen=st.lists(st.integers(0, len(OPTIONS) - 1), min_size=1, unique=True),
    sep=st.sampled_from([",", "、", " ", "・", "と", ", "]),
    lang=st.sampled_from(LANGS),
)
def test_multi_choice_round_trip(chosen: list[int], sep: str, lang: Any) -> None:
    spec = MultiChoiceAnswer(OPTIONS)
    expected = Accepted([OPTIONS[i].value for i in sorted(chosen)])
    assert spec.parse(sep.join(str(i + 1) for i in chosen), CTX) == expected
    assert spec.parse("、".join(OPTIONS[i].label.ja for i in chosen), CTX) == expected
    assert spec.parse(spec.display(expected.value, lang), CTX) == expected


@FAST
@given(text=st.text(min_size=1, max_size=300))
def test_text_is_stored_clean_and_stable(text: str) -> None:
    spec = TextAnswer(max_length=300)
    result = spec.parse(text, CTX)
    if isinstance(result, Accepted):
        assert isinstance(result.value, str)
        # Parsing a stored answer changes nothing, and has nothing to say about it.
        assert spec.parse(result.value, CTX) == Accepted(result.value)
        # Lines joined into the one-line box are said, and only then.
        assert (result.note == "lines_joined") == ("\n" in normalize_text(text))
        assert not any(unicodedata.category(ch) == "Cc" for ch in result.value.replace("\t", ""))
    else:
        assert isinstance(result, Rejected)
        assert result.reason == "empty"
        assert normalize_text(text) == ""


# --- choices by reading: found when named, never when not ---------------------------------

_KANA_OF_OPTIONS = {
    ch
    for option in OPTIONS
    for name in (option.value, option.label.ja, option.label.en, *option.aliases)
    for ch in reading(fold(name)) + kana_fold(fold(name))
}
# Kana that appears in no option's wording or reading (and so in no reading of this text).
_ALL_KANA = {chr(c) for c in range(0x3041, 0x3097)} | {chr(c) for c in range(0x30A1, 0x30F7)}
_FOREIGN_KANA = sorted(
    _ALL_KANA - _KANA_OF_OPTIONS - {chr(ord(ch) + 0x60) for ch in _KANA_OF_OPTIONS}
)


@FAST
@given(text=st.text(alphabet=[*_FOREIGN_KANA, " ", "、"], min_size=1, max_size=12))
def test_kana_that_shares_nothing_with_the_options_names_none(text: str) -> None:
    assert match_option(OPTIONS, text) is None
    assert not isinstance(ChoiceAnswer(OPTIONS).parse(text, CTX), Accepted)


@FAST
@given(
    index=st.integers(0, len(OPTIONS) - 1),
    katakana=st.booleans(),
    tail=st.sampled_from(["", "です", "でお願いします", "かな"]),
)
def test_an_options_reading_names_it(index: int, katakana: bool, tail: str) -> None:
    typed = reading(fold(OPTIONS[index].label.ja))
    if katakana:
        typed = "".join(chr(ord(ch) + 0x60) if "ぁ" <= ch <= "ゖ" else ch for ch in typed)
    found = match_option(OPTIONS, typed + tail)
    # Another option may sound the same; then both are offered, never the other one alone.
    assert found == index or (isinstance(found, list) and index in found)


@FAST
@given(
    text=st.text(
        alphabet=st.sampled_from(
            list("はけんしゃいせぱーとアルバイト派遣正社員契約自営業な歳代０123456789五十")
        ),
        max_size=15,
    )
)
def test_match_option_returns_real_indexes(text: str) -> None:
    for options in (OPTIONS, AGE_BANDS):
        found = match_option(options, text)
        indexes = found if isinstance(found, list) else [] if found is None else [found]
        assert all(0 <= i < len(options) for i in indexes)
        assert not isinstance(found, list) or len(found) >= 2


@FAST
@given(age=st.integers(0, 130), unit=st.sampled_from(["歳", "才", " years old", ""]))
def test_an_age_lands_in_its_band_or_none(age: int, unit: str) -> None:
    found = match_option(AGE_BANDS, f"{age}{unit}")
    bands = [
        i
        for i, o in enumerate(AGE_BANDS)
        if o.number_range and o.number_range[0] <= age <= o.number_range[1]
    ]
    if not unit and 1 <= age <= len(AGE_BANDS):
        assert found == age - 1  # a bare small number is the option's number on screen
    else:
        assert found == (bands[0] if bands else None)

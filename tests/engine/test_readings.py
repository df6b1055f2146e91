"""Choices as typed: by reading (「はけん」), in katakana (「ハイ」), by age or a named point."""

from __future__ import annotations

import datetime

import pytest

from bot.engine.answers import (
    Accepted,
    ChoiceAnswer,
    MultiChoiceAnswer,
    Option,
    ParseContext,
    Rejected,
    ScaleAnswer,
    YesNoAnswer,
)
from bot.engine.choices import match_option, match_words
from bot.engine.localized import Localized
from bot.engine.readings import has_kana, has_kanji, kana_fold, reading

CTX = ParseContext(today=datetime.date(2026, 4, 10), lang="ja")

EMPLOYMENT = (
    Option("regular", Localized("正社員", "Regular employee"), ("正規", "正規社員")),
    Option("contract", Localized("契約社員", "Contract employee"), ("契約", "嘱託")),
    Option("dispatched", Localized("派遣社員", "Temporary (agency) worker"), ("派遣",)),
    Option("part_time", Localized("パート・アルバイト", "Part-time"), ("パート", "バイト")),
    Option(
        "self_employed",
        Localized("自営", "Self-employed"),
        ("自営業", "フリーランス", "個人事業主"),
    ),
    Option("other", Localized("その他", "Other")),
)
AGES = (
    Option("under20", Localized("20歳未満", "Under 20"), (), (0, 19)),
    Option("20s", Localized("20代", "20s"), (), (20, 29)),
    Option("30s", Localized("30代", "30s"), (), (30, 39)),
    Option("40s", Localized("40代", "40s"), (), (40, 49)),
    Option("50s", Localized("50代", "50s"), (), (50, 59)),
    Option("60plus", Localized("60代以上", "60 or older"), (), (60, 130)),
)
SATISFACTION = ScaleAnswer(named=(("ふつう", 0), ("普通", 0), ("neutral", 0), ("最高", 100)))


def test_reading_layer() -> None:
    assert kana_fold("ハケン・パート") == "はけん・ぱーと"
    assert reading("派遣社員") == "はけんしゃいん"
    assert reading("ゲンザイ") == "げんざい"
    assert has_kana("はい") and has_kana("ハイ") and not has_kana("派遣")
    assert has_kanji("派遣") and not has_kanji("はけん")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("はけん", "dispatched"),
        ("ハケン", "dispatched"),
        ("はけんしゃいん", "dispatched"),
        ("はけんです", "dispatched"),
        ("はけん社員", "dispatched"),
        ("せいしゃいん", "regular"),
        ("けいやく", "contract"),
        ("しょくたく", "contract"),
        ("ぱーと", "part_time"),
        ("ふりーらんす", "self_employed"),
        ("じえい", "self_employed"),
        ("そのた", "other"),
        ("こじんじぎょうしゅ", "self_employed"),
        ("派遣", "dispatched"),
        ("正社員です", "regular"),
    ],
)
def test_choice_by_reading_or_kana(text: str, value: str) -> None:
    assert ChoiceAnswer(EMPLOYMENT).parse(text, CTX) == Accepted(value)


def test_a_reading_shared_by_several_options_asks_which() -> None:
    result = ChoiceAnswer(EMPLOYMENT).parse("しゃいん", CTX)
    assert isinstance(result, Rejected) and result.reason == "choice_ambiguous"
    message = result.message("ja")
    assert "正社員" in message and "契約社員" in message and "派遣社員" in message
    assert "自営" not in message


@pytest.mark.parametrize("text", ["いい", "あいうえお", "ざい", "か", "しゃ", "不正", "社"])
def test_kana_that_names_no_option_is_not_matched(text: str) -> None:
    assert not isinstance(ChoiceAnswer(EMPLOYMENT).parse(text, CTX), Accepted)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("52歳", "50s"),
        ("52", "50s"),
        ("五十二歳", "50s"),
        ("52才です", "50s"),
        ("約52歳", "50s"),
        ("19.5歳", "under20"),
        ("5歳", "under20"),
        ("5", "50s"),  # a bare 5 is the fifth option, as numbered on screen
        ("20", "20s"),
        ("60代以上", "60plus"),
        ("88歳", "60plus"),
        ("50代", "50s"),
    ],
)
def test_an_age_picks_its_band(text: str, value: str) -> None:
    assert ChoiceAnswer(AGES).parse(text, CTX) == Accepted(value)


@pytest.mark.parametrize("text", ["200歳", "-3", "52円くらいの人", "五十二歳と三十歳"])
def test_an_age_outside_every_band_is_refused(text: str) -> None:
    assert isinstance(ChoiceAnswer(AGES).parse(text, CTX), Rejected)


def test_ranges_only_apply_where_declared() -> None:
    assert match_option(EMPLOYMENT, "52歳") is None


def test_multi_choice_by_reading() -> None:
    spec = MultiChoiceAnswer(EMPLOYMENT)
    assert spec.parse("はけんとぱーと", CTX) == Accepted(["dispatched", "part_time"])
    assert spec.parse("せいしゃいん、けいやく", CTX) == Accepted(["regular", "contract"])


def test_verb_options_by_their_stem() -> None:
    options = (
        Option("ok", Localized("確定する", "Confirm")),
        Option("add", Localized("追加する", "Add another")),
    )
    for text, index in [("確定", 0), ("確定します", 0), ("かくてい", 0), ("追加したいです", 1)]:
        assert match_option(options, text) == index, text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ハイ", True),
        ("ﾊｲ", True),
        ("イイエ", False),
        ("ハイ、そうです", True),
        ("イイエ、ちがいます", False),
        ("オッケー", True),
    ],
)
def test_yes_no_in_katakana(text: str, value: bool) -> None:
    assert YesNoAnswer().parse(text, CTX) == Accepted(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ふつう", 0),
        ("普通", 0),
        ("フツウ", 0),
        ("ふつうです", 0),
        ("普通かな", 0),
        ("Neutral", 0),
        ("さいこう", 100),
        ("最高でした", 100),
        ("0", 0),
        ("+70", 70),
        ("マイナス30", -30),
    ],
)
def test_named_points_of_a_scale(text: str, value: int) -> None:
    assert SATISFACTION.parse(text, CTX) == Accepted(value)


@pytest.mark.parametrize("text", ["つう", "ふ", "ふつうじゃない", "普通より上", "とても"])
def test_words_that_do_not_name_a_point_are_refused(text: str) -> None:
    result = SATISFACTION.parse(text, CTX)
    assert isinstance(result, Rejected) and result.reason == "scale_invalid"


def test_a_named_point_off_the_scale_is_refused() -> None:
    small = ScaleAnswer(minimum=1, maximum=5, named=(("ふつう", 0),))
    assert isinstance(small.parse("ふつう", CTX), Rejected)


def test_match_words_never_matches_a_part() -> None:
    assert match_words(("ふつう", "最高"), "ふつうです") == [0]
    assert match_words(("ふつう", "最高"), "さいこう") == [1]
    assert match_words(("ふつう", "最高"), "さい") == []

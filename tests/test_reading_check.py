"""The ふりがな check (``check: reading``) through the real service and SQLite.

Kana is taken as typed; anything else is kept at the question, explained, and stored only
when the person presses 「入力したとおりにする」 — exactly as typed, up to the printed card.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.bootstrap import Runtime
from bot.documents import CardDocuments, Charts
from bot.engine.reading_check import looks_like_date
from bot.engine.readings import is_kana_reading
from bot.engine.texts import MESSAGES
from bot.jobcard import card_json
from bot.jobcard.loading import load_jobcard
from tests.chat import Chat

KEEP = MESSAGES["btn_use_typed"].ja
KEEP_EN = MESSAGES["btn_use_typed"].en
STUB_CHARTS = Charts(lifeline="data:,L", will_can_must="data:,W")


def _at_furigana(chat: Chat) -> None:
    chat.start_profile()
    assert "ふりがな" in chat.send("山田 花子")


def test_a_date_is_kept_and_explained_then_a_kana_reading_is_taken(chat: Chat) -> None:
    _at_furigana(chat)
    reply = chat.send("1968年4月3日")
    assert "生年月日は、ここではお聞きしていません。" in reply
    assert "ふりがなは、ひらがなで入力していただけますか？（例: やまだ たろう）" in reply
    assert "お預かりしている入力：1968年4月3日（まだ記録していません）" in reply
    assert KEEP in reply and "年代" not in reply
    assert "profile.furigana" not in chat.answers()  # kept, not stored
    assert "年代" in chat.send("やまだ はなこ")
    assert chat.answers()["profile.furigana"] == "やまだ はなこ"


@pytest.mark.parametrize(
    "reading",
    [
        "ヤマダ ハナコ",
        "ヤマダ・ハナコ",
        "やまだ　はなこ",  # a full-width space
        "ﾔﾏﾀﾞ ﾊﾅｺ",  # half-width katakana
        "ゆうこ",
        "ジョーンズ・メアリー",
    ],
)
def test_kana_is_taken_as_typed_without_a_word(chat: Chat, reading: str) -> None:
    _at_furigana(chat)
    reply = chat.send(reading)
    assert "年代" in reply and "ひらがな" not in reply
    assert chat.answers()["profile.furigana"] == reading  # never folded to hiragana


def test_kanji_is_kept_without_the_birth_date_word(chat: Chat) -> None:
    _at_furigana(chat)
    reply = chat.send("山田花子")
    assert "ひらがなで入力" in reply and "生年月日" not in reply and KEEP in reply
    assert "profile.furigana" not in chat.answers()


def test_latin_letters_kept_with_the_button_are_printed_as_typed(
    chat: Chat, runtime: Runtime
) -> None:
    typed = "Hanna Schmidt-Yamada"
    _at_furigana(chat)
    assert KEEP in chat.send(typed)
    assert "年代" in chat.press(KEEP)
    assert chat.answers()["profile.furigana"] == typed
    with runtime.sessions() as session:
        card = load_jobcard(session, chat.person_id, date(2026, 12, 1))
    assert card is not None
    assert card_json(card)["person"]["furigana"] == typed
    html = CardDocuments().html(card, ["2"], charts=STUB_CHARTS)
    assert typed in html and "山田 花子" in html


def test_typing_kono_mama_keeps_it_as_typed(chat: Chat) -> None:
    _at_furigana(chat)
    chat.send("Yamada Hanako")
    assert "年代" in chat.send("このまま")
    assert chat.answers()["profile.furigana"] == "Yamada Hanako"


def test_skip_still_leaves_it_blank(chat: Chat) -> None:
    _at_furigana(chat)
    chat.send("1968/4/3")
    assert "スキップしました" in chat.press("スキップ") and "年代" in chat.text
    assert "profile.furigana" not in chat.answers()


def test_in_english(chat: Chat) -> None:
    chat.send("/start")
    chat.press("English")
    chat.press("Yes")
    chat.send("Hanako Yamada")
    reply = chat.send("Hanako Yamada")
    assert (
        "Could you type the reading of your name in hiragana, e.g. “やまだ たろう”? If your "
        "name is written in Latin letters, press “Keep what I typed”." in reply
    )
    assert "What you typed, kept for you: “Hanako Yamada” (not recorded yet)" in reply
    assert "age group" in chat.press(KEEP_EN)
    assert chat.answers()["profile.furigana"] == "Hanako Yamada"


def test_a_redelivered_keep_press_is_handled_once(chat: Chat) -> None:
    _at_furigana(chat)
    chat.send("Hanna")
    keep = chat.button(KEEP)
    assert "年代" in chat.payload(keep, delivery_id="tg-press-1")
    assert chat.payload(keep, delivery_id="tg-press-1") == ""  # the same delivery: dropped
    assert "すでに終わって" in chat.payload(keep)  # pressed again: a stale button
    assert chat.answers()["profile.furigana"] == "Hanna"
    chat.send("5")
    assert chat.answers()["profile.age_band"] == "50s"  # the conversation went on in order


@pytest.mark.parametrize(
    ("text", "kana"),
    [
        ("やまだ たろう", True),
        ("ヤマダ　タロウ", True),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", True),
        ("スミス・ジョン", True),
        ("ゞゝヴぁ", True),
        ("・ ", False),
        ("やまだ\ufffdたろう", True),  # a character the channel could not carry
        ("\ufffd", False),
        ("山田 太郎", False),
        ("やまだ 太郎", False),
        ("Taro Yamada", False),
        ("やまだ たろう。", False),
        ("1968年4月3日", False),
    ],
)
def test_what_counts_as_a_kana_reading(text: str, kana: bool) -> None:
    assert is_kana_reading(text) is kana


@pytest.mark.parametrize(
    ("text", "is_date"),
    [
        ("1968年4月3日", True),
        ("１９６８年４月３日", True),
        ("1968/4/3", True),
        ("1968-04-03", True),
        ("昭和43年4月3日生まれ", True),
        ("S43.4.3", True),
        ("平成元年1月8日", True),
        ("1968年4月", True),
        ("1968", False),
        ("山田花子", False),
        ("Hanako 1968", False),
    ],
)
def test_what_looks_like_a_birth_date(text: str, is_date: bool) -> None:
    assert looks_like_date(text) is is_date

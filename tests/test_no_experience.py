"""The student / no-experience path: no 様式2 in the menu or the count, 様式1-2 drafted."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine import load_dialogs
from bot.jobcard import build_jobcard, card_json
from dialogs import DIALOGS_DIR
from tests.chat import Chat
from tests.conftest import RuntimeFactory
from tests.test_coaching_dialogs import NOW, seed


@pytest.fixture
def shipped(make_runtime: RuntimeFactory, sqlite_url: str) -> Chat:
    """A chat on the shipped dialogs only (the count the person sees, without test fixtures)."""
    return Chat(make_runtime(sqlite_url, load_dialogs([DIALOGS_DIR])).service)


def _student_profile(chat: Chat) -> str:
    chat.start_profile()
    chat.send("佐藤 花子")
    chat.send("さとう はなこ")
    chat.send("20歳")
    chat.press("学生")
    reply = chat.press("いいえ")
    assert "就職活動に使いたい" in reply and "学生として将来を考えたい" in reply
    chat.send("学生")  # by its alias
    return chat.press("確定する")


def test_a_students_menu_leaves_out_sheet_2(shipped: Chat) -> None:
    menu = _student_profile(shipped)
    assert "職務経歴（様式2）" not in menu  # (「職務経歴書から読み込む」 reads a 履歴書 too)
    assert "1/6項目が完了" in menu
    assert "次のおすすめ：免許・資格（様式3-1）" in menu
    answers = shipped.answers()
    assert answers["profile.purpose"] == "student" and answers["profile.has_experience"] is False
    # Other sections done: the suggestion never falls on 様式2.
    seed(
        shipped,
        {
            f"{dialog}._completed": True
            for dialog in ("licenses", "education_training", "lifeline", "will_can_must")
        },
    )
    menu = shipped.send("/menu")
    assert "5/6項目が完了" in menu and "次のおすすめ：キャリア・プランシート（様式1）" in menu
    seed(shipped, {"career_plan._completed": True})
    assert "すべての項目が完了" in shipped.send("/menu")


def test_a_student_may_still_write_sheet_2_and_it_does_not_count(shipped: Chat) -> None:
    _student_profile(shipped)
    assert "職務経歴シート（様式2）" in shipped.send("職務経歴")  # opened by name
    shipped.press("はい")
    shipped.send("2024年4月～現在")
    menu = shipped.send("/menu")
    assert "職務経歴（様式2）（途中）" in menu  # begun: listed, so it can be resumed
    assert "1/6項目が完了" in menu


def test_someone_with_experience_still_has_sheet_2(shipped: Chat) -> None:
    shipped.start_profile()
    seed(shipped, {"profile.has_experience": True, "profile._completed": True})
    menu = shipped.send("/menu")
    assert "1/7項目が完了" in menu and "次のおすすめ：職務経歴（様式2）" in menu


def test_a_students_menu_in_english(shipped: Chat) -> None:
    shipped.send("/start")
    shipped.press("English")
    shipped.press("Yes")
    seed(shipped, {"profile.has_experience": False, "profile._completed": True})
    menu = shipped.send("/menu")
    assert "Work history" not in menu
    assert "1 of 6 sections complete" in menu
    assert "Suggested next: Licences and qualifications (sheet 3-1)" in menu


STUDENT_ANSWERS: dict[str, Any] = {
    "profile.has_experience": False,
    "education_training.education": [
        {
            "period": {"start": "2023-04", "end": None},
            "school": "横浜大学",
            "department": "経済学部",
            "content": "ミクロ経済学と統計学を学び、ゼミで商店街の調査をした。",
        }
    ],
    "lifeline.points": [
        {
            "age": 16,
            "event": "吹奏楽部でパートリーダー",
            "score": 70,
            "note": "後輩の練習計画を立てた",
        },
        {"age": 18, "event": "受験に失敗", "score": -50},
        {"age": 19, "event": "大学入学", "score": 60},
    ],
    "lifeline.values": "仲間と協力して一つのことをやり遂げること。",
    "lifeline.peak_common": "役割を任されて、自分で考えて動けた。",
    "lifeline.strengths": "周りの意見を聞いてまとめる力。",
    "lifeline.weakness": "人前で話すと緊張してしまう。",
    "lifeline.weakness_effort": "ゼミで発表の機会を増やしている。",
    "will_can_must.will": "地元の企業で、人と関わる仕事がしたい。",
    "will_can_must.overlap": "人と関わる力を活かして、地元の企業で働くこと。",
}


def test_sheet_1_2_is_drafted_from_school_interests_and_the_lifeline(chat: Chat) -> None:
    chat.start_profile()
    seed(chat, STUDENT_ANSWERS)
    school = chat.payload("m|career_plan")
    assert "横浜大学 経済学部では、ミクロ経済学と統計学を学び" in school
    assert "16歳のころの「吹奏楽部でパートリーダー」は、満足度の高い経験でした。" in school
    assert "受験に失敗" not in school  # a low point is not offered as a school achievement
    interests = chat.press("この下書きを使う")
    assert "仲間と協力して一つのことをやり遂げることを大切にしています。" in interests
    assert "役割を任されて、自分で考えて動けました。" in interests
    good_at = chat.press("この下書きを使う")
    assert "周りの意見を聞いてまとめる力があります。" in good_at
    assert "人前で話すと緊張してしまいます。" in good_at
    assert "そのために、ゼミで発表の機会を増やしています。" in good_at
    goals = chat.press("この下書きを使う")
    assert "地元の企業で、人と関わる仕事がしたいです。" in goals
    chat.press("この下書きを使う")
    plan = card_json(build_jobcard(chat.answers(), created_on=NOW.date()))["career_plan"]
    assert plan["form"] == "1-2"
    assert plan["school_activities"].startswith("横浜大学 経済学部では、ミクロ経済学")
    assert "人前で話すと緊張してしまいます。" in plan["strengths"]
    assert plan["future_work"].startswith("地元の企業で、人と関わる仕事がしたいです。")


def test_sheet_1_2_drafts_in_english_read_as_english(chat: Chat) -> None:
    chat.send("/start")
    chat.press("English")
    chat.press("Yes")
    seed(
        chat,
        {
            "profile.has_experience": False,
            "education_training.education": [
                {"school": "Yokohama University", "content": "Economics and statistics."}
            ],
            "lifeline.points": [
                {
                    "age": 16,
                    "event": "Band section leader",
                    "score": 70,
                    "note": "planned practice",
                },
                {"age": 18, "event": "Failed my entrance exam", "score": -50},
                {"age": 19, "event": "Started university", "score": 60},
            ],
            "lifeline.strengths": "Pulling ideas together.",
            "lifeline.weakness": "Speaking in public.",
        },
    )
    school = chat.payload("m|career_plan")
    assert "At Yokohama University, Economics and statistics." in school
    assert "At 16, Band section leader was a high point." in school
    chat.send("I played in the band and studied economics.")
    chat.send("Local shops and how they keep going.")
    good_at = chat.text
    assert "I'm good at pulling ideas together." in good_at
    assert "I'm not so good at speaking in public." in good_at
    assert "：" not in good_at and "・" not in good_at

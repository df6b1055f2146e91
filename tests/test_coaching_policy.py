"""The coaching policy: thin answers get one specific follow-up; full ones are never nagged."""

from __future__ import annotations

from bot.engine.coaching import DEFAULT, assess, followup
from bot.engine.model import Coaching
from tests.chat import Chat
from tests.test_coaching_dialogs import card, open_section

DUTIES = Coaching(
    min_length=40, vague=("普通の", "色々"), followup=None, expects=("number", "whom", "result")
)
PLAN = Coaching(min_length=15, vague=(), followup=None, expects=("when",))


def test_the_follow_up_never_asks_for_what_the_answer_has() -> None:
    asked = followup("1日300件の受注入力です", DUTIES, "ja", None)
    assert "数字" not in asked and "誰に" in asked and "成果" in asked
    assert asked.startswith("「1日300件の受注入力です」ですね。")


def test_a_long_concrete_answer_is_not_thinned_by_a_vague_word() -> None:
    rule = Coaching(min_length=20, vague=("よかった",), followup=None)
    answer = (
        "認知症のお母さまが落ち着いて過ごせるよう毎日声をかけ続け、ご家族から"
        "「あなたがいてくれてよかった」と言われたことです。"
    )
    assert assess(answer, rule) is None
    assert assess("よかったです", rule) is not None


def test_by_when_is_found_in_english_and_japanese() -> None:
    assert (
        assess("I will take a CAD course from April 2027 and finish by next summer.", PLAN) is None
    )
    assert assess("来年の春までにCADの講座を修了します。", PLAN) is None
    assert assess("CADの講座を受けて、図面を描けるようになります。", PLAN) is not None


def test_placeholders_are_thin_under_the_default_rule() -> None:
    for word in ("特になし", "色々", "普通です", "わからない"):
        assert assess(word, DEFAULT) is not None


def _at_duties(chat: Chat) -> None:
    open_section(chat, "work_history")
    chat.press("はい")
    chat.send("2015年4月～2020年3月")
    chat.send("株式会社テスト")
    chat.press("正社員")


def test_a_fuller_answer_that_restates_a_short_one_takes_its_place(chat: Chat) -> None:
    _at_duties(chat)
    chat.send("旋盤の仕事です")
    fuller = "自動車部品を旋盤で1日300個削り、取引先のメーカーから不良ゼロで表彰されました。"
    assert "置き換えました" in chat.send(fuller)
    chat.send(
        "段取り替えの時間を短くする工夫と、新人への教え方が身につきました。ほかの現場でも活かせます。"
    )
    chat.press("これで全部")
    chat.press("確定する")
    assert card(chat)["work_history"][0]["duties"] == fuller


def test_a_planned_course_can_be_entered_as_training(chat: Chat) -> None:
    open_section(chat, "education_training")
    chat.press("いいえ")  # no schooling rows
    chat.press("はい")
    reply = chat.send("2027年4月～2027年9月")
    assert "未来" not in reply and "訓練機関" in reply
    chat.send("ハロートレーニング")
    chat.send("CAD科")
    chat.send("/skip")
    chat.press("これで全部")
    chat.press("確定する")
    [course] = card(chat)["training"]
    assert (course["start"], course["end"], course["course"]) == ("2027-04", "2027-09", "CAD科")


def test_each_worry_gets_its_own_word(chat: Chat) -> None:
    open_section(chat, "will_can_must")
    chat.send("これまでの経験を活かして、若い人を育てる仕事がしたい。")
    chat.send("部品の検査と品質管理を20年続けてきた。")
    chat.send("家族の介護があるので、残業は少なくしたい。")
    reply = chat.send("2,3")  # age and health, not money
    assert "マネープラン" not in reply
    assert "年齢" in reply and "働き方" in reply and "予約" in reply

"""Choices typed the way people type them, and re-prompts that name the buttons on screen.

Transcripts through the real service on SQLite: kana for kanji labels (「はけん」), katakana
(「ハイ」), an age at the age-band question, 「確定」 for 確定する, 「ふつう」 on the satisfaction
scale, 「げんざい」 in a period, and "did you mean ヘルプ?" for a slip of a command word.
"""

from __future__ import annotations

from typing import Any

from tests.chat import Chat
from tests.test_coaching_dialogs import open_section

YES_NO_PLEASE = "「はい」か「いいえ」でお答えください"


def _entries(chat: Chat, field: str) -> list[dict[str, Any]]:
    value = chat.answers()[field]
    assert isinstance(value, list)
    return value


def test_a_birth_year_at_the_age_group_picks_its_group_and_says_so(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 花子")
    chat.send("やまだ はなこ")
    reply = chat.send("昭和43年生まれです")  # 1968: 57 or 58 on 22 November 2026
    assert "お生まれの年から、年代は「50代」として記録しました。" in reply
    assert "お仕事の状況" in reply
    assert chat.answers()["profile.age_band"] == "50s"


def test_a_birth_year_on_a_boundary_asks_which_group(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 一郎")
    chat.send("やまだ いちろう")
    reply = chat.send("1966年生まれ")  # 59 or 60, by the birthday
    assert "生まれた日によって、いまの年代が次のどちらかになります" in reply
    assert "5. 50代\n6. 60代以上" in reply
    assert "profile.age_band" not in chat.answers()
    assert "お仕事の状況" in chat.send("6")
    assert chat.answers()["profile.age_band"] == "60plus"


def test_profile_answered_as_typed_on_a_phone(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 太郎")
    assert "年代" in chat.send("やまだ たろう")
    assert "お仕事の状況" in chat.send("52歳")  # an age, not a band: its band is taken
    assert "働いた経験" in chat.send("はけん")  # kana for 在職中（契約・派遣・パートなど）
    assert "目的" in chat.send("ハイ")  # katakana はい
    summary = chat.send("スキップ")
    assert "50代" in summary and "在職中（契約・派遣・パートなど）" in summary
    assert "完了" in chat.send("確定")  # the start of 確定する
    answers = chat.answers()
    assert answers["profile.age_band"] == "50s"
    assert answers["profile.employment_status"] == "employed_nonregular"
    assert answers["profile.has_experience"] is True
    assert answers["profile._completed"] is True


def test_an_age_in_kanji_and_an_age_no_band_holds(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 太郎")
    chat.send("/skip")
    reply = chat.send("二百歳")
    assert "20歳未満" in reply and "60代以上" in reply  # the bands, to choose from
    assert "profile.age_band" not in chat.answers()
    chat.send("五十二歳")
    assert chat.answers()["profile.age_band"] == "50s"


def test_work_history_by_reading_and_until_now_in_kana(chat: Chat) -> None:
    open_section(chat, "work_history")
    chat.press("はい")
    assert "会社名" in chat.send("2015年4月～げんざい")
    chat.send("株式会社テスト")
    reply = chat.send("しゃいん")  # 正社員, 契約社員 and 派遣社員 all read …しゃいん
    assert "複数" in reply and "正社員" in reply and "派遣社員" in reply
    assert "職務の内容" in chat.send("はけんしゃいん")
    chat.send(
        "営業部で法人のお客さま40社を担当し、事務機器の提案と契約更新を行いました。年間売上は約8,000万円です。"
    )
    chat.send(
        "お客さまの話を聴いて課題を整理し、解決策を提案する力と、社内の調整力が身につきました。"
    )
    assert "追加する" in chat.text and "これで全部" in chat.text
    reply = chat.send("うーん")
    assert "「追加する」「これで全部」「職務経歴書から読み込む」のどれかを選んでください" in reply
    assert YES_NO_PLEASE not in reply
    reply = chat.send("ヘプル")
    assert "もしかして「ヘルプ」ですか" in reply and "追加する" in reply
    chat.send("これで全部です")
    jobs = _entries(chat, "work_history.jobs")
    assert jobs[0]["period"] == {"start": "2015-04", "end": None}
    assert jobs[0]["employment_type"] == "dispatched"


def test_add_another_by_reading_and_in_english(chat: Chat) -> None:
    open_section(chat, "work_history")
    chat.press("はい")
    for answer in (
        "2010年4月～2015年3月",
        "株式会社テスト",
        "せいしゃいん",
        "営業部で法人のお客さま40社を担当し、事務機器の提案と契約更新を行いました。年間売上は約8,000万円です。",
        "お客さまの話を聴いて課題を整理し、解決策を提案する力と、社内の調整力が身につきました。",
    ):
        chat.send(answer)
    assert "期間" in chat.send("ついか")  # 追加する, by reading: the next entry starts
    chat.send("/lang en")
    chat.send("back")
    reply = chat.send("hmm")
    assert "Please choose “Add another”, “That's all” or “Import from my CV”." in reply
    assert "Yes" not in reply.split("\n")[0]
    reply = chat.send("menue")
    assert "Did you mean “menu”?" in reply


def test_satisfaction_named_as_the_prompt_names_it(chat: Chat) -> None:
    assert "0がふつう" in open_section(chat, "lifeline")
    for number, (age, event, score) in enumerate(
        [("18", "就職", "ふつう"), ("35", "異動", "普通"), ("42", "昇進", "さいこう")], 1
    ):
        assert f"出来事 {number}件目" in chat.text
        chat.send(age)
        chat.send(event)
        assert "ひとこと書き添える" in chat.send(score), score
        assert "ほかにも出来事" in chat.send("/skip")
        chat.send("ついか" if number < 3 else "これで全部")
    assert [p["score"] for p in _entries(chat, "lifeline.points")] == [0, 0, 100]


def test_a_command_slip_is_suggested_not_taken(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 太郎")
    chat.send("/skip")
    for _ in range(3):  # a slip is no failed attempt: the options stay, no "stuck" help
        reply = chat.send("ヘプル")
        assert "もしかして「ヘルプ」ですか" in reply
        assert "20代" in reply and "うまく読み取れない" not in reply
    assert "profile.age_band" not in chat.answers()
    reply = chat.send("/hlep")
    assert "もしかして「help」ですか" in reply
    assert "使えるコマンド" in chat.send("へるぷ")  # hiragana of ヘルプ is the command itself


def test_a_slip_that_is_a_plausible_answer_is_kept_as_the_answer(chat: Chat) -> None:
    chat.start_profile()
    reply = chat.send("ヘプル")  # a name: never swallowed by a guess at a command
    assert "もしかして" not in reply
    assert chat.answers()["profile.name"] == "ヘプル"


def test_summary_and_list_edits_name_their_buttons(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 太郎")
    chat.send("/skip")
    chat.send("40代")
    chat.send("正社員")
    chat.send("はい")
    chat.send("/skip")
    assert "確定する" in chat.text
    reply = chat.send("ふ")  # ふりがな? a single letter names nothing
    assert "確定する" in reply
    reply = chat.send("年")  # 年代 only, but one letter is too little to go on
    assert "確定する" in reply
    reply = chat.send("年代")
    assert "前回の回答：40代" in reply  # the summary item, by its words


def test_menu_by_a_word_or_its_reading(chat: Chat) -> None:
    chat.start_profile()
    chat.send("/menu")
    assert "職務経歴" in chat.send("しょくむけいれき")
    chat.send("/menu")
    reply = chat.send("ぐちゃぐちゃ")
    assert "メニューの番号か項目名" in reply


def test_a_list_edit_names_its_buttons(chat: Chat) -> None:
    open_section(chat, "work_history")
    chat.press("はい")
    for answer in (
        "2010年4月～2015年3月",
        "株式会社テスト",
        "正社員",
        "営業部で法人のお客さま40社を担当し、事務機器の提案と契約更新を行いました。年間売上は約8,000万円です。",
        "お客さまの話を聴いて課題を整理し、解決策を提案する力と、社内の調整力が身につきました。",
        "これで全部",
    ):
        chat.send(answer)
    assert "確定する" in chat.text
    chat.press("勤務先")
    reply = chat.send("うーん")
    assert "「1件目を直す」「追加する」「削除する」「決定」のどれかを選んでください。" in reply
    assert "メニュー" not in reply.split("\n")[0]
    assert "削除する勤務先" in chat.send("さくじょ")  # 削除する, by reading

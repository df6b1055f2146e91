"""Transcript tests of onboarding and the profile dialog through the real service and SQLite."""

from __future__ import annotations

from bot.bootstrap import Runtime
from tests.chat import Chat
from tests.conftest import RuntimeFactory


def test_happy_path_in_japanese(chat: Chat) -> None:
    first = chat.send("/start")
    assert "ジョブ・カード" in first and "使う言語" in first
    assert "保存する情報" in chat.press("日本語")
    reply = chat.press("はい")
    assert "お名前（氏名）" in reply and "（1/6）" in reply
    assert "ふりがな" in chat.send("山田 太郎")
    assert "年代" in chat.send("やまだ たろう")
    chat.send("5")  # by number: 50代
    chat.send("正社員")  # by alias
    chat.press("はい")
    summary = chat.press("転職も視野")
    assert "山田 太郎" in summary and "50代" in summary and "在職中（正社員）" in summary
    assert "プロフィール" in chat.press("確定する") and "完了" in chat.text
    assert chat.answers() == {
        "profile.name": "山田 太郎",
        "profile.furigana": "やまだ たろう",
        "profile.age_band": "50s",
        "profile.employment_status": "employed",
        "profile.has_experience": True,
        "profile.purpose": "job_change",
        "profile._completed": True,
        "onboarding._completed": True,
    }


def test_without_consent_nothing_is_stored(chat: Chat) -> None:
    chat.send("/start")
    chat.press("日本語")
    reply = chat.press("いいえ")
    assert "保存しません" in reply
    assert "同意" in chat.send("山田 太郎")  # consent is asked again; the name is not taken
    assert chat.answers() == {}


def test_awkward_path_back_skip_edit_and_bad_input(chat: Chat) -> None:
    chat.start_profile()
    assert "空" in chat.send("   ")
    reply = chat.send("あ" * 4000)
    assert "50文字以内" in reply and "4000" in reply
    chat.send("<b>山田</b> 太郎 😀")
    reply = chat.send("/back")
    assert "前回の回答：<b>山田</b> 太郎 😀" in reply and "そのまま" in reply
    chat.press("そのまま")
    assert "スキップしました" in chat.send("スキップ")
    assert "年代" in chat.text
    assert "選" in chat.send("二百歳")  # no age band holds it: told what to do
    chat.press("40代")
    assert "飛ばせません" in chat.send("/skip")  # required question
    chat.press("求職中")
    chat.press("いいえ")
    summary = chat.send("/skip")
    assert "（未回答）" in summary and "確定する" in summary
    reply = chat.press("年代")
    assert "前回の回答：40代" in reply
    back_at_summary = chat.press("50代")
    assert "50代" in back_at_summary and "確定する" in back_at_summary
    chat.press("確定する")
    answers = chat.answers()
    assert answers["profile.name"] == "<b>山田</b> 太郎 😀"
    assert answers["profile.age_band"] == "50s"
    assert "profile.furigana" not in answers  # skipped: nothing stored
    assert answers["profile.has_experience"] is False


def test_pause_and_resume_in_a_new_process(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    first = Chat(make_runtime(sqlite_url).service)
    first.start_profile()
    first.send("山田 太郎")
    assert "保存しました" in first.send("一時停止")
    # A new runtime on the same database stands for a restarted process.
    second = Chat(make_runtime(sqlite_url).service)
    reply = second.send("こんにちは")
    assert "おかえりなさい" in reply and "ふりがな" in reply
    second.send("やまだ たろう")
    assert second.answers()["profile.furigana"] == "やまだ たろう"


def test_resume_after_restart_without_pause(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    first = Chat(make_runtime(sqlite_url).service)
    first.start_profile()
    first.send("山田 太郎")
    second = Chat(make_runtime(sqlite_url).service)
    reply = second.send("/start")
    assert "おかえりなさい" in reply and "ふりがな" in reply


def test_cancel_with_confirmation_keeps_answers(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 太郎")
    assert "中止" in chat.send("/cancel")
    assert "ふりがな" in chat.press("いいえ")
    chat.send("/cancel")
    assert "メニュー" in chat.press("はい")
    assert chat.answers()["profile.name"] == "山田 太郎"
    # Picking the section again resumes at the open question.
    assert "ふりがな" in chat.press("プロフィール")


def test_switch_language_mid_question(chat: Chat) -> None:
    chat.start_profile()
    reply = chat.send("English")
    assert "What is your full name?" in reply
    chat.send("Taro Yamada")
    assert "furigana" in chat.text
    assert "日本語で続けます" in chat.send("日本語")


def test_my_data_and_delete(chat: Chat, runtime: Runtime) -> None:
    chat.start_profile()
    chat.send("山田 太郎")
    reply = chat.send("マイデータ")
    assert "[document my-data.json]" in reply
    assert "山田 太郎" in next(m.content.decode() for m in chat.last if hasattr(m, "content"))
    assert "元に戻せません" in chat.send("/delete")
    assert "削除しました" in chat.press("はい")
    assert chat.answers() == {}
    # A new conversation starts from scratch.
    assert "使う言語" in chat.send("/start")


def test_stale_button_and_double_press(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 太郎")
    chat.send("/skip")
    payload = chat.button("40代")
    chat.payload(payload)
    reply = chat.payload(payload)  # the same button pressed twice
    assert ("すでに終わって" in reply and "就業" not in reply) or "いまのお仕事" in reply
    assert chat.answers()["profile.age_band"] == "40s"


def test_redelivered_message_is_processed_once(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 太郎", delivery_id="update-1")
    assert chat.send("別の名前", delivery_id="update-1") == ""
    assert chat.answers()["profile.name"] == "山田 太郎"
    assert "ふりがな" in chat.send("/start")


def test_jump_to_one_answer_then_back_to_its_summary(chat: Chat) -> None:
    chat.start_profile()
    for answer in ("山田 太郎", "/skip", "40代", "求職中", "はい", "/skip"):
        chat.send(answer)
    chat.press("確定する")
    reply = chat.follow("f|profile|age_band")  # the service opens a commented answer
    assert "年代" in reply and "前回の回答：40代" in reply
    reply = chat.press("50代")
    assert "【プロフィール】の回答です" in reply and "50代" in reply
    assert chat.answers()["profile.age_band"] == "50s"
    assert "ダイアログ" not in chat.follow("f|profile|no_such_step")  # ignored, re-asked


def test_a_forged_jump_or_outcome_from_a_person_is_a_stale_button(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 太郎")
    before = chat.answers()
    for forged in ("f|profile|age_band", "e|booking|slot_taken", "f|booking|share_card", "x|y"):
        reply = chat.payload(forged)
        assert "すでに終わっています" in reply
        assert "ふりがな" in reply  # the open question is shown again
    assert chat.answers() == before
    chat.send("やまだ たろう")
    assert chat.answers()["profile.furigana"] == "やまだ たろう"

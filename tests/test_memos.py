"""Writing sent where it can't be the answer is kept as a memo (メモ), and can be used later."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.bootstrap import Runtime
from bot.channels import telegram_keyboard
from bot.engine import Choices, Document
from bot.engine.memo_texts import MEMO_MESSAGES
from bot.engine.memos import looks_like_content
from bot.review.service import card_answers
from storage import people
from storage import repositories as repo
from tests.chat import Chat
from tests.conftest import RuntimeFactory

PASTE = "2010年4月 株式会社ABC 入社 営業部で法人営業を担当\n2018年3月 退職 その後は家族の介護"
KEPT = "消さずに「メモ」に残しました"
EXPERIENCE = "これまでに働いた経験"


def _at_experience(chat: Chat) -> None:
    """Consent given, profile answered up to 「これまでに働いた経験…はありますか？」."""
    chat.start_profile()
    for answer in ("山田 花子", "やまだ はなこ", "50代", "求職中"):
        chat.send(answer)
    assert EXPERIENCE in chat.text


def _memos(chat: Chat) -> dict[str, object]:
    return {k: v for k, v in chat.answers().items() if k.startswith("memos.")}


def _to_duties(chat: Chat) -> None:
    """From anywhere after the profile: a first employer up to 「職務の内容」."""
    chat.send("職務経歴")
    chat.press("はい")
    for answer in ("2010年4月～2018年3月", "株式会社ABC", "正社員"):
        chat.send(answer)
    assert "職務の内容" in chat.text


def _at_memo_list(chat: Chat) -> None:
    """The paste kept at 「働いた経験」, the profile finished, the memo list at 「職務の内容」."""
    _at_experience(chat)
    chat.send(PASTE)
    chat.send("はい")
    chat.send("/skip")
    chat.press("確定する")
    _to_duties(chat)
    chat.press("メモから入れる")


def test_a_paste_at_yes_no_is_kept_and_said_then_put_into_duties_as_typed(chat: Chat) -> None:
    _at_experience(chat)
    reply = chat.send(PASTE)
    assert KEPT in reply and "（51文字）" in reply
    assert "「はい」か「いいえ」でお答えください。" in reply and EXPERIENCE in reply
    [memo] = _memos(chat).values()
    assert isinstance(memo, dict) and memo["text"] == PASTE
    assert "profile.has_experience" not in chat.answers()  # the question is still open
    chat.send("はい")
    chat.send("/skip")  # the purpose
    chat.press("確定する")
    # Not at a question with options: no memo button there.
    assert "メモから入れる" not in chat.text
    _to_duties(chat)
    assert "メモから入れる" in chat.text  # a question that takes text, and there is a memo
    listed = chat.press("メモから入れる")
    assert "答えに使うメモを選んでください" in listed and "（51文字）" in listed
    reply = chat.press("（51文字）")
    assert "メモの文章を答えとして入れます" in reply and "メモは消さずに残しています" in reply
    assert "学んだこと" in reply  # answered: on to the next question
    chat.send(
        "お客さまの話を聴いて課題を整理し、解決策を提案する力が身につきました。社内の調整力もつきました。"
    )
    chat.press("これで全部")
    [job] = chat.answers()["work_history.jobs"]
    assert job["duties"] == PASTE  # exactly as typed, line break and all
    assert len(_memos(chat)) == 1  # the memo stays until the person deletes it


def test_a_long_sentence_at_a_choice_is_kept_and_a_short_slip_gets_the_options(
    chat: Chat,
) -> None:
    chat.start_profile()
    chat.send("山田 花子")
    chat.send("やまだ はなこ")
    sentence = "いまは五十代で、以前は工場で十年ほど検査の仕事をしていました"
    reply = chat.send(sentence)
    assert KEPT in reply and "1〜6の番号で選んでください" in reply and "年代" in reply
    assert [m["text"] for m in _memos(chat).values()] == [sentence]  # type: ignore[index]
    # A slip is corrected, not kept: today's reply naming what to choose.
    reply = chat.send("ごじゅうだいい")
    assert "メモ" not in reply and "年代" in reply
    chat.send("50代")
    chat.send("求職中")
    reply = chat.send("はいい")
    assert reply.startswith("「はい」か「いいえ」でお答えください。") and "メモ" not in reply
    # The same writing again is not kept twice.
    reply = chat.send(sentence)
    assert "同じものが、すでに「メモ」に残っています" in reply
    assert len(_memos(chat)) == 1


def test_a_yes_with_writing_after_it_is_taken_and_the_writing_kept(chat: Chat) -> None:
    _at_experience(chat)
    reply = chat.send("はい\n" + PASTE)
    assert "「メモ」にも残しました" in reply and "主な目的" in reply
    assert chat.answers()["profile.has_experience"] is True
    assert [m["text"] for m in _memos(chat).values()] == ["はい\n" + PASTE]  # type: ignore[index]


def test_before_consent_nothing_is_stored_and_the_person_is_told(chat: Chat) -> None:
    chat.send("/start")
    reply = chat.send(PASTE)  # at the language question
    assert "まだ保存していません" in reply and "同意" in reply and "使う言語" in reply
    chat.press("日本語")
    reply = chat.send(PASTE)  # at the consent question itself
    assert "まだ保存していません" in reply and "同意して" in reply
    chat.press("いいえ")
    reply = chat.send(PASTE)  # refused: asked again, and told nothing was kept
    assert "まだ保存していません" in reply
    assert not any(key.startswith("memos.") for key in chat.answers())
    with chat.service._sessions() as session:
        data = repo.export_person(session, chat.person_id) or {}
    assert "株式会社ABC" not in json.dumps(data, ensure_ascii=False)
    assert "メモ" not in chat.send("はい")  # a short answer says nothing of memos


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_memos_are_exported_deleted_one_by_one_and_with_everything(
    request: pytest.FixtureRequest, make_runtime: RuntimeFactory, sqlite_url: str, database: str
) -> None:
    url = sqlite_url if database == "sqlite" else request.getfixturevalue("pg_url")
    chat = Chat(make_runtime(url).service)
    _at_experience(chat)
    chat.send(PASTE)
    chat.send("いまは五十代で、以前は工場で十年ほど検査の仕事をしていました")
    chat.send("マイデータ")
    [export] = [m for m in chat.last if isinstance(m, Document)]
    assert PASTE in json.loads(export.content)["answers"]["memos.m1"]["text"]
    # 「メモ」 lists them anywhere; one is read, and deleted only once confirmed.
    listed = chat.send("メモ")
    assert "保存しているメモです（2件）" in listed and "ジョブ・カードには載りません" in listed
    shown = chat.send("1")
    assert PASTE in shown and "このメモを削除" in shown
    assert "この質問の答えにする" not in shown  # a yes/no question can't take it
    assert "元に戻せません" in chat.press("このメモを削除")
    assert "削除しませんでした" in chat.send("いいえ")
    chat.press("このメモを削除")
    assert "メモを削除しました" in chat.press("はい")
    assert list(_memos(chat)) == ["memos.m2"]
    with chat.service._sessions() as session:
        history = [v for v in repo.answer_history(session, chat.person_id) if v.field == "m1"]
    assert history == []  # gone for good, not kept as history
    chat.press("メモを閉じる")
    assert EXPERIENCE in chat.text  # back where the person was
    # Delete-all takes the memos with everything else.
    chat.send("データ削除")
    chat.press("はい")
    with chat.service._sessions() as session:
        assert repo.export_person(session, chat.person_id) is None


def test_a_double_pressed_memo_is_used_once(chat: Chat) -> None:
    _at_memo_list(chat)
    pick = chat.button("（51文字）")
    assert "学んだこと" in chat.payload(pick, delivery_id="memo-1")
    assert chat.payload(pick, delivery_id="memo-1") == ""  # the same delivery: dropped
    again = chat.payload(pick, delivery_id="memo-2")  # a second press
    assert "すでに終わっています" in again and "学んだこと" in again
    chat.send(
        "お客さまの話を聴いて課題を整理し、解決策を提案する力が身につきました。社内の調整力もつきました。"
    )
    chat.press("これで全部")
    [job] = chat.answers()["work_history.jobs"]
    assert job["duties"] == PASTE and job["learned"].startswith("お客さまの話")


def test_a_memo_too_long_for_the_question_is_held_never_cut(chat: Chat) -> None:
    long = "営業部で法人のお客さまを担当しました。" * 8  # 152 characters; the company takes 100
    _at_experience(chat)
    chat.send(long)
    chat.send("はい")
    chat.send("/skip")
    chat.press("確定する")
    chat.send("職務経歴")
    chat.press("はい")
    chat.send("2010年4月～2018年3月")
    assert "会社名" in chat.text
    chat.press("メモから入れる")
    reply = chat.press("（152文字）")
    assert "100文字以内" in reply and "152文字" in reply and "前半だけ使う" in reply
    assert "会社名" in reply  # still at the question, the text held for the person
    shown = chat.press("自分で短くする")
    assert long in shown


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_writing_at_the_menu_is_kept_and_memos_carry_across_linking(
    request: pytest.FixtureRequest, make_runtime: RuntimeFactory, sqlite_url: str, database: str
) -> None:
    url = sqlite_url if database == "sqlite" else request.getfixturevalue("pg_url")
    runtime: Runtime = make_runtime(url)
    telegram, web = Chat(runtime.service, "telegram:111"), Chat(runtime.service, "web:browser")
    web.start_profile()
    web.send("メニュー")
    reply = web.send(PASTE)
    assert "ここでは使えませんでしたが、消さずに「メモ」に残しました" in reply
    assert "メニュー" in reply
    telegram.start_profile()
    telegram.send("鈴木 一郎")  # the Telegram side has the card
    code = re.search(r"連携コードは (\d{6}) です", telegram.send("連携"))
    assert code is not None
    # The web side has only a memo: that is no card to choose between, and it is kept.
    assert "連携しました" in web.send(f"連携 {code.group(1)}")
    with runtime.sessions() as session:
        person = people.resolve(session, "web:browser")
        assert person == people.resolve(session, "telegram:111")
        answers = repo.current_answers(session, person)
    assert answers["profile.name"] == "鈴木 一郎"
    assert [v["text"] for k, v in answers.items() if k.startswith("memos.")] == [PASTE]
    # Never part of the card a counselor is sent.
    assert not any(key.startswith("memos.") for key in card_answers(answers))


def test_in_english(chat: Chat) -> None:
    chat.send("/start")
    chat.press("English")
    chat.press("Yes")
    for answer in ("Hanako Yamada", "やまだ はなこ", "50s", "Looking for work"):
        chat.send(answer)
    reply = chat.send(
        "I worked in sales at ABC Corporation from 2010 to 2018, then cared for my family."
    )
    assert "it isn't lost: I've kept it as a memo" in reply and "“Use a memo”" in reply
    assert "Please answer “Yes” or “No”." in reply
    listed = chat.send("memo")
    assert "Your memos (1)" in listed and "characters)" in listed
    for key, message in MEMO_MESSAGES.items():
        assert not re.search("[「」（）、。：！？]", message.en), key  # English punctuation


def test_the_memo_screens_render_on_the_web_and_telegram(chat: Chat) -> None:
    _at_experience(chat)
    chat.send(PASTE)
    chat.send("メモ")
    [listing] = [m for m in chat.last if isinstance(m, Choices)]
    fitted = telegram_keyboard.fitted(listing)
    keyboard = telegram_keyboard.keyboard(fitted)
    assert keyboard is not None
    cells = [cell for row in keyboard["inline_keyboard"] for cell in row]
    # The memo is a button of its own within Telegram's limits, its payload within 64 bytes.
    assert any("（51文字）" in cell["text"] for cell in cells)
    assert all(len(cell["callback_data"].encode()) <= 64 for cell in cells)


def test_what_counts_as_written_rather_than_chosen() -> None:
    assert looks_like_content(PASTE, ("はい", "いいえ"))
    assert looks_like_content("いまは五十代で、以前は工場で十年ほど働いていました")
    assert not looks_like_content("ざいしょくちゅう", ("在職中（正社員）",))
    assert not looks_like_content("はい\nです", ("はい", "いいえ"))
    assert not looks_like_content("I think yes", ("Yes", "No"))
    assert looks_like_content("I worked in sales at ABC from 2010 to 2018, then cared for family.")
    # Clearly longer than the longest option, not merely long.
    label = "高齢期を見据えたキャリア・プランを作りたい"
    assert not looks_like_content("高齢期のキャリアプランを作りたいです", (label,))


def test_the_web_chat_shows_the_memo_and_its_buttons(runtime: Runtime) -> None:
    from tests.web.chat_app import Browser, chat_server

    with chat_server(runtime) as server:
        browser = Browser(server.url)
        browser.command("c|start")
        browser.press("日本語")
        browser.press("はい")
        for answer in ("山田 花子", "やまだ はなこ", "50代", "求職中"):
            browser.send(answer)
        page = browser.send(PASTE)
        assert KEPT in page
        page = browser.send("メモ")
        assert "保存しているメモです（1件）" in page
        page = browser.press("2010年4月 株式会社ABC…（51文字）")
        assert "2018年3月 退職 その後は家族の介護" in page
        page = browser.press("メモを閉じる")
        assert EXPERIENCE in page


def test_the_console_script_keeps_a_paste_at_yes_no(tmp_path: Path) -> None:
    from tests.test_cli import jobcard

    script = "1\n1\n山田 花子\nやまだ はなこ\n50代\n求職中\n" + PASTE.replace("\n", "\\\n")
    result = jobcard(
        "chat",
        "--start",
        "profile",
        "--user",
        "p1",
        stdin=script + "\nメモ\n1\n",
        db=tmp_path / "m.db",
    )
    assert result.returncode == 0, result.stderr
    assert KEPT in result.stdout
    assert "メモ（51文字）：\n" + PASTE in result.stdout  # read back whole, line break kept


def test_typing_instead_of_picking_a_memo_answers_the_question(chat: Chat) -> None:
    _at_memo_list(chat)
    typed = "法人のお客さま40社を担当し、事務機器の提案と契約の更新を行いました。売上は年8千万円。"
    assert "学んだこと" in chat.send(typed)  # taken as the answer, not kept as a memo
    assert "職務の内容" in chat.send("戻る")
    assert typed in chat.text  # offered back as the answer given
    assert len(_memos(chat)) == 1

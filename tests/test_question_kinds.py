"""Every question kind, groups, conditions and coaching, through the real service and SQLite."""

from __future__ import annotations

from tests.chat import Chat


def _open_kinds(chat: Chat) -> None:
    chat.start_profile()
    chat.payload("m|kinds")


def test_every_kind_happy_path(chat: Chat) -> None:
    chat.start_profile()
    reply = chat.payload("m|kinds")
    assert "テスト用の項目です" in reply and "呼び名" in reply
    chat.send("たろう")
    assert "15から99" in chat.send("１２０歳") or "99" in chat.text  # out of range, full-width
    chat.send("５５歳")
    chat.send("マイナス30")
    assert "何月" in chat.send("平成2年")  # a year without a month: asks for the month
    chat.send("4月")
    chat.send("H27.4〜現在")
    chat.send("2026/12/1")
    chat.press("赤")
    chat.press("緑")
    reply = chat.press("赤")  # untick
    assert "☐ 赤" in reply and "☑ 緑" in reply
    chat.press("青")
    chat.press("決定")
    assert "ペットの名前" in chat.press("はい")
    chat.send("ポチ")
    reply = chat.send("特にない")  # vague: one follow-up
    assert "具体的に" in reply
    assert "会社名" in chat.send("新人5名の指導を担当しました。")
    chat.send("株式会社テスト")
    assert "役職" in chat.press("正社員")
    chat.send("課長")
    assert "ほかの勤務先" in chat.text
    chat.press("追加する")
    chat.send("有限会社サンプル")
    chat.press("契約社員")  # the position question is hidden for contract work
    reply = chat.press("これで全部")
    assert "ありがとうございました" in reply and "確定する" in reply
    answers = chat.answers()
    assert answers["kinds.age"] == 55
    assert answers["kinds.mood"] == -30
    assert answers["kinds.started"] == "1990-04"
    assert answers["kinds.stint"] == {"start": "2015-04", "end": None}
    assert answers["kinds.meeting"] == "2026-12-01"
    assert answers["kinds.colors"] == ["blue", "green"]
    assert answers["kinds.pet"] is True
    assert answers["kinds.story"] == "新人5名の指導を担当しました。"  # replaces 「特にない」
    assert answers["kinds.jobs"] == [
        {"employer": "株式会社テスト", "employment_type": "regular", "bonus": "課長"},
        {"employer": "有限会社サンプル", "employment_type": "contract"},
    ]


def test_conditions_hide_questions_and_coaching_asks_once(chat: Chat) -> None:
    _open_kinds(chat)
    for answer in ("たろう", "40", "0", "2010年4月", "2015/4-2020/3", "/skip", "2"):
        chat.send(answer)
    reply = chat.press("いいえ")
    assert "ペットの名前" not in reply and "印象に残った" in reply
    assert "具体的に" in chat.send("いろいろ")
    chat.press("このままで次へ")
    assert "会社名" in chat.text
    assert "kinds.pet_name" not in chat.answers()
    assert chat.answers()["kinds.story"] == "いろいろ"
    # Back to the story: the follow-up is not asked a second time.
    chat.send("/back")
    assert "前回の回答：いろいろ" in chat.text
    assert "会社名" in chat.send("たくさん")


def test_group_edit_add_and_remove_from_the_summary(chat: Chat) -> None:
    _open_kinds(chat)
    for answer in (
        "たろう",
        "40",
        "0",
        "2010年4月",
        "2015/4-2020/3",
        "/skip",
        "2",
        "いいえ",
        "/skip",
    ):
        chat.send(answer)
    chat.send("A社")
    chat.press("契約社員")
    chat.press("追加する")
    chat.send("B社")
    chat.press("契約社員")
    chat.press("これで全部")
    reply = chat.press("勤務先")
    assert "1) A社" in reply and "2) B社" in reply
    chat.press("1件目を直す")
    reply = chat.send("A株式会社")
    assert "前回の回答：契約社員" in reply
    chat.press("そのまま")
    chat.press("削除する")
    reply = chat.press("B社")
    assert "2件目を削除しました" in reply and "A株式会社" in reply and "B社" not in reply
    chat.press("決定")
    assert "確定する" in chat.text
    assert chat.answers()["kinds.jobs"] == [
        {"employer": "A株式会社", "employment_type": "contract"}
    ]


def test_group_minimum_is_enforced(chat: Chat) -> None:
    _open_kinds(chat)
    for answer in ("たろう", "40", "0", "2010年4月", "2015/4-2020/3", "/skip", "2", "いいえ"):
        chat.send(answer)
    reply = chat.send("/skip")
    # min 1: the first employer is asked straight away, no "is there another" question.
    assert "会社名" in reply


def test_repeated_failures_offer_help_instead_of_looping(chat: Chat) -> None:
    _open_kinds(chat)
    chat.send("たろう")
    chat.send("よんじゅう")
    chat.send("abc")
    reply = chat.send("???")
    assert "例を見る" in reply and "ヘルプ" in reply and "一時停止" in reply
    assert "使えるコマンド" in chat.press("ヘルプ")
    assert "年齢" in chat.text


def test_examples_on_request(chat: Chat) -> None:
    _open_kinds(chat)
    reply = chat.press("例を見る")
    assert "記入例" in reply and "たろう" in reply and "呼び名" in reply
    assert "この質問には記入例がありません" in (chat.send("たろう"), chat.send("例"))[1]


def test_summary_command_mid_dialog(chat: Chat) -> None:
    _open_kinds(chat)
    chat.send("たろう")
    reply = chat.send("まとめ")
    assert "これまでの回答" in reply and "たろう" in reply and "年齢" in reply

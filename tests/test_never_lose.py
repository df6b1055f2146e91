"""Nothing a person types is lost or silently changed: lists, long texts, follow-ups, unknowns."""

from __future__ import annotations

import pytest

from bot.engine import Inbound
from tests.chat import Chat, text_of
from tests.test_coaching_dialogs import card, open_section

# (dialog, what "yes, add one" says first, first question of an entry, a first answer)
FAILED = "うまく処理できませんでした"  # the internal-error reply
LISTS = [
    ("work_history", "期間", "2015年4月～2020年3月"),
    ("licenses", "名称", "普通自動車第一種運転免許"),
    ("education_training", "期間", "2010年4月～2014年3月"),
]


def _first_entry(chat: Chat, dialog: str) -> None:
    """Finish one entry of the first list of ``dialog`` with plausible answers."""
    answers = {
        "work_history": [
            "2015年4月～2020年3月",
            "株式会社テスト",
            "正社員",
            "営業部で法人のお客さま40社を担当し、事務機器の提案と契約更新を行いました。年間売上は約8,000万円です。",
            "お客さまの話を聴いて課題を整理し、解決策を提案する力と、社内の調整力が身につきました。",
        ],
        "licenses": ["普通自動車第一種運転免許", "取得済み", "2010年3月", "/skip", "/skip"],
    }[dialog]
    for answer in answers:
        chat.send(answer)


@pytest.mark.parametrize(("dialog", "first_label", "first_answer"), LISTS)
def test_back_at_the_first_question_of_a_new_entry_returns_to_add_another(
    chat: Chat, dialog: str, first_label: str, first_answer: str
) -> None:
    open_section(chat, dialog)
    chat.press("はい")
    assert first_label in chat.text
    if dialog in ("work_history", "licenses"):
        _first_entry(chat, dialog)
        assert "ほかにも" in chat.text
        chat.press("追加する")
    reply = chat.send("戻る")
    assert FAILED not in reply
    assert ("追加する" in reply and "これで全部" in reply) or "はい" in reply  # "add another?"
    before = chat.answers()
    reply = chat.send("戻る")  # and further back, still no error
    assert FAILED not in reply
    assert chat.answers() == before
    if dialog == "work_history":
        # Likewise after 「これで全部」: going back from the summary reaches the list again.
        assert "学んだこと" in chat.text  # the last answer of the finished entry
        chat.press("そのまま")
        chat.press("これで全部")
        assert "確定する" in chat.text
        assert FAILED not in chat.send("戻る")
        assert "追加する" in chat.text


def test_an_entry_begun_then_left_by_going_back_is_resumed_with_its_answers(chat: Chat) -> None:
    open_section(chat, "work_history")
    chat.press("はい")
    _first_entry(chat, "work_history")
    chat.press("追加する")
    chat.send("2020年4月～現在")
    assert "会社名" in chat.text
    chat.send("戻る")  # back to the period of the new entry
    chat.send("戻る")  # back to "add another?"
    assert "追加する" in chat.text
    reply = chat.press("追加する")
    assert "2020年4月" in reply and "そのまま" in reply  # the period typed before is offered
    chat.press("そのまま")
    assert "会社名" in chat.text


def test_a_half_added_entry_can_be_dropped_keeping_the_finished_ones(chat: Chat) -> None:
    open_section(chat, "work_history")
    chat.press("はい")
    _first_entry(chat, "work_history")
    chat.press("追加する")
    chat.send("2020年4月～現在")
    reply = chat.send("スキップ")
    assert "この項目の追加をやめる" in reply  # told how to get out of a required question
    reply = chat.press("この項目の追加をやめる")
    assert "取り消しました" in reply and "ほかにも勤務先" in reply
    assert "株式会社テスト" in reply  # the finished entry is still listed
    chat.press("これで全部")
    chat.press("確定する")
    [job] = card(chat)["work_history"]
    assert job["employer"] == "株式会社テスト"


def test_drop_is_offered_at_every_question_of_a_new_entry_but_not_of_a_stored_one(
    chat: Chat,
) -> None:
    open_section(chat, "licenses")
    chat.press("はい")
    for answer in ("フォークリフト運転技能講習", "取得済み", "2012年5月"):
        assert "この項目の追加をやめる" in chat.text
        chat.send(answer)
    assert "この項目の追加をやめる" in chat.text  # the issuer question
    chat.send("/skip")
    chat.send("/skip")
    chat.press("これで全部")
    reply = chat.press("免許・資格")  # edit the list from the summary
    reply = chat.press("1件目")
    assert "この項目の追加をやめる" not in reply  # a stored entry is edited, not dropped


# Over-long answers --------------------------------------------------------------------
def _long_text(count: int) -> str:
    sentence = "製造ラインで部品の組み立てと検査を担当し、不良率を半分に下げる改善を進めました。"
    text = ""
    while len(text) < count:
        text += sentence + ("\n" if len(text) % 3 == 0 else "")
    return text[:count]


def _at_career_plan_values(chat: Chat) -> str:
    chat.start_profile()
    return chat.payload("m|career_plan")


def test_an_over_long_answer_is_kept_and_its_first_part_used_on_request(chat: Chat) -> None:
    _at_career_plan_values(chat)
    text = _long_text(1425)
    reply = chat.send(text)
    assert "1425文字" in reply and "800文字" in reply and "625文字" in reply
    assert "お預かり" in reply
    assert not any(key.startswith("career_plan.") for key in chat.answers())
    reply = chat.press("前半だけ使う")
    stored = next(v for k, v in chat.answers().items() if k.startswith("career_plan."))
    assert len(stored) <= 800 and text.startswith(stored)
    rest = text[len(stored) :].strip()
    assert rest and rest[-40:] in reply  # what was not used is shown, not dropped


def test_an_over_long_answer_can_be_given_back_to_shorten(chat: Chat) -> None:
    _at_career_plan_values(chat)
    text = _long_text(900)
    chat.send(text)
    reply = chat.press("自分で短くする")
    assert text in [getattr(message, "text", None) for message in chat.last]
    assert "800文字以内" in reply
    chat.send(text[:700])
    assert any(value == text[:700] for value in chat.answers().values())


# Follow-ups --------------------------------------------------------------------------
def _at_duties(chat: Chat) -> None:
    open_section(chat, "work_history")
    chat.press("はい")
    chat.send("2015年4月～2020年3月")
    chat.send("株式会社テスト")
    chat.press("正社員")


def test_a_placeholder_is_replaced_by_the_fuller_answer_and_never_stored(chat: Chat) -> None:
    _at_duties(chat)
    reply = chat.send("特にありません")
    assert "具体的" in reply  # the question's own follow-up, not a refusal
    fuller = "プレス加工ラインで班長として5名をまとめ、1日300個の部品を生産しました。"
    reply = chat.send(fuller)
    assert "置き換えました" in reply
    chat.send(
        "段取り替えの時間を短くする工夫と、新人への教え方が身につきました。ほかの職場でも活かせます。"
    )
    chat.press("これで全部")
    chat.press("確定する")
    [job] = card(chat)["work_history"]
    assert job["duties"] == fuller


def test_a_number_typed_during_a_follow_up_is_not_glued_to_the_answer(chat: Chat) -> None:
    _at_duties(chat)
    chat.send("旋盤の仕事です")
    reply = chat.send("1")
    assert "書き足しますか" in reply and "置き換えますか" in reply
    reply = chat.press("書き足す")
    entry_text = "旋盤の仕事です\n1"
    chat.send(
        "工作機械の部品を正確に削る技能と、図面を読む力が身につきました。ほかの仕事にも活かせます。"
    )
    chat.press("これで全部")
    chat.press("確定する")
    [job] = card(chat)["work_history"]
    assert job["duties"] == entry_text  # appended only because the person said so


def test_a_number_typed_during_a_follow_up_can_be_kept_out(chat: Chat) -> None:
    _at_duties(chat)
    chat.send("旋盤の仕事です")
    chat.send("1")
    chat.press("このままで次へ")
    chat.send(
        "工作機械の部品を正確に削る技能と、図面を読む力が身につきました。ほかの仕事にも活かせます。"
    )
    chat.press("これで全部")
    chat.press("確定する")
    [job] = card(chat)["work_history"]
    assert job["duties"] == "旋盤の仕事です"


def test_a_thin_answer_is_stored_only_when_the_person_keeps_it(chat: Chat) -> None:
    _at_duties(chat)
    reply = chat.send("色々")  # shorter than the question's minimum: coached, not refused
    assert "文字以上" not in reply
    chat.press("このままで次へ")
    assert "学んだこと" in chat.text
    chat.send(
        "段取りを考える力が身につきました。ほかの現場でも活かせると思います。役に立ちました。"
    )
    chat.press("これで全部")
    chat.press("確定する")
    [job] = card(chat)["work_history"]
    assert job["duties"] == "色々"  # the person confirmed it


def test_more_that_builds_on_the_answer_is_added_to_it(chat: Chat) -> None:
    _at_duties(chat)
    chat.send("旋盤の仕事です")
    reply = chat.send("自動車部品を1日300個削り、品質検査も担当しました。")
    assert "書き足しました" in reply
    assert "学んだこと" in chat.text


# 「わからない」 -------------------------------------------------------------------------
def _licence_at_issuer(chat: Chat, name: str) -> None:
    open_section(chat, "licenses")
    chat.press("はい")
    chat.send(name)
    chat.press("取得済み")
    chat.send("2012年5月")


def test_unknown_issuer_of_a_known_licence_gets_the_usual_one_to_confirm(chat: Chat) -> None:
    _licence_at_issuer(chat, "フォークリフト運転技能講習")
    reply = chat.send("わからない")
    assert "登録教習機関" in reply
    chat.press("この答えにする")
    chat.send("/skip")
    chat.press("これで全部")
    chat.press("確定する")
    [licence] = card(chat)["licenses"]
    assert licence["issuer"] == "登録教習機関（講習を受けた教習所）"


def test_unknown_optional_answer_is_left_blank_not_stored_as_a_fact(chat: Chat) -> None:
    _licence_at_issuer(chat, "社内の安全講習修了")
    reply = chat.send("わからない")
    assert "空欄" in reply and "未記入" in reply
    chat.send("/skip")
    chat.press("これで全部")
    chat.press("確定する")
    [licence] = card(chat)["licenses"]
    assert licence["issuer"] is None


def test_unknown_required_answer_gets_help_and_nothing_is_stored(chat: Chat) -> None:
    open_section(chat, "licenses")
    chat.press("はい")
    reply = chat.send("わからない")
    assert "大丈夫" in reply and "名称" in reply
    assert "licenses.licenses" not in chat.answers()
    chat.send("日商簿記検定2級")
    assert "取得済み" in chat.text


def test_a_stray_number_after_a_placeholder_is_neither_stored_nor_glued(chat: Chat) -> None:
    _at_duties(chat)
    chat.send("色々")
    reply = chat.send("1")
    assert "「1」だけでは" in reply
    fuller = "プレス加工ラインで班長として5名をまとめ、1日300個の部品を生産しました。"
    assert "置き換えました" in chat.send(fuller)
    chat.send(
        "段取り替えの時間を短くする工夫と、新人への教え方が身につきました。ほかの職場でも活かせます。"
    )
    chat.press("これで全部")
    chat.press("確定する")
    assert card(chat)["work_history"][0]["duties"] == fuller


def test_a_licence_typed_by_its_short_name_is_offered_its_official_name(chat: Chat) -> None:
    open_section(chat, "licenses")
    chat.press("はい")
    reply = chat.send("フォークリフト")
    assert "「フォークリフト運転技能講習」" in reply and "入力したとおりにする" in reply
    chat.press("この答えにする")
    assert "取得済み" in chat.text
    chat.press("取得済み")
    chat.send("2012年5月")
    assert "登録教習機関" in chat.send("わからない")  # the issuer follows from the name
    chat.press("この答えにする")
    chat.send("/skip")
    chat.press("追加する")
    chat.send("簿記")
    reply = chat.press("入力したとおりにする")  # what was typed is kept if the person prefers
    assert "取得済み" in reply
    chat.press("取得予定")
    chat.send("2027年6月")
    chat.send("/skip")
    chat.send("/skip")
    chat.press("これで全部")
    chat.press("確定する")
    names = [row["name"] for row in card(chat)["licenses"]]
    assert names == ["フォークリフト運転技能講習", "簿記"]


def test_a_paste_a_platform_split_in_two_is_put_back_together(chat: Chat) -> None:
    _at_career_plan_values(chat)
    text = _long_text(6000)
    first, second = text[:4096], text[4096:]
    sent = 1_800_000_000.0

    def part(body: str, at: float) -> str:
        return text_of(chat._deliver(Inbound(chat.person_id, text=body, sent_at=at)))

    part(first, sent)
    reply = part(second, sent + 1)  # Telegram sends both parts at once
    assert "6000文字" in reply  # one text, not a second answer
    assert not any(key.startswith("career_plan.") for key in chat.answers())
    reply = chat.press("自分で短くする")
    assert text in [getattr(message, "text", None) for message in chat.last]
    # A shorter version sent a minute later is a new answer, not a third part.
    part(text[:700], sent + 60)
    assert any(value == text[:700] for value in chat.answers().values())


def test_lines_pasted_into_a_one_line_box_are_joined_and_the_person_is_told(chat: Chat) -> None:
    chat.start_profile()
    reply = chat.send("山本\n智子")
    assert "改行はスペースに置き換えました" in reply
    assert chat.answers()["profile.name"] == "山本 智子"
    reply = chat.send("やまもと ともこ")  # one line, as typed: nothing to say about it
    assert "改行" not in reply
    assert chat.answers()["profile.furigana"] == "やまもと ともこ"

"""Transcript tests of the Job Card dialogs, in Japanese, through the real service and SQLite."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.jobcard import build_jobcard, card_json
from storage import repositories
from tests.chat import Chat
from tests.conftest import RuntimeFactory

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def seed(chat: Chat, answers: dict[str, Any]) -> None:
    """Store answers directly, as if earlier sections had been completed."""
    with chat.service._sessions.begin() as session:
        for key, value in answers.items():
            dialog, field = key.split(".", 1)
            repositories.save_answer(session, chat.person_id, dialog, field, value, NOW)


def card(chat: Chat) -> dict[str, Any]:
    return card_json(build_jobcard(chat.answers(), created_on=NOW.date()))


def open_section(chat: Chat, dialog: str) -> str:
    chat.start_profile()
    return chat.payload(f"m|{dialog}")


# 様式2 ---------------------------------------------------------------------------------------
def test_work_history_happy_path_with_coaching(chat: Chat) -> None:
    reply = open_section(chat, "work_history")
    assert "職務経歴シート（様式2）" in reply and "学んだこと" in reply
    chat.press("はい")
    assert "会社名" in chat.send("H27.4〜R2.3")
    chat.send("株式会社テスト")
    chat.press("派遣社員")
    reply = chat.send("事務全般を担当")
    # A vague answer gets one follow-up that quotes it and asks only for what is missing.
    assert "「事務全般を担当」ですね" in reply and "数字" in reply and "成果" in reply
    chat.send("営業部10名の受発注データの入力と、月約500件の請求書の発行を担当した。")
    chat.send(
        "正確さとスピードを両立する段取り力と、社内の営業担当者との細かな調整力が身についた。"
    )
    assert "ほかにも勤務先" in chat.text
    assert "確定する" in chat.press("これで全部")
    chat.press("確定する")
    [job] = card(chat)["work_history"]
    assert job["start"] == "2015-04" and job["end"] == "2020-03"
    assert job["employment_type"] == "dispatched"
    # The fuller answer takes the place of the vague one instead of being glued to it.
    assert job["duties"] == "営業部10名の受発注データの入力と、月約500件の請求書の発行を担当した。"


def test_work_history_awkward_dates_back_edit_and_restart(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    chat = Chat(make_runtime(sqlite_url).service)
    open_section(chat, "work_history")
    chat.press("はい")
    assert "13" in chat.send("2015年13月～現在") or "月" in chat.text  # no 13th month
    reply = chat.send("2020年4月～2015年3月")
    assert "始まり" in reply or "前" in reply  # end before start is refused
    assert "終わり" in chat.send("平成27年4月")  # start only: asks for the end
    assert "会社名" in chat.send("現在")
    chat.send("株式会社みなと")
    reply = chat.send("/back")
    assert "前回の回答：株式会社みなと" in reply
    chat.send("株式会社みなと商事")
    chat.press("正社員")
    # The process restarts in the middle of an employer: nothing typed so far is lost.
    chat = Chat(make_runtime(sqlite_url).service)
    assert "職務の内容" in chat.send("/start")
    chat.send("法人のお客さま約40社を担当して事務用品を提案し、年間約5,000万円を売り上げた。")
    chat.send(
        "お客さまの課題を丁寧に聞き取り、社内と調整して解決策を提案する力が身についた（社外対応）。"
    )
    chat.press("これで全部")
    chat.press("勤務先")  # edit from the summary
    chat.press("1件目を直す")
    chat.press("そのまま")
    chat.send("株式会社みなと商事 横浜支店")
    for _ in range(3):
        chat.press("そのまま")
    chat.press("決定")
    chat.press("確定する")
    [job] = card(chat)["work_history"]
    assert job["start"] == "2015-04" and job["end"] is None
    assert job["employer"] == "株式会社みなと商事 横浜支店"
    assert job["duties"].startswith("法人のお客さま約40社")


# 様式3-1 -------------------------------------------------------------------------------------
def test_licenses_none_is_a_valid_answer(chat: Chat) -> None:
    open_section(chat, "licenses")
    reply = chat.press("いいえ")
    assert "確定する" in reply and "（まだありません）" in reply
    chat.press("確定する")
    assert card(chat)["licenses"] == []
    assert chat.answers()["licenses._completed"] is True


def test_licenses_planned_exam_and_dates(chat: Chat) -> None:
    open_section(chat, "licenses")
    chat.press("はい")
    chat.send("日商簿記検定2級")
    chat.press("取得済み")
    assert "未来" in chat.send("2030年1月")  # an obtained licence can't be in the future
    chat.send("平成10年6月")
    chat.send("/skip")
    chat.send("スキップ")
    chat.press("追加する")
    chat.send("２級ファイナンシャル・プランニング技能士")
    chat.press("取得予定")
    chat.send("R9.1")  # 令和9年1月, in the future: fine for a planned exam
    chat.send("/skip")
    chat.send("/skip")
    chat.press("これで全部")
    chat.press("確定する")
    assert card(chat)["licenses"] == [
        {
            "name": "日商簿記検定2級",
            "acquired": "1998-06",
            "issuer": None,
            "description": None,
            "planned": False,
        },
        {
            "name": "２級ファイナンシャル・プランニング技能士",
            "acquired": "2027-01",
            "issuer": None,
            "description": None,
            "planned": True,
        },
    ]


# 様式3-2 -------------------------------------------------------------------------------------
def test_education_and_training(chat: Chat) -> None:
    open_section(chat, "education_training")
    chat.press("はい")
    assert "月" in chat.send("2008～2012")  # years alone: asked for months
    chat.send("平成20年4月～平成24年3月")
    chat.send("かながわ大学")
    chat.send("/skip")
    chat.send("/skip")
    chat.press("これで全部")
    reply = chat.press("いいえ")  # no training
    assert "確定する" in reply
    chat.press("確定する")
    result = card(chat)
    assert result["education"] == [
        {
            "start": "2008-04",
            "end": "2012-03",
            "school": "かながわ大学",
            "department": None,
            "content": None,
        }
    ]
    assert result["training"] == []


def test_education_pause_and_resume_in_a_new_process(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    chat = Chat(make_runtime(sqlite_url).service)
    open_section(chat, "education_training")
    chat.press("はい")
    chat.send("2008年4月～2012年3月")
    assert "保存しました" in chat.send("一時停止")
    chat = Chat(make_runtime(sqlite_url).service)
    reply = chat.send("続けます")
    assert "おかえりなさい" in reply and "学校名" in reply


# Life-line ------------------------------------------------------------------------------------
def _points(chat: Chat, *points: tuple[str, str, str]) -> None:
    for index, (age, event, score) in enumerate(points):
        if index:
            chat.press("追加する")
        chat.send(age)
        chat.send(event)
        chat.send(score)
        chat.send("/skip")


def test_lifeline_reflects_on_peaks_and_troughs(chat: Chat) -> None:
    reply = open_section(chat, "lifeline")
    assert "ライフラインチャート" in reply and "-100" in reply
    _points(
        chat, ("22", "就職", "50"), ("38", "病気で休職", "−70"), ("45", "管理職に昇進", "＋90")
    )
    reply = chat.press("これで全部")
    assert "「管理職に昇進」（45歳, +90）" in reply
    assert "「管理職に昇進」のころ" in reply
    reply = chat.send("部下と一緒に目標を立て、全員で達成できた。仲間に恵まれていた。")
    assert "「就職」（22歳, +50）" in reply and "共通" in reply
    chat.send("周りの人と協力して、目に見える成果を出せていた。")
    reply = chat.text
    assert "「病気で休職」（38歳, -70）" in reply
    chat.send("/skip")  # the low point may be skipped
    chat.send("主治医と相談しながら短時間勤務から復帰した。同僚の支えが大きかった。")
    reply = chat.text
    assert "下書き" in reply and "周りの人と協力して" in reply  # values drafted from peaks
    chat.press("この下書きを使う")
    chat.send("焦らず周りに相談しながら立て直せる粘り強さ。")
    assert "弱み" in chat.text
    chat.send("/skip")  # the weakness may be skipped
    chat.press("確定する")
    result = card(chat)
    assert [p["age"] for p in result["lifeline"]] == [22, 38, 45]
    assert [p["score"] for p in result["lifeline"]] == [50, -70, 90]
    answers = chat.answers()
    assert answers["lifeline.values"] == "周りの人と協力して、目に見える成果を出せていた。"
    assert "lifeline.trough_story" not in answers


def test_lifeline_needs_three_points_and_valid_scores(chat: Chat) -> None:
    open_section(chat, "lifeline")
    chat.send("20")
    chat.send("就職")
    assert "-100" in chat.send("150")  # out of range: told the range
    chat.send("30")
    chat.send("/skip")
    chat.press("追加する")
    _points(chat, ("25", "結婚", "70"))
    reply = chat.press("これで全部")
    assert "少なくとも3件" in reply and "年齢" in reply  # a third event is asked for
    chat.send("30")
    chat.send("転職")
    chat.send("40")
    chat.send("/skip")
    reply = chat.press("これで全部")
    # No low point (all scores positive): the questions about troughs are not asked.
    assert "いちばん高かった" in reply
    assert "低かった" not in reply


# Will / Can / Must -----------------------------------------------------------------------------
def test_will_can_must_offers_material_and_drafts(chat: Chat) -> None:
    chat.start_profile()
    seed(
        chat,
        {
            "work_history.jobs": [
                {"employer": "みなと銀行", "learned": "お客さまの話を丁寧に聞く力"},
            ],
            "lifeline.strengths": "粘り強さ",
        },
    )
    chat.payload("m|will_can_must")
    reply = chat.send("経理の経験を活かして中小企業を支えたい。")
    assert "Canの材料" in reply and "みなと銀行：お客さまの話を丁寧に聞く力" in reply
    assert "職務経歴の「学んだこと」、ライフラインの「強み」をもとに" in reply
    chat.press("この下書きを使う")
    chat.send("介護があるので週4日勤務。")
    reply = chat.text
    assert "心配なこと" in reply
    reply = chat.send("1,2")  # money and age
    assert "マネープラン" in reply and "予約" in reply  # a worry gets an offer of help
    chat.send("経理で中小企業を支えること。")
    chat.send("FPなど、お金の専門知識。")
    reply = chat.press("下書きに書き足す")
    assert "書き足したいこと" in reply
    chat.send("2027年にFP2級を取る。")
    chat.press("確定する")
    wcm = card(chat)["will_can_must"]
    assert wcm["can"] == (
        "みなと銀行では、お客さまの話を丁寧に聞く力を身につけました。粘り強さが強みです。"
    )
    assert wcm["direction"] == (
        "FPなど、お金の専門知識を身につけるための学び直しを考えています。\n2027年にFP2級を取る。"
    )


# 様式1 ----------------------------------------------------------------------------------------
def test_career_plan_1_1_from_drafts(chat: Chat) -> None:
    chat.start_profile()
    seed(
        chat,
        {
            "profile.has_experience": True,
            "lifeline.values": "人の役に立つこと",
            "lifeline.strengths": "粘り強さ",
            "will_can_must.can": "経理実務15年",
            "will_can_must.will": "中小企業を支える",
            "will_can_must.direction": "FP2級を取る",
        },
    )
    reply = chat.payload("m|career_plan")
    assert "キャリアコンサルタント" in reply and "書きません" in reply
    assert "人の役に立つことを大切にしています。" in reply
    chat.press("この下書きを使う")
    assert "粘り強さが強みです。" in chat.text
    chat.press("この下書きを使う")
    chat.send("地域の中小企業の経理を支える専門職になりたい。")
    chat.press("この下書きを使う")
    assert "いつまでに" in chat.text  # the plan has no "by when": one follow-up
    chat.press("このままで次へ")
    reply = chat.text
    assert "＜キャリアコンサルティング実施者の記入欄＞" not in reply
    chat.press("確定する")
    plan = card(chat)["career_plan"]
    assert plan == {
        "form": "1-1",
        "values_interests": "人の役に立つことを大切にしています。",
        "strengths": "粘り強さが強みです。",
        "future_work": "地域の中小企業の経理を支える専門職になりたい。",
        "next_steps": "FP2級を取ります。",
        "school_activities": None,
        "consultant_entry": None,
    }


def test_career_plan_1_2_without_work_experience(chat: Chat) -> None:
    chat.start_profile()
    seed(chat, {"profile.has_experience": False})
    reply = chat.payload("m|career_plan")
    assert "学校生活" in reply
    chat.send("ゼミで商店街の調査を行った。")
    reply = chat.send("地域のお店")
    assert "「地域のお店」ですね" in reply  # a short answer gets one follow-up …
    chat.send("個人のお店がどうやって常連客をつくっているか")
    chat.send("人と話すのが得意、数字が苦手")
    chat.send("地元の企業で働きたい")
    chat.send("来年3月までに簿記3級を取り、経理の仕事に就く")
    chat.press("確定する")
    plan = card(chat)["career_plan"]
    assert plan["form"] == "1-2"
    assert plan["school_activities"] == "ゼミで商店街の調査を行った。"
    # … and what builds on it is added to it.
    assert plan["values_interests"] == "地域のお店\n個人のお店がどうやって常連客をつくっているか"
    assert plan["strengths"] == "人と話すのが得意、数字が苦手"
    assert plan["future_work"] == "地元の企業で働きたい"
    assert plan["next_steps"] == "来年3月までに簿記3級を取り、経理の仕事に就く"


def test_card_json_is_plain_json() -> None:
    result = card_json(build_jobcard({}, created_on=NOW.date()))
    assert json.loads(json.dumps(result)) == result
    assert result["person"] == {"name": None, "furigana": None, "created_on": "2026-11-22"}
    assert result["work_history"] == [] and result["career_plan"]["form"] == "1-1"


def test_menu_suggests_the_practice_order(chat: Chat) -> None:
    chat.start_profile()
    reply = chat.send("/menu")
    assert "次のおすすめ：プロフィール" in reply
    seed(chat, {"profile._completed": True})
    assert "次のおすすめ：職務経歴（様式2）" in chat.send("/menu")
    seed(chat, {"work_history._completed": True})
    assert "次のおすすめ：免許・資格（様式3-1）" in chat.send("/menu")
    assert "2/" in chat.text and "項目が完了" in chat.text

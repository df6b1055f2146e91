"""How many messages 様式2 takes one person: typed in by hand, and imported from their CV.

Kenji (52) has worked for three employers. By hand he answers every question of every
employer, with the stumbles people have: a year without its month, thin answers that get a
coaching follow-up, a date typed in a way that is not a date. With his 職務経歴書 he pastes
it, confirms each entry and writes what he learned in each job. Both paths are counted here
and the figures are in the README.
"""

from __future__ import annotations

from bot.engine import COMPLETED
from tests.chat import Chat

CV = """職務経歴書
2026年11月1日現在　佐藤 健二

■職務要約
自動車部品の製造現場で18年、物流倉庫で8年、現在は物流センターで品質と安全の管理を担当しています。

■職務経歴
◆1992年4月～2010年3月　株式会社東和プレス工業（正社員）
・自動車部品のプレス加工ラインでオペレーターとして勤務
・2002年からライン班長として作業者8名をまとめ、不良率を2％から0.5％に改善

◆2010年4月～2018年3月　有限会社さくら物流
・倉庫内の入出荷管理（1日300件）とフォークリフトでの荷役
・繁忙期のアルバイト20名のシフト作成と指導

◆2018年4月～現在　株式会社かながわロジスティクス（契約社員）
・物流センターの品質・安全管理担当として、誤出荷の原因分析と再発防止策を立案
・誤出荷率を半年で40％削減

■資格
普通自動車第一種運転免許（1991年8月取得）
フォークリフト運転技能講習修了　2010年6月

■学歴
1989年4月～1992年3月　神奈川県立湘南工業高等学校　機械科
"""

LEARNED = [
    "不良の原因を現場で確かめてから対策を決める習慣と、班長として作業者の声を聞いて"
    "段取りを変える力が身についた（現状の把握・部下マネジメント）。",
    "荷物の量が日によって大きく変わる中で、前日に人員と作業の順番を計画し、急な変更にも"
    "落ち着いて対応する力が身についた（計画の立案・状況への対応）。",
    "誤出荷のデータを集めて原因を分類し、現場の人にわかる手順書にまとめて定着させる力が"
    "身についた（課題の設定・社内対応）。",
]

MANUAL = [
    ("send", "はい"),
    ("send", "1992年～2010年"),  # years only: the months are asked for
    ("send", "4月～3月"),
    ("send", "株式会社東和プレス工業"),
    ("press", "正社員"),
    ("send", "プレスの仕事です"),  # thin: a coaching follow-up
    ("send", "プレス加工ラインの班長として作業者8名をまとめ、不良率を2％から0.5％に下げた。"),
    ("send", "いろいろ学んだ"),  # thin again
    ("send", LEARNED[0]),
    ("press", "追加する"),
    ("send", "2010年4月から2018年3月"),
    ("send", "有限会社さくら物流"),
    ("send", "せいしゃいん"),  # typed in kana
    ("send", "倉庫で入出荷管理とフォークリフトでの荷役をした。"),  # no number, for whom: follow-up
    ("send", "1日300件の入出荷を管理し、繁忙期はアルバイト20名のシフトも作った。"),
    ("send", LEARNED[1]),
    ("press", "追加する"),
    ("send", "2018年4月"),  # the start alone: the end is asked for
    ("send", "げんざい"),
    ("send", "株式会社かながわロジスティクス"),
    ("press", "契約社員"),
    ("send", "品質管理"),  # thin
    ("send", "誤出荷の原因を分析して再発防止策を立て、誤出荷率を半年で40％減らした。"),
    ("send", LEARNED[2]),
    ("press", "これで全部"),
    ("press", "確定する"),
]


def _ready(chat: Chat) -> None:
    chat.start_profile()
    for answer in ("佐藤 健二", "さとう けんじ", "50代", "正社員", "はい", "2"):
        chat.send(answer)
    chat.press("確定")


def _completed(chat: Chat) -> bool:
    return chat.answers().get(f"work_history.{COMPLETED}") is True


def count_by_hand(chat: Chat) -> int:
    """Messages Kenji sends to fill in and confirm 様式2 by hand."""
    _ready(chat)
    turns = 1
    chat.send("職務経歴")
    for how, text in MANUAL:
        turns += 1
        chat.press(text) if how == "press" else chat.send(text)
    assert _completed(chat), chat.text
    return turns


def count_with_cv(chat: Chat) -> int:
    """Messages Kenji sends to get 様式2 confirmed from his 職務経歴書."""
    _ready(chat)
    turns = 3
    chat.send("職務経歴")
    chat.press("職務経歴書から読み込む")
    chat.send(CV)
    learned = iter(LEARNED)
    while not _completed(chat) and turns < 40:
        turns += 1
        text = chat.text
        if "雇用形態を選んでください" in text:
            chat.press("正社員")
        elif "学んだこと、身についた知識" in text:
            chat.send(next(learned))
        elif "この内容で登録しますか" in text:
            chat.press("登録する")
        elif "ほかにも勤務先はありますか" in text:
            chat.press("これで全部")
        else:
            chat.press("確定する")
    assert _completed(chat), chat.text
    return turns


def test_importing_the_cv_brings_sheet_2_down_to_15_messages_or_fewer(chat: Chat) -> None:
    turns = count_with_cv(chat)
    jobs = chat.answers()["work_history.jobs"]
    assert [job["employer"] for job in jobs] == [
        "株式会社東和プレス工業",
        "有限会社さくら物流",
        "株式会社かながわロジスティクス",
    ]
    assert [job["learned"] for job in jobs] == LEARNED
    assert jobs[1]["employment_type"] == "regular"  # asked, as the CV did not say
    assert len(chat.answers()["licenses.licenses"]) == 2
    assert turns <= 15, turns


def test_by_hand_the_same_sheet_takes_far_more(chat: Chat) -> None:
    by_hand = count_by_hand(chat)
    jobs = chat.answers()["work_history.jobs"]
    assert [job["employer"] for job in jobs][-1] == "株式会社かながわロジスティクス"
    assert by_hand >= 25, by_hand

"""A persona completes the whole card through `jobcard chat` from a file; the export has it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES

PERSONA = FIXTURES / "personas" / "hanako.txt"


def test_hanako_fills_in_the_whole_card(tmp_path: Path) -> None:
    env = dict(os.environ, JOBCARD_DATABASE_URL=f"sqlite:///{tmp_path / 'card.sqlite3'}")
    with PERSONA.open(encoding="utf-8") as script:
        chat = subprocess.run(
            [sys.executable, "-m", "bot", "chat", "--user", "hanako"],
            stdin=script,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
    assert chat.returncode == 0, chat.stderr
    assert "ジョブ・カードの進み具合：7/7項目が完了" in chat.stdout
    assert "すでに終わって" not in chat.stdout and "申し訳" not in chat.stdout
    exported = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--user", "console:hanako", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    card = json.loads(exported.stdout)
    assert set(card) == {
        "format",
        "person",
        "career_plan",
        "work_history",
        "licenses",
        "education",
        "training",
        "lifeline",
        "reflection",
        "will_can_must",
    }
    assert card["format"] == "jobcard-coach/1"
    assert card["person"]["name"] == "佐藤 花子"
    assert card["person"]["furigana"] == "さとう はなこ"
    assert card["work_history"] == [
        {
            "start": "1993-04",
            "end": "2008-03",
            "employer": "株式会社みなと銀行",
            "employment_type": "regular",
            "duties": "個人のお客さま約300名の預金・ローンの窓口相談を担当し、"
            "年間約1,200件の手続きを行った。",
            # 「いろいろ学んだ」 was coached; the fuller answer took its place.
            "learned": "お客さまの話を丁寧に聞いて、"
            "必要な手続きを正確に説明する力が身についた（社外対応・現状の把握）。",
        },
        {
            "start": "2008-04",
            "end": None,
            "employer": "有限会社さくら会計事務所",
            "employment_type": "contract",
            "duties": "中小企業約60社の記帳代行と月次試算表の作成を担当し、新人スタッフ2名の指導も"
            "行っている。",
            "learned": "期限の迫る複数の案件を計画的に進める段取り力と、数字の誤りに気づく注意力が"
            "身についた（計画の立案・課題の遂行）。",
        },
    ]
    assert card["licenses"] == [
        {
            "name": "日商簿記検定2級",
            "acquired": "1998-06",
            "issuer": "日本商工会議所",
            "description": "企業の取引を記帳し、決算書を読み取れることを証明する。",
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
    assert card["education"] == [
        {
            "start": "1991-04",
            "end": "1993-03",
            "school": "みなと短期大学",
            "department": "経済科",
            "content": None,
        }
    ]
    assert card["training"] == [
        {
            "start": "2024-10",
            "end": "2025-03",
            "provider": "神奈川県立産業技術短期大学校",
            "course": "IT活用経理事務科",
            "content": "会計ソフトとExcelを使った経理事務を学んだ。",
        }
    ]
    assert card["lifeline"] == [
        {"age": 20, "event": "銀行に就職", "score": 60, "note": None},
        {"age": 35, "event": "出産・育児で退職", "score": -40, "note": None},
        {"age": 45, "event": "会計事務所で責任者に", "score": 80, "note": "所長から任された"},
    ]
    assert card["reflection"]["weakness"] == "新しいパソコンのソフトを覚えるのに時間がかかる。"
    wcm = card["will_can_must"]
    assert wcm["will"] == "これまでの経理経験を活かして、中小企業のお金の相談にのる仕事がしたい。"
    # Can was drafted from what each job taught and the life-line strengths, in one voice.
    assert wcm["can"].startswith("有限会社さくら会計事務所での経験から、")
    assert "困ったときに一人で抱え込まず" in wcm["can"]
    assert wcm["must"].startswith("親の介護があるため")
    assert wcm["worries"] == ["money", "care"]
    assert wcm["direction"].startswith("お金の相談にのるためのFPの知識と資格を身につけるために、")
    plan = card["career_plan"]
    assert plan["form"] == "1-1"
    assert plan["values_interests"] == (
        "満足度が高かった時期を振り返ると、"
        "どちらも、お客さまと直接関わり、頼りにされていると感じられました。"
    )
    assert plan["strengths"].startswith("困ったときに一人で抱え込まず")
    assert "一方で、新しいパソコンのソフトを覚えるのに時間がかかります。" in plan["strengths"]
    assert plan["future_work"].startswith("これまでの経理経験を活かして")
    assert "2027年1月にFP2級を取得し、その後AFP登録を目指します。" in plan["next_steps"]
    assert plan["school_activities"] is None
    assert plan["consultant_entry"] is None  # only a counselor writes this box

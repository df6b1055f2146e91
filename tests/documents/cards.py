"""Fixed, rich Job Cards for the document tests and the benchmark (built from answers)."""
# ruff: noqa: E501 -- fixture data: long Japanese answers read best on one line each

from __future__ import annotations

from datetime import date
from typing import Any

from bot.jobcard import JobCard, build_jobcard

CREATED_ON = date(2026, 11, 22)

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)"> <b>太字</b> &amp; &lt;',
    "**強調** _斜体_ [リンク](https://example.com) # 見出し",
    '=HYPERLINK("https://example.com","クリック")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-1+1",
    "=1+1",
]

JOBS = [
    (
        "1993-04",
        "1998-03",
        "株式会社みなと銀行",
        "regular",
        "個人のお客さま約300名の預金・ローンの窓口相談を担当し、年間約1,200件の手続きを行った。",
        "お客さまの話を丁寧に聞き、必要な手続きを正確に説明する力が身についた。",
    ),
    (
        "1998-04",
        "2003-09",
        "みなと信用保証株式会社",
        "regular",
        "住宅ローンの保証審査を担当。月40件の申込書類を確認し、審査結果の通知書を作成した。",
        "数字の根拠を確かめてから判断する習慣と、書類の不備に気づく注意力が身についた。",
    ),
    (
        "2003-10",
        "2008-03",
        "株式会社ひかり人材サービス",
        "dispatched",
        "派遣社員として製造業3社の経理部門で伝票入力と請求書の発行を担当した。",
        "職場ごとに違うやり方を短期間で覚え、周りに確認しながら進める力が身についた。",
    ),
    (
        "2008-04",
        "2015-03",
        "有限会社さくら会計事務所",
        "contract",
        "中小企業約60社の記帳代行と月次試算表の作成を担当し、新人スタッフ2名の指導も行った。",
        "期限の迫る複数の案件を計画的に進める段取り力が身についた。",
    ),
    (
        "2015-04",
        None,
        "さくら税理士法人",
        "part_time",
        "年末調整と給与計算を担当。約40社・800名分の源泉徴収票を毎年作成している。",
        "お客さまの立場で分かりやすく説明する力と、制度の改正を調べて取り入れる力が身についた。",
    ),
]

LICENSES = [
    (
        "日商簿記検定2級",
        "acquired",
        "1998-06",
        "日本商工会議所",
        "企業の取引を記帳し、決算書を読み取れることを証明する。",
    ),
    ("普通自動車第一種運転免許", "acquired", "1992-08", "神奈川県公安委員会", None),
    (
        "給与計算実務能力検定2級",
        "acquired",
        "2016-11",
        "一般財団法人職業技能振興会",
        "給与計算と社会保険の基礎知識を証明する。",
    ),
    (
        "ITパスポート",
        "acquired",
        "2020-03",
        "独立行政法人情報処理推進機構",
        "ITの基礎知識を証明する国家試験。",
    ),
    ("Microsoft Office Specialist Excel 365", "acquired", "2024-12", "Microsoft", None),
    ("２級ファイナンシャル・プランニング技能士", "planned", "2027-01", None, None),
]

LIFELINE = [
    (6, "小学校に入学", 30, None),
    (12, "地区の野球大会で優勝した", 80, "みんなで喜んだ"),
    (15, "受験に失敗", -60, None),
    (18, "短大に合格", 70, None),
    (20, "銀行に就職", 60, None),
    (25, "大きな失敗をして落ち込んだ", -50, "お客さまに迷惑をかけた"),
    (28, "結婚", 90, None),
    (32, "異動で慣れない部署へ", -30, None),
    (35, "出産・育児で退職", -40, None),
    (38, "パートで仕事に復帰", 20, None),
    (45, "会計事務所で責任者に", 80, "所長から任された"),
    (50, "親の介護が始まる", -20, None),
]


def _period(start: str | None, end: str | None) -> dict[str, Any]:
    return {"start": start, "end": end}


def rich_answers(*, form: str = "1-1") -> dict[str, Any]:
    """Answers keyed ``dialog.field`` for a full card: 5 jobs, 6 licences, 12 life events."""
    answers: dict[str, Any] = {
        "profile.name": "佐藤 花子",
        "profile.furigana": "さとう はなこ",
        "profile.has_experience": form == "1-1",
        "work_history.jobs": [
            {
                "period": _period(start, end),
                "employer": employer,
                "employment_type": kind,
                "duties": duties,
                "learned": learned,
            }
            for start, end, employer, kind, duties, learned in JOBS
        ],
        "licenses.licenses": [
            {
                "name": name,
                "status": status,
                "planned_on" if status == "planned" else "acquired": when,
                "issuer": issuer,
                "description": description,
            }
            for name, status, when, issuer, description in LICENSES
        ],
        "education_training.education": [
            {
                "period": _period("1988-04", "1991-03"),
                "school": "県立みなと高等学校",
                "department": "普通科",
                "content": None,
            },
            {
                "period": _period("1991-04", "1993-03"),
                "school": "みなと短期大学",
                "department": "経済科",
                "content": "簿記と経営学の基礎を学んだ。",
            },
        ],
        "education_training.training": [
            {
                "period": _period("2024-10", "2025-03"),
                "provider": "神奈川県立産業技術短期大学校",
                "course": "IT活用経理事務科",
                "content": "会計ソフトとExcelを使った経理事務を学んだ。",
            },
            {
                "period": _period("2025-06", "2025-08"),
                "provider": "日本FP協会",
                "course": "AFP認定研修",
                "content": "ライフプランと資金計画の立て方を学んだ。",
            },
        ],
        "lifeline.points": [
            {"age": age, "event": event, "score": score, "note": note}
            for age, event, score, note in LIFELINE
        ],
        "will_can_must.will": "これまでの経理経験を活かして、中小企業のお金の相談にのる仕事がしたい。",
        "will_can_must.can": "窓口相談と記帳代行の経験。困ったときに一人で抱え込まず、周りに相談して一歩ずつ進めること。",
        "will_can_must.must": "親の介護があるため、週4日程度の勤務が望ましい。収入は今と同じ程度が必要。",
        "lifeline.peak_story": "会計事務所で責任者を任され、お客さまの会社の数字が良くなるのを一緒に喜べた。",
        "lifeline.peak_common": "どちらも仲間と一緒に目標を追いかけ、任されて自分で工夫できた時期だった。",
        "lifeline.trough_story": "出産で退職し、社会から取り残されたように感じていた。",
        "lifeline.recovery": "パートで少しずつ仕事に戻り、できることを一つずつ増やした。家族の支えも大きかった。",
        "lifeline.values": "人の役に立っていると実感できること。任されて自分で工夫できること。",
        "lifeline.strengths": "困ったときに一人で抱え込まず、周りに相談して一歩ずつ進めること。",
        "lifeline.weakness": "人前で話すと緊張してしまう。",
        "lifeline.weakness_effort": "勉強会で毎月発表して、話すことに慣れるようにしている。",
        "will_can_must.worries": ["money", "care"],
        "will_can_must.overlap": "中小企業の経理を支えながら、お金の相談にものること。",
        "will_can_must.gap": "FPとしての知識と、相談を受ける経験が足りない。",
        "will_can_must.direction": "お金の相談にのるためのFPの知識と資格。\n2027年1月にFP2級を取得し、その後AFP登録を目指す。",
        "career_plan.next_steps": "2027年1月にFP2級を取得し、その後AFP登録を目指す。",
    }
    if form == "1-1":
        answers |= {
            "career_plan.values_interests": "お客さまと直接関わり、頼りにされていると感じられることを大切にしたい。",
            "career_plan.strengths": "困ったときに一人で抱え込まず、周りに相談して一歩ずつ進めること。\n弱みは人前で話すことで、勉強会で発表して克服しようとしている。",
            "career_plan.future_work": "中小企業の経理とお金の相談の両方ができる専門職として、地域の会社を支えたい。",
        }
    else:
        answers |= {
            "career_plan.school_activities": "短大のゼミで地元商店街の会計調査をし、インターンシップで信用金庫の窓口を体験した。",
            "career_plan.interests": "地域のお店や会社を数字で支える仕事に関心がある。",
            "career_plan.good_at": "得意なことはこつこつ記録をつけること。苦手なことは人前で話すこと。",
            "career_plan.goals": "3年以内に経理の実務を一通りこなせるようになりたい。",
        }
    return answers


def rich_card(*, form: str = "1-1", **overrides: Any) -> JobCard:
    """The rich card (``overrides`` replace answers, e.g. a hostile or very long one)."""
    return build_jobcard(rich_answers(form=form) | overrides, created_on=CREATED_ON)


def answers_in(card: JobCard) -> list[str]:
    """Every answer written on the card (what each format must show), unanswered ones left out."""
    plan = card.career_plan
    texts = [card.person.name, card.person.furigana]
    texts += [plan.values_interests, plan.strengths, plan.future_work]
    texts += [plan.next_steps, plan.school_activities]
    for job in card.work_history:
        texts += [job.employer, job.duties, job.learned]
    for item in card.licenses:
        texts += [item.name, item.issuer, item.description]
    for row in card.education:
        texts += [row.school, row.department, row.content]
    for training in card.training:
        texts += [training.provider, training.course, training.content]
    for point in card.lifeline:
        texts += [point.event, point.note]
    ref = card.reflection
    texts += [ref.peak, ref.peak_common, ref.trough, ref.recovery, ref.values, ref.strengths]
    texts += [ref.weakness, ref.weakness_effort]
    wcm = card.will_can_must
    texts += [wcm.will, wcm.can, wcm.must, wcm.overlap, wcm.gap, wcm.direction]
    texts += ["お金・収入、家族の介護・子育て"] if wcm.worries == ["money", "care"] else []
    return [text for text in texts if text]

"""Examples that fit the person: each occupation family sees its own, in Japanese and English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.engine import DialogLoadError, load_dialogs
from bot.engine.families import FAMILIES, STUDENT, family
from bot.engine.model import Group, Question
from dialogs import DIALOGS_DIR
from tests.chat import Chat
from tests.test_coaching_dialogs import seed

# Said to a factory worker before examples fitted the person (issue 13).
SALES_LESSON = "お客さまの話をよく聴いて課題を整理し"
SME_EXAM = "中小企業診断士"


def _examples_shown(reply: str) -> str:
    assert "記入例：" in reply or "Examples:" in reply, reply
    return reply


def _start_job(chat: Chat, employer: str) -> None:
    """Begin a first employer in 様式2 and stop at ＜職務の内容＞."""
    chat.start_profile()
    chat.payload("m|work_history")
    chat.press("はい")
    chat.send("2010年4月～現在")
    chat.send(employer)
    chat.press("正社員")


def test_a_factory_worker_sees_factory_examples(chat: Chat) -> None:
    # The employer alone, typed a moment ago, already tells the family.
    _start_job(chat, "株式会社山田製作所 第二工場")
    duties = _examples_shown(chat.send("例を見る"))
    assert "プレス加工ライン" in duties and "法人営業" not in duties
    chat.send(
        "自動車部品のプレス加工ラインで、班長として8名の作業者をまとめ、1日約1,200個を生産した。"
    )
    learned = _examples_shown(chat.send("例"))
    assert "不良の原因" in learned and SALES_LESSON not in learned
    # Later sections too: the direction of a factory worker is no 中小企業診断士 exam.
    chat.send(
        "段取りを見直して不良を減らす進め方と、班をまとめて安全を守る力が身についた（部下マネジメント）。"
    )
    chat.press("これで全部")
    chat.press("確定する")
    chat.payload("m|will_can_must")
    chat.send("若い人に加工の技術を教える仕事を、60歳を過ぎても続けたいと思っています。")
    assert "NC旋盤での加工20年" in _examples_shown(chat.send("例を見る"))
    answers = chat.answers()
    assert family(answers) == "manufacturing"


def test_a_care_worker_sees_care_examples_in_english(chat: Chat) -> None:
    chat.send("/start")
    chat.press("English")
    chat.press("Yes")
    seed(
        chat,
        {
            "profile.has_experience": True,
            "work_history.jobs": [
                {
                    "period": {"start": "2012-04", "end": None},
                    "employer": "ひまわり苑",
                    "employment_type": "regular",
                    "duties": "特別養護老人ホームで入居者20名の介護を担当した。",
                    "learned": "利用者の変化に気づく観察力が身についた。",
                }
            ],
        },
    )
    chat.payload("m|lifeline")
    chat.press("Yes")
    chat.send("30")
    chat.send("Became a certified care worker")
    chat.send("80")
    chat.send("/skip")
    chat.press("Add another")
    chat.send("35")
    chat.send("Back injury")
    chat.send("-60")
    chat.send("/skip")
    chat.press("Add another")
    chat.send("40")
    chat.send("Unit leader")
    chat.send("60")
    chat.send("/skip")
    chat.press("That's all")
    reply = _examples_shown(chat.send("examples"))  # at the high point
    assert "resident who was almost bedridden" in reply
    assert not re.search(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]", reply), reply


def test_a_student_sees_school_and_part_time_examples(chat: Chat) -> None:
    chat.start_profile()
    seed(chat, {"profile.has_experience": False, "profile.employment_status": "student"})
    chat.payload("m|career_plan")
    school = _examples_shown(chat.send("例を見る"))
    assert "吹奏楽部" in school and "インターンシップ" in school
    # Someone without work experience may still open 様式2 by name: part-time examples.
    chat.send("/menu")
    chat.send("職務経歴")
    chat.press("はい")
    chat.send("2024年4月～現在")
    chat.send("コンビニエンスストア")
    chat.press("パート・アルバイト")
    assert "アルバイト" in _examples_shown(chat.send("例を見る"))


def test_without_a_known_family_the_default_examples_are_shown(chat: Chat) -> None:
    _start_job(chat, "株式会社ABC")
    reply = _examples_shown(chat.send("例を見る"))
    assert "法人営業" in reply  # the default list, as before


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"profile.has_experience": False}, STUDENT),
        ({"profile.purpose": "student"}, STUDENT),
        ({}, "default"),
        ({"work_history.jobs": [{"employer": "ひまわり苑", "duties": "訪問介護"}]}, "care"),
        ({"work_history.jobs": [{"employer": "X", "duties": "4トントラックで配送"}]}, "transport"),
        ({"work_history.jobs": [{"employer": "X", "duties": "SEとしてシステム開発"}]}, "it"),
        ({"work_history.jobs": [{"employer": "X", "duties": "I did it well"}]}, "default"),
        (
            {"work_history.jobs": [{"employer": "X", "duties": "bus and truck driver"}]},
            "transport",
        ),
        (
            {"work_history.jobs": [{"employer": "Y Holdings", "duties": "business planning"}]},
            "default",
        ),
        (
            {"work_history.jobs": [{"employer": "X", "duties": "オンラインでの販売"}]},
            "sales_service",
        ),
        ({"licenses.licenses": [{"name": "介護福祉士"}]}, "care"),
        (
            # The latest job decides: a former driver now in accounting is office.
            {
                "work_history.jobs": [
                    {"period": {"start": "2010-04", "end": None}, "duties": "経理と給与計算"},
                    {"period": {"start": "2000-04", "end": "2010-03"}, "duties": "トラック配送"},
                ]
            },
            "office",
        ),
    ],
)
def test_family_is_read_from_the_answers(answers: dict[str, Any], expected: str) -> None:
    assert family(answers) == expected


# The long-text questions whose examples must fit every family (issue 13).
COVERED = (
    "work_history",
    "licenses",
    "education_training",
    "lifeline",
    "will_can_must",
    "career_plan",
)
CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff01-\uff65\u30fb]")


def _long_texts() -> list[tuple[str, Question]]:
    catalog = load_dialogs([DIALOGS_DIR]).catalog
    found = []
    for dialog_id in COVERED:
        for step in catalog.latest[dialog_id].steps:
            for question in [step, *(step.steps if isinstance(step, Group) else ())]:
                if isinstance(question, Question) and question.answer.kind == "long_text":
                    found.append((dialog_id, question))
    return found


@pytest.mark.parametrize(
    ("dialog_id", "question"), _long_texts(), ids=lambda v: getattr(v, "id", v)
)
def test_every_long_text_question_has_three_examples_per_family(
    dialog_id: str, question: Question
) -> None:
    by_family = dict(question.family_examples)
    # 様式1-2's own boxes are asked only without work experience, where everyone is a student.
    only_students = question.when is not None and "has_experience == false" in question.when.source
    needed = (STUDENT,) if only_students else FAMILIES
    for name in needed:
        shown = by_family.get(name, ())
        assert len(shown) >= 3, f"{dialog_id}.{question.id}: {name} has {len(shown)}"
        for example in shown:
            assert example.ja.strip() and example.en.strip()
            assert not CJK_PUNCTUATION.search(example.en), example.en
            assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", example.en), example.en
    assert question.examples, f"{dialog_id}.{question.id} has no default examples"


def test_examples_of_different_families_differ() -> None:
    for dialog_id, question in _long_texts():
        lists = [tuple(e.ja for e in shown) for _, shown in question.family_examples]
        if len(lists) > 2:
            assert len(set(lists)) > len(lists) // 2, f"{dialog_id}.{question.id}"


# The examples file: checked like the dialog itself ---------------------------------------------
def _dialog_with_examples(tmp_path: Path, examples: str) -> Path:
    (tmp_path / "examples").mkdir()
    dialog = tmp_path / "jobs.yaml"
    dialog.write_text(
        "id: jobs\nversion: 1\ntitle: {ja: 職歴, en: Jobs}\nsteps:\n"
        "  - id: duties\n    ask: long_text\n"
        '    prompt: {ja: 仕事は？, en: "What did you do?"}\n'
        "    examples:\n      - {ja: 例, en: Example}\n",
        encoding="utf-8",
    )
    (tmp_path / "examples" / "jobs.yaml").write_text(examples, encoding="utf-8")
    return dialog


def test_examples_file_is_merged_and_pinned(tmp_path: Path) -> None:
    path = _dialog_with_examples(
        tmp_path, "duties:\n  care:\n    - {ja: 介護の例, en: A care example}\n"
    )
    loaded = load_dialogs([path])
    [question] = loaded.catalog.latest["jobs"].steps
    assert isinstance(question, Question)
    assert [e.ja for e in question.examples] == ["例"]
    assert dict(question.family_examples)["care"][0].en == "A care example"
    # The stored spec carries the examples: a pinned conversation keeps them.
    [spec] = loaded.specs.values()
    assert spec["steps"][0]["examples"]["care"][0]["ja"] == "介護の例"


@pytest.mark.parametrize(
    ("examples", "rule", "line"),
    [
        ("duties:\n  factory:\n    - {ja: 例, en: Example}\n", "unknown_family", 2),
        ("nowhere:\n  care:\n    - {ja: 例, en: Example}\n", "unknown_step", 1),
        ("duties:\n  default:\n    - {ja: 例, en: Example}\n", "duplicate_examples", 1),
        ("duties:\n  care:\n    - {ja: 例}\n", "schema", 3),
    ],
)
def test_examples_file_errors_name_file_and_line(
    tmp_path: Path, examples: str, rule: str, line: int
) -> None:
    path = _dialog_with_examples(tmp_path, examples)
    with pytest.raises(DialogLoadError) as caught:
        load_dialogs([path])
    [error] = caught.value.errors
    assert error.rule == rule and error.line == line
    assert error.file == str(tmp_path / "examples" / "jobs.yaml")


def test_inline_mapping_with_an_unknown_family_is_refused(tmp_path: Path) -> None:
    dialog = tmp_path / "jobs.yaml"
    dialog.write_text(
        "id: jobs\nversion: 1\ntitle: {ja: 職歴, en: Jobs}\nsteps:\n"
        "  - id: duties\n    ask: long_text\n"
        '    prompt: {ja: 仕事は？, en: "What did you do?"}\n'
        "    examples:\n      default: [{ja: 例, en: Example}]\n"
        "      chef: [{ja: 例, en: Example}]\n",
        encoding="utf-8",
    )
    with pytest.raises(DialogLoadError) as caught:
        load_dialogs([dialog])
    assert [error.rule for error in caught.value.errors] == ["unknown_family"]

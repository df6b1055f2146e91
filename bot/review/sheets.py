"""The sheets of the Job Card as data: sections, their fields and the questions behind them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine.localized import Localized

L = Localized


@dataclass(frozen=True, slots=True)
class Field:
    """One box of a section; ``step`` is the dialog question that answers it."""

    name: str
    label: Localized
    step: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A sheet (or part of one): a single block, or a list of entries (``group``).

    Attributes:
        group: For a list, the dialog's group step that holds the entries.
        item: What one entry is called (「勤務先」).
        title_field: The field that names an entry in headings.
    """

    key: str
    title: Localized
    dialog: str
    fields: tuple[Field, ...]
    group: str | None = None
    item: Localized | None = None
    title_field: str = ""


PERIOD = Field("period", L("期間", "Period"))
_PERSON = Section(
    "person",
    L("基本情報", "Basic information"),
    "profile",
    (Field("name", L("氏名", "Name"), "name"),),
)
_PLAN_STEPS = (
    Field(
        "values_interests",
        L("価値観、興味、関心事項など", "Values, interests and concerns"),
        "values_interests",
    ),
    Field("strengths", L("強みなど", "Strengths"), "strengths"),
    Field(
        "future_work",
        L("将来取り組みたい仕事や働き方など", "Future work and way of working"),
        "future_work",
    ),
    Field(
        "next_steps",
        L("これから取り組むこと（学習・訓練など）", "Next steps (learning, training)"),
        "next_steps",
    ),
)
_PLAN_1_1 = Section(
    "career_plan",
    L(
        "様式1-1 キャリア・プランシート（就業経験がある方用）",
        "Form 1-1 Career plan sheet (with work experience)",
    ),
    "career_plan",
    _PLAN_STEPS,
)
_PLAN_1_2 = Section(
    "career_plan",
    L(
        "様式1-2 キャリア・プランシート（就業経験がない方、学卒者等用）",
        "Form 1-2 Career plan sheet (no work experience, graduates)",
    ),
    "career_plan",
    (
        Field(
            "school_activities",
            L(
                "学校生活・インターンシップ・キャリア教育等の状況",
                "School life, internships, career education",
            ),
            "school_activities",
        ),
        Field("values_interests", L("興味、関心事項", "Interests"), "interests"),
        Field("strengths", L("得意なこと・苦手なこと", "Good at / not good at"), "good_at"),
        Field("future_work", L("自らの目標", "Your goals"), "goals"),
        Field("next_steps", L("これから取り組むこと", "Next steps"), "next_steps"),
    ),
)
_LIST_SECTIONS = (
    Section(
        "work_history",
        L("様式2 職務経歴シート", "Form 2 Work history sheet"),
        "work_history",
        (
            PERIOD,
            Field("employer", L("会社名", "Company")),
            Field("employment_type", L("雇用形態", "Type of employment")),
            Field("duties", L("＜職務の内容＞", "<Duties>")),
            Field(
                "learned",
                L(
                    "＜職務の中で学んだこと、得られた知識・技能等＞",
                    "<What you learned, knowledge and skills gained>",
                ),
            ),
        ),
        "jobs",
        L("勤務先", "Employer"),
        "employer",
    ),
    Section(
        "licenses",
        L("様式3-1 職業能力証明（免許・資格）シート", "Form 3-1 Licences and qualifications"),
        "licenses",
        (
            Field("name", L("免許・資格の名称", "Name")),
            Field("acquired", L("取得年月", "Obtained in")),
            Field("issuer", L("免許・資格の実施・認定機関の名称", "Issued by")),
            Field("description", L("免許・資格の内容等", "Description")),
        ),
        "licenses",
        L("免許・資格", "Licence"),
        "name",
    ),
    Section(
        "education",
        L("様式3-2 職業能力証明シート：学習歴", "Form 3-2 Education"),
        "education_training",
        (
            PERIOD,
            Field("school", L("学校名", "School")),
            Field("department", L("学部・学科等", "Faculty / department")),
            Field("content", L("主な学習内容", "Main subjects")),
        ),
        "education",
        L("学習歴", "School"),
        "school",
    ),
    Section(
        "training",
        L("様式3-2 職業能力証明シート：訓練歴", "Form 3-2 Training"),
        "education_training",
        (
            PERIOD,
            Field("provider", L("訓練機関名", "Provider")),
            Field("course", L("コース名", "Course")),
            Field("content", L("訓練内容", "Content")),
        ),
        "training",
        L("訓練歴", "Course"),
        "course",
    ),
    Section(
        "lifeline",
        L("ライフラインチャート", "Life-line chart"),
        "lifeline",
        (
            Field("age", L("年齢", "Age")),
            Field("event", L("出来事", "Event")),
            Field("score", L("満足度", "Satisfaction")),
            Field("note", L("メモ", "Note")),
        ),
        "points",
        L("出来事", "Turning point"),
        "event",
    ),
)
_WCM = Section(
    "will_can_must",
    L("Will・Can・Must", "Will, Can, Must"),
    "will_can_must",
    (
        Field("will", L("Will（やりたいこと）", "Will"), "will"),
        Field("can", L("Can（できること）", "Can"), "can"),
        Field("must", L("Must（求められていること）", "Must"), "must"),
        Field(
            "direction",
            L("これから学ぶこと（リスキリングの方向）", "What to learn next"),
            "direction",
        ),
    ),
)
EMPLOYMENT = {
    "regular": L("正社員", "Regular employee"),
    "contract": L("契約社員", "Contract employee"),
    "dispatched": L("派遣社員", "Temporary (dispatched) worker"),
    "part_time": L("パート・アルバイト", "Part-time"),
    "self_employed": L("自営", "Self-employed"),
    "other": L("その他", "Other"),
}


def sections_of(card: Mapping[str, Any]) -> tuple[Section, ...]:
    """The sections of ``card`` in the order of the paper card."""
    plan = card.get("career_plan") or {}
    career = _PLAN_1_2 if plan.get("form") == "1-2" else _PLAN_1_1
    return (_PERSON, career, *_LIST_SECTIONS, _WCM)

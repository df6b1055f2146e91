"""The one description of the Job Card's layout: its sheets, their parts and fields, in order.

Every view of the card reads it: the PDF, HTML, Excel, Markdown and chat preview
(``bot.documents``) and the review dashboard (``bot.review.layout``). It works on the card's
JSON (``card_json``), the shape frozen review versions are stored in. Japanese labels are
the official headings verbatim.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.engine.dates import format_year_month
from bot.engine.localized import Lang, Localized

L = Localized

GRID = 12
"""Columns of the layout grid: table columns span some of them (HTML widths, Excel columns)."""

FieldKind = Literal[
    "text", "box", "period", "month", "acquired", "employment", "age", "score", "worries"
]
"""How a value is shown: a short text, a box of free text, 期間, 年月, 取得年月 (with
（取得予定）), 雇用形態, 年齢, 満足度, or the worries chosen (a box listing them)."""

PartShape = Literal["boxes", "entries", "table"]
"""Boxes of free text; numbered entries (様式2's employers); or a ruled table."""


@dataclass(frozen=True, slots=True)
class Field:
    """One box, fact or column.

    Attributes:
        name: Its key in a row of the card's JSON.
        step: The dialog question that answers it (in a list, the group step answers it).
        span: In a table, how many of the ``GRID`` columns it spans.
    """

    name: str
    label: Localized
    step: str | None = None
    kind: FieldKind = "text"
    span: int = GRID


@dataclass(frozen=True, slots=True)
class Part:
    """A part of a sheet: one block of fields, or a list of entries (``group``).

    Attributes:
        key: The card's JSON key it reads (and the key comments are attached to).
        dialog: The dialog whose answers fill it.
        caption: The heading printed above it on the sheet (None: the sheet's own heading).
        group: For a list, the dialog's group step that holds the entries.
        item: What one entry is called (「勤務先」).
        title_field: The field that names an entry in headings.
        blank_rows: Empty ruled rows a table keeps at least, to write in by hand.
    """

    key: str
    dialog: str
    fields: tuple[Field, ...]
    shape: PartShape = "boxes"
    caption: Localized | None = None
    group: str | None = None
    item: Localized | None = None
    title_field: str = ""
    blank_rows: int = 0


SheetKey = Literal["1", "2", "3-1", "3-2", "ref"]


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet of the card: its form number ("" for the reference page), title and parts."""

    key: SheetKey
    form: str
    title: Localized
    parts: tuple[Part, ...]
    consultant: bool = False
    note: Localized | None = None

    def heading(self, lang: Lang) -> str:
        """「様式2 職務経歴シート」, or the title alone for the reference page."""
        title = self.title.get(lang)
        if not self.form:
            return title
        return f"様式{self.form} {title}" if lang == "ja" else f"Form {self.form} {title}"

    def part_title(self, part: Part, lang: Lang) -> str:
        """A part's name on the dashboard: the sheet's heading, or 「様式3-2 学習歴」."""
        if part.caption is None:
            return self.heading(lang)
        caption = part.caption.get(lang)
        if not self.form:
            return caption
        return f"様式{self.form} {caption}" if lang == "ja" else f"Form {self.form} {caption}"


SHEET_KEYS: tuple[SheetKey, ...] = ("1", "2", "3-1", "3-2", "ref")
"""Every sheet: 様式1 (1-1 or 1-2), 2, 3-1, 3-2, and the reference page."""

CONSULTANT_LABEL = "＜キャリアコンサルティング実施者の記入欄＞"

EMPLOYMENT = {
    "regular": L("正社員", "Regular employee"),
    "contract": L("契約社員", "Contract employee"),
    "dispatched": L("派遣社員", "Temporary (dispatched) worker"),
    "part_time": L("パート・アルバイト", "Part-time"),
    "self_employed": L("自営", "Self-employed"),
    "other": L("その他", "Other"),
}

WORRIES = {
    "money": L("お金・収入", "Money and income"),
    "age": L("年齢", "Age"),
    "health": L("健康・体力", "Health and stamina"),
    "care": L("家族の介護・子育て", "Caring for family"),
    "skills": L("スキル・資格", "Skills and qualifications"),
}
"""The worries the Will/Can/Must dialog offers (its option labels)."""

PERIOD = Field("period", L("期間", "Period"), kind="period")

PERSON = Part(
    "person",
    "profile",
    (
        Field("name", L("氏名", "Name"), "name"),
        Field("furigana", L("ふりがな", "Furigana"), "furigana"),
    ),
    caption=L("基本情報", "Basic information"),
)
"""The header of every sheet (氏名 with its ふりがな); a part of its own on the dashboard."""


def _box(name: str, ja: str, en: str, step: str | None = None) -> Field:
    return Field(name, L(ja, en), step or name, kind="box")


_PLAN_1_1 = Sheet(
    "1",
    "1-1",
    L("キャリア・プランシート（就業経験がある方用）", "Career plan sheet (with work experience)"),
    (
        Part(
            "career_plan",
            "career_plan",
            (
                _box("values_interests", "価値観、興味、関心事項など", "Values, interests"),
                _box("strengths", "強みなど", "Strengths"),
                _box(
                    "future_work",
                    "将来取り組みたい仕事や働き方など",
                    "Future work and way of working",
                ),
                _box(
                    "next_steps",
                    "これから取り組むこと（学習・訓練など）",
                    "Next steps (learning, training)",
                ),
            ),
        ),
    ),
    consultant=True,
)
_PLAN_1_2 = Sheet(
    "1",
    "1-2",
    L(
        "キャリア・プランシート（就業経験がない方、学卒者等用）",
        "Career plan sheet (no work experience, graduates)",
    ),
    (
        Part(
            "career_plan",
            "career_plan",
            (
                _box(
                    "school_activities",
                    "学校生活・インターンシップ・キャリア教育等の状況",
                    "School life, internships, career education",
                ),
                _box("values_interests", "興味、関心事項", "Interests", "interests"),
                _box("strengths", "得意なこと・苦手なこと", "Good at / not good at", "good_at"),
                _box("future_work", "自らの目標", "Your goals", "goals"),
                _box("next_steps", "これから取り組むこと", "Next steps"),
            ),
        ),
    ),
    consultant=True,
)
_WORK_HISTORY = Sheet(
    "2",
    "2",
    L("職務経歴シート", "Work history sheet"),
    (
        Part(
            "work_history",
            "work_history",
            (
                PERIOD,
                Field("employer", L("会社名", "Company")),
                Field("employment_type", L("雇用形態", "Type of employment"), kind="employment"),
                Field("duties", L("＜職務の内容＞", "<Duties>"), kind="box"),
                Field(
                    "learned",
                    L(
                        "＜職務の中で学んだこと、得られた知識・技能等＞",
                        "<What you learned, knowledge and skills gained>",
                    ),
                    kind="box",
                ),
            ),
            shape="entries",
            group="jobs",
            item=L("勤務先", "Employer"),
            title_field="employer",
        ),
    ),
)
_LICENSES = Sheet(
    "3-1",
    "3-1",
    L("職業能力証明（免許・資格）シート", "Licences and qualifications"),
    (
        Part(
            "licenses",
            "licenses",
            (
                Field("name", L("免許・資格の名称", "Name"), span=3),
                Field("acquired", L("取得年月", "Obtained in"), kind="acquired", span=2),
                Field("issuer", L("免許・資格の実施・認定機関の名称", "Issued by"), span=3),
                Field("description", L("免許・資格の内容等", "Description"), span=4),
            ),
            shape="table",
            group="licenses",
            item=L("免許・資格", "Licence"),
            title_field="name",
            blank_rows=8,
        ),
    ),
)
_LEARNING = Sheet(
    "3-2",
    "3-2",
    L("職業能力証明（学習歴・訓練歴）シート", "Education and training"),
    (
        Part(
            "education",
            "education_training",
            (
                Field("period", L("期間", "Period"), kind="period", span=3),
                Field("school", L("学校名", "School"), span=3),
                Field("department", L("学部・学科等", "Faculty / department"), span=2),
                Field("content", L("主な学習内容", "Main subjects"), span=4),
            ),
            shape="table",
            caption=L("学習歴", "Education"),
            group="education",
            item=L("学習歴", "School"),
            title_field="school",
            blank_rows=4,
        ),
        Part(
            "training",
            "education_training",
            (
                Field("period", L("期間", "Period"), kind="period", span=3),
                Field("provider", L("訓練機関名", "Provider"), span=3),
                Field("course", L("コース名", "Course"), span=2),
                Field("content", L("訓練内容", "Content"), span=4),
            ),
            shape="table",
            caption=L("訓練歴", "Training"),
            group="training",
            item=L("訓練歴", "Course"),
            title_field="course",
            blank_rows=4,
        ),
    ),
)
_REFERENCE = Sheet(
    "ref",
    "",
    L("参考：ふり返りの記録", "For reference: what you reflected on"),
    (
        Part(
            "lifeline",
            "lifeline",
            (
                Field("age", L("年齢", "Age"), kind="age", span=1),
                Field("event", L("できごと", "Event"), span=5),
                Field("score", L("満足度", "Satisfaction"), kind="score", span=1),
                Field("note", L("そのときの気持ち・メモ", "Note"), span=5),
            ),
            shape="table",
            caption=L("ライフラインチャート", "Life-line chart"),
            group="points",
            item=L("できごと", "Turning point"),
            title_field="event",
        ),
        Part(
            "reflection",
            "lifeline",
            (
                _box("peak", "満足度が高かった時期", "The high point", "peak_story"),
                _box("peak_common", "満足度が高い時期の共通点", "What the high points share"),
                _box("trough", "満足度が低かった時期", "The low point", "trough_story"),
                _box("recovery", "乗り越え方・助けになったこと", "How you recovered"),
                _box("values", "大切にしている価値観", "Your values"),
                _box("strengths", "強み", "Your strengths"),
                _box("weakness", "弱み・苦手なこと", "Weaknesses"),
                _box("weakness_effort", "弱みを克服するための努力", "How you work on them"),
            ),
            caption=L("ライフラインのふり返り", "Looking back over the life-line"),
        ),
        Part(
            "will_can_must",
            "will_can_must",
            (
                _box("will", "Will（やりたいこと）", "Will (what you want to do)"),
                _box("can", "Can（できること）", "Can (what you can do)"),
                _box("must", "Must（求められていること）", "Must (what is asked of you)"),
                Field("worries", L("心配なこと", "Worries"), "worries", kind="worries"),
                _box("overlap", "Will・Can・Mustの重なるところ", "Where they overlap"),
                _box("gap", "足りないもの（Will − Can）", "The gap (Will − Can)"),
                _box(
                    "direction",
                    "これから学ぶこと（学び直しの方向性）",
                    "What to learn next (reskilling)",
                ),
            ),
            caption=L("Will・Can・Must", "Will, Can, Must"),
        ),
    ),
    note=L(
        "このページはジョブ・カードの様式ではありません。"
        "記入にあたって振り返った内容の控えです（提出は不要です）。",
        "This page is not a Job Card form: it keeps what you reflected on while writing it "
        "(you need not hand it in).",
    ),
)


def career_plan_form(card: Mapping[str, Any]) -> str:
    """「1-1」, or 「1-2」 for someone without work experience."""
    plan = card.get("career_plan")
    return "1-2" if isinstance(plan, Mapping) and plan.get("form") == "1-2" else "1-1"


def all_sheets(card: Mapping[str, Any]) -> tuple[Sheet, ...]:
    """Every sheet of ``card`` in the order of the paper card (様式1-1 or 1-2 first)."""
    plan = _PLAN_1_2 if career_plan_form(card) == "1-2" else _PLAN_1_1
    return (plan, _WORK_HISTORY, _LICENSES, _LEARNING, _REFERENCE)


def rows(part: Part, card: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A part's rows: the entries of a list, or the one block (empty when nothing is there)."""
    value = card.get(part.key)
    if part.group is None:
        return [value] if isinstance(value, Mapping) else []
    return [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []


def is_filled(part: Part, card: Mapping[str, Any]) -> bool:
    """Whether anything of ``part`` was answered."""
    return any(cell_text(row, field, "ja") for row in rows(part, card) for field in part.fields)


def applies(sheet: Sheet, card: Mapping[str, Any]) -> bool:
    """Whether ``sheet`` belongs in ``card``'s documents.

    様式1 always; the reference page once something on it was answered. Someone without
    work experience (様式1-2) gets 様式2, 3-1 and 3-2 only when they wrote something there,
    instead of blank sheets that are not theirs; everyone else gets every official sheet,
    blank ones as forms to fill in by hand.
    """
    if sheet.key == "1":
        return True
    if sheet.key == "ref" or career_plan_form(card) == "1-2":
        return any(is_filled(part, card) for part in sheet.parts)
    return True


def sheets_of(card: Mapping[str, Any], keys: tuple[str, ...] | None = None) -> tuple[Sheet, ...]:
    """The sheets of ``card`` that apply, of those named in ``keys`` (default: all)."""
    return tuple(
        sheet
        for sheet in all_sheets(card)
        if (keys is None or sheet.key in keys) and applies(sheet, card)
    )


def _month(value: Any, lang: Lang) -> str:
    return format_year_month(value, lang) if isinstance(value, str) else ""


def cell_text(row: Mapping[str, Any], field: Field, lang: Lang) -> str | None:
    """A field's value as people read it (None when unanswered)."""
    if field.kind == "period":
        start, end = row.get("start"), row.get("end")
        if start is None and end is None:
            return None
        if lang == "ja":
            return f"{_month(start, lang)}～{_month(end, lang) if end else '現在'}"
        return f"{_month(start, lang)} – {_month(end, lang) if end else 'present'}"
    value = row.get(field.name)
    if value is None or value == "" or value == []:
        return None
    if field.kind == "worries" and isinstance(value, list):
        names = [WORRIES[v].get(lang) if v in WORRIES else str(v) for v in value]
        return ("、" if lang == "ja" else ", ").join(names)
    if field.kind == "employment":
        return EMPLOYMENT[value].get(lang) if value in EMPLOYMENT else str(value)
    if field.kind in ("month", "acquired"):
        planned = ""
        if field.kind == "acquired" and row.get("planned"):
            planned = "（取得予定）" if lang == "ja" else " (planned)"
        return f"{_month(value, lang)}{planned}"
    if field.kind == "age":
        return f"{value}歳" if lang == "ja" else str(value)
    if field.kind == "score":
        return f"{value:+d}" if isinstance(value, int) else str(value)
    return str(value)

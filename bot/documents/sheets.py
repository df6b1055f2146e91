"""The card laid out sheet by sheet, with the official headings verbatim."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.documents.context import (
    SHEET_KEYS,
    Charts,
    Column,
    DocumentContext,
    Entry,
    Field,
    Sheet,
    Table,
    has_will_can_must,
)
from bot.jobcard import JobCard, WorkHistoryEntry

CONSULTANT_LABEL = "＜キャリアコンサルティング実施者の記入欄＞"

EMPLOYMENT_TYPES = {
    "regular": "正社員",
    "contract": "契約社員",
    "dispatched": "派遣社員",
    "part_time": "パート・アルバイト",
    "self_employed": "自営",
    "other": "その他",
}

_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def year_month(value: str | None) -> str:
    """``"2008-04"`` → 「2008年4月」 (anything else is shown as it is)."""
    match = _YEAR_MONTH.fullmatch(value or "")
    return f"{match[1]}年{int(match[2])}月" if match else value or ""


def full_date(value: str) -> str:
    """``"2026-11-22"`` → 「2026年11月22日」."""
    match = _DATE.fullmatch(value)
    return f"{match[1]}年{int(match[2])}月{int(match[3])}日" if match else value


def period(start: str | None, end: str | None) -> str:
    """「2008年4月～現在」: an open end is 「現在」, as the person answered it."""
    if start is None and end is None:
        return ""
    return f"{year_month(start)}～{year_month(end) if end else '現在'}"


def _s(value: str | None) -> str:
    return value or ""


def _career_plan(card: JobCard) -> Sheet:
    plan = card.career_plan
    consultant = Field(CONSULTANT_LABEL, _s(plan.consultant_entry))
    fields: tuple[Field, ...]
    if plan.form == "1-2":
        fields = (
            Field("学校生活・インターンシップ・キャリア教育等の状況", _s(plan.school_activities)),
            Field("興味、関心事項", _s(plan.values_interests)),
            Field("得意なこと・苦手なこと", _s(plan.strengths)),
            Field("自らの目標", _s(plan.future_work)),
            Field("これから取り組むこと", _s(plan.next_steps)),
        )
        title = "キャリア・プランシート（就業経験がない方、学卒者等用）"
    else:
        fields = (
            Field("価値観、興味、関心事項など", _s(plan.values_interests)),
            Field("強みなど", _s(plan.strengths)),
            Field("将来取り組みたい仕事や働き方など", _s(plan.future_work)),
            Field("これから取り組むこと（学習・訓練など）", _s(plan.next_steps)),
        )
        title = "キャリア・プランシート（就業経験がある方用）"
    return Sheet(
        "1", f"様式{plan.form}", title, "sheet_1.html.j2", fields=fields, consultant=consultant
    )


def _job(number: int, job: WorkHistoryEntry) -> Entry:
    kind = _s(job.employment_type)
    return Entry(
        number,
        facts=(
            Field("期間", period(job.start, job.end)),
            Field("会社名", _s(job.employer)),
            Field("雇用形態", EMPLOYMENT_TYPES.get(kind, kind)),
        ),
        fields=(
            Field("＜職務の内容＞", _s(job.duties)),
            Field("＜職務の中で学んだこと、得られた知識・技能等＞", _s(job.learned)),
        ),
    )


def _work_history(card: JobCard) -> Sheet:
    entries = tuple(_job(number, job) for number, job in enumerate(card.work_history, 1))
    # With no job yet, one blank block (number 0) keeps the sheet a fillable form.
    blank = _job(0, WorkHistoryEntry(None, None, None, None, None, None))
    return Sheet("2", "様式2", "職務経歴シート", "sheet_2.html.j2", entries=entries or (blank,))


def _licenses(card: JobCard) -> Sheet:
    rows = tuple(
        (
            _s(item.name),
            year_month(item.acquired) + ("\n（取得予定）" if item.planned else ""),
            _s(item.issuer),
            _s(item.description),
        )
        for item in card.licenses
    )
    columns = (
        Column("免許・資格の名称", 3),
        Column("取得年月", 2),
        Column("免許・資格の実施・認定機関の名称", 3),
        Column("免許・資格の内容等", 4),
    )
    table = Table("", columns, rows, blank_rows=max(0, 8 - len(rows)))
    title = "職業能力証明（免許・資格）シート"
    return Sheet("3-1", "様式3-1", title, "sheet_3_1.html.j2", tables=(table,))


def _learning(card: JobCard) -> Sheet:
    education = tuple(
        (period(row.start, row.end), _s(row.school), _s(row.department), _s(row.content))
        for row in card.education
    )
    training = tuple(
        (period(row.start, row.end), _s(row.provider), _s(row.course), _s(row.content))
        for row in card.training
    )
    span = (3, 3, 2, 4)
    tables = (
        Table(
            "学習歴",
            _columns(("期間", "学校名", "学部・学科等", "主な学習内容"), span),
            education,
            blank_rows=max(0, 4 - len(education)),
        ),
        Table(
            "訓練歴",
            _columns(("期間", "訓練機関名", "コース名", "訓練内容"), span),
            training,
            blank_rows=max(0, 4 - len(training)),
        ),
    )
    title = "職業能力証明（学習歴・訓練歴）シート"
    return Sheet("3-2", "様式3-2", title, "sheet_3_2.html.j2", tables=tables)


def _columns(labels: Sequence[str], spans: Sequence[int]) -> tuple[Column, ...]:
    return tuple(Column(label, span) for label, span in zip(labels, spans, strict=True))


def _reference(card: JobCard) -> Sheet:
    rows = tuple(
        (
            "" if p.age is None else f"{p.age}歳",
            _s(p.event),
            "" if p.score is None else f"{p.score:+d}",
            _s(p.note),
        )
        for p in card.lifeline
    )
    table = Table(
        "ライフラインチャート",
        _columns(("年齢", "できごと", "満足度", "そのときの気持ち・メモ"), (1, 5, 1, 5)),
        rows,
    )
    wcm = card.will_can_must
    fields: tuple[Field, ...] = (
        Field("Will（やりたいこと）", _s(wcm.will)),
        Field("Can（できること）", _s(wcm.can)),
        Field("Must（求められること・条件）", _s(wcm.must)),
        Field("学び直しの方向性", _s(wcm.direction)),
    )
    if not (has_will_can_must(wcm) or wcm.direction):
        fields = ()
    # Not an official sheet: no 様式 number, and it says so on the page.
    note = (
        "このページはジョブ・カードの様式ではありません。"
        "記入にあたって振り返った内容の控えです（提出は不要です）。"
    )
    return Sheet(
        "ref",
        form="",
        title="参考：ふり返りの記録",
        template="reference.html.j2",
        fields=fields,
        tables=(table,) if rows else (),
        note=note,
    )


_BUILDERS = {
    "1": _career_plan,
    "2": _work_history,
    "3-1": _licenses,
    "3-2": _learning,
    "ref": _reference,
}


def document_context(
    card: JobCard,
    sheets: Sequence[str] = SHEET_KEYS,
    *,
    charts: Charts | None = None,
) -> DocumentContext:
    """The plain context for ``sheets`` of ``card`` (the reference page only if it has content)."""
    built = []
    for key in sheets:
        wcm = card.will_can_must
        if key == "ref" and not (card.lifeline or has_will_can_must(wcm) or wcm.direction):
            continue
        built.append(_BUILDERS[key](card))
    return DocumentContext(
        name=_s(card.person.name),
        created_on=full_date(card.person.created_on),
        sheets=tuple(built),
        charts=charts or Charts(),
    )

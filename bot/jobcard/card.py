"""The ``JobCard`` value: every sheet of the card, built from a person's stored answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

FORMAT = "jobcard-coach/1"
CareerPlanForm = Literal["1-1", "1-2"]


@dataclass(frozen=True, slots=True)
class Person:
    """The header of every sheet: 氏名 (with its ふりがな) and 作成日."""

    name: str | None
    created_on: str
    furigana: str | None = None


@dataclass(frozen=True, slots=True)
class CareerPlan:
    """様式1-1 (with work experience) or 様式1-2 (without)."""

    form: CareerPlanForm
    values_interests: str | None = None
    strengths: str | None = None
    future_work: str | None = None
    next_steps: str | None = None
    school_activities: str | None = None
    consultant_entry: str | None = None


@dataclass(frozen=True, slots=True)
class WorkHistoryEntry:
    """One employer on 様式2."""

    start: str | None
    end: str | None
    employer: str | None
    employment_type: str | None
    duties: str | None
    learned: str | None


@dataclass(frozen=True, slots=True)
class LicenseEntry:
    """One row of 様式3-1; ``planned`` marks 取得予定 (``acquired`` is then the planned month)."""

    name: str | None
    acquired: str | None
    issuer: str | None
    description: str | None
    planned: bool


@dataclass(frozen=True, slots=True)
class EducationEntry:
    """One 学習歴 row of 様式3-2."""

    start: str | None
    end: str | None
    school: str | None
    department: str | None
    content: str | None


@dataclass(frozen=True, slots=True)
class TrainingEntry:
    """One 訓練歴 row of 様式3-2."""

    start: str | None
    end: str | None
    provider: str | None
    course: str | None
    content: str | None


@dataclass(frozen=True, slots=True)
class LifelinePoint:
    """One turning point of the life-line chart."""

    age: int | None
    event: str | None
    score: int | None
    note: str | None


@dataclass(frozen=True, slots=True)
class LifelineReflection:
    """What the person said looking back over the life-line (the dialog's reflection steps)."""

    peak: str | None = None
    peak_common: str | None = None
    trough: str | None = None
    recovery: str | None = None
    values: str | None = None
    strengths: str | None = None
    weakness: str | None = None
    weakness_effort: str | None = None


@dataclass(frozen=True, slots=True)
class WillCanMust:
    """The Will / Can / Must exercise: the three circles, the worries named beside Must (option
    values such as ``money``), where they overlap, the gap between Will and Can, and the
    reskilling direction it gave."""

    will: str | None = None
    can: str | None = None
    must: str | None = None
    worries: list[str] = field(default_factory=list)
    overlap: str | None = None
    gap: str | None = None
    direction: str | None = None


@dataclass(frozen=True, slots=True)
class JobCard:
    """The whole card, as plain values (templates and exports read only this)."""

    person: Person
    career_plan: CareerPlan
    work_history: list[WorkHistoryEntry] = field(default_factory=list)
    licenses: list[LicenseEntry] = field(default_factory=list)
    education: list[EducationEntry] = field(default_factory=list)
    training: list[TrainingEntry] = field(default_factory=list)
    lifeline: list[LifelinePoint] = field(default_factory=list)
    reflection: LifelineReflection = field(default_factory=LifelineReflection)
    will_can_must: WillCanMust = field(default_factory=WillCanMust)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _texts(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _entries(answers: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = answers.get(key)
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _period(entry: Mapping[str, Any]) -> tuple[str | None, str | None]:
    period = entry.get("period")
    if not isinstance(period, dict):
        return None, None
    return _text(period.get("start")), _text(period.get("end"))


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def build_jobcard(
    answers: Mapping[str, Any], *, created_on: date, consultant_entry: str | None = None
) -> JobCard:
    """Build the card from answers keyed ``dialog.field``.

    ``consultant_entry`` (＜キャリアコンサルティング実施者の記入欄＞) comes only from a counselor,
    never from the person's answers.
    """
    no_experience = answers.get("profile.has_experience") is False
    plan = answers.get

    def pick(with_experience: str, without: str) -> str | None:
        return _text(plan(f"career_plan.{without if no_experience else with_experience}"))

    career_plan = CareerPlan(
        form="1-2" if no_experience else "1-1",
        values_interests=pick("values_interests", "interests"),
        strengths=pick("strengths", "good_at"),
        future_work=pick("future_work", "goals"),
        next_steps=_text(plan("career_plan.next_steps")),
        school_activities=_text(plan("career_plan.school_activities")) if no_experience else None,
        consultant_entry=_text(consultant_entry),
    )
    work_history = [
        WorkHistoryEntry(
            *_period(job),
            employer=_text(job.get("employer")),
            employment_type=_text(job.get("employment_type")),
            duties=_text(job.get("duties")),
            learned=_text(job.get("learned")),
        )
        for job in _entries(answers, "work_history.jobs")
    ]
    licenses = [
        LicenseEntry(
            name=_text(item.get("name")),
            acquired=_text(
                item.get("planned_on" if item.get("status") == "planned" else "acquired")
            ),
            issuer=_text(item.get("issuer")),
            description=_text(item.get("description")),
            planned=item.get("status") == "planned",
        )
        for item in _entries(answers, "licenses.licenses")
    ]
    education = [
        EducationEntry(
            *_period(row),
            school=_text(row.get("school")),
            department=_text(row.get("department")),
            content=_text(row.get("content")),
        )
        for row in _entries(answers, "education_training.education")
    ]
    training = [
        TrainingEntry(
            *_period(row),
            provider=_text(row.get("provider")),
            course=_text(row.get("course")),
            content=_text(row.get("content")),
        )
        for row in _entries(answers, "education_training.training")
    ]
    points = sorted(
        _entries(answers, "lifeline.points"),
        key=lambda p: (_int(p.get("age")) is None, _int(p.get("age")) or 0),
    )
    lifeline = [
        LifelinePoint(
            age=_int(point.get("age")),
            event=_text(point.get("event")),
            score=_int(point.get("score")),
            note=_text(point.get("note")),
        )
        for point in points
    ]
    reflection = LifelineReflection(
        peak=_text(plan("lifeline.peak_story")),
        peak_common=_text(plan("lifeline.peak_common")),
        trough=_text(plan("lifeline.trough_story")),
        recovery=_text(plan("lifeline.recovery")),
        values=_text(plan("lifeline.values")),
        strengths=_text(plan("lifeline.strengths")),
        weakness=_text(plan("lifeline.weakness")),
        weakness_effort=_text(plan("lifeline.weakness_effort")),
    )
    will_can_must = WillCanMust(
        will=_text(plan("will_can_must.will")),
        can=_text(plan("will_can_must.can")),
        must=_text(plan("will_can_must.must")),
        worries=_texts(plan("will_can_must.worries")),
        overlap=_text(plan("will_can_must.overlap")),
        gap=_text(plan("will_can_must.gap")),
        direction=_text(plan("will_can_must.direction")),
    )
    person = Person(
        name=_text(plan("profile.name")),
        created_on=created_on.isoformat(),
        furigana=_text(plan("profile.furigana")),
    )
    return JobCard(
        person=person,
        career_plan=career_plan,
        work_history=work_history,
        licenses=licenses,
        education=education,
        training=training,
        lifeline=lifeline,
        reflection=reflection,
        will_can_must=will_can_must,
    )


def card_json(card: JobCard) -> dict[str, Any]:
    """The card in the documented ``jobcard-coach/1`` JSON shape."""
    return {"format": FORMAT, **asdict(card)}

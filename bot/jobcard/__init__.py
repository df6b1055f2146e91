"""The Job Card itself: the card value built from answers, and its exports."""

from bot.jobcard.card import (
    CareerPlan,
    EducationEntry,
    JobCard,
    LicenseEntry,
    LifelinePoint,
    LifelineReflection,
    Person,
    TrainingEntry,
    WillCanMust,
    WorkHistoryEntry,
    build_jobcard,
    card_json,
)

__all__ = [
    "CareerPlan",
    "EducationEntry",
    "JobCard",
    "LicenseEntry",
    "LifelinePoint",
    "LifelineReflection",
    "Person",
    "TrainingEntry",
    "WillCanMust",
    "WorkHistoryEntry",
    "build_jobcard",
    "card_json",
]

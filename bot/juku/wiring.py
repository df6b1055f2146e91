"""What the juku adds to the conversation service: its actions and its options source."""

from __future__ import annotations

from bot.juku import chat, exercises
from bot.service import Action, SourceProvider


def juku_actions() -> dict[str, Action]:
    """The service actions the juku, money_plan and career_design dialogs emit."""
    return {
        "join_cohort": chat.join_cohort,
        "juku_go": chat.juku_go,
        "leave_cohort": chat.leave_cohort,
        "money_projection": exercises.money_projection,
        "career_design_summary": exercises.career_design_summary,
    }


def juku_sources() -> dict[str, SourceProvider]:
    """The run-time options sources of the juku dialog."""
    return {"juku_todo": chat.juku_todo}

"""Juku fixtures: a clock that can be moved, a service with the juku actions, cohorts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.bootstrap import Runtime
from bot.juku import cohorts
from bot.juku.schedule import Cohort
from bot.juku.wiring import juku_actions, juku_sources
from bot.service import ConversationService
from storage import repositories
from tests.chat import Chat

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # 12:00 in Japan, as in tests/conftest.py
# Held on 1 Oct, 15 Oct, 5 Nov; the last session is on 26 Nov, after "today".
RUNNING = (date(2026, 10, 1), date(2026, 10, 15), date(2026, 11, 5), date(2026, 11, 26))
# Entirely after "today".
UPCOMING = (date(2026, 12, 3), date(2026, 12, 17), date(2027, 1, 14), date(2027, 1, 28))


class Clock:
    """A clock the test can move."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def juku_clock() -> Clock:
    return Clock()


@pytest.fixture
def juku_service(runtime: Runtime, juku_clock: Clock) -> ConversationService:
    return ConversationService(
        runtime.sessions,
        runtime.dialogs.catalog,
        runtime.dialogs.specs,
        clock=juku_clock,
        actions=juku_actions(),
        sources=juku_sources(),
    )


MakeCohort = Callable[..., Cohort]


@pytest.fixture
def make_cohort(runtime: Runtime) -> MakeCohort:
    def make(code: str = "K7M2QP", dates: tuple[date, ...] = RUNNING, **extra: Any) -> Cohort:
        with runtime.sessions.begin() as session:
            return cohorts.create_cohort(
                session,
                name=extra.pop("name", "神奈川 2026年秋"),
                season=extra.pop("season", "autumn"),
                mode=extra.pop("mode", "online"),
                dates=dates,
                code=code,
                now=NOW,
                **extra,
            )

    return make


def seed(chat: Chat, answers: dict[str, Any]) -> None:
    """Store answers directly, as if the person had given them."""
    with chat.service._sessions.begin() as session:
        repositories.lock_conversation(session, chat.person_id, NOW)
        for key, value in answers.items():
            dialog, field = key.split(".", 1)
            repositories.save_answer(session, chat.person_id, dialog, field, value, NOW)


def join(chat: Chat, code: str = "K7M2QP", name: str = "やまだ") -> str:
    """Consent, open the juku and join with ``code``; returns the last reply."""
    chat.start_profile()
    chat.send("塾")
    chat.send(name)
    return chat.send(code)

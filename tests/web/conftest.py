"""Dashboard fixtures: seeded accounts and submissions, the app served by uvicorn, a login."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import Runtime
from bot.jobcard import JobCard
from bot.review import accounts
from bot.review.service import submit
from bot.web import create_app
from tests.conftest import NOW
from tests.review.helpers import PASSWORD, PERSON, answer, fill_card, seed_accounts
from tests.web.server import serving

NAME = "山田<script>window.__pwned = 1</script>花子"
OTHER = "console:taro"


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    # The library defaults take about half a second per hash on a small machine.
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    accounts._dummy_hash.cache_clear()


@dataclass
class Clock:
    """A clock the test can move forward."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Dashboard:
    """A running dashboard over a seeded database."""

    url: str
    sessions: sessionmaker[Session]
    clock: Clock
    mine: str  # a submission to the counselor's centre (yokohama)
    theirs: str  # a submission to another centre (kawasaki)
    printed: list[JobCard] = field(default_factory=list)


def _seed(sessions: sessionmaker[Session]) -> tuple[str, str]:
    with sessions.begin() as session:
        seed_accounts(session, NOW)
        fill_card(session, PERSON, NOW, name=NAME)
        answer(session, PERSON, NOW, career_plan__next_steps="<b>簿記</b>の勉強 & 資格")
        mine = submit(session, PERSON, "yokohama", NOW).submission.public_id
        fill_card(session, OTHER, NOW, name="鈴木 太郎")
        theirs = submit(session, OTHER, "kawasaki", NOW).submission.public_id
    return mine, theirs


def make_dashboard(
    runtime: Runtime,
    pdf: Callable[[JobCard], bytes] | None,
    server: dict[str, Any] | None = None,
    **app_options: Any,
) -> Iterator[Dashboard]:
    """Seed the database and serve the dashboard until the test ends.

    ``server`` are uvicorn options (as ``jobcard web`` builds them); ``app_options`` go to
    ``create_app`` (limits, two-factor rule, secret key).
    """
    mine, theirs = _seed(runtime.sessions)
    clock = Clock()
    board = Dashboard("", runtime.sessions, clock, mine, theirs)

    def spy(card: JobCard) -> bytes:
        board.printed.append(card)
        return b"%PDF-1.7 test"

    app = create_app(runtime.sessions, clock=clock, pdf=pdf or spy, **app_options)
    with serving(app, **(server or {})) as url:
        board.url = url
        yield board


@pytest.fixture
def dashboard(runtime: Runtime) -> Iterator[Dashboard]:
    """The dashboard with a PDF renderer that records what it was asked to print."""
    yield from make_dashboard(runtime, None)


def login(client: httpx.Client, user: str, password: str = PASSWORD) -> httpx.Response:
    """Log in through the form, as a browser would (token from the page, cookie kept)."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return client.post(
        "/login", data={"csrf_token": token.group(1), "login": user, "password": password}
    )


def csrf_of(client: httpx.Client, path: str) -> str:
    """The CSRF token on a logged-in page."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert token is not None
    return token.group(1)

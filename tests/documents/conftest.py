"""Fixtures for the document tests: the renderer, poppler, and hanako's card from her chat."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.bootstrap import Runtime, build_runtime
from bot.config import Settings
from bot.documents import CardDocuments
from bot.jobcard import JobCard
from bot.jobcard.loading import load_jobcard
from tests.chat import Chat
from tests.conftest import FIXTURES, NOW
from tests.documents import poppler
from tests.documents.cards import CREATED_ON

PERSONA = FIXTURES / "personas" / "hanako.txt"


@pytest.fixture(scope="session")
def documents() -> CardDocuments:
    return CardDocuments()


@pytest.fixture
def needs_poppler() -> None:
    poppler.require_poppler()


@pytest.fixture(scope="session")
def hanako_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """A runtime where hanako has chatted her whole card in (the persona script, line by line)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hanako') / 'card.sqlite3'}"
    runtime = build_runtime(Settings(database_url=url), clock=lambda: NOW)
    chat = Chat(runtime.service, "console:hanako")
    chat.send("/start")
    for line in PERSONA.read_text(encoding="utf-8").splitlines():
        chat.send(line)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture(scope="session")
def hanako(hanako_runtime: Runtime) -> JobCard:
    """Hanako's card as stored, built as of the fixed creation date."""
    with hanako_runtime.sessions() as session:
        card = load_jobcard(session, "console:hanako", CREATED_ON)
    assert card is not None
    assert card.work_history and card.lifeline  # the persona really filled the card in
    return card

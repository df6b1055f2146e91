"""The web chat's page log: a turn's messages in one row, each with its own id, on SQLite
and PostgreSQL, and the migration that put the older one-row-a-message log into rows."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from storage import make_engine, upgrade
from storage.migrate import _config
from storage.models import PersonRow
from storage.webchat import (
    RUN,
    WebMessageRow,
    append_messages,
    message_body,
    message_image,
    recent_messages,
    remove_message,
)
from tests import pgserver

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ME, OTHER = "web:browser-one-abc", "web:browser-two-xyz"
_names = itertools.count()


def _text(text: str, role: str = "bot") -> tuple[dict[str, Any], bytes | None]:
    return {"role": role, "kind": "text", "text": text}, None


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    if request.param == "sqlite":
        return sqlite_url
    server = request.getfixturevalue("pg_server")
    return pgserver.new_database(server, f"webchat_{os.getpid()}_{next(_names)}")


@pytest.fixture
def sessions(url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(url)
    upgrade(engine)
    made = sessionmaker(engine)
    with made.begin() as session:
        for person in (ME, OTHER):
            session.add(PersonRow(id=person, lang="ja", created_at=NOW))
    yield made
    engine.dispose()


def _texts(session: Session, identity: str, after: int = 0) -> list[str]:
    return [m.body["text"] for m in recent_messages(session, identity, after=after)]


def test_a_turns_messages_are_one_row_each_with_its_own_id(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        first = append_messages(session, ME, ME, [_text("はい", "person"), _text("次へ")], NOW)
        append_messages(session, OTHER, OTHER, [_text("よそ")], NOW)
        second = append_messages(session, ME, ME, [_text("山田", "person"), _text("ok")], NOW)
    with sessions() as session:
        rows = session.scalar(sa.select(sa.func.count()).where(WebMessageRow.identity_id == ME))
        assert rows == 2  # one row a turn, not one a message
        assert first == sorted(first) and second == sorted(second) and first[-1] < second[0]
        assert _texts(session, ME) == ["はい", "次へ", "山田", "ok"]
        # What follows a message, also from the middle of a row (chat.js asks so).
        assert _texts(session, ME, after=first[0]) == ["次へ", "山田", "ok"]
        assert _texts(session, ME, after=second[-1]) == []
        assert [m.id for m in recent_messages(session, ME, last=3)] == [first[1], *second]
        assert message_body(session, ME, second[0]) == {
            "role": "person",
            "kind": "text",
            "text": "山田",
        }
        assert message_body(session, OTHER, second[0]) is None  # someone else's


def test_a_removed_message_leaves_the_rest_of_its_row(sessions: sessionmaker[Session]) -> None:
    note = {"role": "bot", "kind": "pending", "text": "作成しています"}
    with sessions.begin() as session:
        ids = append_messages(session, ME, ME, [_text("作成", "person"), (note, None)], NOW)
    with sessions.begin() as session:
        assert not remove_message(session, OTHER, ids[1])  # not theirs
        assert remove_message(session, ME, ids[1])
        assert not remove_message(session, ME, ids[1])  # already gone
    with sessions.begin() as session:
        assert _texts(session, ME) == ["作成"]
        assert message_body(session, ME, ids[1]) is None
        assert remove_message(session, ME, ids[0])
    with sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(WebMessageRow)) == 0


def test_a_picture_has_a_row_of_its_own(sessions: sessionmaker[Session]) -> None:
    chart = {"role": "bot", "kind": "image", "text": "ライフラインチャート"}
    with sessions.begin() as session:
        ids = append_messages(session, ME, ME, [_text("前"), (chart, b"PNG"), _text("後")], NOW)
    with sessions() as session:
        assert [m.has_image for m in recent_messages(session, ME)] == [False, True, False]
        assert message_image(session, ME, ids[1]) == b"PNG"
        assert message_image(session, OTHER, ids[1]) is None
        assert (
            message_image(session, ME, ids[0]) is None
            and message_image(session, ME, ids[2]) is None
        )


def test_more_messages_than_a_row_holds_go_on_in_the_next(
    sessions: sessionmaker[Session],
) -> None:
    many = [_text(f"お知らせ {n}") for n in range(RUN + 3)]
    with sessions.begin() as session:
        ids = append_messages(session, ME, ME, many, NOW)
    with sessions() as session:
        assert len(set(ids)) == RUN + 3 and ids == sorted(ids)
        assert _texts(session, ME) == [f"お知らせ {n}" for n in range(RUN + 3)]


def test_the_upgrade_keeps_every_message_and_the_downgrade_gives_them_back(url: str) -> None:
    from alembic import command

    engine = make_engine(url)
    try:
        upgrade(engine, "0008_people")
        old = sa.table(
            "web_messages",
            *(sa.column(c) for c in ("identity_id", "person_id", "body", "image")),
            sa.column("created_at", sa.DateTime(timezone=True)),
        )
        people = sa.table("people", sa.column("id"), sa.column("lang"), sa.column("created_at"))
        with engine.begin() as connection:
            connection.execute(sa.insert(people).values(id=ME, lang="ja", created_at=NOW))
            for text in ("はい", "【プロフィール】", "お名前を教えてください。"):
                body = json.dumps(
                    {"role": "bot", "kind": "text", "text": text}, ensure_ascii=False
                )
                connection.execute(
                    sa.insert(old).values(
                        identity_id=ME, person_id=ME, body=body, image=None, created_at=NOW
                    )
                )
        upgrade(engine)
        with Session(engine) as session:
            assert _texts(session, ME) == ["はい", "【プロフィール】", "お名前を教えてください。"]
        with Session(engine) as session, session.begin():
            added = append_messages(session, ME, ME, [_text("山田", "person"), _text("次")], NOW)
            remove_message(session, ME, added[1])
        command.downgrade(_config(engine), "0008_people")
        with engine.connect() as connection:
            bodies = connection.execute(sa.text("SELECT body FROM web_messages ORDER BY id"))
            texts = [json.loads(body)["text"] for (body,) in bodies]
        assert texts == ["はい", "【プロフィール】", "お名前を教えてください。", "山田"]
    finally:
        engine.dispose()

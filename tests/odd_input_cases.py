"""Odd input on every database engine: unreadable characters, and deleting a person whole."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable

import sqlalchemy as sa

from bot.bootstrap import Runtime
from bot.engine import Document, Text
from bot.engine.texts import t
from bot.juku import cohorts
from tests.booking.conftest import book
from tests.chat import Chat
from tests.conftest import NOW
from tests.juku.conftest import RUNNING
from tests.review.helpers import answer, fill_card, seed_accounts

RuntimeMaker = Callable[[], Runtime]
UNREADABLE = t("unreadable_chars", "ja")
ERROR = t("error", "ja")
_presses = itertools.count(1_700_000_000)


def unreadable_characters_are_replaced_and_said(make: RuntimeMaker, url: str) -> None:
    """A lone surrogate or NUL is stored as U+FFFD, the person is told, and nothing breaks."""
    runtime = make()
    chat = Chat(runtime.service, "telegram:4242")
    chat.start_profile()
    reply = chat.send("山田\ud800太郎")
    assert reply.startswith(UNREADABLE) and "ふりがな" in reply
    reply = chat.send("やまだ\x00たろう")
    assert reply.startswith(UNREADABLE) and "年代" in reply
    assert chat.answers()["profile.name"] == "山田\ufffd太郎"
    assert chat.answers()["profile.furigana"] == "やまだ\ufffdたろう"

    # A booking note: a lone surrogate is replaced, a surrogate pair joined into its emoji.
    chat.send("メニュー")
    reply = book(chat, note="駐車場\udfffあり\ud83d\ude4f")
    assert "ご予約を承りました" in reply and ERROR not in reply

    # Forged or broken values anywhere in the message are no internal error either.
    assert ERROR not in chat.payload("a|\ud800")
    assert ERROR not in chat.send("メニュー", delivery_id="broken-\udc00")
    assert chat.send("メニュー", delivery_id="broken-\udc00") == ""  # still a re-delivery
    assert ERROR not in Chat(runtime.service, "telegram:\ud800").send("/start")

    reply = chat.send("/mydata")
    [data_file] = [m for m in chat.last if isinstance(m, Document)]
    data = json.loads(data_file.content.decode("utf-8"))
    assert data["answers"]["profile.name"] == "山田\ufffd太郎"
    assert [b["note"] for b in data["bookings"]] == ["駐車場\ufffdあり\U0001f64f"]
    chat.send("/card")
    assert ERROR not in chat.text
    assert "jobcard.pdf" in [m.filename for m in chat.last if isinstance(m, Document)]

    # Told once for the name, once for the furigana, once for the note: nowhere else.
    assert [m for m in chat.history if isinstance(m, Text) and m.text == UNREADABLE] == [
        Text(UNREADABLE)
    ] * 3

    for fmt in ("data", "json"):
        argv = ["export", "--user", "telegram:4242", "--format", fmt, "--db", url]
        exported = subprocess.run(
            [sys.executable, "-m", "bot", *argv],
            capture_output=True,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            timeout=120,
            check=False,
        )
        assert exported.returncode == 0, exported.stderr.decode(errors="replace")
        assert "山田\ufffd太郎" in json.dumps(json.loads(exported.stdout), ensure_ascii=False)


def a_slack_person(runtime: Runtime, platform_id: str) -> Chat:
    """A Slack person whose button presses carry delivery ids with their user id in them.

    That is the id format Slack presses had before; rows like these are still in databases.
    """
    return Chat(runtime.service, f"slack:T9:{platform_id}")


def press(chat: Chat, label: str, platform_id: str) -> str:
    """Press a button the way the Slack channel once identified a press."""
    return chat.payload(chat.button(label), f"slack:action:{platform_id}:{next(_presses)}.000100")


def deleting_a_person_leaves_no_trace(make: RuntimeMaker) -> None:
    """After /delete no column of any table mentions the person's platform id or an answer."""
    runtime = make()
    platform_id, marker = "U0DELETEME", "Zq7MARKER"
    chat = a_slack_person(runtime, platform_id)
    other = a_slack_person(runtime, "U0KEEPME")
    with runtime.sessions.begin() as session:
        seed_accounts(session, NOW)
        cohorts.create_cohort(
            session,
            name="神奈川 2026年秋",
            season="autumn",
            mode="online",
            dates=RUNNING,
            code="K7M2QP",
            now=NOW,
        )
    for person in (chat, other):
        person.send("/start")
        press(person, "日本語", platform_id if person is chat else "U0KEEPME")
        press(person, "はい", platform_id if person is chat else "U0KEEPME")
        person.send(f"{marker} 太郎" if person is chat else "山田 次郎")
    # A booking with a note (and its reminders in the outbox) …
    chat.send("メニュー")
    book(chat, note=f"{marker} 駐車場")
    # … a juku membership under a chosen name (and homework reminders) …
    chat.send("塾")
    chat.send(f"{marker}さん")
    assert "参加しました" in chat.send("K7M2QP")
    # … and a submission for review, whose versions hold the card.
    with runtime.sessions.begin() as session:
        fill_card(session, chat.person_id, NOW, name=f"{marker} 太郎")
        answer(
            session,
            chat.person_id,
            NOW,
            career_plan__values_interests=f"{marker} 人の役に立つこと",
            career_plan___completed=True,
        )
    chat.send("提出")
    press(chat, "横浜", platform_id)
    assert "提出しました" in press(chat, "はい", platform_id)
    needles = (platform_id, marker)
    assert {needle for needle, _ in traces(runtime, needles)} == set(needles)  # it was all there

    chat.send("/delete")
    press(chat, "はい", platform_id)
    assert traces(runtime, needles) == []
    # The other person is untouched.
    assert other.answers()["profile.name"] == "山田 次郎"
    assert {needle for needle, _ in traces(runtime, ("U0KEEPME",))} == {"U0KEEPME"}


def traces(runtime: Runtime, needles: tuple[str, ...]) -> list[tuple[str, str]]:
    """(needle, table.column) for every column of every table whose text holds a needle."""
    found = []
    metadata = sa.MetaData()
    metadata.reflect(runtime.engine)
    with runtime.engine.connect() as connection:
        for table in metadata.sorted_tables:
            columns = [sa.cast(column, sa.Text).label(column.name) for column in table.columns]
            for row in connection.execute(sa.select(*columns)):
                for name, value in row._mapping.items():
                    found.extend(
                        (needle, f"{table.name}.{name}")
                        for needle in needles
                        if value is not None and needle in value
                    )
    return found

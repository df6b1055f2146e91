"""Service behaviours checked on every database engine (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import select

from bot.bootstrap import Runtime
from bot.engine import Inbound, Outbound, SaveAnswer, Text
from bot.service import ConversationService
from storage import repositories
from storage.models import DeliveryRow
from tests.chat import Chat, text_of

RuntimeMaker = Callable[[], Runtime]


def conversation_round_trip(make: RuntimeMaker) -> None:
    """A conversation with a re-delivery, continued by a second worker."""
    chat = Chat(make().service)
    chat.start_profile()
    chat.send("山田 太郎", delivery_id="u-1")
    assert chat.send("山田 太郎", delivery_id="u-1") == ""
    other_worker = Chat(make().service)
    assert "ふりがな" in other_worker.send("/start")
    other_worker.send("やまだ たろう")
    assert other_worker.answers()["profile.furigana"] == "やまだ たろう"


def simultaneous_messages_are_serialized(make: RuntimeMaker, rounds: int = 5) -> None:
    """Two workers get messages of one person at the same moment: both are applied, in turn."""
    workers = [make(), make()]
    for round_number in range(rounds):
        person = f"console:concurrent{round_number}"
        Chat(workers[0].service, person).start_profile()
        barrier = threading.Barrier(2)
        replies: list[list[object]] = [[], []]

        threads = [
            threading.Thread(
                target=_send_at_once, args=(workers[i], person, i, t, barrier, replies)
            )
            for i, t in enumerate(["こう", "おつ"])  # each is a name, and a reading in kana
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        answers = Chat(workers[0].service, person).answers()
        # Whichever came first is the name; the other is the furigana. Nothing is lost.
        assert {answers["profile.name"], answers["profile.furigana"]} == {"こう", "おつ"}
        assert all(replies)


def _send_at_once(
    worker: Runtime,
    person: str,
    index: int,
    text: str,
    barrier: threading.Barrier,
    replies: list[list[object]],
) -> None:
    barrier.wait()
    inbound = Inbound(person, text=text, delivery_id=f"{person}-{index}")
    replies[index] = list(worker.service.handle(inbound))


def crash_mid_turn_keeps_everything(make: RuntimeMaker) -> None:
    """An error while handling a message rolls the turn back and says so plainly."""
    runtime = make()
    calls = {"n": 0}

    def exploding_save(ctx: object, effect: SaveAnswer) -> tuple[()]:
        calls["n"] += 1
        if effect.value == "くらっしゅ":
            raise RuntimeError("disk on fire")
        repositories.save_answer(
            ctx.session,
            ctx.person_id,
            effect.dialog,
            effect.field,
            effect.value,
            ctx.now,  # type: ignore[attr-defined]
        )
        return ()

    service = ConversationService(
        runtime.sessions,
        runtime.dialogs.catalog,
        runtime.dialogs.specs,
        handlers={SaveAnswer: exploding_save},
    )
    chat = Chat(service)
    chat.start_profile()
    chat.send("山田 太郎")
    reply = chat.send("くらっしゅ", delivery_id="boom")  # a reading in kana, stored
    assert "もう一度送ってください" in reply and "保存されています" in reply
    assert isinstance(chat.last[0], Text)
    assert chat.answers()["profile.name"] == "山田 太郎"
    assert "profile.furigana" not in chat.answers()
    # The failed delivery was rolled back too, so its retry is handled normally.
    assert "ふりがな" in chat.send("/start", delivery_id="after")
    assert "年代" in chat.send("やまだ", delivery_id="boom")


def answers_given_to_another_worker_are_seen(make: RuntimeMaker) -> None:
    """A worker keeps a person's answers between turns, yet sees what another worker stored."""
    first, second = make(), make()
    here = Chat(first.service, "console:workers")
    there = Chat(second.service, "console:workers")
    here.start_profile()
    here.send("山田 太郎")  # this worker now keeps the name as the current answer
    there.send("やまだ たろう")  # the next answer goes to the other worker
    there.send("50代")
    summary = here.send("/summary")
    assert "山田 太郎" in summary and "やまだ たろう" in summary and "50代" in summary
    there.send("/back")
    there.press("40代")  # the age band changed on the other worker…
    assert "40代" in here.send("/summary") and "50代" not in here.text  # …is seen here


def one_current_answer_per_field(make: RuntimeMaker) -> None:
    """Each field has one current answer, its earlier values kept as history, whoever wrote.

    A turn inserts a field's first answer without looking for an earlier one to retire, so
    this checks the cases where it must not think an answer is the first: one stored by a
    tool outside a turn, and one given to another worker.
    """
    first, second = make(), make()
    here = Chat(first.service, "console:current")
    there = Chat(second.service, "console:current")
    here.start_profile()
    here.send("山田 太郎")  # this worker now keeps the person's answers between turns
    with first.sessions.begin() as session:  # a tool stores the furigana meanwhile
        repositories.save_answer(
            session, here.person_id, "profile", "furigana", "さとう", datetime.now(UTC)
        )
    here.send("やまだ たろう")  # …and the person answers the question open before that
    there.send("50代")  # the next answer goes to the other worker
    here.send("/back")
    here.press("40代")  # this worker changes an answer the other one stored
    with first.sessions() as session:
        history = repositories.answer_history(session, here.person_id)
    versions: dict[str, list[repositories.AnswerVersion]] = {}
    for version in history:
        versions.setdefault(f"{version.dialog_id}.{version.field}", []).append(version)
    for key, values in versions.items():
        assert [v.is_current for v in values] == [False] * (len(values) - 1) + [True], key
    assert [v.value for v in versions["profile.furigana"]] == ["さとう", "やまだ たろう"]
    assert len(versions["profile.age_band"]) == 2
    assert here.answers()["profile.furigana"] == "やまだ たろう"


def a_new_person_writing_to_two_workers_at_once(make: RuntimeMaker, rounds: int = 5) -> None:
    """Someone new whose first two messages reach two workers at once: one person, both
    messages handled (the second waits for the first to make the person), no error."""
    workers = [make(), make()]
    error = "うまく処理できませんでした"
    for round_number in range(rounds):
        person = f"console:new{round_number}"
        barrier = threading.Barrier(2)
        replies: list[list[object]] = [[], []]
        threads = [
            threading.Thread(
                target=_send_at_once, args=(workers[i], person, i, "/start", barrier, replies)
            )
            for i in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(replies)
        assert not any(error in text_of(cast(list[Outbound], reply)) for reply in replies)
        with workers[0].sessions() as session:
            record = repositories.find_person(session, person)
            handled = session.scalars(
                select(DeliveryRow.delivery_id).where(DeliveryRow.delivery_id.startswith(person))
            ).all()
        assert record is not None and len(handled) == 2  # both turns, one after the other


def deleted_on_another_worker_and_back(make: RuntimeMaker) -> None:
    """Someone deleted on one worker and starting again there is never served, on another
    worker, the answers or place in the conversation it kept from before the deletion."""
    first, second = make(), make()
    here = Chat(first.service, "console:again")
    there = Chat(second.service, "console:again")
    here.start_profile()
    here.send("山田 太郎")  # this worker keeps the name and where the conversation is
    there.send("/delete")
    assert "削除しました" in there.press("はい")
    there.start_profile()  # as many turns on the new conversation as here before…
    there.send("佐藤 花子")
    summary = here.send("/summary")  # …then the next message reaches this worker
    assert "佐藤 花子" in summary and "山田 太郎" not in summary


def reply_lost_at_commit_is_told(make: RuntimeMaker) -> None:
    """The connection fails as a turn commits, after the database committed it: the retry
    finds the message handled, and the person is told and shown where they are."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    runtime = make()
    chat = Chat(runtime.service)
    chat.start_profile()
    failures = [1]

    def commit_then_drop(connection: object) -> None:
        if failures:
            failures.pop()
            # The COMMIT reaches the server; its answer never comes back.
            connection.connection.dbapi_connection.commit()  # type: ignore[attr-defined]
            raise OperationalError("COMMIT", {}, Exception("connection lost"))

    event.listen(runtime.engine, "commit", commit_then_drop)
    try:
        reply = chat.send("山田 太郎", delivery_id="lost-1")
    finally:
        event.remove(runtime.engine, "commit", commit_then_drop)
    assert not failures  # the failure happened
    assert chat.answers()["profile.name"] == "山田 太郎"  # stored once
    assert "お返事が届いていないかもしれません" in reply and "ふりがな" in reply
    assert chat.send("山田 太郎", delivery_id="lost-1") == ""  # a true re-delivery: silence

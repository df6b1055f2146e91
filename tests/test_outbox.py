"""The outbox: scheduled messages per channel, idempotent, cancellable, at-least-once."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.bootstrap import Runtime, build_runtime
from bot.channels.console import ConsoleChannel
from bot.channels.outbox_loop import SentIds, deliver_due
from bot.config import Settings
from bot.engine import LoadedDialogs, Outbound
from storage import outbox
from storage.models import OutboxRow
from tests.chat import Chat, text_of
from tests.conftest import NOW, RuntimeFactory


def _schedule(
    runtime: Runtime, person: str, minutes: int, key: str, kind: str = "message"
) -> bool:
    payload = {"ja": f"お知らせ{key}", "en": f"Notice {key}"} if kind == "message" else "m|profile"
    with runtime.sessions.begin() as session:
        from storage import repositories

        repositories.lock_conversation(session, person, NOW)
        return outbox.schedule(
            session,
            person,
            due_at=NOW + timedelta(minutes=minutes),
            kind=kind,  # type: ignore[arg-type]
            payload=payload,
            now=NOW,
            key=key,
        )


def test_due_messages_go_to_their_channel_once(runtime: Runtime) -> None:
    assert _schedule(runtime, "telegram:1", -5, "a")
    assert not _schedule(runtime, "telegram:1", -5, "a")  # same key: scheduled once
    _schedule(runtime, "telegram:2", 60, "later")
    _schedule(runtime, "slack:T:U", -1, "b")
    delivered = runtime.service.deliver_due("telegram")
    assert [(person, text_of(out)) for person, out in delivered] == [("telegram:1", "お知らせa")]
    assert runtime.service.deliver_due("telegram") == []
    assert [p for p, _ in runtime.service.deliver_due("slack")] == ["slack:T:U"]


def test_cancelled_messages_are_not_sent(runtime: Runtime) -> None:
    _schedule(runtime, "telegram:1", -5, "booking:7:day_before")
    _schedule(runtime, "telegram:1", -5, "booking:7:hour_before")
    _schedule(runtime, "telegram:1", -5, "booking:70:day_before")
    with runtime.sessions.begin() as session:
        assert outbox.cancel(session, "booking:7:") == 2
    delivered = runtime.service.deliver_due("telegram")
    assert [text_of(out) for _, out in delivered] == ["お知らせbooking:70:day_before"]


def test_inbound_messages_run_through_the_conversation(runtime: Runtime) -> None:
    chat = Chat(runtime.service, "telegram:9")
    chat.start_profile()
    chat.send("/menu")
    _schedule(runtime, "telegram:9", -1, "open-profile", kind="inbound")
    [(person, out)] = runtime.service.deliver_due("telegram")
    assert person == "telegram:9" and "お名前（氏名）" in text_of(out)


def test_message_in_the_persons_language(runtime: Runtime) -> None:
    chat = Chat(runtime.service, "telegram:5")
    chat.send("/start")
    chat.press("English")
    _schedule(runtime, "telegram:5", -1, "x")
    [(_, out)] = runtime.service.deliver_due("telegram")
    assert text_of(out) == "Notice x"


def test_workers_claiming_at_once_never_send_twice(
    make_runtime: RuntimeFactory, pg_url: str
) -> None:
    runtime = make_runtime(pg_url)
    for index in range(40):
        _schedule(runtime, f"telegram:{index}", -1, f"k{index}")
    workers = [make_runtime(pg_url) for _ in range(4)]
    sent: list[str] = []
    lock = threading.Lock()

    def work(worker: Runtime) -> None:
        while delivered := worker.service.deliver_due("telegram", limit=3):
            with lock:
                sent.extend(person for person, _ in delivered)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == sorted(f"telegram:{i}" for i in range(40))


class MovingClock:
    """A clock the test moves forward (a fixed one could never see a claim expire)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def moving() -> MovingClock:
    return MovingClock(NOW)


@pytest.fixture
def moved_runtime(
    moving: MovingClock, test_dialogs: LoadedDialogs, sqlite_url: str
) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(database_url=sqlite_url), dialogs=test_dialogs, clock=moving)
    yield runtime
    runtime.engine.dispose()


def _status(runtime: Runtime, key: str) -> tuple[str, int]:
    with runtime.sessions() as session:
        row = session.scalars(select(OutboxRow).where(OutboxRow.key == key)).one()
        return row.status, row.attempts


class Recorder:
    """A channel's send that records what it sent, and can be told to fail."""

    def __init__(self, failures: int = 0) -> None:
        self.sent: list[tuple[str, str]] = []
        self.failures = failures

    async def __call__(self, person_id: str, outbound: list[Outbound]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the platform did not answer")
        self.sent.append((person_id, text_of(outbound)))


def test_a_crash_between_claim_and_send_loses_nothing(
    moved_runtime: Runtime, moving: MovingClock
) -> None:
    runtime = moved_runtime
    _schedule(runtime, "telegram:1", -5, "booking:1:day_before")
    [claimed] = runtime.service.claim_due("telegram")  # … and the worker dies here
    assert _status(runtime, "booking:1:day_before") == ("claimed", 1)
    assert runtime.service.claim_due("telegram") == []  # another worker leaves it alone
    moving.now = NOW + outbox.CLAIM_LEASE + timedelta(seconds=1)
    [again] = runtime.service.claim_due("telegram")  # the claim expired: claimed again …
    assert (again.outbox_id, again.attempt) == (claimed.outbox_id, 2)  # … under the same id
    moving.now += outbox.CLAIM_LEASE * 2  # and that worker died too
    send = Recorder()
    assert asyncio.run(deliver_due(runtime.service, "telegram", send)) == 1
    assert send.sent == [("telegram:1", "お知らせbooking:1:day_before")]
    assert _status(runtime, "booking:1:day_before") == ("sent", 3)
    assert asyncio.run(deliver_due(runtime.service, "telegram", send)) == 0


def test_a_failed_send_is_tried_again_and_given_up_after_a_few(runtime: Runtime) -> None:
    _schedule(runtime, "telegram:1", -5, "once")
    _schedule(runtime, "telegram:2", -5, "never")
    flaky = Recorder(failures=1)
    # telegram:1's send fails, telegram:2's goes out: one failure holds up nobody else.
    assert asyncio.run(deliver_due(runtime.service, "telegram", flaky)) == 1
    assert _status(runtime, "once") == ("pending", 1)
    assert asyncio.run(deliver_due(runtime.service, "telegram", flaky)) == 1
    assert [p for p, _ in flaky.sent] == ["telegram:2", "telegram:1"]
    _schedule(runtime, "telegram:3", -5, "blocked")
    broken = Recorder(failures=100)
    for _ in range(outbox.MAX_ATTEMPTS + 2):
        asyncio.run(deliver_due(runtime.service, "telegram", broken))
    assert _status(runtime, "blocked") == ("failed", outbox.MAX_ATTEMPTS)


def test_a_lost_acknowledgement_does_not_send_twice(
    moved_runtime: Runtime, moving: MovingClock
) -> None:
    runtime = moved_runtime
    _schedule(runtime, "slack:T:U", -5, "notice")
    sent, send = SentIds(), Recorder()
    assert asyncio.run(deliver_due(runtime.service, "slack", send, sent=sent)) == 1
    with runtime.sessions.begin() as session:  # as if the acknowledgement never landed
        session.execute(
            update(OutboxRow).where(OutboxRow.key == "notice").values(status="claimed")
        )
    moving.now = NOW + outbox.CLAIM_LEASE * 2
    assert asyncio.run(deliver_due(runtime.service, "slack", send, sent=sent)) == 0
    assert len(send.sent) == 1 and _status(runtime, "notice") == ("sent", 2)


def test_a_retried_question_is_shown_again(moved_runtime: Runtime, moving: MovingClock) -> None:
    runtime = moved_runtime
    chat = Chat(runtime.service, "telegram:9")
    chat.start_profile()
    chat.send("/menu")
    _schedule(runtime, "telegram:9", -1, "open-profile", kind="inbound")
    [first] = runtime.service.claim_due("telegram")  # handled, then the send is lost
    assert "お名前（氏名）" in text_of(first.outbound)
    moving.now = NOW + outbox.CLAIM_LEASE * 2
    [again] = runtime.service.claim_due("telegram")
    assert again.outbox_id == first.outbox_id and again.attempt == 2
    assert "お名前（氏名）" in text_of(again.outbound)


def test_the_console_delivers_at_start_and_before_each_prompt(
    moved_runtime: Runtime, moving: MovingClock, tmp_path: Path
) -> None:
    runtime = moved_runtime
    person = "console:hanako"
    Chat(runtime.service, person).start_profile()
    _schedule(runtime, person, -5, "review:1:changes")
    _schedule(runtime, "console:someone_else", -5, "not-hers")
    _schedule(runtime, person, 30, "booking:2:hour_before")

    class Later(io.StringIO):
        """The person's answers; the clock moves on while they type the second one."""

        def readline(self, size: int = -1) -> str:
            line = super().readline(size)
            if line.startswith("さとう"):
                moving.now = NOW + timedelta(minutes=31)
            return line

    out = io.StringIO()
    console = ConsoleChannel(
        runtime.service.reply, person, out=out, out_dir=tmp_path, outbox=runtime.service
    )
    assert console.run(Later("佐藤 花子\nさとう はなこ\n")) == 0
    transcript = out.getvalue()
    first, second = transcript.index("> 佐藤 花子"), transcript.index("> さとう はなこ")
    assert transcript.index("お知らせreview:1:changes") < first  # at start
    reminder = transcript.index("お知らせbooking:2:hour_before")
    assert second < reminder  # fell due while typing: shown before the next prompt
    assert "not-hers" not in transcript  # only this person's messages
    assert transcript.count("お知らせreview:1:changes") == 1
    assert _status(runtime, "review:1:changes") == ("sent", 1)
    assert _status(runtime, "not-hers") == ("pending", 0)

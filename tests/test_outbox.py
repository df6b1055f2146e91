"""The outbox: scheduled messages per channel, idempotent, cancellable, never sent twice."""

from __future__ import annotations

import threading
from datetime import timedelta

from bot.bootstrap import Runtime
from storage import outbox
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

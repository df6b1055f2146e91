"""One person across channels: 「連携」 codes join identities, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.bootstrap import Runtime, build_runtime
from bot.cli import main
from bot.config import InvalidSettingError, Settings, notify_order
from bot.engine import Choices, Document, LoadedDialogs, Text
from storage import outbox, people
from storage import repositories as repo
from storage.booking import BookingRow
from storage.models import DeliveryRow
from tests.chat import Chat
from tests.conftest import NOW, RuntimeFactory


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["sqlite", "postgres"])
def setup(
    request: pytest.FixtureRequest, make_runtime: RuntimeFactory, sqlite_url: str
) -> tuple[Runtime, Clock]:
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("pg_url")
    runtime = make_runtime(url)
    clock = Clock()
    runtime.service._clock = clock  # the test moves time past a code's life and a lock
    return runtime, clock


def code_of(text: str) -> str:
    found = re.search(r"連携コードは (\d{6}) です", text)
    assert found is not None, text
    return found.group(1)


def person_of(runtime: Runtime, identity: str) -> str:
    with runtime.sessions() as session:
        return people.resolve(session, identity)


def answers_of(runtime: Runtime, identity: str) -> dict[str, Any]:
    with runtime.sessions() as session:
        return repo.current_answers(session, people.resolve(session, identity))


def two(runtime: Runtime) -> tuple[Chat, Chat]:
    return Chat(runtime.service, "telegram:111"), Chat(runtime.service, "web:browser")


def test_both_empty_join_into_one_conversation(setup: tuple[Runtime, Clock]) -> None:
    runtime, _ = setup
    telegram, web = two(runtime)
    telegram.start_profile()  # consented, at 氏名: no answers yet beyond the onboarding
    code = code_of(telegram.send("連携"))
    assert "氏名" in telegram.text  # the open question is shown again after the code
    reply = web.send(f"連携 {code}")
    assert "連携しました" in reply and "おかえりなさい" in reply and "氏名" in reply
    assert person_of(runtime, "web:browser") == person_of(runtime, "telegram:111")
    web.send("山田 太郎")  # the web answers the question Telegram was on
    assert answers_of(runtime, "telegram:111")["profile.name"] == "山田 太郎"
    telegram.send("やまだ たろう")
    assert answers_of(runtime, "web:browser")["profile.furigana"] == "やまだ たろう"
    # The code was used: a third identity cannot join with it.
    third = Chat(runtime.service, "slack:T1:U9")
    assert "見つからないか" in third.send(f"連携 {code}")


def test_one_empty_keeps_the_card_that_has_answers_whichever_side(
    setup: tuple[Runtime, Clock],
) -> None:
    runtime, _ = setup
    telegram, web = two(runtime)
    web.start_profile()
    web.send("鈴木 一郎")
    telegram.start_profile()  # no answers beyond onboarding here
    code = code_of(telegram.send("連携"))
    assert "連携しました" in web.send(f"連携 {code}")
    # The web's card is kept although Telegram made the code: Telegram joins it.
    assert person_of(runtime, "telegram:111") == person_of(runtime, "web:browser")
    assert answers_of(runtime, "telegram:111")["profile.name"] == "鈴木 一郎"
    telegram.send("すずき いちろう")
    assert answers_of(runtime, "web:browser")["profile.furigana"] == "すずき いちろう"


def test_both_with_answers_ask_which_card_and_export_the_other(
    setup: tuple[Runtime, Clock],
) -> None:
    runtime, _ = setup
    telegram, web = two(runtime)
    telegram.start_profile()
    telegram.send("山田 花子")
    web.start_profile()
    web.send("やまだ はなこ（ウェブ）")
    with runtime.sessions.begin() as session:
        session.add(
            BookingRow(
                person_id="web:browser",
                counselor_id="c1",
                location_id="yokohama",
                mode="online",
                starts_at=NOW + timedelta(days=3),
                ends_at=NOW + timedelta(days=3, hours=1),
                status="booked",
                ical_uid="u1@test",
                sequence=0,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    code = code_of(telegram.send("連携"))
    asked = web.send(f"連携 {code}")
    assert "どちらのカードを使い続けるか" in asked
    assert "山田 花子" in asked and "やまだ はなこ（ウェブ）" in asked
    assert isinstance(web.last[0], Choices)
    assert person_of(runtime, "web:browser") == "web:browser"  # nothing joined yet
    web.press("もう一方のカードを使う")
    assert "連携しました" in web.text
    [exported] = [m for m in web.last if isinstance(m, Document)]
    data = json.loads(exported.content)
    assert data["answers"]["profile.name"] == "やまだ はなこ（ウェブ）"
    person = person_of(runtime, "web:browser")
    assert person == person_of(runtime, "telegram:111") == "telegram:111"
    assert answers_of(runtime, "web:browser")["profile.name"] == "山田 花子"
    with runtime.sessions() as session:
        history = [v.value for v in repo.answer_history(session, person) if v.field == "name"]
        bookings = session.query(BookingRow).filter_by(person_id=person).count()
        everything = repo.export_person(session, person)
    assert "やまだ はなこ（ウェブ）" in history  # kept as history, never current
    assert bookings == 1  # the web's booking belongs to the person now
    assert everything is not None
    assert set(everything["identities"]) == {"telegram:111", "web:browser"}


def test_an_expired_code_is_refused(setup: tuple[Runtime, Clock]) -> None:
    runtime, clock = setup
    telegram, web = two(runtime)
    telegram.start_profile()
    code = code_of(telegram.send("連携"))
    clock.now = NOW + timedelta(minutes=10, seconds=1)
    assert "有効期限（10分）が過ぎています" in web.send(f"連携 {code}")
    assert person_of(runtime, "web:browser") == "web:browser"


def test_five_wrong_codes_lock_linking_for_ten_minutes(setup: tuple[Runtime, Clock]) -> None:
    runtime, clock = setup
    telegram, web = two(runtime)
    telegram.start_profile()
    code = code_of(telegram.send("連携"))
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        assert f"あと{left}回" in web.send(f"連携 {wrong}")
    assert "12:10まで連携をお休みしています" in web.send(f"連携 {wrong}")
    assert "お休みしています" in web.send(f"連携 {code}")  # even the right code waits
    clock.now = NOW + timedelta(minutes=5)
    code = code_of(telegram.send("連携"))  # a fresh code; the lock still holds
    assert "お休みしています" in web.send(f"連携 {code}")
    clock.now = NOW + timedelta(minutes=10, seconds=1)
    code = code_of(telegram.send("連携"))
    assert "連携しました" in web.send(f"連携 {code}")


def test_mydata_and_delete_cover_every_linked_identity(setup: tuple[Runtime, Clock]) -> None:
    runtime, _ = setup
    telegram, web = two(runtime)
    telegram.start_profile()
    telegram.send("山田 太郎")
    code = code_of(telegram.send("連携"))
    web.send(f"連携 {code}")
    web.send("マイデータ")
    [document] = [m for m in web.last if isinstance(m, Document)]
    data = json.loads(document.content)
    assert data["answers"]["profile.name"] == "山田 太郎"
    assert set(data["identities"]) == {"telegram:111", "web:browser"}

    web.send("データ削除")
    web.press("はい")
    with runtime.sessions() as session:
        assert repo.list_people(session) == []
        assert people.identities_of(session, "telegram:111") == [("telegram:111", None)]
        left = [row.delivery_id for row in session.query(DeliveryRow)]
    assert not [d for d in left if "browser" in d or ":111" in d]
    # Both identities start afresh.
    assert "【はじめに】" in telegram.send("こんにちは")
    assert "【はじめに】" in web.send("こんにちは")


def test_unlinking_leaves_the_card_with_the_other_identity(setup: tuple[Runtime, Clock]) -> None:
    runtime, _ = setup
    telegram, web = two(runtime)
    telegram.start_profile()
    telegram.send("山田 太郎")
    code = code_of(telegram.send("連携"))
    web.send(f"連携 {code}")
    # The identity whose id is the person's own leaves: the person moves to a new id.
    assert "連携を解除しました" in telegram.send("連携解除")
    assert "【はじめに】" in telegram.text
    assert answers_of(runtime, "web:browser")["profile.name"] == "山田 太郎"
    assert person_of(runtime, "web:browser") == "web:browser"
    assert answers_of(runtime, "telegram:111") == {}
    assert "連携されていません" in web.send("連携解除")


def test_a_sentence_starting_with_the_word_is_an_answer(setup: tuple[Runtime, Clock]) -> None:
    runtime, _ = setup
    chat = Chat(runtime.service, "telegram:111")
    chat.start_profile()
    chat.send("連携 太郎")
    assert answers_of(runtime, "telegram:111")["profile.name"] == "連携 太郎"


def test_reminders_go_to_the_identity_used_last(setup: tuple[Runtime, Clock]) -> None:
    runtime, clock = setup
    telegram, web = two(runtime)
    telegram.start_profile()
    code = code_of(telegram.send("連携"))
    clock.now = NOW + timedelta(minutes=1)
    web.send(f"連携 {code}")
    person = person_of(runtime, "web:browser")

    def notice(key: str) -> None:
        with runtime.sessions.begin() as session:
            outbox.schedule(
                session,
                person,
                due_at=clock.now,
                kind="message",
                payload={"ja": f"お知らせ{key}", "en": f"Notice {key}"},
                now=clock.now,
                key=key,
            )

    notice("1")
    assert runtime.service.deliver_due("telegram") == []
    [(to, [message])] = runtime.service.deliver_due("web")
    assert to == "web:browser" and isinstance(message, Text) and message.text == "お知らせ1"
    clock.now = NOW + timedelta(minutes=2)
    telegram.send("山田 太郎")
    notice("2")
    assert runtime.service.deliver_due("web") == []
    [(to, _)] = runtime.service.deliver_due("telegram")
    assert to == "telegram:111"


@pytest.fixture(params=["sqlite", "postgres"])
def ordered(
    request: pytest.FixtureRequest, test_dialogs: LoadedDialogs, sqlite_url: str
) -> Iterator[tuple[Runtime, Clock]]:
    """A runtime whose JOBCARD_NOTIFY_ORDER prefers the web chat, then Telegram."""
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("pg_url")
    clock = Clock()
    settings = Settings(database_url=url, environ={"JOBCARD_NOTIFY_ORDER": "web, Telegram"})
    runtime = build_runtime(settings, dialogs=test_dialogs, clock=clock)
    yield runtime, clock
    runtime.engine.dispose()


def test_a_configured_order_sends_reminders_to_its_first_channel(
    ordered: tuple[Runtime, Clock],
) -> None:
    runtime, clock = ordered
    assert runtime.service.notify_order == ("web", "telegram")
    telegram, web = two(runtime)
    telegram.start_profile()
    code = code_of(telegram.send("連携"))
    clock.now = NOW + timedelta(minutes=1)
    web.send(f"連携 {code}")
    clock.now = NOW + timedelta(minutes=2)
    telegram.send("山田 太郎")  # Telegram is now the one used most recently
    person = person_of(runtime, "web:browser")
    with runtime.sessions.begin() as session:
        outbox.schedule(
            session,
            person,
            due_at=clock.now,
            kind="message",
            payload={"ja": "明日は面談の日です。", "en": "Your consultation is tomorrow."},
            now=clock.now,
        )
        assert people.reached_identity(session, person, ("slack", "line")) == "telegram:111"
    assert runtime.service.deliver_due("telegram") == []
    [(to, [message])] = runtime.service.deliver_due("web")
    assert to == "web:browser" and isinstance(message, Text)
    assert message.text == "明日は面談の日です。"


@pytest.mark.parametrize("value", ["fax", "web,web", "telegram;web"])
def test_an_unusable_notify_order_is_named_in_one_line(
    value: str,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(InvalidSettingError, match="JOBCARD_NOTIFY_ORDER"):
        notify_order({"JOBCARD_NOTIFY_ORDER": value})
    assert notify_order({}) == notify_order({"JOBCARD_NOTIFY_ORDER": "recent"}) == ()
    monkeypatch.setenv("JOBCARD_NOTIFY_ORDER", value)
    assert main(["chat", "--user", "hanako", "--db", sqlite_url]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "JOBCARD_NOTIFY_ORDER" in error and "line, web" in error


@pytest.mark.parametrize(
    ("language", "agree", "help_word", "listed", "said"),
    [
        ("日本語", "はい", "ヘルプ", "・連携（/link）…ほかのアプリやブラウザでも", "連携コードは"),
        (
            "English",
            "Yes",
            "help",
            "• link (/link) – continue the same Job Card",
            "Your link code",
        ),
    ],
)
def test_help_names_link_and_the_command_it_names_gives_a_code(
    setup: tuple[Runtime, Clock], language: str, agree: str, help_word: str, listed: str, said: str
) -> None:
    runtime, _clock = setup
    telegram = Chat(runtime.service, "telegram:111")
    telegram.send("/start")
    telegram.press(language)
    telegram.press(agree)
    assert listed in telegram.send(help_word)
    assert said in telegram.send("/link")

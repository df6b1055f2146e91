"""The Telegram channel: real python-telegram-bot, real HTTP, a fake Bot API on loopback."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
from telegram import Bot, Update
from telegram.error import NetworkError
from telegram.ext import ContextTypes, TypeHandler

from bot.bootstrap import Runtime
from bot.channels.kit import environment_proxy
from bot.channels.telegram import (
    GROUP_NOTICE,
    ChatLocks,
    Handler,
    check_settings,
    coalesce,
    split_text,
)
from bot.channels.telegram_keyboard import BUTTONS, COMMANDS, fitted, keyboard
from bot.channels.telegram_pacing import BULK, ChatPacing, Pace
from bot.channels.telegram_webhook import (
    SECRET_HEADER,
    AiohttpRequest,
    ServeOptions,
    build_application,
    run,
    serve,
)
from bot.config import MissingSettingError, Settings
from bot.engine import Button, Choices, Document, Image, Inbound, Outbound, Text
from bot.engine.commands import parse_command
from bot.engine.texts import t
from storage import repositories
from tests.channels.fake_bot_api import (
    BOT_ID,
    BOT_USERNAME,
    ApiCall,
    FakeBotApi,
    callback_update,
    message_update,
    user,
)

TOKEN = "123456:TEST-token"
SECRET = "test_secret-42"
ROOT = Path(__file__).parent.parent.parent
UPDATE_IDS = itertools.count(1)
AIOHTTP_CONNECT = aiohttp.BaseConnector.connect  # before any test guards it


class Harness:
    """Our application serving in the test's event loop, talking HTTP to the fake Bot API."""

    def __init__(
        self,
        fake: FakeBotApi,
        handle: Handler,
        mode: str,
        pacing: ChatPacing | None = None,
    ) -> None:
        self.fake = fake
        self.mode = mode
        # A test chats faster than any person: its chats are paced at 10 ms, not a second
        # (the pacing itself is tested with the shipped one).
        self.application = build_application(
            handle,
            TOKEN,
            api_url=fake.url,
            polling=mode == "polling",
            rate_limiter=pacing or ChatPacing(chat_interval=0.01),
        )
        # Long polling: runs after our handler (group 0) is done with an update.
        self.application.add_handler(TypeHandler(Update, self._processed), group=1)
        self._done: dict[int, asyncio.Event] = {}
        self._stop = asyncio.Event()
        self._sock = socket.create_server(("127.0.0.1", 0)) if mode == "webhook" else None
        self._task: asyncio.Task[None] | None = None
        self.client = httpx.AsyncClient(timeout=30)

    @property
    def webhook_url(self) -> str:
        assert self._sock is not None
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/telegram/hook"

    def next_id(self) -> int:
        # One sequence for every bot in a test, as Telegram numbers a bot's updates.
        return next(UPDATE_IDS)

    async def __aenter__(self) -> Harness:
        webhook = self.mode == "webhook"
        options = (
            ServeOptions(self.webhook_url, SECRET, sock=self._sock) if webhook else ServeOptions()
        )
        self._task = asyncio.create_task(serve(self.application, options, self._stop))
        ready = "setWebhook" if webhook else "getUpdates"
        await self.fake.wait_for(lambda: bool(self.fake.calls(ready)) or self._task.done())
        if self._task.done():
            self._task.result()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._task is not None
        await self._task
        await self.client.aclose()
        if self._sock is not None:
            self._sock.close()

    async def _processed(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        self._done.setdefault(update.update_id, asyncio.Event()).set()

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return await self.client.post(self.webhook_url, json=update, headers=headers)

    async def call_from_response(self, response: httpx.Response) -> None:
        """Make the Bot API call a webhook response carries, as Telegram does."""
        if response.content:
            call = response.json()
            method = call.pop("method")
            made = await self.client.post(f"{self.fake.url}/bot{TOKEN}/{method}", json=call)
            assert made.status_code == 200, made.text

    async def deliver(self, *updates: dict[str, Any]) -> list[ApiCall]:
        """Hand updates to the bot as Telegram would; return the calls made meanwhile."""
        before = len(self.fake.calls())
        if self.mode == "webhook":  # each answered once handled
            for update in updates:
                response = await self.post(update)
                assert response.status_code == 200
                await self.call_from_response(response)
        else:
            events = [self._done.setdefault(u["update_id"], asyncio.Event()) for u in updates]
            for update in updates:
                self.fake.push_update(update)
            for event in events:
                await asyncio.wait_for(event.wait(), 10)
            for update in updates:
                del self._done[update["update_id"]]
        return [c for c in self.fake.calls()[before:] if c.method != "getUpdates"]


class Person:
    """Someone chatting with the bot in a private chat."""

    def __init__(self, harness: Harness, user_id: int = 1001, language_code: str = "ja") -> None:
        self.harness = harness
        self.id = user_id
        self.user = user(user_id, language_code)
        self.pressed: list[int] = []
        self.queries: list[str] = []

    def typed(self, text: str | None, **extra: Any) -> dict[str, Any]:
        return message_update(self.harness.next_id(), self.user, text, **extra)

    async def say(self, text: str) -> list[ApiCall]:
        return await self.harness.deliver(self.typed(text))

    def button(self, label: str) -> dict[str, Any]:
        message, data = self.harness.fake.newest_button(self.id, label)
        return callback_update(self.harness.next_id(), self.user, data, message)

    async def press(self, label: str) -> list[ApiCall]:
        update = self.button(label)
        self.pressed.append(update["callback_query"]["message"]["message_id"])
        self.queries.append(update["callback_query"]["id"])
        return await self.harness.deliver(update)


def texts(calls: list[ApiCall]) -> list[str]:
    return [c.params["text"] for c in calls if c.method == "sendMessage" and c.status == 200]


def answers(runtime: Runtime, person_id: str = "telegram:1001") -> dict[str, Any]:
    with runtime.sessions() as session:
        return repositories.current_answers(session, person_id)


def history(runtime: Runtime, key: str, person_id: str = "telegram:1001") -> list[Any]:
    with runtime.sessions() as session:
        data = repositories.export_person(session, person_id) or {"history": []}
    return [entry["value"] for entry in data["history"] if entry["key"] == key]


def stored(runtime: Runtime, person_id: str) -> bool:
    with runtime.sessions() as session:
        return repositories.person_exists(session, person_id)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any HTTP request beyond loopback (by either HTTP client in play) fails the test."""
    send = httpx.AsyncHTTPTransport.handle_async_request
    connect = aiohttp.BaseConnector.connect

    async def guarded_send(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        assert request.url.host == "127.0.0.1", f"network access to {request.url.host}"
        return await send(self, request)

    async def guarded_connect(
        self: aiohttp.BaseConnector, request: Any, *args: Any, **kwargs: Any
    ) -> Any:
        assert request.url.host == "127.0.0.1", f"network access to {request.url.host}"
        return await connect(self, request, *args, **kwargs)

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", guarded_send)
    monkeypatch.setattr(aiohttp.BaseConnector, "connect", guarded_connect)


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as api:
        yield api


@pytest.fixture
async def webhook(runtime: Runtime, fake_api: FakeBotApi) -> AsyncIterator[Harness]:
    # What `jobcard telegram` runs: replies at once, the card's files after its rendering.
    async with Harness(fake_api, runtime.service.converse, "webhook") as harness:
        yield harness


@pytest.fixture(params=["webhook", "polling"])
async def harness(
    request: pytest.FixtureRequest, runtime: Runtime, fake_api: FakeBotApi
) -> AsyncIterator[Harness]:
    async with Harness(fake_api, runtime.service.converse, request.param) as harness:
        yield harness


async def consented(harness: Harness, user_id: int = 1001) -> Person:
    person = Person(harness, user_id)
    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    return person


# A whole conversation ---------------------------------------------------------------------


async def test_a_whole_job_card_conversation(harness: Harness, runtime: Runtime) -> None:
    fake, person = harness.fake, Person(harness)
    welcome = await person.say("/start")
    assert "ジョブ・カード作成コーチ" in "\n".join(texts(welcome))
    assert welcome[-1].params["reply_markup"]["inline_keyboard"] == [
        [{"text": "日本語", "callback_data": "1|a|ja"}],
        [{"text": "English（英語）", "callback_data": "1|a|en"}],
    ]
    assert "同意して" in texts(await person.press("日本語"))[-1]
    assert "お名前（氏名）" in texts(await person.press("はい"))[-1]
    assert "ふりがな" in texts(await person.say("山田 太郎"))[-1]
    assert "年代" in texts(await person.say("やまだ たろう"))[-1]
    assert "いまのお仕事" in texts(await person.press("50代"))[-1]
    assert "働いた経験" in texts(await person.press("在職中（正社員）"))[-1]
    assert "主な目的" in texts(await person.press("はい"))[-1]
    summary = texts(await person.press("転職"))[-1]
    assert "1. 氏名：山田 太郎" in summary and "3. 年代：50代" in summary
    finished = "\n".join(texts(await person.press("確定する")))
    assert "「プロフィール」を保存しました" in finished

    assert answers(runtime) == {
        "onboarding._completed": True,
        "profile.name": "山田 太郎",
        "profile.furigana": "やまだ たろう",
        "profile.age_band": "50s",
        "profile.employment_status": "employed",
        "profile.has_experience": True,
        "profile.purpose": "job_change",
        "profile._completed": True,
    }
    payloads = [data for call in fake.calls("sendMessage") for data in call.callback_data]
    assert len(payloads) > 20 and all(len(data.encode()) <= 64 for data in payloads)
    # Every press was answered (its spinner stopped); the questions keep their buttons, as no
    # request is spent taking them off (an old one pressed is answered by the engine).
    answered = [c.params["callback_query_id"] for c in fake.calls("answerCallbackQuery")]
    assert answered == person.queries and len(answered) == 7
    assert not fake.calls("editMessageReplyMarkup")
    assert all("reply_markup" in fake.message(person.id, m) for m in person.pressed)
    assert isinstance(harness.application.bot.request, AiohttpRequest)


async def test_commands_are_registered_in_japanese_and_english(webhook: Harness) -> None:
    calls = webhook.fake.calls("setMyCommands")
    assert [c.params.get("language_code") for c in calls] == [None, "en"]
    japanese, english = ([c["command"] for c in call.params["commands"]] for call in calls)
    assert japanese == english == [c.name for c in COMMANDS]
    assert calls[0].params["commands"][0]["description"] == "はじめる・続きから再開する"
    assert calls[1].params["commands"][1]["description"] == "Open the menu"
    # Only commands the engine understands are offered: built-in ones, or a dialog's own words.
    from bot.engine import load_dialogs
    from bot.engine.controls import dialog_for_command
    from dialogs import DIALOGS_DIR

    catalog = load_dialogs([DIALOGS_DIR]).catalog
    for command in COMMANDS:
        built_in = not str(parse_command(f"/{command.name}")).startswith("/")
        assert built_in or dialog_for_command(catalog, f"/{command.name}") is not None, command
    assert {c.name for c in COMMANDS} >= {"card", "book", "link", "memo"}


async def test_english_speakers_and_deep_links_start_the_same_way(webhook: Harness) -> None:
    english = Person(webhook, 3003, language_code="en")
    assert "Hello, I'm the Job Card coach." in "\n".join(texts(await english.say("/start")))
    linked = Person(webhook, 3004)
    assert "ジョブ・カード作成コーチ" in "\n".join(texts(await linked.say("/start from-flyer")))


# Webhook -----------------------------------------------------------------------------------


async def test_webhook_checks_the_secret_header(webhook: Harness, runtime: Runtime) -> None:
    registered = webhook.fake.calls("setWebhook")[0].params
    assert registered["url"] == webhook.webhook_url and registered["secret_token"] == SECRET
    assert registered["allowed_updates"] == ["message", "edited_message", "callback_query"]
    update = Person(webhook).typed("/start")
    assert (await webhook.post(update, secret=None)).status_code == 403
    assert (await webhook.post(update, secret="not-the-secret")).status_code == 403
    assert not webhook.fake.calls("sendMessage") and not stored(runtime, "telegram:1001")
    garbage = await webhook.client.post(
        webhook.webhook_url, content=b"{", headers={SECRET_HEADER: SECRET}
    )
    assert garbage.status_code == 400
    assert texts(await webhook.deliver(update)) and stored(runtime, "telegram:1001")


async def test_a_redelivered_update_is_processed_once(webhook: Harness, runtime: Runtime) -> None:
    person = await consented(webhook)
    update = person.typed("山田 太郎")
    first = await webhook.deliver(update)
    again = await webhook.deliver(update)
    assert "ふりがな" in texts(first)[-1]
    assert not [c for c in again if c.method.startswith("send")]
    assert history(runtime, "profile.name") == ["山田 太郎"]


# What is not text ----------------------------------------------------------------------------

FILE = {"file_id": "AgAD-file", "file_unique_id": "AQAD-unique"}
NOT_TEXT = {
    "sticker": {
        "sticker": {
            **FILE,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
    },
    "photo": {"photo": [{**FILE, "width": 90, "height": 90}], "caption": "免許証です"},
    "voice": {"voice": {**FILE, "duration": 3, "mime_type": "audio/ogg"}},
}
# A document is read as a 職務経歴書: tests/channels/test_telegram_import.py.


@pytest.mark.parametrize("content", NOT_TEXT)
async def test_stickers_photos_voice_and_files_are_explained_and_not_counted(
    webhook: Harness, runtime: Runtime, content: str
) -> None:
    person = await consented(webhook)
    await person.say("山田 太郎")
    await person.say("やまだ たろう")
    unreadable = t("unsupported_message", "ja")
    for _ in range(3):
        calls = await webhook.deliver(person.typed(None, **NOT_TEXT[content]))
        [reply] = texts(calls)
        assert reply.startswith(unreadable) and "年代" in reply
        buttons = [
            b["text"] for row in calls[-1].params["reply_markup"]["inline_keyboard"] for b in row
        ]
        assert "50代" in buttons  # three in a row and the answer buttons are still there
    await person.press("50代")
    assert answers(runtime)["profile.age_band"] == "50s"


async def test_a_service_message_in_the_chat_is_not_answered(
    harness: Harness, runtime: Runtime
) -> None:
    person = await consented(harness)
    await person.say("山田 太郎")
    pinned = message_update(harness.next_id(), person.user, "山田 太郎")["message"]
    assert await harness.deliver(person.typed(None, pinned_message=pinned)) == []
    assert "年代" in texts(await person.say("やまだ たろう"))[-1]
    assert answers(runtime)["profile.furigana"] == "やまだ たろう"


async def test_an_edited_message_is_not_taken_and_says_how_to_change_an_answer(
    harness: Harness, runtime: Runtime
) -> None:
    person = await consented(harness)
    sent = person.typed("山田 太郎")
    await harness.deliver(sent)
    edit = {**sent["message"], "text": "山田 次郎", "edit_date": sent["message"]["date"] + 5}
    calls = await harness.deliver({"update_id": harness.next_id(), "edited_message": edit})
    [reply] = texts(calls)
    assert reply.startswith(t("edited_message", "ja")) and "ふりがな" in reply
    assert "「戻る」" in reply and "「まとめ」" in reply
    assert answers(runtime) == {"onboarding._completed": True, "profile.name": "山田 太郎"}
    assert "年代" in texts(await person.say("やまだ たろう"))[-1]
    subscribed = harness.fake.calls("setWebhook" if harness.mode == "webhook" else "getUpdates")
    assert "edited_message" in subscribed[0].params["allowed_updates"]


# Buttons -------------------------------------------------------------------------------------


async def test_double_and_stale_presses_are_answered_and_counted_once(
    webhook: Harness, runtime: Runtime
) -> None:
    person = await consented(webhook)
    await person.say("山田 太郎")
    await person.say("/skip")
    age = person.button("50代")
    first = await webhook.deliver(age)
    double = await webhook.deliver({**age, "update_id": webhook.next_id()})
    assert "いまのお仕事" in texts(first)[-1]
    [reply] = texts(double)
    assert reply.startswith(t("stale_button", "ja"))
    assert "いまのお仕事" in reply  # still the same question: the press counted once
    assert [c.method for c in double] == ["sendMessage", "answerCallbackQuery"]
    assert double[1].params["callback_query_id"] == age["callback_query"]["id"]
    # The old questions keep their buttons; pressed later, one is answered the same way.
    language = await person.press("English")
    [reply] = texts(language)
    assert reply.startswith(t("stale_button", "ja")) and "いまのお仕事" in reply
    assert not webhook.fake.calls("editMessageReplyMarkup")
    assert history(runtime, "profile.age_band") == ["50s"]
    assert answers(runtime).get("profile.employment_status") is None
    assert answers(runtime)["profile.name"] == "山田 太郎"


async def test_a_press_is_answered_in_the_webhook_response(webhook: Harness) -> None:
    person = await consented(webhook)
    press = person.button("日本語")  # the language question's button, long answered
    before = len(webhook.fake.calls())
    response = await webhook.post(press)
    query_id = press["callback_query"]["id"]
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"method": "answerCallbackQuery", "callback_query_id": query_id}
    # The bot sent the reply and left the answer to Telegram: no request of its own for it.
    made = webhook.fake.calls()[before:]
    assert [c.method for c in made] == ["sendMessage"]
    assert "お名前" in made[0].params["text"]
    # A typed message has nothing to answer: an empty 200.
    typed = await webhook.post(person.typed("山田 太郎"))
    assert typed.status_code == 200 and typed.content == b""


async def test_the_card_from_a_button_stops_its_spinner_before_it_is_made(
    webhook: Harness,
) -> None:
    person = await consented(webhook)
    await person.say("山田 太郎")
    await person.say("/menu")
    press = person.button("ジョブ・カードを作成")
    before = len(webhook.fake.calls())
    response = await webhook.post(press)
    assert response.status_code == 200 and response.content == b""  # already answered
    calls = webhook.fake.calls()[before:]
    methods = [c.method for c in calls]
    assert methods.count("answerCallbackQuery") == 1
    answered = methods.index("answerCallbackQuery")
    assert calls[answered].params["callback_query_id"] == press["callback_query"]["id"]
    assert answered < methods.index("sendChatAction") < methods.index("sendDocument")


def test_keyboards_share_rows_and_keep_within_telegrams_limits() -> None:
    ages = ["20歳未満", "20代", "30代", "40代", "50代", "60代以上"]
    choices = Choices(
        "年代を教えてください。",
        tuple(Button(label, f"5|a|{n}") for n, label in enumerate(ages)),
        (Button("スキップ", "5|x|skip"),),
    )
    question = fitted(choices)
    assert question.text == choices.text
    markup = keyboard(question)
    assert markup is not None
    assert [[b["text"] for b in row] for row in markup["inline_keyboard"]] == [
        ages[:3],
        ages[3:],
        ["スキップ"],
    ]
    long = Choices("q", (Button("転職も視野に入れて考えたい", "8|a|x"), Button("はい", "8|a|y")))
    assert [len(row) for row in keyboard(fitted(long))["inline_keyboard"]] == [1, 1]  # type: ignore[index]
    assert keyboard(fitted(Choices("q", ()))) is None
    # A label too wide for a phone's row: the options are written out, the buttons numbered.
    wide = "職業相談窓口や訓練担当窓口から相談コーナーの利用を勧奨された。"
    question = fitted(Choices("きっかけは？", (Button(wide, "9|a|x"), Button("その他", "9|a|y"))))
    assert f"1) {wide}" in question.text and "2) その他" in question.text
    labels = [b["text"] for row in keyboard(question)["inline_keyboard"] for b in row]  # type: ignore[index]
    assert labels[0].startswith("1. 職業相談") and labels[0].endswith("…")
    assert len(labels[0]) == BUTTONS.label and labels[1] == "2. その他"
    # callback_data over 64 bytes can't be sent: every option is typed by its number instead.
    too_long = fitted(Choices("q", (Button("x", "é" * 33), Button("y", "1|a|y"))))
    assert too_long.options == () and "1) x\n2) y" in too_long.text
    # More buttons than Telegram takes on one message: the same.
    many = Choices("どれ？", tuple(Button(f"項目{n}", f"3|a|{n}") for n in range(101)))
    assert fitted(many).options == () and "101) 項目100" in fitted(many).text


# Outbound limits and files ----------------------------------------------------------------


# PTB 22.8 itself warns when it builds RetryAfter (int seconds → timedelta, opt-in by env).
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_429_is_retried_after_retry_after_and_the_message_arrives(webhook: Harness) -> None:
    webhook.fake.fail_next("sendMessage", status=429, retry_after=1)
    calls = [c for c in await Person(webhook).say("/start") if c.method == "sendMessage"]
    assert [c.status for c in calls[:2]] == [429, 200]
    assert calls[0].params == calls[1].params  # the same message, sent again
    assert calls[-1].callback_data == ["1|a|ja", "1|a|en"]


async def test_a_429_holds_back_only_its_own_chat(
    webhook: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # python-telegram-bot's RetryAfter warns about its own attribute's coming type change.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    hanako, ken = Person(webhook, 1001), Person(webhook, 1002)
    webhook.fake.fail_next("sendMessage", status=429, retry_after=1)
    first = asyncio.create_task(hanako.say("/start"))
    await webhook.fake.wait_for(lambda: bool(webhook.fake.calls("sendMessage")))
    await ken.say("/start")  # while hanako's chat waits out its retry_after
    await first
    sent = [(c.chat_id, c.status) for c in webhook.fake.calls("sendMessage")]
    assert sent == [(1001, 429), (1002, 200), (1001, 200)]


def test_each_chat_keeps_its_own_pace_and_idle_chats_are_forgotten() -> None:
    now = [0.0]
    pace = Pace(1.0, burst=3, clock=lambda: now[0])
    # A turn's few messages go at once; a chat sending faster waits a second a message.
    assert [pace.reserve("a") for _ in range(5)] == [0.0, 0.0, 0.0, 1.0, 2.0]
    assert pace.reserve("b") == 0.0  # another chat is not held back by the first
    pace.hold("b", 5.0)  # Telegram answered 429 with retry_after 5
    assert pace.reserve("b") == 5.0
    for chat in range(5000):
        pace.reserve(chat)
    now[0] = 100.0
    for chat in range(5000, 10000):
        pace.reserve(chat)
    # The chats of a while ago are forgotten: memory follows the chats active now.
    assert 5000 <= len(pace) < 6000


async def test_answering_a_button_and_the_upload_indicator_spend_no_pace() -> None:
    pacing, calls = ChatPacing(clock=lambda: 0.0), []

    async def call(endpoint: str) -> bool:
        calls.append(endpoint)
        return True

    for endpoint in ("sendMessage", "editMessageReplyMarkup", "sendChatAction"):
        data = {"chat_id": 1001}
        await pacing.process_request(call, (endpoint,), {}, endpoint, data, None)
    await pacing.process_request(
        call, ("answerCallbackQuery",), {}, "answerCallbackQuery", {}, None
    )
    assert len(calls) == 4
    # Only the message took one of the chat's slots: two more go at once, then one a second.
    assert [pacing._chats.reserve(1001) for _ in range(3)] == [0.0, 0.0, 1.0]


async def test_outbox_messages_are_sent_as_bulk(runtime: Runtime, fake_api: FakeBotApi) -> None:
    seen: list[tuple[str, str | None]] = []

    class Recording(ChatPacing):
        async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[no-untyped-def]
            seen.append((endpoint, rate_limit_args))
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

    from bot.channels.telegram_webhook import deliver_outbox
    from storage import outbox

    application = build_application(
        runtime.service.converse, TOKEN, api_url=fake_api.url, rate_limiter=Recording()
    )
    runtime.service.handle(Inbound("telegram:1001", text="/start"))
    async with application:
        now = runtime.service.now()
        with runtime.sessions.begin() as session:
            outbox.schedule(
                session,
                "telegram:1001",
                due_at=now,
                kind="message",
                payload={"ja": "明日は相談日です。", "en": "Your consultation is tomorrow."},
                now=now,
                key="test:bulk",
            )
        assert await deliver_outbox(application.bot, runtime.service) == 1
    assert [call for call in seen if call[0] != "getMe"] == [("sendMessage", BULK)]


def test_texts_before_a_question_join_it_in_one_message_when_they_fit() -> None:
    question = Choices("年代を教えてください。", (Button("20代", "5|a|20s"),))
    document = Document("my-data.json", "application/json", b"{}")
    joined = coalesce([Text("【プロフィール】"), Text("まず…"), question, document, Text("x")])
    assert joined == [
        Choices("【プロフィール】\n\nまず…\n\n年代を教えてください。", question.options),
        document,
        Text("x"),
    ]
    too_long = [Text("あ" * 4090), question]
    assert coalesce(too_long) == too_long
    assert coalesce([question, Text("after")]) == [question, Text("after")]


async def test_transport_errors_do_not_carry_the_token() -> None:
    broken = Bot(TOKEN, base_url="http://127.0.0.1:notaport/bot", request=AiohttpRequest())
    with pytest.raises(NetworkError) as raised:
        await broken.initialize()
    assert "InvalidUrl" in str(raised.value) and TOKEN not in str(raised.value)
    assert raised.value.__cause__ is None
    await broken.shutdown()


async def test_bot_api_calls_go_through_the_environments_proxy_read_once(
    fake_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", fake_api.url)  # the fake answers as the proxy would

    async def via_loopback_proxy(
        self: aiohttp.BaseConnector, request: Any, *args: Any, **kwargs: Any
    ) -> Any:
        assert request.proxy is not None and request.proxy.host == "127.0.0.1"
        return await AIOHTTP_CONNECT(self, request, *args, **kwargs)

    monkeypatch.setattr(aiohttp.BaseConnector, "connect", via_loopback_proxy)
    bot = Bot(TOKEN, base_url="http://api.telegram.invalid/bot", request=AiohttpRequest())
    async with bot:
        monkeypatch.delenv("HTTP_PROXY")  # read when the bot started, not for each call
        assert (await bot.get_me()).username == BOT_USERNAME
    assert len(fake_api.calls("getMe")) == 2
    monkeypatch.setenv("HTTP_PROXY", fake_api.url)
    monkeypatch.setenv("NO_PROXY", "example.org,api.telegram.invalid")
    assert environment_proxy("http://api.telegram.invalid/bot") is None
    assert environment_proxy("http://api.telegram.org/bot") == fake_api.url


def test_split_text_cuts_at_line_ends_and_hard_splits_a_long_line() -> None:
    lines = [f"{n:04d} " + "あ" * 95 for n in range(100)]  # 100 lines of 100 characters
    chunks = split_text("\n".join(lines))
    assert [len(c) for c in chunks] == [4039, 4039, 2019]  # 40 + 40 + 20 whole lines
    assert "\n".join(chunks) == "\n".join(lines)
    assert [len(c) for c in split_text("い" * 9000)] == [4096, 4096, 808]
    assert split_text("😀" * 3000) == ["😀" * 2048, "😀" * 952]  # two UTF-16 units each
    assert split_text("\n \n") == [] and split_text("a\n\nb") == ["a\n\nb"]


async def test_long_texts_photos_and_files_over_http(
    runtime: Runtime, fake_api: FakeBotApi
) -> None:
    text = "\n".join(f"{n:04d} " + "あ" * 95 for n in range(100))
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))

    def handle(inbound: Inbound) -> list[Outbound]:
        return [
            Text(text),
            Choices("う" * 5000, (Button("はい", "1|a|yes"),)),
            Image("chart.png", png, caption="グラフ"),
            Document("card.pdf", "application/pdf", b"%PDF-1.7", caption="え" * 1500),
        ]

    async with Harness(fake_api, handle, "webhook") as harness:
        calls = await Person(harness).say("hello")
    messages = [c for c in calls if c.method == "sendMessage"]
    assert [len(c.params["text"]) for c in messages] == [4039, 4039, 2019, 4096, 904, 1500]
    assert [bool(c.callback_data) for c in messages] == [False] * 4 + [True, False]
    photo = next(c for c in calls if c.method == "sendPhoto")
    assert photo.files["photo"].content == png and photo.params["caption"] == "グラフ"
    document = next(c for c in calls if c.method == "sendDocument")
    assert document.files["document"].filename == "card.pdf"
    assert "caption" not in document.params  # too long for a caption: sent as a message after
    assert [c.method for c in calls][-2:] == ["sendDocument", "sendMessage"]


async def test_mydata_arrives_as_a_json_document(webhook: Harness) -> None:
    person = await consented(webhook)
    await person.say("山田 太郎")
    calls = await person.say("/mydata")
    document = next(c for c in calls if c.method == "sendDocument")
    upload = document.files["document"]
    assert upload.filename == "my-data.json"
    data = json.loads(upload.content)
    assert data["person"]["id"] == "telegram:1001"
    assert data["answers"]["profile.name"] == "山田 太郎"


async def test_the_card_follows_a_reply_sent_at_once_with_an_upload_indicator(
    webhook: Harness,
) -> None:
    person = await consented(webhook)
    await person.say("山田 太郎")
    calls = await person.say("/card")
    methods = [c.method for c in calls]
    # The notice first, then "sending a file…" while it renders, then the files.
    assert methods[0] == "sendMessage" and "作成しています" in calls[0].params["text"]
    assert methods.index("sendChatAction") < methods.index("sendDocument")
    action = calls[methods.index("sendChatAction")].params
    assert action["action"] == "upload_document" and int(action["chat_id"]) == person.id
    document = next(c for c in calls if c.method == "sendDocument")
    assert document.files["document"].content.startswith(b"%PDF")
    preview = [text for text in texts(calls) if "山田 太郎" in text]
    assert preview and calls.index(document) > methods.index("sendChatAction")
    # The question the person was at comes again after the card.
    assert calls[-1].callback_data and "ふりがな" in calls[-1].params["text"]


async def test_a_redelivered_card_request_is_rendered_and_sent_once(webhook: Harness) -> None:
    person = await consented(webhook)
    update = person.typed("/card")
    # Telegram re-delivers while the first delivery is still rendering, and once more after.
    await asyncio.gather(webhook.post(update), webhook.post(update))
    await webhook.deliver(update)
    assert len(webhook.fake.calls("sendDocument")) == 1
    assert len([t for t in texts(webhook.fake.calls()) if "作成しています" in t]) == 1


# Groups, errors and ordering ----------------------------------------------------------------


async def test_groups_are_told_politely_to_use_a_direct_chat(
    webhook: Harness, runtime: Runtime
) -> None:
    member, group = user(2002), -500

    async def in_group(text: str | None, **extra: Any) -> list[str]:
        update = message_update(webhook.next_id(), member, text, chat_id=group, **extra)
        calls = await webhook.deliver(update)
        assert all(c.chat_id == group for c in calls)
        return texts(calls)

    assert "個別のチャット" in GROUP_NOTICE and "direct chat" in GROUP_NOTICE
    assert await in_group("/start") == [GROUP_NOTICE]
    assert await in_group(f"@{BOT_USERNAME} 使えますか") == [GROUP_NOTICE]
    bot_member = {"id": BOT_ID, "is_bot": True, "first_name": "JobCard"}
    assert await in_group(None, new_chat_members=[bot_member]) == [GROUP_NOTICE]
    assert await in_group("今日の会議は15時からです") == []
    assert await in_group("/start@another_bot") == []
    assert not stored(runtime, "telegram:2002")


async def test_a_failure_is_told_plainly_and_logged_without_the_text(
    webhook: Harness, runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    person = await consented(webhook)
    caplog.set_level(logging.INFO)
    webhook.fake.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    calls = await person.say("山田 太郎")
    assert texts(calls) == [t("error", "ja")]
    assert answers(runtime)["profile.name"] == "山田 太郎"  # stored before the reply failed
    failures = [r for r in caplog.records if r.name == "bot.channels.telegram"]
    assert [r.getMessage().splitlines()[0] for r in failures] == [
        "telegram update failed: BadRequest"
    ]
    assert "山田" not in caplog.text


async def test_one_chat_stays_in_order_while_chats_run_side_by_side(
    runtime: Runtime, fake_api: FakeBotApi
) -> None:
    def slow_first_answer(inbound: Inbound) -> list[Outbound]:
        if inbound.text == "佐藤 花子":
            time.sleep(0.3)  # a slow turn: the same chat's next update must wait for it
        return runtime.service.handle(inbound)

    async with Harness(fake_api, slow_first_answer, "polling") as harness:
        hanako, ken = await consented(harness, 1001), await consented(harness, 1002)
        calls = await harness.deliver(
            hanako.typed("佐藤 花子"), ken.typed("鈴木 健"), hanako.typed("さとう はなこ")
        )
    sent = [c for c in calls if c.method == "sendMessage"]
    assert sent[0].chat_id == 1002  # the other chat did not wait
    to_hanako = texts([c for c in sent if c.chat_id == 1001])
    assert "ふりがな" in to_hanako[0] and "年代" in to_hanako[-1]
    assert answers(runtime, "telegram:1001")["profile.name"] == "佐藤 花子"
    assert answers(runtime, "telegram:1001")["profile.furigana"] == "さとう はなこ"
    assert answers(runtime, "telegram:1002")["profile.name"] == "鈴木 健"


@pytest.mark.postgres
async def test_two_workers_share_one_postgresql_database(
    make_runtime: Callable[[str], Runtime], pg_url: str, fake_api: FakeBotApi
) -> None:
    first, second = make_runtime(pg_url), make_runtime(pg_url)
    async with (
        Harness(fake_api, first.service.handle, "webhook") as one,
        Harness(fake_api, second.service.handle, "webhook") as other,
    ):
        # The load balancer sends each update to either worker.
        await Person(one).say("/start")
        await Person(other).press("日本語")
        await Person(one).press("はい")
        answer = Person(one).typed("山田 太郎")
        before = len(fake_api.calls("sendMessage"))
        # Telegram re-delivers an update while the first delivery is still being handled.
        await asyncio.gather(one.deliver(answer), other.deliver(answer))
        replies = fake_api.calls("sendMessage")[before:]
        assert len(replies) == 1 and "ふりがな" in replies[0].params["text"]
        assert "年代" in texts(await Person(other).say("やまだ たろう"))[-1]
    assert history(second, "profile.name") == ["山田 太郎"]
    assert answers(first)["profile.furigana"] == "やまだ たろう"


async def test_chat_locks_are_fifo_per_chat_and_independent_across_chats() -> None:
    locks, events, gate = ChatLocks(), [], asyncio.Event()

    async def work(chat_id: int, name: str, wait: asyncio.Event | None = None) -> None:
        async with locks.hold(chat_id):
            events.append(f"{name} start")
            if wait is not None:
                await wait.wait()
            events.append(f"{name} end")

    first = asyncio.create_task(work(1, "a1", gate))
    second = asyncio.create_task(work(1, "a2"))
    await asyncio.sleep(0)  # both tasks are now at chat 1's lock
    await work(2, "b")  # another chat goes ahead while chat 1 is busy
    assert events == ["a1 start", "b start", "b end"]
    gate.set()
    await asyncio.gather(first, second)
    assert events[3:] == ["a1 end", "a2 start", "a2 end"]
    assert len(locks) == 0


# Settings and the command line ---------------------------------------------------------------


def test_check_settings_names_what_is_missing() -> None:
    with pytest.raises(MissingSettingError, match="TELEGRAM_BOT_TOKEN"):
        check_settings(Settings(database_url="sqlite://"))
    webhook = argparse.Namespace(webhook="https://bot.example.org/hook")
    token_only = Settings(database_url="sqlite://", environ={"TELEGRAM_BOT_TOKEN": TOKEN})
    check_settings(token_only)
    with pytest.raises(MissingSettingError, match="TELEGRAM_WEBHOOK_SECRET"):
        check_settings(token_only, webhook)
    bad = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": "has spaces!"}
    with pytest.raises(MissingSettingError, match="TELEGRAM_WEBHOOK_SECRET must be"):
        check_settings(Settings(database_url="sqlite://", environ=bad), webhook)


def jobcard_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env["JOBCARD_DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(ROOT)
    return env | extra


def jobcard(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "bot", "telegram", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, cwd=ROOT)


def test_cli_without_the_token_says_so_in_one_line(tmp_path: Path) -> None:
    result = jobcard(jobcard_env(f"sqlite:///{tmp_path / 'bot.sqlite3'}"))
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def with_environ(runtime: Runtime, **environ: str) -> Runtime:
    settings = replace(runtime.settings, environ=environ)
    return replace(runtime, settings=settings)


def test_run_in_webhook_mode_needs_the_secret(runtime: Runtime) -> None:
    # The CLI prints this error as its one line (shown above for the token).
    args = argparse.Namespace(webhook="https://bot.example.org/hook", listen="::", port=8443)
    with pytest.raises(MissingSettingError, match="TELEGRAM_WEBHOOK_SECRET"):
        run(with_environ(runtime, TELEGRAM_BOT_TOKEN=TOKEN), args)


def test_run_with_a_rejected_token_says_so_without_printing_it(
    runtime: Runtime, fake_api: FakeBotApi, capsys: pytest.CaptureFixture[str]
) -> None:
    rejected = with_environ(runtime, TELEGRAM_BOT_TOKEN="999:wrong", TELEGRAM_API_URL=fake_api.url)
    assert run(rejected, argparse.Namespace(webhook=None, listen="::", port=8443)) == 2
    assert capsys.readouterr().err.splitlines() == [
        "jobcard: Telegram rejected TELEGRAM_BOT_TOKEN; check it and try again"
    ]
    assert [c.status for c in fake_api.calls()] == [401]  # getMe, and nothing after it


@pytest.fixture
def bot_process(
    runtime: Runtime, fake_api: FakeBotApi
) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """``jobcard telegram`` in a subprocess, on the (already migrated) test database."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        env = jobcard_env(
            runtime.settings.database_url,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            TELEGRAM_API_URL=fake_api.url,
        )
        command = [sys.executable, "-m", "bot", "telegram", *args]
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def stopped(process: subprocess.Popen[str], signum: int) -> tuple[int, str]:
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    return process.returncode, stderr


async def test_cli_polls_answers_and_stops_on_sigint(
    runtime: Runtime, fake_api: FakeBotApi, bot_process: Callable[..., subprocess.Popen[str]]
) -> None:
    process = bot_process()
    await fake_api.wait_for(lambda: bool(fake_api.calls("getUpdates")), timeout=30)
    fake_api.push_update(message_update(1, user(1001), "/start"))
    await fake_api.wait_for(lambda: any(c.callback_data for c in fake_api.calls("sendMessage")))
    assert len(fake_api.calls("setMyCommands")) == 2
    assert stopped(process, signal.SIGINT) == (0, "")
    assert stored(runtime, "telegram:1001")


async def test_cli_serves_the_webhook_and_stops_on_sigterm(
    fake_api: FakeBotApi, bot_process: Callable[..., subprocess.Popen[str]]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"
    process = bot_process("--webhook", url, "--listen", "127.0.0.1", "--port", str(port))
    await fake_api.wait_for(lambda: bool(fake_api.calls("setWebhook")), timeout=30)
    update = message_update(1, user(1001), "/start")
    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(200):  # until uvicorn is listening
            try:
                response = await client.post(url, json=update, headers={SECRET_HEADER: SECRET})
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.05)
    assert response.status_code == 200
    assert any(c.callback_data for c in fake_api.calls("sendMessage"))
    assert stopped(process, signal.SIGTERM) == (0, "")


async def test_due_reminders_are_sent_once(webhook: Harness, runtime: Runtime) -> None:
    from datetime import timedelta

    from bot.channels.telegram_webhook import deliver_outbox
    from storage import outbox

    await consented(webhook)
    now = runtime.service._clock()
    with runtime.sessions.begin() as session:
        outbox.schedule(
            session,
            "telegram:1001",
            due_at=now - timedelta(minutes=1),
            kind="message",
            payload={"ja": "明日は相談日です。", "en": "Your consultation is tomorrow."},
            now=now,
            key="test:reminder",
        )
    bot = webhook.application.bot
    before = len(webhook.fake.calls("sendMessage"))
    assert await deliver_outbox(bot, runtime.service) == 1
    assert await deliver_outbox(bot, runtime.service) == 0
    sent = webhook.fake.calls("sendMessage")[before:]
    assert texts(sent) == ["明日は相談日です。"]

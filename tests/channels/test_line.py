"""The LINE channel: the real line-bot-sdk over real HTTP, a fake Messaging API on loopback."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import aiohttp
import httpx
import pytest
from PIL import Image as Picture
from sqlalchemy import select

from bot.bootstrap import Runtime, chart_renderers
from bot.channels.line import SIGNATURE_HEADER, LineChannel
from bot.channels.line_api import API_URL_VARIABLE, TOKEN_VARIABLE, api_client, environment_proxy
from bot.channels.line_messages import BUTTONS, messages
from bot.channels.line_server import TURN_WORKERS, ServeOptions, quota, serve
from bot.config import Settings
from bot.documents.links import DocumentLinks
from bot.engine import Button, Choices, Text
from bot.engine.choices import Option
from bot.engine.localized import Localized
from bot.engine.texts import t
from bot.service import ConversationService, SourceContext
from bot.web import create_app
from bot.web.chat import ChatSettings
from bot.web.chat_security import ChatKeys
from storage import line as contacts
from storage import outbox
from storage import repositories as repo
from storage.models import AnswerRow, DeliveryRow, OutboxRow
from tests.channels.fake_line_api import FakeLineApi, LineCall, sign
from tests.conftest import NOW, RuntimeFactory
from tests.documents.cards import rich_answers
from tests.review.helpers import answer
from tests.web.server import serving

SECRET = "line-channel-secret-for-tests"
TOKEN = "line-access-token-for-tests"
LINK_SECRET = b"document link secret of the tests, long enough"
EVENT_IDS = itertools.count(1)
USER = "U" + "1" * 32


def event(kind: str, user: str = USER, **fields: Any) -> dict[str, Any]:
    """A webhook event from a one-to-one chat (``source`` may be given for groups)."""
    return {
        "type": kind,
        "mode": "active",
        "timestamp": 1700000000000,
        "webhookEventId": f"01HLINE{next(EVENT_IDS):019d}",
        "deliveryContext": {"isRedelivery": False},
        "source": {"type": "user", "userId": user},
        **fields,
    }


class Harness:
    """``jobcard line``'s webhook serving in the test's loop, the SDK calling the fake API."""

    def __init__(
        self,
        runtime: Runtime,
        fake: FakeLineApi,
        links: DocumentLinks | None,
        service: ConversationService | None = None,
        turn_workers: int = 0,
    ) -> None:
        self.runtime, self.fake, self.links = runtime, fake, links
        self.service = service or runtime.service
        self.turn_workers = turn_workers
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.stop = asyncio.Event()
        self.http = httpx.AsyncClient(timeout=30)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/line/callback"

    async def __aenter__(self) -> Harness:
        # The client exactly as ``jobcard line`` makes it, pointed at the fake.
        environ = {TOKEN_VARIABLE: TOKEN, API_URL_VARIABLE: self.fake.url}
        self.client = api_client(Settings(self.runtime.settings.database_url, environ=environ))
        self.channel = LineChannel(
            self.service,
            self.runtime.sessions,
            self.client,
            SECRET,
            self.links,
            turn_workers=self.turn_workers,
        )
        options = ServeOptions(sock=self.sock)
        self.task = asyncio.create_task(serve(self.channel, options, self.stop))
        for _ in range(500):
            try:
                health = await self.http.get(self.url.replace("/line/callback", "/healthz"))
                if health.status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        await self.task
        await self.client.close()
        await self.http.aclose()
        self.sock.close()

    async def post(self, *events: dict[str, Any], signature: str | None = "sign") -> int:
        body = json.dumps({"destination": "Ubot", "events": list(events)}).encode()
        headers = {"content-type": "application/json"}
        if signature == "sign":
            headers[SIGNATURE_HEADER] = sign(SECRET, body)
        elif signature is not None:
            headers[SIGNATURE_HEADER] = signature
        response = await self.http.post(self.url, content=body, headers=headers)
        return response.status_code

    async def deliver(self, *events: dict[str, Any]) -> list[LineCall]:
        """Post events as LINE does and wait until they are handled; the API calls made."""
        before = len(self.fake.calls())
        assert await self.post(*events) == 200
        await self.channel.idle()
        return self.fake.calls()[before:]


class Person:
    """Someone in a one-to-one chat with the account."""

    def __init__(self, harness: Harness, user: str = USER) -> None:
        self.harness, self.user = harness, user
        self.identity = f"line:{user}"

    def event(self, kind: str, **fields: Any) -> dict[str, Any]:
        return event(kind, self.user, replyToken=self.harness.fake.reply_token(), **fields)

    async def follow(self, unblocked: bool = False) -> list[LineCall]:
        return await self.harness.deliver(self.event("follow", follow={"isUnblocked": unblocked}))

    async def say(self, text: str) -> list[LineCall]:
        message = {"type": "text", "id": "m1", "quoteToken": "q", "text": text}
        return await self.harness.deliver(self.event("message", message=message))

    def button(self, label: str) -> str:
        """The postback data of the newest quick reply item labelled ``label``."""
        for call in reversed(self.harness.fake.replies() + self.harness.fake.pushes()):
            for message in reversed(call.messages):
                for item in (message.get("quickReply") or {}).get("items", []):
                    if item["action"]["label"] == label:
                        return str(item["action"]["data"])
        raise AssertionError(f"no button {label!r}")

    async def press(self, label: str) -> list[LineCall]:
        return await self.postback(self.button(label))

    async def postback(self, data: str) -> list[LineCall]:
        return await self.harness.deliver(self.event("postback", postback={"data": data}))


def said(calls: list[LineCall]) -> str:
    return "\n".join(text for call in calls if call.status == 200 for text in call.texts)


def labels(calls: list[LineCall]) -> list[str]:
    items = [
        item
        for call in calls
        for message in call.messages
        for item in (message.get("quickReply") or {}).get("items", [])
    ]
    return [item["action"]["label"] for item in items]


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection beyond loopback (the SDK uses aiohttp) fails the test."""
    connect = aiohttp.BaseConnector.connect

    async def guarded(self: aiohttp.BaseConnector, request: Any, *args: Any, **kw: Any) -> Any:
        assert request.url.host == "127.0.0.1", f"network access to {request.url.host}"
        return await connect(self, request, *args, **kw)

    monkeypatch.setattr(aiohttp.BaseConnector, "connect", guarded)


@pytest.fixture
def fake() -> Iterator[FakeLineApi]:
    with FakeLineApi(TOKEN) as api:
        yield api


@pytest.fixture
def web(runtime: Runtime) -> Iterator[DocumentLinks]:
    """``jobcard web`` serving the /d/ links, with the charts a link can redraw."""

    def card_pdf(answers: dict[str, object], now: object) -> bytes:
        return b"%PDF-1.7 line test " + str(answers.get("profile.name", "")).encode()

    links = DocumentLinks(
        "http://placeholder", LINK_SECRET, card_pdf=card_pdf, images=chart_renderers()
    )
    chat = ChatSettings(runtime.service, runtime.sessions, ChatKeys(LINK_SECRET), links)
    with serving(create_app(runtime.sessions, clock=runtime.service.now, chat=chat)) as url:
        links.public_url = url
        yield links


@pytest.fixture
async def line(runtime: Runtime, fake: FakeLineApi, web: DocumentLinks) -> AsyncIterator[Harness]:
    async with Harness(runtime, fake, web) as harness:
        yield harness


async def consented(line: Harness) -> Person:
    person = Person(line)
    await person.follow()
    await person.press("日本語")
    await person.press("はい")
    return person


def answers(runtime: Runtime, person: str = f"line:{USER}") -> dict[str, Any]:
    with runtime.sessions() as session:
        return repo.current_answers(session, person)


# Signatures --------------------------------------------------------------------------------


async def test_only_signed_requests_are_read(line: Harness, runtime: Runtime) -> None:
    hello = Person(line).event("follow", follow={"isUnblocked": False})
    assert await line.post(hello, signature=None) == 400
    assert await line.post(hello, signature=sign("another-secret", b"{}")) == 401
    assert await line.post(hello, signature="not base64 at all") == 401
    forged = await line.http.post(
        line.url, content=b'{"events": []} ', headers={SIGNATURE_HEADER: sign(SECRET, b"{}")}
    )
    assert forged.status_code == 401
    await line.channel.idle()
    assert line.fake.calls() == []
    with runtime.sessions() as session:
        assert not repo.person_exists(session, f"line:{USER}")
    # Signed but not JSON: refused without a reply.
    garbage = b"{not json"
    response = await line.http.post(
        line.url, content=garbage, headers={SIGNATURE_HEADER: sign(SECRET, garbage)}
    )
    assert response.status_code == 400
    assert (await line.http.get(line.url.replace("/line/callback", "/healthz"))).text == "ok"
    assert await line.post(hello) == 200
    await line.channel.idle()
    assert line.fake.replies()


# A conversation ------------------------------------------------------------------------------


async def test_a_profile_conversation_by_quick_replies_and_text(
    line: Harness, runtime: Runtime
) -> None:
    person = Person(line)
    welcome = await person.follow()
    assert "ジョブ・カード作成コーチ" in said(welcome)
    assert labels(welcome) == ["日本語", "English（英語）"]
    [reply] = welcome
    assert reply.path == "/v2/bot/message/reply" and len(reply.messages) <= 5
    assert "同意して" in said(await person.press("日本語"))
    assert "お名前（氏名）" in said(await person.press("はい"))
    assert "ふりがな" in said(await person.say("山田 太郎"))
    assert "年代" in said(await person.say("やまだ たろう"))
    assert "いまのお仕事" in said(await person.press("50代"))
    assert "働いた経験" in said(await person.press("在職中（正社員）"))
    assert "主な目的" in said(await person.press("はい"))
    purpose = line.fake.replies()[-1].texts[-1]
    assert "2) 転職も視野に入れて考えたい" in purpose  # one label is long: the list is written out
    [reply] = await person.press("2. 転職も視野に入れて考えたい")
    card = reply.messages[-1]  # the summary reads as one card, its buttons as quick replies
    assert card["type"] == "flex" and "1. 氏名：山田 太郎" in card["altText"]
    body = card["contents"]["body"]["contents"][0]["text"]
    assert "1. 氏名：山田 太郎" in body and "3. 年代：50代" in body
    assert "確定する" in [i["action"]["label"] for i in card["quickReply"]["items"]]
    assert "「プロフィール」を保存しました" in said(await person.press("確定する"))
    assert answers(runtime)["profile.age_band"] == "50s"
    assert answers(runtime)["profile._completed"] is True
    # Everything went out as free replies, each press shown as the person's own message.
    assert line.fake.pushes() == []
    shown = [
        item["action"]["displayText"]
        for call in line.fake.replies()
        for m in call.messages
        for item in (m.get("quickReply") or {}).get("items", [])
    ]
    assert "在職中（正社員）" in shown


async def test_a_sticker_is_answered_and_no_attempt_is_counted(line: Harness) -> None:
    person = await consented(line)
    sticker = {
        "type": "sticker",
        "id": "s",
        "quoteToken": "q",
        "packageId": "1",
        "stickerId": "2",
        "stickerResourceType": "STATIC",
    }
    calls = await line.deliver(person.event("message", message=sticker))
    assert t("unsupported_message", "ja") in said(calls)
    assert "お名前（氏名）" in said(calls)  # the same question again, nothing taken
    assert "ふりがな" in said(await person.say("山田 太郎"))


async def test_stale_and_double_pressed_buttons(line: Harness, runtime: Runtime) -> None:
    person = Person(line)
    await person.follow()
    japanese = person.button("日本語")
    await person.postback(japanese)
    await person.press("はい")
    stale = said(await person.postback(japanese))
    assert t("stale_button", "ja") in stale
    await person.say("山田 太郎")
    press = person.event("postback", postback={"data": "c|back"})
    first = await line.deliver(press)
    again = dict(press, deliveryContext={"isRedelivery": True}, replyToken=line.fake.reply_token())
    assert await line.post(again) == 200
    await line.channel.idle()
    assert said(first) and line.fake.calls()[-1] is first[-1]  # the redelivery: no reply
    assert answers(runtime)["profile.name"] == "山田 太郎"


async def test_follow_unfollow_and_follow_again(line: Harness, runtime: Runtime) -> None:
    person = await consented(line)
    await person.say("山田 太郎")
    assert await line.post(event("unfollow", USER)) == 200
    await line.channel.idle()
    with runtime.sessions() as session:
        assert not contacts.is_following(session, person.identity)
        outbox.schedule(
            session,
            person.identity,
            due_at=NOW,
            kind="message",
            payload={"ja": "明日はご予約の日です。", "en": "Tomorrow."},
            now=NOW,
        )
        session.commit()
    assert await line.channel.deliver_outbox() == 0
    assert line.fake.pushes() == []
    with runtime.sessions() as session:
        [entry] = session.execute(OutboxRow.__table__.select()).all()
        assert entry.status == "failed"  # given up at once: no push to someone who left
    back = said(await person.follow(unblocked=True))
    assert "ふりがな" in back  # where they were
    assert answers(runtime)["profile.name"] == "山田 太郎"  # nothing was deleted
    with runtime.sessions() as session:
        assert contacts.is_following(session, person.identity)


async def test_a_group_is_told_once_then_left_in_peace(line: Harness, runtime: Runtime) -> None:
    group = {"type": "group", "groupId": "C" + "9" * 32, "userId": USER}
    joined = event("join", replyToken=line.fake.reply_token())
    joined["source"] = group
    calls = await line.deliver(joined)
    assert "個別のチャット" in said(calls) and "direct chat" in said(calls)
    message = event(
        "message",
        replyToken=line.fake.reply_token(),
        message={"type": "text", "id": "g", "quoteToken": "q", "text": "はじめる"},
    )
    message["source"] = group
    assert await line.deliver(message) == []
    with runtime.sessions() as session:
        assert not repo.person_exists(session, f"line:{USER}")


# Replies, pushes and their count ---------------------------------------------------------


async def test_more_than_five_messages_and_an_expired_token_fall_back_to_push(
    line: Harness, runtime: Runtime
) -> None:
    items = [{"type": "text", "text": f"お知らせ {n}"} for n in range(7)]
    token = line.fake.reply_token()
    await line.channel._send(USER, items, token, "reply")
    [reply] = line.fake.replies()
    [push] = line.fake.pushes()
    assert reply.texts == [f"お知らせ {n}" for n in range(5)]
    assert push.texts == ["お知らせ 5", "お知らせ 6"] and push.body["to"] == USER
    expired = line.fake.reply_token()
    line.fake.expire(expired)
    await line.channel._send(USER, items[:2], expired, "reply")
    assert line.fake.pushes()[-1].texts == ["お知らせ 0", "お知らせ 1"]
    with runtime.sessions() as session:
        counts = contacts.push_counts(session, NOW.date() - timedelta(days=1))
    assert [(c.purpose, c.count) for c in counts] == [("reply", 2)]


async def test_the_quota_command_shows_our_count_and_lines(
    line: Harness, runtime: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    await line.channel._send(USER, [{"type": "text", "text": "x"}], None, "outbox")
    assert await quota(runtime, line.client) == 0
    out = capsys.readouterr().out
    assert "LINE pushes in 2026-11 (Japan time): 1" in out
    assert "2026-11-22  outbox  1" in out
    assert "LINE counts 1 messages this month (quota: 200)" in out


def test_quick_replies_keep_within_lines_limits() -> None:
    many = Choices(
        "どれですか？",
        tuple(Button(f"項目{n}", f"3|a|v{n}") for n in range(14)),
        (Button("スキップ", "3|x|skip"),),
    )
    [question] = messages([many], "ja")
    assert "1) 項目0" in question["text"] and "14) 項目13" in question["text"]
    assert [i["action"]["label"] for i in question["quickReply"]["items"]] == ["スキップ"]
    long = "とても長い選択肢の名前で二十文字を超えています。は"
    assert len(long) == 25
    few = Choices("どちらですか？", (Button(long, "4|a|x"), Button("短い", "4|a|y")))
    [question] = messages([few], "ja")
    items = question["quickReply"]["items"]
    assert all(len(i["action"]["label"]) <= BUTTONS.label for i in items)
    assert (
        items[0]["action"]["label"].startswith("1. とても")
        and items[0]["action"]["displayText"] == long
    )
    assert f"1) {long}" in question["text"]
    texts = messages([Text("あ" * 6000)], "ja")
    assert [len(m["text"]) for m in texts] == [5000, 1000]


async def test_fourteen_options_go_through_lines_checks(line: Harness) -> None:
    many = Choices("どれですか？", tuple(Button(f"項目{n}", f"3|a|v{n}") for n in range(14)))
    items = messages([Text("はじめに"), many], "ja")
    await line.channel._send(USER, items, line.fake.reply_token(), "reply")
    [reply] = line.fake.replies()
    assert "14) 項目13" in reply.texts[-1]


# Documents and charts as signed links -----------------------------------------------------


async def test_the_card_comes_as_a_chart_and_links_that_open(
    line: Harness, runtime: Runtime
) -> None:
    person = await consented(line)
    with runtime.sessions.begin() as session:
        answer(
            session,
            person.identity,
            NOW,
            **{k.replace(".", "__"): v for k, v in rich_answers().items()},
        )
    calls = await person.postback("c|card")
    paths = [c.path for c in calls]
    assert paths == ["/v2/bot/chat/loading/start", "/v2/bot/message/reply"]
    assert calls[0].body == {"chatId": USER, "loadingSeconds": 20}
    [reply] = line.fake.replies()[-1:]
    kinds = [m["type"] for m in reply.messages]
    assert "image" in kinds and "flex" in kinds and len(kinds) <= 5
    image = next(m for m in reply.messages if m["type"] == "image")
    original = httpx.get(image["originalContentUrl"])
    preview = httpx.get(image["previewImageUrl"])
    assert original.headers["content-type"] == "image/png"
    with (
        Picture.open(io.BytesIO(original.content)) as big,
        Picture.open(io.BytesIO(preview.content)) as small,
    ):
        assert max(small.size) <= 480 < max(big.size)
    flex = next(m for m in reply.messages if m["type"] == "flex")
    button = flex["contents"]["footer"]["contents"][0]["action"]
    assert button["type"] == "uri" and "/d/" in button["uri"]
    assert button["uri"] in flex["altText"]
    pdf = httpx.get(button["uri"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert line.fake.pushes() == []


# The outbox ---------------------------------------------------------------------------------


async def test_reminders_are_pushed_once_and_counted(line: Harness, runtime: Runtime) -> None:
    person = await consented(line)
    with runtime.sessions.begin() as session:
        outbox.schedule(
            session,
            person.identity,
            due_at=NOW,
            kind="message",
            payload={"ja": "明日10時はご予約の日です。", "en": "Tomorrow."},
            now=NOW,
        )
    assert await line.channel.deliver_outbox() == 1
    assert await line.channel.deliver_outbox() == 0
    [push] = line.fake.pushes()
    assert push.texts == ["明日10時はご予約の日です。"] and push.body["to"] == USER
    with runtime.sessions() as session:
        [count] = contacts.push_counts(session, NOW.date())
    assert (count.purpose, count.count) == ("outbox", 1)


async def test_with_pushes_off_a_reminder_comes_with_the_next_reply(
    line: Harness, runtime: Runtime
) -> None:
    person = await consented(line)
    line.channel.push_reminders = False
    with runtime.sessions.begin() as session:
        outbox.schedule(
            session,
            person.identity,
            due_at=NOW,
            kind="message",
            payload={"ja": "明日10時はご予約の日です。", "en": "Tomorrow."},
            now=NOW,
        )
    calls = await person.say("山田 太郎")
    assert said(calls).startswith("明日10時はご予約の日です。")
    assert "ふりがな" in said(calls) and line.fake.pushes() == []


def test_a_missing_setting_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    from bot.cli import main

    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "JOBCARD_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["line", "--db", sqlite_url]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "jobcard: LINE_CHANNEL_SECRET is not set: export LINE_CHANNEL_SECRET=… and try again"
    ]
    monkeypatch.setenv("LINE_CHANNEL_SECRET", SECRET)
    assert main(["line", "--db", sqlite_url]) == 2
    assert "LINE_CHANNEL_ACCESS_TOKEN is not set" in capsys.readouterr().err
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", TOKEN)
    assert main(["line", "--db", sqlite_url]) == 2
    assert "JOBCARD_PUBLIC_URL is not set" in capsys.readouterr().err


async def test_the_rich_menu_is_installed_with_its_picture(line: Harness) -> None:
    from bot.channels.line_richmenu import NAME, install

    old = line.fake.add_menu(NAME)
    menu_id = await install(line.client)
    paths = [(c.method, c.path) for c in line.fake.calls()]
    assert paths == [
        ("GET", "/v2/bot/richmenu/list"),
        ("POST", "/v2/bot/richmenu"),
        ("POST", f"/v2/bot/richmenu/{menu_id}/content"),
        ("POST", f"/v2/bot/user/all/richmenu/{menu_id}"),
        ("DELETE", f"/v2/bot/richmenu/{old}"),
    ]
    assert line.fake.default_menu == menu_id and list(line.fake.menus()) == [menu_id]
    created = line.fake.calls()[1].body
    assert created["size"] == {"width": 2500, "height": 843} and created["selected"] is True
    actions = [area["action"] for area in created["areas"]]
    assert [a["displayText"] for a in actions] == ["メニュー", "ジョブ・カード", "予約", "ヘルプ"]
    assert [a["data"] for a in actions] == ["c|menu", "c|card", "m|booking", "c|help"]
    upload = line.fake.calls()[2]
    assert upload.headers["content-type"] == "image/png"
    with Picture.open(io.BytesIO(upload.raw)) as picture:
        assert picture.size == (2500, 843)
    # Each area's payload does what its label says.
    person = await consented(line)
    assert "メニュー" in said(await person.postback(actions[0]["data"]))


def test_a_booking_confirmation_is_one_card_with_its_calendar_link() -> None:
    from bot.channels.line_messages import LinkedDocument

    confirmed = Text("ご予約を承りました。\n予約番号：12\n12月9日（水）10:00〜10:50")
    calendar = LinkedDocument("consultation-12.ics", "https://jobcard.example.org/d/x", "", 24, 5)
    [card] = messages([confirmed, calendar], "ja")
    assert card["type"] == "flex" and card["altText"].startswith("ご予約を承りました。")
    body = card["contents"]["body"]["contents"][0]["text"]
    assert "予約番号：12" in body and "consultation-12.ics" in body
    [button] = card["contents"]["footer"]["contents"]
    assert button["action"] == {
        "type": "uri",
        "label": "開く: consultation-12.ics",
        "uri": "https://jobcard.example.org/d/x",
    }


async def test_deleting_the_person_leaves_no_line_id(line: Harness, runtime: Runtime) -> None:
    person = await consented(line)
    with runtime.sessions() as session:
        assert contacts.is_following(session, person.identity)
        assert session.get(contacts.LineContactRow, person.identity) is not None
    with runtime.sessions.begin() as session:
        repo.delete_person(session, person.identity)
    with runtime.sessions() as session:
        assert session.get(contacts.LineContactRow, person.identity) is None
        rows = session.execute(DeliveryRow.__table__.select()).all()
        assert not [row for row in rows if USER in row.delivery_id]


# Nothing typed is lost ---------------------------------------------------------------------


def _stored_events(runtime: Runtime) -> set[str]:
    with runtime.sessions() as session:
        rows = session.execute(DeliveryRow.__table__.select()).all()
    return {row.delivery_id for row in rows}


async def test_a_failed_turn_is_refused_and_its_redelivery_handled_once(
    runtime: Runtime, fake: FakeLineApi, clock: Any
) -> None:
    """The webhook answers 500 until the turn is stored, so LINE sends the event again."""
    failures = [RuntimeError("the database went away")]

    def free_slots(_ctx: SourceContext) -> list[Option]:
        if failures:
            raise failures.pop()
        return [Option("1000", Localized("10:00〜", "10:00"))]

    service = ConversationService(
        runtime.sessions,
        runtime.dialogs.catalog,
        runtime.dialogs.specs,
        clock=clock,
        sources={"free_slots": free_slots},
    )
    async with Harness(runtime, fake, None, service) as line:
        person = await consented(line)
        assert "場所は？" in said(await person.say("用事"))
        press = person.event("postback", postback={"data": person.button("北")})
        before = len(fake.calls())
        assert await line.post(press) == 500  # the turn failed inside: nothing taken
        await line.channel.idle()
        assert fake.calls()[before:] == []  # and nothing said: LINE will send it again
        assert "errand.place" not in answers(runtime)
        assert f"line:{press['webhookEventId']}" not in _stored_events(runtime)
        # LINE's redelivery is handled, once.
        again = dict(press, deliveryContext={"isRedelivery": True})
        assert await line.post(again) == 200
        await line.channel.idle()
        [reply] = fake.calls()[before:]
        assert "北の空き枠" in said([reply]) and "10:00〜" in labels([reply])
        assert answers(runtime)["errand.place"] == "north"
        assert await line.post(again) == 200
        await line.channel.idle()
        assert len(fake.calls()) == before + 1  # the extra redelivery: dropped, no reply
        # A redelivery that fails again is told (not left waiting on LINE) and answered 200.
        failures.append(RuntimeError("still down"))
        slot = person.event("postback", postback={"data": person.button("10:00〜")})
        slot["deliveryContext"] = {"isRedelivery": True}
        assert await line.post(slot) == 200
        await line.channel.idle()
        assert t("error", "ja") in said(fake.calls()[-1:])
        assert "errand.slot" not in answers(runtime)


async def test_two_workers_on_postgresql_handle_a_redelivery_once(
    make_runtime: RuntimeFactory, pg_url: str, fake: FakeLineApi
) -> None:
    """Several ``jobcard line`` workers share one PostgreSQL database behind one URL."""
    first, second = make_runtime(pg_url), make_runtime(pg_url)
    one, other = (Harness(r, fake, None, turn_workers=TURN_WORKERS) for r in (first, second))
    async with one, other:
        person = Person(one)
        workers = itertools.cycle([one, other])

        async def deliver(event: dict[str, Any]) -> list[LineCall]:
            return await next(workers).deliver(event)

        async def press(label: str) -> list[LineCall]:
            return await deliver(person.event("postback", postback={"data": person.button(label)}))

        async def say(text: str) -> list[LineCall]:
            message = {"type": "text", "id": "m", "quoteToken": "q", "text": text}
            return await deliver(person.event("message", message=message))

        assert "ジョブ・カード作成コーチ" in said(
            await deliver(person.event("follow", follow={"isUnblocked": False}))
        )
        await press("日本語")
        assert "お名前（氏名）" in said(await press("はい"))
        name = person.event(
            "message", message={"type": "text", "id": "m", "quoteToken": "q", "text": "山田 太郎"}
        )
        redelivered = dict(name, deliveryContext={"isRedelivery": True})
        # The event and its redelivery reach both workers at the same moment.
        before = len(fake.calls())
        statuses = await asyncio.gather(one.post(name), other.post(redelivered))
        await asyncio.gather(one.channel.idle(), other.channel.idle())
        assert statuses == [200, 200]
        [reply] = fake.calls()[before:]
        assert "ふりがな" in said([reply])
        assert "年代" in said(await say("やまだ たろう"))
        assert "いまのお仕事" in said(await press("50代"))
        assert "働いた経験" in said(await press("在職中（正社員）"))
        assert "主な目的" in said(await press("はい"))
        await press("2. 転職も視野に入れて考えたい")
        assert "「プロフィール」を保存しました" in said(await press("確定する"))
        await deliver(person.event("unfollow"))
        with first.sessions() as session:
            assert not contacts.is_following(session, person.identity)
        back = await deliver(person.event("follow", follow={"isUnblocked": True}))
        assert said(back)  # welcomed back where they were
        with first.sessions() as session:
            assert contacts.is_following(session, person.identity)
    stored = answers(first)
    assert stored["profile.name"] == "山田 太郎" and stored["profile.furigana"] == "やまだ たろう"
    assert stored["profile._completed"] is True
    with first.sessions() as session:
        history = session.execute(
            select(AnswerRow).where(AnswerRow.dialog_id == "profile", AnswerRow.field == "name")
        ).all()
    assert len(history) == 1  # the name was taken once, not once per worker


def test_the_proxy_comes_from_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert environment_proxy("https://api.line.me") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.org:3128")
    assert environment_proxy("https://api.line.me") == "http://proxy.example.org:3128"
    monkeypatch.setenv("NO_PROXY", "example.com,api.line.me")
    assert environment_proxy("https://api.line.me") is None

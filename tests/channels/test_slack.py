"""The Slack channel: the real Bolt app, signed requests and a mock Web API on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import logging
import os
import socket
import subprocess
import sys
import time
from argparse import Namespace
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
import yaml
from aiohttp.test_utils import TestServer
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.bootstrap import Runtime
from bot.channels import slack_blocks as kit
from bot.channels import slack_home, slack_server
from bot.channels.slack import EVENTS_PATH, SlackChannel
from bot.channels.slack_server import check_settings
from bot.config import MissingSettingError, Settings
from bot.engine import Button, Choices, Document, Text
from bot.engine.texts import t
from storage import repositories
from tests.channels.mock_slack_api import MockSlackApi
from tests.odd_input_cases import traces

SECRET = "test-signing-secret"
PERSON = "slack:T1:U1"
MANIFEST = Path(kit.__file__).with_name("slack_manifest.yaml")
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection beyond this machine fails the test."""
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1"):
            raise AssertionError(f"network access to {address[0]}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def api() -> Iterator[MockSlackApi]:
    server = MockSlackApi()
    yield server
    server.close()


@pytest.fixture
async def channel(runtime: Runtime, api: MockSlackApi) -> AsyncIterator[SlackChannel]:
    slack = SlackChannel(
        runtime.service, token="xoxb-test", signing_secret=SECRET, base_url=api.url
    )
    yield slack
    await asyncio.wait_for(slack.idle(), 10)


def signed(body: str, content_type: str, *, age: int = 0, secret: str = SECRET) -> dict[str, str]:
    timestamp = str(int(time.time()) - age)
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature,
    }


def event_body(event: dict[str, Any], event_id: str | None = None) -> str:
    return json.dumps(
        {
            "token": "unused",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids)}",
            "event_time": 1700000000,
            "event": event,
        }
    )


def dm(text: str, **extra: Any) -> dict[str, Any]:
    ts = f"1700000050.{next(_ids):06d}"
    event = {"type": "message", "channel": "D1", "channel_type": "im", "user": "U1"}
    return {**event, "text": text, "ts": ts, "event_ts": ts, **extra}


def edited(text: str, before: str, **inner: Any) -> dict[str, Any]:
    """A ``message_changed`` event: the edited message is nested, with the text before."""
    ts = f"1700000050.{next(_ids):06d}"
    message = {"type": "message", "user": "U1", "text": text, "ts": ts, **inner}
    previous = {"type": "message", "user": "U1", "text": before, "ts": ts}
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": "D1",
        "channel_type": "im",
        "message": {**message, "edited": {"user": "U1", "ts": f"{ts}1"}},
        "previous_message": previous,
        "ts": f"{ts}2",
        "event_ts": f"{ts}2",
    }


def file_share(text: str = "") -> dict[str, Any]:
    """A file uploaded into the DM, with an optional comment."""
    files = [{"id": "F1", "name": "職務経歴.pdf", "mimetype": "application/pdf"}]
    return dm(text, subtype="file_share", files=files)


def interaction(payload: dict[str, Any]) -> str:
    base = {"user": {"id": "U1", "team_id": "T1"}, "team": {"id": "T1"}, "api_app_id": "A1"}
    return "payload=" + quote(json.dumps({**base, **payload}))


def texts(blocks: list[dict[str, Any]]) -> str:
    """Every text a person reads in some blocks, buttons included."""
    parts = []
    for block in blocks:
        if block["type"] in ("section", "header"):
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            parts.append(
                element["text"] if isinstance(element["text"], str) else element["text"]["text"]
            )
        if "accessory" in block:
            parts.append(block["accessory"]["text"]["text"])
    return "\n".join(parts)


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


class SlackPerson:
    """Someone in a DM with the app, whose every request is signed and dispatched to Bolt."""

    def __init__(self, channel: SlackChannel, api: MockSlackApi) -> None:
        self.channel = channel
        self.api = api

    async def deliver(self, body: str, content_type: str, **headers: str) -> BoltResponse:
        request = AsyncBoltRequest(body=body, headers={**signed(body, content_type), **headers})
        response = await self.channel.app.async_dispatch(request)
        await asyncio.wait_for(self.channel.idle(), 10)
        return response

    async def say(self, text: str) -> str:
        """Send a DM; return what the app posted in reply."""
        before = len(self.api.to("chat.postMessage"))
        response = await self.deliver(event_body(dm(text)), JSON)
        assert response.status == 200
        return self.posted_since(before)

    def posted_since(self, before: int) -> str:
        return "\n".join(
            texts(c.params["blocks"]) if "blocks" in c.params else c.params["text"]
            for c in self.api.to("chat.postMessage")[before:]
        )

    def messages(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """The DM as Slack shows it now: posted messages with any chat.update applied."""
        posted = self.api.to("chat.postMessage")
        current = {c.response["ts"]: c.params.get("blocks", []) for c in posted}
        for update in self.api.to("chat.update"):
            current[update.params["ts"]] = update.params["blocks"]
        return list(current.items())

    def find(self, label: str) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
        for ts, blocks in reversed(self.messages()):
            for element in buttons(blocks):
                if label in element["text"]["text"]:
                    return ts, blocks, element
        raise AssertionError(f"no button {label!r} in the DM")

    async def press(self, label: str) -> str:
        """Press the newest button showing ``label``; return what the app posted in reply."""
        ts, blocks, element = self.find(label)
        n = next(_ids)
        payload = {
            "type": "block_actions",
            "trigger_id": f"trigger-{n}",
            "container": {"type": "message", "message_ts": ts, "channel_id": "D1"},
            "channel": {"id": "D1", "name": "directmessage"},
            "message": {"type": "message", "ts": ts, "text": "…", "blocks": blocks},
            "actions": [{**element, "block_id": "b", "action_ts": f"1700000100.{n:06d}"}],
        }
        before = len(self.api.to("chat.postMessage"))
        response = await self.deliver(interaction(payload), FORM)
        assert response.status == 200
        return self.posted_since(before)

    async def submit(self, view: dict[str, Any], text: str) -> str:
        """Submit a modal with ``text`` typed into its input."""
        values = {kit.ANSWER_VIEW: {kit.ANSWER_VIEW: {"type": "plain_text_input", "value": text}}}
        payload = {"type": "view_submission", "view": {**view, "state": {"values": values}}}
        before = len(self.api.to("chat.postMessage"))
        response = await self.deliver(interaction(payload), FORM)
        assert response.status == 200
        return self.posted_since(before)


@pytest.fixture
def person(channel: SlackChannel, api: MockSlackApi) -> SlackPerson:
    return SlackPerson(channel, api)


def answers(runtime: Runtime) -> dict[str, Any]:
    with runtime.sessions() as session:
        return repositories.current_answers(session, PERSON)


def stored(runtime: Runtime) -> bool:
    with runtime.sessions() as session:
        return repositories.person_exists(session, PERSON)


async def test_whole_job_card_conversation_in_a_dm(
    person: SlackPerson, api: MockSlackApi, runtime: Runtime
) -> None:
    first = await person.say("/start")
    assert "ジョブ・カード" in first and "使う言語" in first
    language = api.to("chat.postMessage")[-1]
    assert language.params["channel"] == "D1"
    assert [b["text"]["text"] for b in buttons(language.params["blocks"])] == [
        "日本語",
        "English（英語）",
    ]
    assert all(
        b["action_id"].startswith(kit.OPTION_PREFIX) for b in buttons(language.params["blocks"])
    )

    assert "保存する情報" in await person.press("日本語")
    update = api.to("chat.update")[-1]
    assert update.params["ts"] == language.response["ts"]
    assert buttons(update.params["blocks"]) == []  # the buttons are gone …
    assert update.params["blocks"][-1]["elements"][0]["text"] == "✅ 回答: 日本語"  # … replaced
    assert "使う言語" in texts(update.params["blocks"])  # and the question is still readable

    name_question = await person.press("はい")
    assert "お名前（氏名）" in name_question and "✍️ 入力欄を開く" in name_question
    assert "ふりがな" in await person.say("山田 太郎")
    assert "年代" in await person.say("やまだ たろう")
    age = api.to("chat.postMessage")[-1]
    assert len(buttons(age.params["blocks"])) == 6

    await person.press("50代")
    assert api.to("chat.update")[-1].params["ts"] == age.response["ts"]
    assert "✅ 回答: 50代" in texts(api.to("chat.update")[-1].params["blocks"])
    await person.press("在職中（正社員）")
    await person.press("はい")
    summary = await person.press("転職も視野")
    assert "山田 太郎" in summary and "50代" in summary and "確定する" in summary
    done = await person.press("確定する")
    assert "完了" in done
    assert "✅ 確定する" in texts(api.to("chat.update")[-1].params["blocks"])
    assert answers(runtime) == {
        "profile.name": "山田 太郎",
        "profile.furigana": "やまだ たろう",
        "profile.age_band": "50s",
        "profile.employment_status": "employed",
        "profile.has_experience": True,
        "profile.purpose": "job_change",
        "profile._completed": True,
        "onboarding._completed": True,
    }
    with pytest.raises(AssertionError):
        person.find("50代")  # an answered question has no buttons left to press


async def test_signed_http_request_is_processed_and_forged_ones_are_not(
    channel: SlackChannel, api: MockSlackApi, runtime: Runtime
) -> None:
    server = TestServer(slack_server.events_app(channel), host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:

            async def post(body: str, headers: dict[str, str]) -> int:
                async with http.post(
                    server.make_url(EVENTS_PATH), data=body, headers=headers
                ) as r:
                    await channel.idle()
                    return r.status

            forged = event_body(dm("/start"))
            assert await post(forged, signed(forged, JSON, secret="wrong")) == 401
            stale = event_body(dm("/start"))
            assert await post(stale, signed(stale, JSON, age=6 * 60)) == 401
            assert api.calls == [] and not stored(runtime)

            body = event_body(dm("/start"), "EvFirst")
            assert await post(body, signed(body, JSON)) == 200
            replies = len(api.to("chat.postMessage"))
            assert replies >= 2 and stored(runtime)

            retry = {**signed(body, JSON), "x-slack-retry-num": "1"}
            retry["x-slack-retry-reason"] = "http_timeout"
            assert await post(body, retry) == 200
            assert len(api.to("chat.postMessage")) == replies  # the retry changed nothing

            async with http.get(server.make_url("/healthz")) as health:
                assert health.status == 200
    finally:
        await server.close()


async def test_a_retried_answer_is_stored_once(
    person: SlackPerson, api: MockSlackApi, runtime: Runtime
) -> None:
    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    body = event_body(dm("山田 太郎"), "EvName")
    await person.deliver(body, JSON)
    posted = len(api.to("chat.postMessage"))
    response = await person.deliver(body, JSON, **{"x-slack-retry-num": "1"})
    assert response.status == 200
    assert len(api.to("chat.postMessage")) == posted
    assert "profile.furigana" not in answers(runtime)  # the retry was not taken as the next answer
    with runtime.sessions() as session:
        names = [v for v in repositories.answer_history(session, PERSON) if v.field == "name"]
    assert len(names) == 1


async def test_messages_that_are_not_a_person_in_a_dm_are_ignored(
    person: SlackPerson, api: MockSlackApi, runtime: Runtime
) -> None:
    for event in (
        dm("/start", bot_id="B2"),
        dm("/start", subtype="message_deleted"),
        # Our own chat.update of a question, and a link preview added to a message.
        edited("✅ 回答: 日本語", "使う言語", bot_id="B1"),
        edited("https://example.org", "https://example.org"),
        dm("/start", channel_type="channel"),
        dm("   "),
    ):
        assert (await person.deliver(event_body(event), JSON)).status == 200
    assert api.to("chat.postMessage") == [] and not stored(runtime)


async def test_files_and_edits_are_answered_and_never_count_as_attempts(
    person: SlackPerson, api: MockSlackApi, runtime: Runtime
) -> None:
    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    await person.say("山田 太郎")
    assert "年代" in await person.say("やまだ たろう")
    for event in (file_share(), file_share("これが経歴書です"), file_share()):
        before = len(api.to("chat.postMessage"))
        assert (await person.deliver(event_body(event), JSON)).status == 200
        reply = person.posted_since(before)
        assert reply.startswith(t("unsupported_message", "ja")) and "年代" in reply
        assert "50代" in reply  # the answer buttons are still offered after three
    before = len(api.to("chat.postMessage"))
    await person.deliver(event_body(edited("山田 次郎", "山田 太郎")), JSON)
    reply = person.posted_since(before)
    assert reply.startswith(t("edited_message", "ja")) and "年代" in reply
    assert "「戻る」" in reply and "「まとめ」" in reply
    assert answers(runtime)["profile.name"] == "山田 太郎"
    await person.press("50代")
    assert answers(runtime)["profile.age_band"] == "50s"


async def test_deleting_the_person_leaves_no_slack_id_in_any_table(
    person: SlackPerson, runtime: Runtime
) -> None:
    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    await person.say("Zq7MARKER 太郎")
    await person.say("やまだ たろう")
    await person.press("50代")  # button presses are remembered by their delivery id
    assert {needle for needle, _ in traces(runtime, ("U1", "Zq7MARKER"))} == {"U1", "Zq7MARKER"}
    assert "削除" in await person.say("データ削除")
    await person.press("はい")
    assert traces(runtime, ("U1", "Zq7MARKER")) == [] and not stored(runtime)


async def test_slack_escaping_is_undone(person: SlackPerson, runtime: Runtime) -> None:
    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    await person.say("A&amp;B &lt;山田&gt;")
    assert answers(runtime)["profile.name"] == "A&B <山田>"


async def test_long_answer_through_the_modal(
    person: SlackPerson, api: MockSlackApi, runtime: Runtime
) -> None:
    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    question = api.to("chat.postMessage")[-1]
    updates = len(api.to("chat.update"))
    assert await person.press("入力欄を開く") == ""
    assert len(api.to("chat.update")) == updates  # opening the text box answers nothing
    opened = api.to("views.open")[-1]
    assert opened.params["trigger_id"].startswith("trigger-")
    view = opened.params["view"]
    field = view["blocks"][-1]["element"]
    assert field["type"] == "plain_text_input" and field["multiline"] is True
    assert "お名前（氏名）" in texts(view["blocks"])

    reply = await person.submit({**view, "id": "V42"}, "山田 太郎")
    assert "ふりがな" in reply
    assert answers(runtime)["profile.name"] == "山田 太郎"
    update = api.to("chat.update")[-1]
    assert update.params["ts"] == question.response["ts"]
    assert buttons(update.params["blocks"]) == []
    assert "✅ 回答: 山田 太郎" in texts(update.params["blocks"])
    assert "お名前（氏名）" in texts(update.params["blocks"])


async def test_my_data_is_uploaded_as_a_file(person: SlackPerson, api: MockSlackApi) -> None:
    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    await person.say("山田 太郎")
    await person.say("/mydata")
    [url] = api.to("files.getUploadURLExternal")
    assert url.params["filename"] == "my-data.json"
    [upload] = [c for c in api.calls if c.method == "upload/" + url.response["file_id"]]
    assert int(url.params["length"]) == len(upload.body)
    assert json.loads(upload.body)["answers"]["profile.name"] == "山田 太郎"
    [complete] = api.to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "D1"
    assert complete.params["files"][0]["id"] == url.response["file_id"]


async def test_app_home_shows_progress_and_opens_sections(
    person: SlackPerson, api: MockSlackApi, runtime: Runtime
) -> None:
    home = event_body({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    await person.deliver(home, JSON)
    new = api.to("views.publish")[-1]
    assert new.params["user_id"] == "U1" and new.params["view"]["type"] == "home"
    assert [b["text"]["text"] for b in buttons(new.params["view"]["blocks"])] == ["▶️ はじめる"]

    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    await person.say("山田 太郎")
    await person.deliver(home, JSON)
    view = api.to("views.publish")[-1].params["view"]
    shown = texts(view["blocks"])
    assert "プロフィール\n✏️ 途中" in shown and "テスト項目\n⬜ 未着手" in shown
    assert "ほかのアプリやブラウザでも続けたいときは「連携」と送ってください" in shown
    opens = [b["accessory"] for b in view["blocks"] if "accessory" in b]
    sections = runtime.service.overview(PERSON).sections
    assert [b["value"] for b in opens] == [f"m|{s.dialog_id}" for s in sections]
    kinds = next(b for b in opens if b["value"] == "m|kinds")

    payload = {
        "type": "block_actions",
        "trigger_id": "t",
        "container": {"type": "view", "view_id": "V1"},
        "view": view,
        "actions": [{**kinds, "block_id": "b", "action_ts": "1700000200.000001"}],
    }
    before = len(api.to("chat.postMessage"))
    await person.deliver(interaction(payload), FORM)
    assert api.to("conversations.open")[-1].params["users"] == "U1"
    assert "テスト項目" in person.posted_since(before)
    assert api.to("chat.postMessage")[-1].params["channel"] == "DU1"

    messages_tab = event_body({"type": "app_home_opened", "user": "U1", "tab": "messages"})
    published = len(api.to("views.publish"))
    await person.deliver(messages_tab, JSON)
    assert len(api.to("views.publish")) == published


async def test_rate_limited_calls_are_retried(person: SlackPerson, api: MockSlackApi) -> None:
    api.fail("chat.postMessage", status=429, error="ratelimited", headers={"Retry-After": "0"})
    await person.say("/start")
    assert len(api.attempts("chat.postMessage")) == len(api.to("chat.postMessage")) + 1
    assert "使う言語" in texts(api.to("chat.postMessage")[-1].params["blocks"])


async def test_a_failed_send_is_apologised_for_and_never_logged(
    person: SlackPerson, api: MockSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)  # as the CLI configures logging
    caplog.set_level(logging.DEBUG, logger="bot")
    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    await person.say("秘密の名前")
    api.fail("chat.postMessage", error="invalid_blocks")
    await person.say("戻る")  # the reply repeats the answer: 「前回の回答：秘密の名前」
    [failed] = [c for c in api.attempts("chat.postMessage") if not c.ok]
    assert "秘密の名前" in texts(failed.params["blocks"])
    apology = api.to("chat.postMessage")[-1]
    assert "Slackへの表示に失敗しました" in apology.params["text"]
    assert "invalid_blocks" in caplog.text
    assert "秘密の名前" not in caplog.text


async def test_socket_mode_requests_need_no_signature(runtime: Runtime, api: MockSlackApi) -> None:
    slack = SlackChannel(runtime.service, token="xoxb-test", base_url=api.url)
    body = json.loads(event_body(dm("/start")))
    response = await slack.app.async_dispatch(AsyncBoltRequest(body=body, mode="socket_mode"))
    await asyncio.wait_for(slack.idle(), 10)
    assert response.status == 200
    assert "使う言語" in texts(api.to("chat.postMessage")[-1].params["blocks"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def with_env(runtime: Runtime, **environ: str) -> Runtime:
    settings = Settings(runtime.settings.database_url, environ=environ)
    return dataclasses.replace(runtime, settings=settings)


async def test_serve_answers_over_http_until_stopped(
    runtime: Runtime, api: MockSlackApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack_server, "SLACK_API_URL", api.url)
    configured = with_env(runtime, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET)
    port = free_port()
    stop = asyncio.Event()
    args = Namespace(http=True, listen="127.0.0.1", port=port)
    serving = asyncio.create_task(slack_server.serve(configured, args, stop))
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        status = 0
        for _ in range(100):  # until the server listens, at most five seconds
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with http.get(url + "/healthz") as health:
                    status = health.status
                    break
            await asyncio.sleep(0.05)
        assert status == 200
        body = event_body(dm("/start"))
        async with http.post(url + EVENTS_PATH, data=body, headers=signed(body, JSON)) as r:
            assert r.status == 200
    stop.set()
    assert await asyncio.wait_for(serving, 10) == 0
    assert api.to("auth.test")
    # Stopping waits for turns already taken: their replies were all sent.
    assert "使う言語" in texts(api.to("chat.postMessage")[-1].params["blocks"])


async def test_serve_reports_a_rejected_token_in_one_line(
    runtime: Runtime,
    api: MockSlackApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(slack_server, "SLACK_API_URL", api.url)
    configured = with_env(runtime, SLACK_BOT_TOKEN="xoxp-wrong", SLACK_APP_TOKEN="xapp-1")
    args = Namespace(http=False, listen="127.0.0.1", port=0)
    assert await slack_server.serve(configured, args, asyncio.Event()) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "SLACK_BOT_TOKEN" in error and "invalid_auth" in error


def test_block_kit_limits_are_respected() -> None:
    options = tuple(
        Button(f"選択肢{n}" + "あ" * (80 if n == 0 else 0), f"{n}|a|x") for n in range(5)
    )
    skip = (Button("スキップ", "1|x|skip"),)
    # A label longer than a button shows: the options are written out, the buttons numbered.
    blocks = kit.choices_blocks(Choices("質問", options, skip), "ja")
    [question] = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert f"1) {options[0].label}" in question and "5) 選択肢4" in question
    rows = [b for b in blocks if b["type"] == "actions"]
    assert [len(r["elements"]) for r in rows] == [5, 1]  # the answers, then スキップ
    first = rows[0]["elements"][0]["text"]["text"]
    assert first.startswith("1. 選択肢0あ") and first.endswith("…") and len(first) == 75
    assert rows[0]["elements"][4]["text"]["text"] == "5. 選択肢4"
    # More than one actions block holds, or a value too long for Slack: typed by number.
    many = tuple(Button(f"選択肢{n}", f"{n}|a|x") for n in range(25))
    for crowded in (Choices("質問", many, skip), Choices("質問", (Button("長い", "x" * 2001),))):
        blocks = kit.choices_blocks(crowded, "ja")
        text = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
        assert f"{len(crowded.options)}) {crowded.options[-1].label}" in text
        assert [e["value"] for e in buttons(blocks)] == [b.payload for b in crowded.actions]
    few = tuple(Button(f"選択肢{n}", f"{n}|a|x") for n in range(24))
    short = kit.choices_blocks(Choices("質問", few, skip), "ja")
    assert [e["text"]["text"] for e in buttons(short)] == [*(b.label for b in few), "スキップ"]

    options = few[:5]
    many = Choices("\n".join(["とても長い説明です。" * 20] * 1000), options)
    planned = kit.plan([Text("前置き"), many, Document("a.json", "application/json", b"{}")], "en")
    assert isinstance(planned[-1], Document)
    posts = [m for m in planned if isinstance(m, kit.SlackMessage)]
    assert len(posts) >= 3 and texts(posts[0].blocks) == "前置き"
    assert all(len(m.blocks) <= kit.MESSAGE_BLOCKS and m.text for m in posts)
    sections = [b for m in posts for b in m.blocks if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= kit.SECTION_TEXT for b in sections)
    assert sum(len(b["text"]["text"]) for b in sections[1:]) >= len(many.text) - len(sections)
    assert buttons(posts[-1].blocks)[-1]["value"] == "4|a|x"  # the buttons close the question

    free_text = kit.choices_blocks(
        Choices("お名前は？", (), (Button("例を見る", "3|x|examples"),)), "en"
    )
    assert [b["text"]["text"] for b in buttons(free_text)] == ["✍️ Open a text box", "例を見る"]


def test_home_offers_no_dead_buttons() -> None:
    from bot.engine import load_dialogs
    from bot.engine.commands import parse_command
    from dialogs import DIALOGS_DIR

    catalog = load_dialogs([DIALOGS_DIR]).catalog
    payloads = {action.payload for action in slack_home.HOME_ACTIONS}
    assert payloads == {"c|card", "m|booking"}
    for payload in payloads:
        kind, _, value = payload.partition("|")
        known = parse_command("/" + value) == value if kind == "c" else value in catalog.latest
        assert known, payload


async def test_home_buttons_make_the_card_and_open_booking(
    person: SlackPerson, api: MockSlackApi, channel: SlackChannel
) -> None:
    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    await person.say("山田 太郎")
    for action in slack_home.HOME_ACTIONS:
        body = interaction(
            {
                "type": "block_actions",
                "actions": [
                    {
                        "action_id": f"{kit.HOME_SEND_PREFIX}x",
                        "value": action.payload,
                        "action_ts": f"1700000100.{next(_ids):06d}",
                        "type": "button",
                    }
                ],
            }
        )
        response = await channel.app.async_dispatch(
            AsyncBoltRequest(body=body, headers=signed(body, FORM))
        )
        assert response.status == 200
        await asyncio.wait_for(channel.idle(), 60)  # the PDF takes a moment
    names = [call.params.get("filename") for call in api.to("files.getUploadURLExternal")]
    assert "jobcard.pdf" in names
    posted = json.dumps([c.params for c in api.to("chat.postMessage")], ensure_ascii=False)
    assert "対面" in posted and "オンライン" in posted  # the booking's first question


def test_manifest_asks_for_exactly_what_is_used() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {"chat:write", "files:read", "files:write", "im:history", "im:write"}
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_home_opened", "message.im"}
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"]
    assert manifest["features"]["app_home"]["home_tab_enabled"]


def test_check_settings_names_the_missing_variable() -> None:
    with pytest.raises(MissingSettingError, match="SLACK_BOT_TOKEN"):
        check_settings(Settings("sqlite://", environ={"SLACK_APP_TOKEN": "xapp-1"}))
    bot_only = Settings("sqlite://", environ={"SLACK_BOT_TOKEN": "xoxb-1"})
    with pytest.raises(MissingSettingError, match="SLACK_APP_TOKEN"):
        check_settings(bot_only, Namespace(http=False))
    with pytest.raises(MissingSettingError, match="SLACK_SIGNING_SECRET"):
        check_settings(bot_only, Namespace(http=True))
    check_settings(bot_only)  # the mode is not known yet: only the bot token is required
    both = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    check_settings(Settings("sqlite://", environ=both), Namespace(http=True))


@pytest.mark.parametrize(
    ("argv", "environ", "named"),
    [
        ([], {}, "SLACK_BOT_TOKEN"),
        ([], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        (["--http"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_cli_without_tokens_exits_with_one_line(
    tmp_path: Path, argv: list[str], environ: dict[str, str], named: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(environ, JOBCARD_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "slack", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and named in result.stderr
    assert "Traceback" not in result.stderr


async def test_due_reminders_are_sent_in_a_dm_once(
    person: SlackPerson, api: MockSlackApi, channel: SlackChannel, runtime: Runtime
) -> None:
    from datetime import timedelta

    from storage import outbox

    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    now = runtime.service._clock()
    with runtime.sessions.begin() as session:
        outbox.schedule(
            session,
            PERSON,
            due_at=now - timedelta(minutes=1),
            kind="message",
            payload={"ja": "明日は相談日です。", "en": "Your consultation is tomorrow."},
            now=now,
            key="test:reminder",
        )
    before = len(api.to("chat.postMessage"))
    assert await channel.deliver_outbox() == 1
    assert await channel.deliver_outbox() == 0
    posted = api.to("chat.postMessage")[before:]
    assert len(posted) == 1 and "明日は相談日です。" in json.dumps(
        posted[0].params, ensure_ascii=False
    )


async def test_new_submissions_are_announced_to_the_centres_channel(
    api: MockSlackApi, runtime: Runtime
) -> None:
    from functools import partial

    from bot.channels.slack_server import _claim_notices, review_channels
    from bot.review.service import submit
    from tests.review.helpers import fill_card, seed_accounts

    now = runtime.service.now()
    with runtime.sessions.begin() as session:
        seed_accounts(session, now)
        fill_card(session, "console:hanako", now)
        submit(session, "console:hanako", "yokohama", now)
    slack = SlackChannel(
        runtime.service,
        token="xoxb-test",
        base_url=api.url,
        review_channels=review_channels("yokohama=C-YOKO, kawasaki=C-KAWA"),
        web_url="https://review.example.org/",
        notices=partial(_claim_notices, runtime),
    )
    assert await slack.announce_submissions() == 1
    assert await slack.announce_submissions() == 0
    [post] = api.to("chat.postMessage")
    assert post.params["channel"] == "C-YOKO"
    assert "ハローワーク横浜" in post.params["text"] and "新規提出" in post.params["text"]
    [button] = next(b for b in post.params["blocks"] if b["type"] == "actions")["elements"]
    assert button["url"].startswith("https://review.example.org/s/")
    assert "法人営業" not in json.dumps(post.params, ensure_ascii=False)  # no answers in Slack

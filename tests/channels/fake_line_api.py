"""A fake LINE Messaging API on loopback: it checks requests as LINE does and records them.

Reply tokens are handed out by the test and work once; a reply or push breaking LINE's
limits (five messages, 5,000 characters, thirteen quick reply items, 20-character labels,
300-byte postback data) is refused with 400, as LINE refuses it.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = "Ubot0000000000000000000000000000"


@dataclass(frozen=True)
class LineCall:
    """One request the bot made: its endpoint, body and what it was answered."""

    method: str
    path: str
    body: Any
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes = field(default=b"", repr=False)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages", []))

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.messages if m["type"] == "text"]


def sign(secret: str, body: bytes) -> str:
    """X-Line-Signature: base64 of the HMAC-SHA256 of the body with the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _problems(messages: list[dict[str, Any]]) -> list[str]:
    problems = []
    if not 1 <= len(messages) <= 5:
        problems.append("messages: size must be between 1 and 5")
    for message in messages:
        if message["type"] == "text" and not 1 <= len(message["text"]) <= 5000:
            problems.append("text: length must be between 1 and 5000")
        items = (message.get("quickReply") or {}).get("items", [])
        if len(items) > 13:
            problems.append("quickReply.items: size must be at most 13")
        for item in items:
            action = item["action"]
            if len(action["label"]) > 20:
                problems.append("quickReply action label: length must be at most 20")
            if len(action.get("data", "").encode()) > 300:
                problems.append("postback data: length must be at most 300")
        if message["type"] == "image":
            for key in ("originalContentUrl", "previewImageUrl"):
                if not str(message.get(key, "")).startswith(("https://", "http://127.0.0.1")):
                    problems.append(f"{key}: must be an HTTPS URL")
        if message["type"] == "flex" and not 1 <= len(message.get("altText", "")) <= 400:
            problems.append("altText: length must be between 1 and 400")
    return problems


class FakeLineApi:
    """The Messaging API (api.line.me and api-data.line.me alike) on 127.0.0.1."""

    def __init__(self, token: str) -> None:
        self.token = token
        self._lock = threading.Lock()
        self._calls: list[LineCall] = []
        self._tokens: dict[str, bool] = {}
        self._token_ids = itertools.count(1)
        self._menus: dict[str, dict[str, Any]] = {}
        self._menu_ids = itertools.count(1)
        self._retry_keys: set[str] = set()
        self._replied: dict[str, float] = {}  # reply token -> when its reply arrived
        self._waiting: dict[str, concurrent.futures.Future[float]] = {}
        self.default_menu: str | None = None
        self._loop = asyncio.new_event_loop()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> FakeLineApi:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._socket.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._serve)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, self._socket).start()

    # What tests use -----------------------------------------------------------------------

    def reply_token(self) -> str:
        """A fresh reply token, as LINE puts one in each event that can be answered."""
        token = f"rt{next(self._token_ids):06d}"
        with self._lock:
            self._tokens[token] = True
        return token

    def replied_at(self, token: str) -> float | None:
        """When the reply to ``token`` arrived (``time.monotonic``), if it has."""
        with self._lock:
            return self._replied.get(token)

    def when_replied(self, token: str) -> concurrent.futures.Future[float]:
        """A future set to when the reply to ``token`` arrives (no polling for it)."""
        future: concurrent.futures.Future[float] = concurrent.futures.Future()
        with self._lock:
            if token in self._replied:
                future.set_result(self._replied[token])
            else:
                self._waiting[token] = future
        return future

    def expire(self, token: str) -> None:
        with self._lock:
            self._tokens[token] = False

    def calls(self, path: str | None = None) -> list[LineCall]:
        with self._lock:
            return [c for c in self._calls if path is None or c.path == path]

    def replies(self) -> list[LineCall]:
        return [c for c in self.calls("/v2/bot/message/reply") if c.status == 200]

    def pushes(self) -> list[LineCall]:
        return [c for c in self.calls("/v2/bot/message/push") if c.status == 200]

    def add_menu(self, name: str) -> str:
        menu_id = f"richmenu-old{next(self._menu_ids)}"
        with self._lock:
            self._menus[menu_id] = {
                "richMenuId": menu_id,
                "name": name,
                "size": {"width": 2500, "height": 843},
                "selected": False,
                "chatBarText": "Menu",
                "areas": [],
            }
        return menu_id

    def menus(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return dict(self._menus)

    def wait_for(self, condition: Callable[[], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "the bot did not call the API in time"
            time.sleep(0.01)

    # The API ------------------------------------------------------------------------------

    async def _serve(self, request: web.Request) -> web.Response:
        raw = await request.read()
        path = "/" + request.match_info["path"]
        is_json = request.content_type == "application/json" and raw
        body = json.loads(raw) if is_json else None
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            status, answer = 401, {"message": "Authentication failed"}
        else:
            status, answer = self._answer(request.method, path, body, raw, request.headers)
        with self._lock:
            headers = {k.lower(): v for k, v in request.headers.items()}
            self._calls.append(LineCall(request.method, path, body, status, headers, raw))
        return web.json_response(answer, status=status)

    def _answer(
        self, method: str, path: str, body: Any, raw: bytes, headers: Any
    ) -> tuple[int, Any]:
        if path == "/v2/bot/message/reply":
            with self._lock:
                valid = self._tokens.get(body.get("replyToken"), False)
                if valid:
                    self._tokens[body["replyToken"]] = False
            if not valid:
                return 400, {"message": "Invalid reply token"}
            status, answer = self._sent(body)
            with self._lock:
                self._replied[body["replyToken"]] = arrived = time.monotonic()
                waiting = self._waiting.pop(body["replyToken"], None)
            if waiting is not None:
                waiting.set_result(arrived)
            return status, answer
        if path == "/v2/bot/message/push":
            key = headers.get("X-Line-Retry-Key")
            if key is not None:
                with self._lock:
                    if key in self._retry_keys:
                        return 409, {"message": "The retry key is already accepted"}
                    self._retry_keys.add(key)
            return self._sent(body)
        if path == "/v2/bot/chat/loading/start":
            seconds = body.get("loadingSeconds", 20)
            ok = seconds % 5 == 0 and 5 <= seconds <= 60 and body.get("chatId")
            return (202, {}) if ok else (400, {"message": "loadingSeconds"})
        if path == "/v2/bot/info":
            return 200, {"userId": BOT_USER, "basicId": "@jobcard", "displayName": "Job Card"}
        if path == "/v2/bot/message/quota":
            return 200, {"type": "limited", "value": 200}
        if path == "/v2/bot/message/quota/consumption":
            return 200, {"totalUsage": len(self.pushes())}
        return self._menu_call(method, path, body, raw)

    def _sent(self, body: Any) -> tuple[int, Any]:
        problems = _problems(body.get("messages", []))
        if problems:
            return 400, {"message": "The request body has errors", "details": problems}
        return 200, {"sentMessages": [{"id": str(i)} for i, _ in enumerate(body["messages"])]}

    def _menu_call(self, method: str, path: str, body: Any, raw: bytes) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        with self._lock:
            if path == "/v2/bot/richmenu/list":
                return 200, {"richmenus": list(self._menus.values())}
            if path == "/v2/bot/richmenu" and method == "POST":
                menu_id = f"richmenu-{next(self._menu_ids)}"
                self._menus[menu_id] = {"richMenuId": menu_id, **body}
                return 200, {"richMenuId": menu_id}
            if parts[:3] == ["v2", "bot", "richmenu"] and parts[-1] == "content":
                found = parts[3] in self._menus and raw.startswith(b"\x89PNG")
                return (200, {}) if found else (400, {"message": "bad image"})
            if parts[:3] == ["v2", "bot", "richmenu"] and method == "DELETE":
                return (200, {}) if self._menus.pop(parts[3], None) else (404, {})
            if parts[:5] == ["v2", "bot", "user", "all", "richmenu"] and method == "POST":
                if parts[5] not in self._menus:
                    return 404, {"message": "Not found"}
                self.default_menu = parts[5]
                return 200, {}
        return 404, {"message": "Not found"}

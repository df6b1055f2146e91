"""A fake Telegram Bot API server on loopback: it records every call and answers like Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 7000001
BOT_USERNAME = "jobcard_test_bot"
# Telegram holds a long poll for `timeout` seconds; shorter here so shutdown never waits long.
LONG_POLL_CAP = 0.5
JSON_FIELDS = frozenset(
    {"reply_markup", "commands", "allowed_updates", "scope", "reply_parameters", "entities"}
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded (sendDocument, sendPhoto)."""

    filename: str
    content_type: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, as the server parsed it, and what it was answered."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    status: int
    result: Any = None
    at: float = 0.0  # when it arrived (time.time(), comparable across processes)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def callback_data(self) -> list[str]:
        rows = (self.params.get("reply_markup") or {}).get("inline_keyboard", [])
        return [button["callback_data"] for row in rows for button in row]


@dataclass
class _Failure:
    method: str | None
    status: int
    body: dict[str, Any]


def user(user_id: int, language_code: str | None = "ja") -> dict[str, Any]:
    """A Telegram user object."""
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
    if language_code:
        data["language_code"] = language_code
    return data


def chat(chat_id: int) -> dict[str, Any]:
    """A chat object: positive ids are private chats, negative ones groups (as on Telegram)."""
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
    return {"id": chat_id, "type": "group", "title": "Team"}


def message_update(
    update_id: int,
    from_user: dict[str, Any],
    text: str | None,
    *,
    chat_id: int | None = None,
    message_id: int = 1,
    **extra: Any,
) -> dict[str, Any]:
    """An update carrying a message (in the sender's private chat unless ``chat_id`` is given)."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat(chat_id if chat_id is not None else from_user["id"]),
        "from": from_user,
        **extra,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": update_id, "message": message}


def callback_update(
    update_id: int, from_user: dict[str, Any], data: str, message: dict[str, Any]
) -> dict[str, Any]:
    """An update for a press of an inline button on ``message``."""
    query = {
        "id": f"cq{update_id}",
        "from": from_user,
        "chat_instance": f"ci{message['chat']['id']}",
        "data": data,
        "message": message,
    }
    return {"update_id": update_id, "callback_query": query}


class FakeBotApi:
    """The Bot API on 127.0.0.1 in a background thread, with its own event loop."""

    def __init__(self, token: str, sock: socket.socket | None = None) -> None:
        self.token = token
        self._lock = threading.Lock()
        self._calls: list[ApiCall] = []
        self._failures: list[_Failure] = []
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._keyboards: dict[int, list[tuple[int, dict[str, Any]]]] = {}
        self._message_ids = itertools.count(100)
        self._pending: list[dict[str, Any]] = []
        self._files: dict[str, bytes] = {}  # file_id → content, served by getFile and /file/
        self._loop = asyncio.new_event_loop()
        self._arrived = asyncio.Event()
        self._socket = sock or socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The server's root URL (what TELEGRAM_API_URL takes)."""
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> FakeBotApi:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            future = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop)
            future.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._socket.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._serve)
        app.router.add_get("/file/bot{token}/documents/{file_id}", self._serve_file)
        app.router.add_get("/_fake/newest_button", self._serve_newest_button)
        app.router.add_get("/_fake/stats", self._serve_stats)
        app.router.add_get("/_fake/calls", self._serve_calls)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, self._socket).start()

    # What tests use -----------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Every call so far (of one method, if given), oldest first."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def add_file(self, file_id: str, content: bytes) -> None:
        """A file a person sent, for the bot to fetch with getFile (a 職務経歴書)."""
        with self._lock:
            self._files[file_id] = content

    async def _serve_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        content = self._files.get(request.match_info["file_id"])
        return web.Response(status=404) if content is None else web.Response(body=content)

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for the bot's next getUpdates."""
        self._loop.call_soon_threadsafe(self._add_update, update)

    def fail_next(
        self,
        method: str | None = None,
        *,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next call (of ``method``, if given) with an error instead."""
        body: dict[str, Any] = {"ok": False, "error_code": status}
        if status == 429:
            body["description"] = f"Too Many Requests: retry after {retry_after}"
            body["parameters"] = {"retry_after": retry_after}
        else:
            body["description"] = description or "Bad Request: something went wrong"
        with self._lock:
            self._failures.append(_Failure(method, status, body))

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """A message the bot sent, as it is now (keyboard removed once edited away)."""
        with self._lock:
            return json.loads(json.dumps(self._messages[(chat_id, message_id)]))

    def newest_button(self, chat_id: int, label: str) -> tuple[dict[str, Any], str]:
        """The newest message sent to ``chat_id`` with a button containing ``label`` (even one
        whose keyboard was since removed, as on a client that has not refreshed), and its data.
        """
        with self._lock:
            sent = list(reversed(self._keyboards.get(chat_id, [])))
        for message_id, markup in sent:
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        return self.message(chat_id, message_id), button["callback_data"]
        raise AssertionError(f"no button {label!r} was sent to chat {chat_id}")

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait (without blocking the caller's event loop) until ``predicate`` holds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for the bot")
            await asyncio.sleep(0.005)

    # The server side ------------------------------------------------------------------------

    async def _serve_newest_button(self, request: web.Request) -> web.Response:
        """``newest_button`` for a client in another process (the benchmark's)."""
        chat_id, label = int(request.query["chat_id"]), request.query["label"]
        try:
            message, data = self.newest_button(chat_id, label)
        except AssertionError:
            return web.json_response({}, status=404)
        return web.json_response({"message": message, "data": data})

    async def _serve_calls(self, request: web.Request) -> web.Response:
        """The methods and arrival times of the calls to one chat (for a benchmark)."""
        chat_id = int(request.query["chat_id"])
        calls = [{"method": c.method, "at": c.at} for c in self.calls() if c.chat_id == chat_id]
        return web.json_response(calls)

    async def _serve_stats(self, _request: web.Request) -> web.Response:
        calls = self.calls()
        failed = [c.method for c in calls if c.status != 200]
        return web.json_response({"calls": len(calls), "failed": failed})

    def _add_update(self, update: dict[str, Any]) -> None:
        self._pending.append(update)
        self._arrived.set()

    async def _serve(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await _parse(request)
        if request.match_info["token"] != self.token:
            return self._record(method, params, files, 401, _error(401, "Unauthorized"))
        failure = self._take_failure(method)
        if failure is not None:
            return self._record(method, params, files, failure.status, failure.body)
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
            return self._record(method, params, files, 200, {"ok": True, "result": result})
        status, body = self._answer(method, params, files)
        return self._record(method, params, files, status, body)

    def _take_failure(self, method: str) -> _Failure | None:
        with self._lock:
            for index, failure in enumerate(self._failures):
                if failure.method in (None, method):
                    return self._failures.pop(index)
        return None

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile],
        status: int,
        body: dict[str, Any],
    ) -> web.Response:
        with self._lock:
            call = ApiCall(method, params, files, status, body.get("result"), time.time())
            self._calls.append(call)
        return web.json_response(body, status=status)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        self._pending = [u for u in self._pending if u["update_id"] >= offset]
        if not self._pending and timeout > 0:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
        return [u for u in self._pending if u["update_id"] >= offset][:limit]

    def _answer(
        self, method: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> tuple[int, dict[str, Any]]:
        if method == "getMe":
            me = {"id": BOT_ID, "is_bot": True, "first_name": "JobCard", "username": BOT_USERNAME}
            return 200, {"ok": True, "result": me}
        if method in (
            "setWebhook",
            "deleteWebhook",
            "setMyCommands",
            "answerCallbackQuery",
            "sendChatAction",
        ):
            return 200, {"ok": True, "result": True}
        if method in ("sendMessage", "sendDocument", "sendPhoto"):
            return 200, {"ok": True, "result": self._store(method, params, files)}
        if method == "editMessageReplyMarkup":
            return self._edit_markup(params)
        if method == "getFile" and str(params.get("file_id")) in self._files:
            file_id = str(params["file_id"])
            found = {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": len(self._files[file_id]),
                "file_path": f"documents/{file_id}",
            }
            return 200, {"ok": True, "result": found}
        return 404, _error(404, "Not Found")

    def _store(
        self, method: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message_id = next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat(chat_id),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "JobCard"},
        }
        if method == "sendMessage":
            message["text"] = params["text"]
        elif method == "sendDocument":
            upload = files["document"]
            message["document"] = {
                "file_id": f"doc{message_id}",
                "file_unique_id": f"udoc{message_id}",
                "file_name": upload.filename,
                "file_size": len(upload.content),
            }
        else:
            message["photo"] = [
                {
                    "file_id": f"ph{message_id}",
                    "file_unique_id": f"u{message_id}",
                    "width": 1,
                    "height": 1,
                }
            ]
        markup = params.get("reply_markup")
        with self._lock:
            if markup:
                message["reply_markup"] = markup
                self._keyboards.setdefault(chat_id, []).append((message_id, markup))
            self._messages[(chat_id, message_id)] = message
        return message

    def _edit_markup(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        with self._lock:
            message = self._messages.get(key)
            if message is None:
                return 400, _error(400, "Bad Request: message to edit not found")
            if "reply_markup" not in message and not params.get("reply_markup"):
                return 400, _error(400, NOT_MODIFIED)
            message.pop("reply_markup", None)
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return 200, {"ok": True, "result": message}


def _error(status: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": status, "description": description}


async def _parse(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        params = dict(await request.json())
    elif request.can_read_body:
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[name] = UploadedFile(value.filename, value.content_type, value.file.read())
            else:
                params[name] = value
    for name in JSON_FIELDS & params.keys():
        if isinstance(params[name], str):
            params[name] = json.loads(params[name])
    return params, files


@contextlib.contextmanager
def running(token: str) -> Iterator[FakeBotApi]:
    """Run a fake Bot API for the duration of the block."""
    with FakeBotApi(token) as api:
        yield api

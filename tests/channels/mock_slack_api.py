"""A mock Slack Web API on loopback: records every call and answers with canned JSON."""

from __future__ import annotations

import itertools
import json
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

UPLOAD_PATH = "upload/"
FILES_PATH = "files-pri/"


@dataclass
class Call:
    """One request the mock received: the method (or upload path), its parameters and reply."""

    method: str
    params: dict[str, Any]
    body: bytes
    headers: dict[str, str]
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.status == 200 and self.response.get("ok", True) is True


@dataclass
class Failure:
    """A canned failure for the next call of a method."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def _decode(value: str) -> Any:
    # Form-encoded Web API calls carry blocks and views as JSON strings.
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class MockSlackApi:
    """A threaded HTTP server standing in for https://slack.com/api/ and its upload URLs."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._ids = itertools.count(1)
        self._files: dict[str, bytes] = {}  # uploaded by a person, fetched with the bot token
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The base URL to give the Web API client."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def close(self) -> None:
        """Stop the server."""
        self._server.shutdown()
        self._server.server_close()

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str = "internal_error",
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail."""
        for _ in range(times):
            self._failures[method].append(
                Failure(status, {"ok": False, "error": error}, headers or {})
            )

    def add_file(self, file_id: str, content: bytes) -> str:
        """A file a person uploaded; returns its ``url_private_download``."""
        self._files[file_id] = content
        return f"{self.url}{FILES_PATH}{file_id}"

    def to(self, method: str) -> list[Call]:
        """The successful calls of ``method`` so far, oldest first."""
        with self._lock:
            return [c for c in self.calls if c.method == method and c.ok]

    def attempts(self, method: str) -> list[Call]:
        """Every call of ``method``, failed ones included."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def _answer(self, call: Call) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            queued = self._failures.get(call.method)
            failure = queued.popleft() if queued else None
        if failure is not None:
            call.status, call.response = failure.status, failure.body
            return failure.status, failure.headers, json.dumps(failure.body).encode()
        if call.method.startswith(FILES_PATH):
            authorized = call.headers.get("authorization", "").startswith("Bearer xoxb-")
            content = self._files.get(call.method.removeprefix(FILES_PATH))
            if not authorized or content is None:
                return 404, {"content-type": "text/plain"}, b"not found"
            return 200, {"content-type": "application/octet-stream"}, content
        if call.method.startswith(UPLOAD_PATH):
            return 200, {"content-type": "text/plain"}, f"OK - {len(call.body)}".encode()
        if not call.headers.get("authorization", "").startswith("Bearer xoxb-"):
            call.response = {"ok": False, "error": "invalid_auth"}
        else:
            call.response = self._result(call)
        return 200, {}, json.dumps(call.response).encode()

    def _result(self, call: Call) -> dict[str, Any]:
        n = next(self._ids)
        p = call.params
        match call.method:
            case "auth.test":
                return {
                    "ok": True,
                    "url": "https://jobcard-test.slack.com/",
                    "team": "Test",
                    "team_id": "T1",
                    "user": "jobcard",
                    "user_id": "UBOT",
                    "bot_id": "BBOT",
                    "is_enterprise_install": False,
                }
            case "chat.postMessage":
                ts = f"1700000000.{n:06d}"
                message = {"type": "message", "ts": ts, "text": p.get("text")}
                if "blocks" in p:
                    message["blocks"] = p["blocks"]
                return {"ok": True, "channel": p.get("channel"), "ts": ts, "message": message}
            case "chat.update":
                return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts")}
            case "views.publish" | "views.open":
                return {"ok": True, "view": {"id": f"V{n}", **(p.get("view") or {})}}
            case "conversations.open":
                return {"ok": True, "channel": {"id": f"D{p.get('users')}"}}
            case "files.getUploadURLExternal":
                return {
                    "ok": True,
                    "upload_url": f"{self.url}{UPLOAD_PATH}F{n}",
                    "file_id": f"F{n}",
                }
            case "files.completeUploadExternal":
                files = p.get("files") or []
                return {
                    "ok": True,
                    "files": [{"id": f["id"], "title": f.get("title")} for f in files],
                }
        return {"ok": True}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                params: dict[str, Any] = {k: _decode(v) for k, v in parse_qsl(parts.query)}
                kind = self.headers.get("content-type", "")
                if kind.startswith("application/json") and body:
                    params.update(json.loads(body))
                elif kind.startswith("application/x-www-form-urlencoded"):
                    params.update({k: _decode(v) for k, v in parse_qsl(body.decode())})
                headers = {k.lower(): v for k, v in self.headers.items()}
                call = Call(parts.path.lstrip("/"), params, body, headers)
                status, extra, payload = mock._answer(call)
                with mock._lock:
                    mock.calls.append(call)
                self.send_response(status)
                self.send_header("content-type", extra.pop("content-type", "application/json"))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

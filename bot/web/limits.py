"""Request limits: a maximum body size for every route, and rate limits per address and account.

Rate limits use the ``limits`` library's moving window in this process's memory: with
several dashboard workers each counts on its own (a proxy can add a shared limit).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 256 * 1024  # the largest form (2,000 Japanese characters) is about 20 KB
# The chat's upload field (a 職務経歴書): the route itself tells the person about a file over
# 2 MB, reading only its first bytes, so larger bodies (a scanned PDF) reach it up to this.
UPLOAD_PATH, MAX_UPLOAD_BODY = "/chat/upload", 32 * 1024 * 1024


class TooManyRequestsError(Exception):
    """A rate limit is used up; ``retry_after`` is in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests: retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass
class RequestLimits:
    """The dashboard's limits (the ``limits`` notation, e.g. ``10/minute``)."""

    login_per_address: str = "30/minute"
    login_per_account: str = "10/minute"
    post_per_address: str = "120/minute"
    post_per_account: str = "60/minute"
    max_body: int = MAX_BODY
    _limiter: MovingWindowRateLimiter = field(
        default_factory=lambda: MovingWindowRateLimiter(MemoryStorage()), repr=False
    )

    def _hit(self, rule: str, *key: str) -> None:
        item: RateLimitItem = parse(rule)
        if not self._limiter.hit(item, *key):
            reset = self._limiter.get_window_stats(item, *key).reset_time
            raise TooManyRequestsError(max(1, math.ceil(reset - time.time())))

    def check_login(self, address: str | None, login: str) -> None:
        """Count a login attempt from ``address`` for ``login``.

        Raises:
            TooManyRequestsError: Too many attempts from there, or for that login.
        """
        self._hit(self.login_per_address, "login-address", address or "-")
        self._hit(self.login_per_account, "login-account", login.strip().lower())

    def check_post(self, address: str | None, staff_id: int) -> None:
        """Count a form sent by a logged-in account.

        Raises:
            TooManyRequestsError: Too many forms from that address or that account.
        """
        self._hit(self.post_per_address, "post-address", address or "-")
        self._hit(self.post_per_account, "post-account", str(staff_id))


_TOO_LARGE = (
    "<!doctype html><html lang=ja><meta charset=utf-8><title>送信内容が大きすぎます</title>"
    "<h1>送信された内容が大きすぎます <small>Request too large (413)</small></h1>"
    "<p>入力した内容を短くしてから、もう一度送ってください。</p>"
    '<p><a href="/queue">提出の一覧に戻る</a></p>'
).encode()


class BodyLimit:
    """ASGI middleware: refuse a body over ``max_body`` bytes (declared or streamed) with 413.

    A declared ``Content-Length`` that is too large is answered at once, without reading
    the body; a streamed body is cut off as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count the bytes as the app reads them."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        limit = MAX_UPLOAD_BODY if scope.get("path") == UPLOAD_PATH else self.max_body
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413)
            return message

        await self.app(scope, counted, send)


async def _refuse(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(_TOO_LARGE)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": _TOO_LARGE})

"""Bot API calls: python-telegram-bot's transport over aiohttp, and a turn's calls as plain JSON.

The aiohttp transport takes a quarter of httpx's CPU per call. A turn's own calls (its messages,
a button's answer, the "sending a file…" indicator) go as plain JSON through :func:`call`: the
same transport, pacing (:class:`~bot.channels.telegram_pacing.ChatPacing`) and errors
(``telegram.error``) as python-telegram-bot's methods, without building its objects for each
parameter and parsing every answer into a ``Message`` the bot never reads, which cost about as
much CPU as the HTTP request itself. Uploads and the set-up calls use python-telegram-bot's
methods.
"""

from __future__ import annotations

import json
import re
from typing import Any, cast
from urllib.parse import urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.ext import ExtBot
from telegram.request import BaseRequest, RequestData

from bot.channels.kit import environment_proxy

_TOKEN_IN_URL = re.compile(r"/bot[^/\s]+")


def _seconds(value: object, default: float | None) -> float | None:
    # python-telegram-bot passes a number, None (no limit) or its DEFAULT_NONE marker.
    if value is None or isinstance(value, int | float):
        return value
    return default


class AiohttpRequest(BaseRequest):
    """python-telegram-bot's transport over aiohttp: a quarter of httpx's CPU per Bot API call.

    Sending is most of a turn's cost, so this roughly doubles what one worker can handle.
    """

    def __init__(self, *, connections: int = 256, timeout: float = 5.0, pool: float = 1.0) -> None:
        self._connections = connections
        self._timeout = timeout
        self._pool = pool
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}  # by scheme and host

    @property
    def read_timeout(self) -> float:
        """Seconds to wait for an answer unless a call says otherwise."""
        return self._timeout

    async def initialize(self) -> None:
        """Open the connection pool."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            headers = {"User-Agent": self.USER_AGENT}
            # The environment's proxy applies, as with python-telegram-bot's httpx, but is read
            # once per host (see ``_proxy``) rather than by aiohttp for every request; no netrc:
            # the bot authenticates with its token.
            self._session = aiohttp.ClientSession(
                connector=connector, headers=headers, trust_env=False
            )

    async def shutdown(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | _Json | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; python-telegram-bot turns the status and body into a result."""
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        connect = (_seconds(connect_timeout, self._timeout) or 0) + (
            _seconds(pool_timeout, self._pool) or 0
        )
        timeout = aiohttp.ClientTimeout(
            connect=connect or None, sock_read=_seconds(read_timeout, self._timeout)
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout, proxy=self._proxy(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            # Some aiohttp errors quote the URL, and Bot API URLs contain the token.
            detail = _TOKEN_IN_URL.sub("/bot…", str(exc))
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {detail}") from None

    async def call_json(self, url: str, params: dict[str, Any]) -> Any:
        """POST ``params`` (plain JSON values) to ``url``; the call's result, or the error
        python-telegram-bot raises for the answer (``RetryAfter``, ``Forbidden`` …).

        ``post`` hands its ``request_data`` to :meth:`do_request` untouched, so the parameters
        ride in it as they are and python-telegram-bot reads the answer as for its own calls.
        """
        return await self.post(url, cast(RequestData, _Json(params)))

    def _proxy(self, url: str) -> str | None:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._proxies:
            self._proxies[key] = environment_proxy(url)
        return self._proxies[key]


class _Json:
    """A call's parameters already as plain JSON values (see :meth:`AiohttpRequest.call_json`)."""

    __slots__ = ("params",)

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params


def _json(params: object) -> aiohttp.BytesPayload:
    # JSON (which the Bot API takes for any call without a file) is encoded in C; a form
    # would percent-encode every byte of Japanese text in Python, three characters each.
    payload = json.dumps(params, ensure_ascii=False).encode()
    return aiohttp.BytesPayload(payload, content_type="application/json")


def _body(
    request_data: RequestData | _Json | None,
) -> aiohttp.BytesPayload | aiohttp.FormData | None:
    if request_data is None:
        return None
    if isinstance(request_data, _Json):
        return _json(request_data.params)
    files = request_data.multipart_data
    if not files:
        return _json(request_data.parameters)
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (filename, content, media_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=media_type)
    return form


async def call(
    bot: ExtBot[Any], method: str, params: dict[str, Any], *, pace: str | None = None
) -> Any:
    """Make the Bot API call ``method`` with plain JSON ``params`` through the bot's transport
    and its pacing (``pace``: ``BULK`` for the outbox); returns the call's result."""
    request = bot.request
    if not isinstance(request, AiohttpRequest):
        raise TypeError("the bot's transport must be AiohttpRequest")
    url = f"{bot.base_url}/{method}"
    limiter = bot.rate_limiter
    if limiter is None:
        return await request.call_json(url, params)
    return await limiter.process_request(
        request.call_json, (url, params), {}, method, params, pace
    )

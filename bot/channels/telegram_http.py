"""Telegram over HTTP: the aiohttp transport of the Bot API calls, and the webhook server.

The aiohttp transport takes a quarter of httpx's CPU per call; the webhook checks
Telegram's secret header before anything is read.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from telegram import Update
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.channels.kit import environment_proxy
from bot.channels.telegram import App
from bot.channels.telegram_keyboard import answering_in_response
from bot.channels.webhook_server import QuietServer, webhook_routes

try:
    import aiohttp
except ImportError:  # pragma: no cover - python-telegram-bot's own httpx transport is used then
    aiohttp = None  # type: ignore[assignment]


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
        request_data: RequestData | None = None,
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

    def _proxy(self, url: str) -> str | None:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._proxies:
            self._proxies[key] = environment_proxy(url)
        return self._proxies[key]


def _body(request_data: RequestData | None) -> aiohttp.BytesPayload | aiohttp.FormData | None:
    if request_data is None:
        return None
    files = request_data.multipart_data
    if not files:
        # JSON (which the Bot API takes for any call without a file) is encoded in C; a form
        # would percent-encode every byte of Japanese text in Python, three characters each.
        payload = json.dumps(request_data.parameters, ensure_ascii=False).encode()
        return aiohttp.BytesPayload(payload, content_type="application/json")
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (filename, content, media_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=media_type)
    return form


__all__ = [
    "SECRET_HEADER",
    "AiohttpRequest",
    "ServeOptions",
    "aiohttp",
    "serve_webhook",
    "webhook_app",
]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's own cap; with several workers behind one URL they share these connections.
WEBHOOK_MAX_CONNECTIONS = 100
KEEP_ALIVE_SECONDS = 75


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How to receive updates: long polling, or a webhook when ``webhook_url`` is set.

    Attributes:
        sock: An already bound socket for the webhook server (tests bind port 0).
    """

    webhook_url: str | None = None
    secret: str | None = None
    listen: str = "0.0.0.0"
    port: int = 8443
    sock: socket.socket | None = None


def webhook_app(application: App, secret: str, path: str = "/") -> Starlette:
    """The ASGI app Telegram posts updates to; anything without the secret gets 403."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        try:
            data = await request.json()
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            return Response(status_code=400)
        # Answered only once handled: Telegram then holds this chat's next update until we
        # reply, which keeps one chat in order even across worker processes.
        with answering_in_response() as answer:
            await application.process_update(update)
        body = answer.body()
        # A button press is answered here: Telegram makes the call, saving a request of ours.
        return Response() if body is None else JSONResponse(body)

    return webhook_routes(path, receive)


async def serve_webhook(
    application: App, options: ServeOptions, allowed_updates: Sequence[str], stop: asyncio.Event
) -> None:
    """Register the webhook with Telegram and serve it until ``stop`` is set."""
    if options.webhook_url is None or options.secret is None:
        raise ValueError("a webhook needs its URL and secret")
    await application.bot.set_webhook(
        options.webhook_url,
        secret_token=options.secret,
        allowed_updates=list(allowed_updates),
        max_connections=WEBHOOK_MAX_CONNECTIONS,
    )
    path = urlsplit(options.webhook_url).path or "/"
    config = uvicorn.Config(
        webhook_app(application, options.secret, path),
        host=options.listen,
        port=options.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        # Longer than a proxy's or Telegram's idle connection: with uvicorn's 5 s the server
        # could close a connection just as the next update was sent on it (a reset update).
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = QuietServer(config)
    await application.start()

    async def stop_when_told() -> None:
        await stop.wait()
        server.should_exit = True

    watcher = asyncio.create_task(stop_when_told())
    try:
        await server.serve(sockets=[options.sock] if options.sock else None)
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
        await application.stop()

"""Running the Telegram channel: the application, and a secret-checked webhook or long polling."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import logging
import re
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.ext import AIORateLimiter, ApplicationBuilder, BaseRateLimiter
from telegram.request import BaseRequest, RequestData

try:
    import aiohttp
except ImportError:  # pragma: no cover - python-telegram-bot's own httpx transport is used then
    aiohttp = None  # type: ignore[assignment]

from bot.bootstrap import Runtime
from bot.channels.outbox_loop import Outbox, SentIds, deliver_due
from bot.channels.telegram import (
    ALLOWED_UPDATES,
    API_URL_VARIABLE,
    COMMANDS,
    TOKEN_VARIABLE,
    App,
    Handler,
    TelegramChannel,
    coalesce,
    send,
    webhook_secret,
)
from bot.engine import Outbound

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's own cap; with several workers behind one URL they share these connections.
WEBHOOK_MAX_CONNECTIONS = 100
PRUNE_EVERY_SECONDS = 3600.0
OUTBOX_EVERY_SECONDS = 30.0
Due = Outbox
RATE_LIMIT_RETRIES = 3
_TOKEN_IN_URL = re.compile(r"/bot[^/\s]+")

log = logging.getLogger(__name__)


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

    @property
    def read_timeout(self) -> float:
        """Seconds to wait for an answer unless a call says otherwise."""
        return self._timeout

    async def initialize(self) -> None:
        """Open the connection pool."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            headers = {"User-Agent": self.USER_AGENT}
            # Proxy settings from the environment apply, as with python-telegram-bot's httpx.
            self._session = aiohttp.ClientSession(
                connector=connector, headers=headers, trust_env=True
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
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            # Some aiohttp errors quote the URL, and Bot API URLs contain the token.
            detail = _TOKEN_IN_URL.sub("/bot…", str(exc))
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {detail}") from None


def _body(request_data: RequestData | None) -> dict[str, str] | aiohttp.FormData | None:
    if request_data is None:
        return None
    files = request_data.multipart_data
    if not files:
        return request_data.json_parameters
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (filename, content, media_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=media_type)
    return form


def build_application(
    handle: Handler,
    token: str,
    *,
    api_url: str | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    transport: BaseRequest | None = None,
    polling: bool = True,
) -> App:
    """An application wired to ``handle``; ``api_url`` points it at another Bot API server.

    Long polling keeps python-telegram-bot's own transport: it is one request at a time.
    """
    builder = (
        ApplicationBuilder()
        .token(token)
        .concurrent_updates(True)
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    )
    if transport is None and aiohttp is not None:
        transport = AiohttpRequest()
    if transport is not None:
        builder = builder.request(transport)
    if api_url:
        root = api_url.rstrip("/")
        builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
    if not polling:
        builder = builder.updater(None)
    application: App = builder.build()
    TelegramChannel(handle).register(application)
    return application


async def announce(bot: Bot) -> None:
    """Register the command menu in Japanese (everyone's default) and in English."""
    await bot.set_my_commands([BotCommand(c.name, c.ja) for c in COMMANDS])
    await bot.set_my_commands([BotCommand(c.name, c.en) for c in COMMANDS], language_code="en")


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
        await application.process_update(update)
        return Response()

    async def health(_request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route(path, receive, methods=["POST"]), Route("/healthz", health, methods=["GET"])]
    )


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the caller's stop event decides."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


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
    )
    server = _Server(config)
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


async def _poll(application: App, stop: asyncio.Event) -> None:
    updater = application.updater
    if updater is None:
        raise RuntimeError("polling needs an application built with polling=True")
    await updater.start_polling(allowed_updates=list(ALLOWED_UPDATES))
    await application.start()
    try:
        await stop.wait()
    finally:
        await updater.stop()
        await application.stop()


async def serve(
    application: App,
    options: ServeOptions,
    stop: asyncio.Event,
    *,
    prune: Callable[[], int] | None = None,
    due: Due | None = None,
) -> None:
    """Receive and answer updates until ``stop`` is set.

    Meanwhile old delivery ids are pruned hourly and, with ``due``, reminders and notices
    from the outbox are sent as they fall due.
    """
    try:
        await _serve(application, options, stop, prune, due)
    finally:
        # When starting fails (say, a rejected token) the application leaves its connections
        # open; the bot closes them (and does nothing after a normal shutdown).
        await application.bot.shutdown()


async def _serve(
    application: App,
    options: ServeOptions,
    stop: asyncio.Event,
    prune: Callable[[], int] | None,
    due: Due | None,
) -> None:
    async with application:
        await announce(application.bot)
        chores = []
        if prune is not None:
            chores.append(asyncio.create_task(_prune_regularly(prune)))
        if due is not None:
            chores.append(asyncio.create_task(_deliver_regularly(application.bot, due)))
        try:
            if options.webhook_url is None:
                await _poll(application, stop)
            else:
                await serve_webhook(application, options, ALLOWED_UPDATES, stop)
        finally:
            for chore in chores:
                chore.cancel()
            await asyncio.gather(*chores, return_exceptions=True)


async def deliver_outbox(bot: Bot, due: Outbox, sent: SentIds | None = None) -> int:
    """Send the reminders and notices that are due; returns how many were sent.

    Each is marked sent only after Telegram accepted it (see ``bot.channels.outbox_loop``).
    """

    async def send_to(person_id: str, replies: list[Outbound]) -> None:
        chat_id = int(person_id.split(":", 1)[1])
        for reply in coalesce(replies):
            await send(bot, chat_id, reply)

    return await deliver_due(due, "telegram", send_to, sent=sent)


async def _deliver_regularly(bot: Bot, due: Due) -> None:
    sent = SentIds()
    while True:
        try:
            await deliver_outbox(bot, due, sent)
        except Exception as exc:
            log.error("sending reminders failed: %s", type(exc).__name__)
        await asyncio.sleep(OUTBOX_EVERY_SECONDS)


async def _prune_regularly(prune: Callable[[], int]) -> None:
    while True:
        try:
            await asyncio.to_thread(prune)
        except Exception as exc:
            log.error("pruning old delivery ids failed: %s", type(exc).__name__)
        await asyncio.sleep(PRUNE_EVERY_SECONDS)


async def _serve_until_signalled(
    application: App, options: ServeOptions, prune: Callable[[], int], due: Due
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await serve(application, options, stop, prune=prune, due=due)


def run_bot(runtime: Runtime, args: argparse.Namespace) -> int:
    """Run the bot until SIGINT or SIGTERM; returns the exit code."""
    settings = runtime.settings
    token = settings.require(TOKEN_VARIABLE)
    secret = webhook_secret(settings) if args.webhook else None
    options = ServeOptions(args.webhook, secret, args.listen, args.port)
    # httpx logs each request URL at INFO level, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = build_application(
        runtime.service.converse,
        token,
        api_url=settings.environ.get(API_URL_VARIABLE),
        polling=args.webhook is None,
    )
    try:
        asyncio.run(
            _serve_until_signalled(application, options, runtime.service.prune, runtime.service)
        )
    except InvalidToken:
        # Its message repeats the token, so it is not printed.
        print(
            f"jobcard: Telegram rejected {TOKEN_VARIABLE}; check it and try again", file=sys.stderr
        )
        return 2
    except NetworkError as exc:
        print(f"jobcard: cannot reach the Telegram Bot API: {exc}", file=sys.stderr)
        return 1
    return 0

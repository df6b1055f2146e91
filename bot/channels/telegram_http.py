"""Telegram's webhook server: the secret checked before anything is read, each update handled
before it is answered, and a button press answered in the response."""

from __future__ import annotations

import asyncio
import hmac
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from telegram import Update

from bot.channels.telegram import App, channel_of
from bot.channels.telegram_keyboard import answering_in_response
from bot.channels.webhook_server import QuietServer, webhook_routes

__all__ = ["SECRET_HEADER", "ServeOptions", "serve_webhook", "webhook_app"]

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
    channel = channel_of(application)

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        try:
            data = await request.json()
        except ValueError:
            return Response(status_code=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return Response(status_code=400)
        # Answered only once handled: Telegram then holds this chat's next update until we
        # reply, which keeps one chat in order even across worker processes.
        with answering_in_response() as answer:
            if channel is not None:
                await channel.receive(data, application.bot)
            else:  # an application of python-telegram-bot's own handlers (the benchmark's)
                await application.process_update(Update.de_json(data, application.bot))
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

"""Running the LINE channel: the signed webhook server, its chores, and the operator commands.

``jobcard line`` serves ``POST /line/callback`` and ``GET /healthz``; several workers may run
behind one URL on one PostgreSQL database. ``jobcard line richmenu --install`` sets up the
rich menu and ``jobcard line quota`` shows the pushes sent (they use up the monthly quota).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import aiohttp
import uvicorn
from linebot.v3.messaging import ApiException, AsyncApiClient, AsyncMessagingApi
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from bot.bootstrap import Runtime, document_links
from bot.channels.kit import regularly, run_fast
from bot.channels.line import (
    API_URL_VARIABLE,
    PUSH_VARIABLE,
    SECRET_VARIABLE,
    SIGNATURE_HEADER,
    TOKEN_VARIABLE,
    WEBHOOK_PATH,
    LineChannel,
    api_client,
    check_settings,
)
from bot.channels.webhook_server import QuietServer, webhook_routes
from bot.documents.links import DocumentLinks
from bot.service import JST
from storage import line as contacts

__all__ = ["check_settings", "run"]

OUTBOX_EVERY_SECONDS = 30.0
PRUNE_EVERY_SECONDS = 3600.0
MAX_BODY = 1_000_000  # LINE's webhook bodies are a few kilobytes
TURN_WORKERS = 8  # turns at once on PostgreSQL (within SQLAlchemy's pool of 5 + 10)
YOUNG_OBJECTS = 10_000  # new objects between two passes of the garbage collector

log = logging.getLogger(__name__)


def webhook_app(channel: LineChannel, path: str = WEBHOOK_PATH) -> Starlette:
    """The ASGI app LINE posts to: a missing signature is 400, a wrong one 401.

    A signed request is answered 200 once each of its events is stored, and 500 when one
    could not be: LINE then delivers it again (with webhook redelivery on).
    """

    async def receive(request: Request) -> Response:
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature:
            return Response(status_code=400)
        if int(request.headers.get("content-length") or 0) > MAX_BODY:
            return Response(status_code=413)
        try:
            body = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            return Response(status_code=400)
        if not channel.verify(body, signature):
            return Response(status_code=401)
        try:
            events = json.loads(body)["events"]
            if not isinstance(events, list):
                raise TypeError("events")
        except (ValueError, KeyError, TypeError):
            return Response(status_code=400)
        stored = await channel.receive(events)
        return Response(status_code=200 if stored else 500)

    return webhook_routes(path, receive)


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """Where the webhook listens (``sock``: an already bound socket, as tests use)."""

    listen: str = "0.0.0.0"
    port: int = 8000
    path: str = WEBHOOK_PATH
    sock: socket.socket | None = None


async def serve(
    channel: LineChannel,
    options: ServeOptions,
    stop: asyncio.Event,
    *,
    prune: Callable[[], int] | None = None,
) -> None:
    """Serve the webhook until ``stop``; meanwhile push due reminders and forget old ids."""
    config = uvicorn.Config(
        webhook_app(channel, options.path),
        host=options.listen,
        port=options.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    server = QuietServer(config)
    chores = [asyncio.create_task(_stop_when_told(server, stop))]
    if channel.push_reminders:
        deliver = regularly(channel.deliver_outbox, OUTBOX_EVERY_SECONDS, "pushing reminders")
        chores.append(asyncio.create_task(deliver))
    if prune is not None:
        pruning = partial(asyncio.to_thread, prune)
        chores.append(asyncio.create_task(regularly(pruning, PRUNE_EVERY_SECONDS, "pruning")))
    # What start-up built (dialogs, the catalog, SQLAlchemy's mappers) lives as long as the
    # server: kept out of the garbage collector's full passes, which otherwise walk all of it
    # every few thousand events (pauses of up to a quarter of a second under load).
    gc.freeze()
    # A turn makes a few thousand objects at once that reference counting frees when it
    # ends. At the default threshold (700) the collector ran every few events over the turn
    # in flight and found next to nothing: about 0.08 ms per event, for a few cycles an
    # event. They are still collected, less often.
    thresholds = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, *thresholds[1:])
    try:
        await server.serve(sockets=[options.sock] if options.sock else None)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        for chore in chores:
            chore.cancel()
        await asyncio.gather(*chores, return_exceptions=True)
        await channel.idle()  # answers taken before the stop are stored: send their replies
        channel.close()


async def _stop_when_told(server: uvicorn.Server, stop: asyncio.Event) -> None:
    await stop.wait()
    server.should_exit = True


def build_channel(runtime: Runtime, client: AsyncApiClient) -> LineChannel:
    """The channel as ``jobcard line`` runs it (documents as links from ``JOBCARD_PUBLIC_URL``)."""
    secret = runtime.settings.require(SECRET_VARIABLE)
    return shipped_channel(runtime, client, secret, document_links(runtime))


def shipped_channel(
    runtime: Runtime, client: AsyncApiClient, secret: str, links: DocumentLinks | None
) -> LineChannel:
    """The channel with ``jobcard line``'s settings (the benchmark runs this too)."""
    push = runtime.settings.environ.get(PUSH_VARIABLE, "on").strip().lower()
    return LineChannel(
        runtime.service,
        runtime.sessions,
        client,
        secret,
        links,
        push_reminders=push not in ("off", "no", "false", "0"),
        # SQLite: turns in the loop (one writer at a time anyway); PostgreSQL: in threads,
        # as its turns wait on the network and lock only the person's conversation.
        turn_workers=0 if runtime.engine.dialect.name == "sqlite" else TURN_WORKERS,
    )


async def _checked(client: AsyncApiClient) -> str | None:
    """None when LINE accepts the token; else the one line that says what is wrong."""
    try:
        await AsyncMessagingApi(client).get_bot_info()
    except ApiException as exc:
        if exc.status in (401, 403):
            return f"LINE did not accept {TOKEN_VARIABLE} ({exc.status})"
        return f"LINE answered {exc.status} when checking {TOKEN_VARIABLE}"
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return (
            f"cannot reach LINE ({type(exc).__name__}): check the network connection, a proxy, "
            f"or {API_URL_VARIABLE}"
        )
    return None


async def _serve_until_signalled(runtime: Runtime, args: argparse.Namespace) -> int:
    async with api_client(runtime.settings) as client:
        problem = await _checked(client)
        if problem is not None:
            print(f"jobcard: {problem}", file=sys.stderr)
            return 1
        channel = build_channel(runtime, client)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        options = ServeOptions(args.listen, args.port, args.path)
        print(f"jobcard: LINE webhook at http://{args.listen}:{args.port}{args.path}")
        await serve(channel, options, stop, prune=runtime.service.prune)
    return 0


async def quota(runtime: Runtime, client: AsyncApiClient) -> int:
    """Print this month's pushes by day, and LINE's own count when it can be asked."""
    today = runtime.service.now().astimezone(JST).date()
    with runtime.sessions() as session:
        counts = contacts.push_counts(session, today.replace(day=1))
    total = sum(count.count for count in counts)
    print(f"LINE pushes in {today:%Y-%m} (Japan time): {total}")
    for count in counts:
        print(f"  {count.day}  {count.purpose:<7} {count.count}")
    api = AsyncMessagingApi(client)
    try:
        limit = await api.get_message_quota()
        used = await api.get_message_quota_consumption()
    except (ApiException, aiohttp.ClientError, TimeoutError, OSError) as exc:
        print(f"LINE's own count is not available ({type(exc).__name__})")
        return 0
    allowed = "no limit" if limit.type == "none" else f"{limit.value}"
    print(f"LINE counts {used.total_usage} messages this month (quota: {allowed})")
    return 0


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """``jobcard line``: serve the webhook, or run ``richmenu`` / ``quota``."""
    command = getattr(args, "line_command", None)
    if command == "richmenu":
        from bot.channels.line_richmenu import richmenu

        return richmenu(runtime.settings, args)
    if command == "quota":

        async def report() -> int:
            async with api_client(runtime.settings) as client:
                return await quota(runtime, client)

        return asyncio.run(report())
    return run_fast(_serve_until_signalled(runtime, args))

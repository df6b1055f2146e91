"""Running the Telegram channel: the application, and a secret-checked webhook or long polling."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

from telegram.error import InvalidToken, NetworkError
from telegram.ext import ApplicationBuilder, BaseRateLimiter, ExtBot

from bot.bootstrap import Runtime
from bot.channels.kit import regularly, run_fast
from bot.channels.outbox_loop import Outbox, SentIds, deliver_due
from bot.channels.telegram import (
    ALLOWED_UPDATES,
    API_URL_VARIABLE,
    TOKEN_VARIABLE,
    App,
    Handler,
    TelegramChannel,
    check_settings,
    coalesce,
    send,
    webhook_secret,
)
from bot.channels.telegram_api import AiohttpRequest
from bot.channels.telegram_http import SECRET_HEADER, ServeOptions, serve_webhook
from bot.channels.telegram_keyboard import announce
from bot.channels.telegram_pacing import BULK, ChatPacing
from bot.engine import Outbound

__all__ = ["SECRET_HEADER", "AiohttpRequest", "check_settings", "run"]

PRUNING = "pruning old delivery ids"
PRUNE_EVERY_SECONDS = 3600.0
OUTBOX_EVERY_SECONDS = 30.0
Due = Outbox

log = logging.getLogger(__name__)


def build_application(
    handle: Handler,
    token: str,
    *,
    api_url: str | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    polling: bool = True,
) -> App:
    """An application wired to ``handle``; ``api_url`` points it at another Bot API server.

    Each chat is paced by :class:`ChatPacing` unless another ``rate_limiter`` is given.
    """
    builder = (
        ApplicationBuilder()
        .token(token)
        .concurrent_updates(True)
        .rate_limiter(rate_limiter or ChatPacing())
    )
    builder = builder.request(AiohttpRequest())
    if api_url:
        root = api_url.rstrip("/")
        builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
    if not polling:
        builder = builder.updater(None)
    application: App = builder.build()
    TelegramChannel(handle).register(application)
    return application


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
            prune_now = partial(asyncio.to_thread, prune)
            chores.append(asyncio.create_task(regularly(prune_now, PRUNE_EVERY_SECONDS, PRUNING)))
        if due is not None:
            chores.append(asyncio.create_task(_deliver_regularly(application.bot, due)))
        # What start-up built (dialogs, the catalog, SQLAlchemy's mappers, the SDK's classes)
        # lives as long as the bot: kept out of the garbage collector's full passes, which
        # otherwise walk all of it again and again under load.
        gc.collect()
        gc.freeze()
        try:
            if options.webhook_url is None:
                await _poll(application, stop)
            else:
                await serve_webhook(application, options, ALLOWED_UPDATES, stop)
        finally:
            gc.unfreeze()
            for chore in chores:
                chore.cancel()
            await asyncio.gather(*chores, return_exceptions=True)


async def deliver_outbox(bot: ExtBot[Any], due: Outbox, sent: SentIds | None = None) -> int:
    """Send the reminders and notices that are due; returns how many were sent.

    Each is marked sent only after Telegram accepted it (see ``bot.channels.outbox_loop``).
    They go out as bulk messages: within Telegram's thirty a second for the whole bot.
    """

    async def send_to(person_id: str, replies: list[Outbound]) -> None:
        chat_id = int(person_id.split(":", 1)[1])
        for reply in coalesce(replies):
            await send(bot, chat_id, reply, pace=BULK)

    return await deliver_due(due, "telegram", send_to, sent=sent)


async def _deliver_regularly(bot: ExtBot[Any], due: Due) -> None:
    sent = SentIds()
    while True:
        try:
            await deliver_outbox(bot, due, sent)
        except Exception as exc:
            log.error("sending reminders failed: %s", type(exc).__name__)
        await asyncio.sleep(OUTBOX_EVERY_SECONDS)


async def _serve_until_signalled(
    application: App, options: ServeOptions, prune: Callable[[], int], due: Due
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await serve(application, options, stop, prune=prune, due=due)


def shipped_application(runtime: Runtime, *, polling: bool) -> App:
    """The application exactly as ``jobcard telegram`` runs it (the benchmark runs this too)."""
    settings = runtime.settings
    return build_application(
        runtime.service.converse,
        settings.require(TOKEN_VARIABLE),
        api_url=settings.environ.get(API_URL_VARIABLE),
        polling=polling,
    )


def run_bot(runtime: Runtime, args: argparse.Namespace) -> int:
    """Run the bot until SIGINT or SIGTERM; returns the exit code."""
    settings = runtime.settings
    secret = webhook_secret(settings) if args.webhook else None
    options = ServeOptions(args.webhook, secret, args.listen, args.port)
    # httpx logs each request URL at INFO level, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = shipped_application(runtime, polling=args.webhook is None)
    try:
        run_fast(
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


run = run_bot

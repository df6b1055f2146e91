"""Running the Slack channel: Socket Mode or the Events API, and its chores.

``jobcard slack`` checks the token first, then serves until SIGINT or SIGTERM; meanwhile it
sends due reminders and notices every 30 s, announces new submissions to the counselors'
channels and forgets old delivery ids.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from functools import partial

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.bootstrap import Runtime
from bot.channels.kit import regularly
from bot.channels.slack import EVENTS_PATH, SLACK_API_URL, SlackChannel, _error
from bot.config import Settings
from bot.review.notices import SubmissionNotice, claim_new_submissions

log = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 6 * 3600  # Slack retries stop within minutes
REVIEW_CHANNELS_VARIABLE = "SLACK_REVIEW_CHANNELS"
OUTBOX_EVERY_SECONDS = 30


def check_settings(settings: Settings, args: argparse.Namespace | None = None) -> None:
    """Fail with a message naming the first missing variable for the chosen mode.

    Without ``args`` the mode is unknown, so only the token both modes need is checked;
    ``run`` checks the rest before it connects.
    """
    settings.require("SLACK_BOT_TOKEN")
    if args is not None:
        settings.require("SLACK_SIGNING_SECRET" if args.http else "SLACK_APP_TOKEN")


def events_app(channel: SlackChannel, path: str = EVENTS_PATH) -> web.Application:
    """An aiohttp application serving the Events API and interactivity at ``path``."""

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await channel.app.async_dispatch(await to_bolt_request(request))
        )

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    application = web.Application()
    application.add_routes([web.post(path, events), web.get("/healthz", health)])
    return application


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Run the Slack app until SIGINT or SIGTERM; returns the exit code."""
    check_settings(runtime.settings, args)
    return asyncio.run(serve(runtime, args))


async def serve(
    runtime: Runtime, args: argparse.Namespace, stop: asyncio.Event | None = None
) -> int:
    """Serve Slack (HTTP with ``args.http``, else Socket Mode) until ``stop`` or a signal."""
    settings = runtime.settings
    secret = settings.require("SLACK_SIGNING_SECRET") if args.http else None
    channel = SlackChannel(
        runtime.service,
        token=settings.require("SLACK_BOT_TOKEN"),
        signing_secret=secret,
        base_url=api_url(settings),
        review_channels=review_channels(settings.environ.get(REVIEW_CHANNELS_VARIABLE, "")),
        web_url=settings.environ.get("JOBCARD_WEB_URL"),
        notices=partial(_claim_notices, runtime),
    )
    try:
        await channel.client.auth_test()
    except SlackApiError as exc:
        print(f"jobcard: Slack did not accept SLACK_BOT_TOKEN ({_error(exc)})", file=sys.stderr)
        return 1
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        # The network, a proxy or SLACK_API_URL, not the token: say so.
        print(
            f"jobcard: cannot reach Slack at {channel.client.base_url} ({_error(exc)}): check "
            "the network connection, a proxy, or SLACK_API_URL",
            file=sys.stderr,
        )
        return 1
    loop = asyncio.get_running_loop()
    if stop is None:
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # not on Windows
                loop.add_signal_handler(signum, stop.set)
    prune = partial(asyncio.to_thread, runtime.service.prune)
    pruning = loop.create_task(regularly(prune, PRUNE_EVERY_SECONDS, "pruning", _error))
    deliver = partial(_deliver_outbox, channel)
    delivering = loop.create_task(
        regularly(deliver, OUTBOX_EVERY_SECONDS, "delivering reminders", _error)
    )
    try:
        if args.http:
            runner = web.AppRunner(events_app(channel))
            await runner.setup()
            await web.TCPSite(runner, args.listen, args.port).start()
            print(f"jobcard: Slack events at http://{args.listen}:{args.port}{EVENTS_PATH}")
            await stop.wait()
            await runner.cleanup()
        else:
            handler = AsyncSocketModeHandler(channel.app, settings.require("SLACK_APP_TOKEN"))
            try:
                await handler.connect_async()  # type: ignore[no-untyped-call]
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
                print(f"jobcard: Socket Mode did not start ({_error(exc)})", file=sys.stderr)
                return 1
            print("jobcard: connected to Slack (Socket Mode)")
            await stop.wait()
            await handler.close_async()  # type: ignore[no-untyped-call]
        # Answers taken before the stop are stored; send their replies before leaving.
        await channel.idle()
    finally:
        pruning.cancel()
        delivering.cancel()
    return 0


def api_url(settings: Settings) -> str:
    """The Web API base: ``SLACK_API_URL`` (a proxy or a test server), else Slack's own."""
    url = settings.environ.get("SLACK_API_URL", "").strip() or SLACK_API_URL
    return url if url.endswith("/") else url + "/"


def review_channels(spec: str) -> dict[str, str]:
    """Parse ``centre=CHANNEL,…`` (``*=CHANNEL`` for every centre) into a mapping."""
    pairs = (item.split("=", 1) for item in spec.split(",") if "=" in item)
    return {centre.strip(): channel.strip() for centre, channel in pairs if channel.strip()}


def _claim_notices(runtime: Runtime, centres: set[str] | None) -> list[SubmissionNotice]:
    with runtime.sessions.begin() as session:
        return claim_new_submissions(session, "slack", runtime.service.now(), centres)


async def _deliver_outbox(channel: SlackChannel) -> None:
    """Send due reminders and notices, then announce new submissions."""
    await channel.deliver_outbox()
    await channel.announce_submissions()

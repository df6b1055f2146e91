"""The Slack channel: a slack-bolt app for DMs, answer buttons, a text-box modal and App Home."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import logging
import re
import signal
import sys
import traceback
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler

from bot.bootstrap import Runtime
from bot.channels import slack_blocks as kit
from bot.channels.outbox_loop import SentIds, deliver_due
from bot.config import Settings
from bot.engine import Inbound, Lang, Outbound, as_lang
from bot.engine.messages import InboundKind
from bot.review.notices import SubmissionNotice, claim_new_submissions
from bot.service import ConversationService

log = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"
PRUNE_EVERY_SECONDS = 6 * 3600
REVIEW_CHANNELS_VARIABLE = "SLACK_REVIEW_CHANNELS"
NoticeSource = Callable[[set[str] | None], list[SubmissionNotice]]
OUTBOX_EVERY_SECONDS = 30
Body = dict[str, Any]


def check_settings(settings: Settings, args: argparse.Namespace | None = None) -> None:
    """Fail with a message naming the first missing variable for the chosen mode.

    Without ``args`` the mode is unknown, so only the token both modes need is checked;
    ``run`` checks the rest before it connects.
    """
    settings.require("SLACK_BOT_TOKEN")
    if args is not None:
        settings.require("SLACK_SIGNING_SECRET" if args.http else "SLACK_APP_TOKEN")


class OutboxSendError(RuntimeError):
    """A reminder or notice could not be posted; the outbox tries it again later."""


@dataclass(frozen=True, slots=True)
class Pressed:
    """The question message a person answered, to be rewritten without its buttons."""

    ts: str
    blocks: list[kit.Block]
    label: str
    option: bool


def _person(body: Body, user: str) -> str:
    team = (
        body.get("team_id")
        or (body.get("team") or {}).get("id")
        or (body.get("user") or {}).get("team_id")
        or body.get("enterprise_id")
        or "-"
    )
    return f"slack:{team}:{user}"


def _action_delivery(user: str, action_ts: str) -> str:
    """The delivery id of a button press, without the user id in it.

    Deleting a person must leave no platform id behind; a digest still tells two people's
    presses at the same instant apart.
    """
    digest = hashlib.sha256(f"{user}:{action_ts}".encode()).hexdigest()[:32]
    return f"slack:action:{digest}"


def _message_kind(event: Body) -> tuple[str, InboundKind] | None:
    """Who sent a DM event and what it is, or None when no person is to be answered.

    A file upload is answered as unreadable; an edit (``message_changed`` by a person, with
    new text) is answered with how to change an answer. Our own ``chat.update`` of a question
    and a link preview added to a message arrive as ``message_changed`` too: they are not.
    """
    if event.get("channel_type") != "im" or event.get("bot_id"):
        return None
    subtype = event.get("subtype")
    user = event.get("user")
    kind: InboundKind = "text"
    if subtype == "message_changed":
        edited = event.get("message") or {}
        previous = event.get("previous_message") or {}
        if edited.get("bot_id") or edited.get("text") == previous.get("text"):
            return None
        user, kind = edited.get("user"), "edited"
    elif subtype == "file_share":
        kind = "unsupported"
    elif subtype or not (event.get("text") or "").strip():
        return None  # deletions, joins … and empty messages
    return (str(user), kind) if user else None


def _error(exc: BaseException) -> str:
    """What failed, without anything the person wrote (Slack errors may echo the request)."""
    if isinstance(exc, SlackApiError):
        return f"SlackApiError {exc.response.get('error')}"
    return type(exc).__name__


class SlackChannel:
    """Translates Slack events into ``Inbound`` messages and replies into Block Kit.

    Listeners only acknowledge and start a tracked task; the turn (database work) and every
    Web API call run in that task, one person at a time and in arrival order.
    """

    def __init__(
        self,
        service: ConversationService,
        *,
        token: str,
        signing_secret: str | None = None,
        base_url: str = SLACK_API_URL,
        review_channels: Mapping[str, str] | None = None,
        web_url: str | None = None,
        notices: NoticeSource | None = None,
    ) -> None:
        self._service = service
        self._review_channels = dict(review_channels or {})
        self._web_url = web_url
        self._notices = notices
        self._tasks: set[asyncio.Task[None]] = set()
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._sent = SentIds()
        http = signing_secret is not None
        self.app = AsyncApp(
            name="jobcard-coach",
            token=token,
            signing_secret=signing_secret or "",
            request_verification_enabled=http,
            url_verification_enabled=http,
            ssl_check_enabled=http,
            # Safe because every listener returns right after ack(): Bolt then awaits our
            # listeners instead of leaving them in futures nobody tracks.
            process_before_response=True,
        )
        self.client = self.app.client
        self.client.base_url = base_url
        self.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=3))
        self.app.event("message")(self._on_message)
        self.app.event("app_home_opened")(self._on_home_opened)
        self.app.action(re.compile(r"^jc:(opt|act):\d+$"))(self._on_button)
        self.app.action(kit.TEXT_BOX)(self._on_text_box)
        self.app.action(re.compile(r"^jc:home:"))(self._on_home_button)
        self.app.action(kit.REVIEW_LINK)(self._on_link)
        self.app.view(kit.ANSWER_VIEW)(self._on_submission)

    def web_app(self, path: str = EVENTS_PATH) -> web.Application:
        """An aiohttp application serving the Events API and interactivity at ``path``."""

        async def events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await self.app.async_dispatch(await to_bolt_request(request))
            )

        async def health(_request: web.Request) -> web.Response:
            return web.Response(text="ok")

        application = web.Application()
        application.add_routes([web.post(path, events), web.get("/healthz", health)])
        return application

    async def idle(self) -> None:
        """Wait until every started turn has been handled and its replies sent."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # Listeners: translate, acknowledge, hand over.

    async def _on_message(self, ack: AsyncAck, body: Body, event: Body) -> None:
        await ack()
        sender = _message_kind(event)
        if sender is None:
            return
        user, kind = sender
        inbound = Inbound(
            _person(body, user),
            text=kit.unescape(event["text"]) if kind == "text" else None,
            delivery_id=f"slack:event:{body['event_id']}",
            kind=kind,
        )
        self._spawn(self._turn(inbound, user, event["channel"]))

    async def _on_button(self, ack: AsyncAck, body: Body, action: Body) -> None:
        await ack()
        user = body["user"]["id"]
        message = body.get("message") or {}
        pressed = Pressed(
            message.get("ts", ""),
            message.get("blocks", []),
            action["text"]["text"],
            action["action_id"].startswith(kit.OPTION_PREFIX),
        )
        inbound = Inbound(
            _person(body, user),
            payload=action["value"],
            delivery_id=_action_delivery(user, action["action_ts"]),
        )
        self._spawn(self._turn(inbound, user, body["container"]["channel_id"], pressed))

    async def _on_home_button(self, ack: AsyncAck, body: Body, action: Body) -> None:
        await ack()
        user = body["user"]["id"]
        delivery_id = _action_delivery(user, action["action_ts"])
        if action["action_id"] == kit.HOME_START:
            inbound = Inbound(_person(body, user), text="/start", delivery_id=delivery_id)
        else:
            inbound = Inbound(
                _person(body, user), payload=action["value"], delivery_id=delivery_id
            )
        self._spawn(self._turn(inbound, user, None))

    async def _on_text_box(self, ack: AsyncAck, body: Body, action: Body) -> None:
        await ack()
        message = body.get("message") or {}
        metadata = {"channel": body["container"]["channel_id"], "ts": message.get("ts", "")}
        view = kit.text_box_modal(
            message.get("blocks", []), as_lang(action.get("value")), json.dumps(metadata)
        )
        # The trigger_id expires three seconds after the click: open now, not behind a turn.
        self._spawn(self._call(self.client.views_open(trigger_id=body["trigger_id"], view=view)))

    async def _on_submission(self, ack: AsyncAck, body: Body, view: Body) -> None:
        await ack()
        user = body["user"]["id"]
        metadata = json.loads(view.get("private_metadata") or "{}")
        text = kit.submitted_text(view)
        excerpt = kit.clip(" ".join(text.split()), kit.ANSWER_EXCERPT)
        pressed = Pressed(
            metadata.get("ts", ""), kit.question_blocks(view.get("blocks", [])), excerpt, True
        )
        inbound = Inbound(_person(body, user), text=text, delivery_id=f"slack:view:{view['id']}")
        self._spawn(self._turn(inbound, user, metadata.get("channel"), pressed))

    async def _on_home_opened(self, ack: AsyncAck, body: Body, event: Body) -> None:
        await ack()
        if event.get("tab") == "home":
            self._spawn(self._publish_home(_person(body, event["user"]), event["user"]))

    # Work after the acknowledgement.

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(self._guarded(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guarded(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception as exc:
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("slack work failed: %s\n%s", _error(exc), frames)

    @staticmethod
    async def _call(request: Coroutine[Any, Any, Any]) -> None:
        await request

    @contextlib.asynccontextmanager
    async def _serial(self, person_id: str) -> AsyncIterator[None]:
        """One person's turns run one at a time, in arrival order, replies included."""
        lock, users = self._locks.get(person_id, (asyncio.Lock(), 0))
        self._locks[person_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            _, users = self._locks[person_id]
            if users <= 1:
                del self._locks[person_id]
            else:
                self._locks[person_id] = (lock, users - 1)

    def _handle(self, inbound: Inbound) -> tuple[list[Outbound], Lang]:
        reply = self._service.reply(inbound)
        return reply.outbound, reply.lang

    async def _turn(
        self, inbound: Inbound, user: str, channel: str | None, pressed: Pressed | None = None
    ) -> None:
        async with self._serial(inbound.person_id):
            replies, lang = await asyncio.to_thread(self._handle, inbound)
            if not replies:  # a re-delivery the service has already handled
                return
            if channel is None:
                opened = await self.client.conversations_open(users=user)
                channel = str(opened["channel"]["id"])
            if pressed is not None and pressed.ts:
                # chat.update has a far lower rate limit than posting: never let a wait for
                # it hold back the replies the person is waiting for.
                self._spawn(self._mark_answered(channel, pressed, lang))
            await self._send(channel, replies, lang)

    async def _on_link(self, ack: AsyncAck) -> None:
        await ack()  # a link button: Slack opens the URL itself

    async def announce_submissions(self) -> int:
        """Post each new submission to its centre's counselor channel, once."""
        if not self._review_channels or self._notices is None:
            return 0
        centres = None if "*" in self._review_channels else set(self._review_channels)
        notices = await asyncio.to_thread(self._notices, centres)
        for notice in notices:
            channel = self._review_channels.get(notice.centre_code) or self._review_channels["*"]
            blocks = kit.submission_notice(notice, self._web_url)
            await self.client.chat_postMessage(
                channel=channel, text=kit.submission_notice_text(notice), blocks=blocks
            )
        return len(notices)

    async def deliver_outbox(self) -> int:
        """Send due reminders and notices from the outbox; returns how many went out.

        Each is marked sent only after Slack accepted it (see ``bot.channels.outbox_loop``).
        """
        return await deliver_due(self._service, "slack", self._send_due, sent=self._sent)

    async def _send_due(self, person_id: str, replies: list[Outbound]) -> None:
        user = person_id.rsplit(":", 1)[-1]
        async with self._serial(person_id):
            lang = (await asyncio.to_thread(self._service.overview, person_id)).lang
            opened = await self.client.conversations_open(users=user)
            if not await self._send(str(opened["channel"]["id"]), replies, lang, notify=False):
                raise OutboxSendError("Slack did not take the message")

    async def _mark_answered(self, channel: str, pressed: Pressed, lang: Lang) -> None:
        line = kit.answer_line(pressed.label, option=pressed.option, lang=lang)
        message = kit.answered(pressed.blocks, line)
        try:
            await self.client.chat_update(
                channel=channel, ts=pressed.ts, text=message.text, blocks=message.blocks
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("chat.update failed: %s", _error(exc))

    async def _send(
        self, channel: str, replies: list[Outbound], lang: Lang, *, notify: bool = True
    ) -> bool:
        """Post the replies; False if one failed (the person is told, when ``notify``)."""
        for item in kit.plan(replies, lang):
            try:
                if isinstance(item, kit.SlackMessage):
                    await self.client.chat_postMessage(
                        channel=channel, text=item.text, blocks=item.blocks
                    )
                else:
                    await self.client.files_upload_v2(
                        channel=channel,
                        content=item.content,
                        filename=item.filename,
                        title=item.filename,
                        initial_comment=item.caption or None,
                    )
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
                log.warning("sending a reply failed: %s", _error(exc))
                if notify:
                    # The answer is stored; tell the person how to see the question again.
                    text = kit.phrase("send_failed", lang)
                    with contextlib.suppress(SlackApiError, aiohttp.ClientError, TimeoutError):
                        await self.client.chat_postMessage(channel=channel, text=kit.escape(text))
                return False
        return True

    async def _publish_home(self, person_id: str, user: str) -> None:
        overview = await asyncio.to_thread(self._service.overview, person_id)
        await self.client.views_publish(user_id=user, view=kit.home_view(overview))


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
    pruning = loop.create_task(_prune_deliveries(runtime.service))
    delivering = loop.create_task(_deliver_outbox(channel))
    try:
        if args.http:
            runner = web.AppRunner(channel.web_app())
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
    """Send reminders and notices when they fall due, and announce new submissions."""
    while True:
        try:
            await channel.deliver_outbox()
            await channel.announce_submissions()
        except Exception as exc:
            log.warning("delivering reminders failed: %s", _error(exc))
        await asyncio.sleep(OUTBOX_EVERY_SECONDS)


async def _prune_deliveries(service: ConversationService) -> None:
    """Forget old delivery ids now and then; Slack retries stop within minutes."""
    while True:
        try:
            await asyncio.to_thread(service.prune)
        except Exception as exc:
            log.warning("pruning delivery ids failed: %s", _error(exc))
        await asyncio.sleep(PRUNE_EVERY_SECONDS)

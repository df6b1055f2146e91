"""The Slack channel: a slack-bolt app for DMs, answer buttons, a text-box modal and App Home.

``bot.channels.slack_server`` runs it (Socket Mode or the Events API).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import traceback
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler

from bot.channels import slack_blocks as kit
from bot.channels import slack_events
from bot.channels import slack_home as home
from bot.channels.kit import KeyedLocks
from bot.channels.outbox_loop import SentIds, deliver_due
from bot.channels.slack_events import Body, Pressed, action_delivery, message_kind, person_of
from bot.engine import Inbound, Lang, Outbound, as_lang
from bot.review.notices import SubmissionNotice
from bot.service import ConversationService

log = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"
NoticeSource = Callable[[set[str] | None], list[SubmissionNotice]]


class OutboxSendError(RuntimeError):
    """A reminder or notice could not be posted; the outbox tries it again later."""


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
        self._locks = KeyedLocks()
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

    async def idle(self) -> None:
        """Wait until every started turn has been handled and its replies sent."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # Listeners: translate, acknowledge, hand over.

    async def _on_message(self, ack: AsyncAck, body: Body, event: Body) -> None:
        await ack()
        sender = message_kind(event)
        if sender is None:
            return
        user, kind = sender
        inbound = Inbound(
            person_of(body, user),
            text=kit.unescape(event["text"]) if kind == "text" else None,
            delivery_id=f"slack:event:{body['event_id']}",
            kind=kind,
        )
        token, api = str(self.client.token or ""), self.client.base_url
        fetch = slack_events.fetched(inbound, event, token, api) if kind == "file" else None
        self._spawn(self._turn(inbound, user, event["channel"], fetch=fetch))

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
            person_of(body, user),
            payload=action["value"],
            delivery_id=action_delivery(user, action["action_ts"]),
        )
        self._spawn(self._turn(inbound, user, body["container"]["channel_id"], pressed))

    async def _on_home_button(self, ack: AsyncAck, body: Body, action: Body) -> None:
        await ack()
        user = body["user"]["id"]
        delivery_id = action_delivery(user, action["action_ts"])
        if action["action_id"] == kit.HOME_START:
            inbound = Inbound(person_of(body, user), text="/start", delivery_id=delivery_id)
        else:
            inbound = Inbound(
                person_of(body, user), payload=action["value"], delivery_id=delivery_id
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
        inbound = Inbound(person_of(body, user), text=text, delivery_id=f"slack:view:{view['id']}")
        self._spawn(self._turn(inbound, user, metadata.get("channel"), pressed))

    async def _on_home_opened(self, ack: AsyncAck, body: Body, event: Body) -> None:
        await ack()
        if event.get("tab") == "home":
            self._spawn(self._publish_home(person_of(body, event["user"]), event["user"]))

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

    def _handle(self, inbound: Inbound) -> tuple[list[Outbound], Lang]:
        reply = self._service.reply(inbound)
        return reply.outbound, reply.lang

    async def _turn(
        self,
        inbound: Inbound,
        user: str,
        channel: str | None,
        pressed: Pressed | None = None,
        fetch: Coroutine[Any, Any, Inbound] | None = None,
    ) -> None:
        async with self._locks.hold(inbound.person_id):
            if fetch is not None:  # a shared 職務経歴書, read into memory in arrival order
                inbound = await fetch
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
            blocks = home.submission_notice(notice, self._web_url)
            await self.client.chat_postMessage(
                channel=channel, text=home.submission_notice_text(notice), blocks=blocks
            )
        return len(notices)

    async def deliver_outbox(self) -> int:
        """Send due reminders and notices from the outbox; returns how many went out.

        Each is marked sent only after Slack accepted it (see ``bot.channels.outbox_loop``).
        """
        return await deliver_due(self._service, "slack", self._send_due, sent=self._sent)

    async def _send_due(self, person_id: str, replies: list[Outbound]) -> None:
        user = person_id.rsplit(":", 1)[-1]
        async with self._locks.hold(person_id):
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
        await self.client.views_publish(user_id=user, view=home.home_view(overview))

"""The LINE channel: a signed webhook in; replies by reply token, pushes only when needed.

The signature (HMAC-SHA256 of the raw body with the channel secret) is checked by the SDK
before anything is read; the webhook is answered at once and each event handled after, one
person at a time. A reply token is free and takes five messages; only what does not fit,
what comes after an expired token and the outbox's reminders are pushed, and every push is
counted, because pushes use up the account's monthly message quota.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import traceback
from collections.abc import Coroutine, Sequence
from typing import Any

from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
)
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import (
    FollowEvent,
    JoinEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import line_messages as shown
from bot.channels.kit import KeyedLocks, group_notice
from bot.channels.outbox_loop import SentIds, Unreachable, deliver_due
from bot.config import Settings
from bot.documents.links import DocumentLinks, link_settings
from bot.engine import Document, Image, Inbound, Lang, Outbound, RunCommand, as_lang, encode
from bot.service import JST, ConversationService, Pending
from storage import line as contacts
from storage import people
from storage import repositories as repo

CHANNEL = "line"
SECRET_VARIABLE = "LINE_CHANNEL_SECRET"
TOKEN_VARIABLE = "LINE_CHANNEL_ACCESS_TOKEN"
API_URL_VARIABLE = "LINE_API_URL"
PUSH_VARIABLE = "LINE_PUSH_REMINDERS"
SIGNATURE_HEADER = "X-Line-Signature"
WEBHOOK_PATH = "/line/callback"
LOADING_SECONDS = 20  # a multiple of 5 within LINE's 5-60; the card takes a second or two
START = encode(RunCommand("start"))
START_WORD = "「はじめる」"

log = logging.getLogger(__name__)


def check_settings(settings: Settings, args: argparse.Namespace | None = None) -> None:
    """Fail with a message naming the first missing variable."""
    settings.require(SECRET_VARIABLE)
    settings.require(TOKEN_VARIABLE)
    if args is None or getattr(args, "line_command", None) is None:
        link_settings(settings)  # documents and charts reach LINE only as links


def api_client(settings: Settings) -> AsyncApiClient:
    """The SDK's client for the Messaging API (``LINE_API_URL`` for another host)."""
    host = settings.environ.get(API_URL_VARIABLE, "").strip().rstrip("/") or None
    return AsyncApiClient(Configuration(access_token=settings.require(TOKEN_VARIABLE), host=host))


def _error(exc: BaseException) -> str:
    """What failed, never the request (it may quote a message or a token)."""
    if isinstance(exc, ApiException):
        return f"LINE API {exc.status}"
    return type(exc).__name__


class LineChannel:
    """Turns LINE events into service turns and the replies into reply and push calls."""

    def __init__(
        self,
        service: ConversationService,
        sessions: sessionmaker[Session],
        client: AsyncApiClient,
        secret: str,
        links: DocumentLinks | None,
        *,
        push_reminders: bool = True,
    ) -> None:
        self._service = service
        self._sessions = sessions
        self.api = AsyncMessagingApi(client)
        self.parser = WebhookParser(secret)
        self._links = links
        self.push_reminders = push_reminders
        self._locks = KeyedLocks()
        self._tasks: set[asyncio.Task[None]] = set()
        self._sent = SentIds()

    def accept(self, events: Sequence[Any]) -> None:
        """Start handling verified events in order; the webhook answers without waiting."""
        for event in events:
            task = asyncio.get_running_loop().create_task(self._guarded(self._event(event)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until every accepted event has been handled and its replies sent."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    @staticmethod
    async def _guarded(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception as exc:
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("line event failed: %s\n%s", _error(exc), frames)

    async def _event(self, event: Any) -> None:
        source = event.source
        if not isinstance(source, UserSource):
            if isinstance(event, JoinEvent | MessageEvent):
                await self._refuse_group(event)
            return
        identity = f"{CHANNEL}:{source.user_id}"
        delivery = f"{CHANNEL}:{event.webhook_event_id}"
        if isinstance(event, UnfollowEvent):
            await asyncio.to_thread(self._set_following, identity, False)
            return
        if isinstance(event, MessageEvent):
            if isinstance(event.message, TextMessageContent):
                inbound = Inbound(identity, text=event.message.text, delivery_id=delivery)
            else:  # a sticker, picture, voice message, location or file: not read
                inbound = Inbound(identity, delivery_id=delivery, kind="unsupported")
        elif isinstance(event, PostbackEvent):
            inbound = Inbound(identity, payload=event.postback.data, delivery_id=delivery)
        elif isinstance(event, FollowEvent):
            # A greeting and the first question; after an unfollow, where they were.
            inbound = Inbound(identity, payload=START, delivery_id=delivery)
        else:
            return
        async with self._locks.hold(identity):
            await self._turn(inbound, source.user_id, event.reply_token)
        if isinstance(event, FollowEvent):
            await asyncio.to_thread(self._set_following, identity, True)

    def _set_following(self, identity: str, following: bool) -> None:
        now = self._service.now()
        with self._sessions.begin() as session:
            person = people.resolve(session, identity)
            contacts.set_following(session, identity, person, following, now)

    async def _refuse_group(self, event: Any) -> None:
        """A group or room is told once where the bot works, then left in peace."""
        source = event.source
        where = getattr(source, "group_id", None) or getattr(source, "room_id", None) or "-"
        key = f"{CHANNEL}:group:{where}"
        if await asyncio.to_thread(self._first_time, key):
            text = group_notice(START_WORD)
            await self._reply(event.reply_token, [{"type": "text", "text": text}])

    def _first_time(self, key: str) -> bool:
        with self._sessions.begin() as session:
            return repo.claim_delivery(session, key, self._service.now())

    async def _turn(self, inbound: Inbound, user_id: str, reply_token: str | None) -> None:
        replies = await asyncio.to_thread(self._service.converse, inbound)
        if not replies:
            return  # a redelivered event, already handled
        ready = [r for r in replies if not isinstance(r, Pending)]
        pending = [r for r in replies if isinstance(r, Pending)]
        if pending:
            # Everything goes in the one free reply, so the card is made first, with LINE's
            # loading animation shown meanwhile.
            await self._loading(user_id)
            for work in pending:
                ready += await asyncio.to_thread(work.render)
        if not self.push_reminders:
            ready = [*await self._due_now(inbound.person_id), *ready]
        if any(isinstance(r, Image | Document) for r in ready):
            items = await asyncio.to_thread(self._messages, inbound.person_id, ready)
        else:  # nothing to link: no database, no thread
            items = shown.messages(ready, "ja")
        await self._send(user_id, items, reply_token, "reply")

    async def _due_now(self, identity: str) -> list[Outbound]:
        """Reminders due for this person, shown with the reply when pushes are off."""
        due: list[Outbound] = []

        async def collect(_person: str, outbound: list[Outbound]) -> None:
            due.extend(outbound)

        person = await asyncio.to_thread(self._person, identity)
        await deliver_due(self._service, CHANNEL, collect, person_id=person)
        return due

    def _person(self, identity: str) -> str:
        with self._sessions() as session:
            return people.resolve(session, identity)

    async def _loading(self, user_id: str) -> None:
        request = ShowLoadingAnimationRequest(chatId=user_id, loadingSeconds=LOADING_SECONDS)
        try:
            await self.api.show_loading_animation(request)
        except Exception as exc:  # only a courtesy: the card follows either way
            log.info("loading animation skipped: %s", _error(exc))

    def _messages(self, identity: str, replies: list[Outbound]) -> list[shown.Message]:
        """The replies as LINE messages; documents and charts become signed links."""
        if not any(isinstance(r, Image | Document) for r in replies):
            return shown.messages(replies, "ja")
        now = self._service.now()
        with self._sessions.begin() as session:
            person = people.resolve(session, identity)
            record = repo.find_person(session, person)
            lang: Lang = as_lang(record.lang if record else None)
            linked = [self._linked(session, person, r, lang, now) for r in replies]
        return shown.messages(linked, lang)

    def _linked(
        self, session: Session, person: str, reply: Outbound, lang: Lang, now: Any
    ) -> shown.LineReply:
        links = self._links
        if links is None:
            return reply
        if isinstance(reply, Image):
            urls = links.issue_image(session, person, reply, lang, now)
            return shown.LinkedImage(urls[0], urls[1], reply.caption) if urls else reply
        if isinstance(reply, Document):
            url = links.issue(session, person, reply, now)
            hours = int(links.lifetime.total_seconds() // 3600)
            if url is not None:
                return shown.LinkedDocument(reply.filename, url, reply.caption, hours, links.uses)
        return reply

    async def _reply(self, token: str | None, items: list[shown.Message]) -> bool:
        if not token:
            return False
        request = ReplyMessageRequest.from_dict({"replyToken": token, "messages": items})
        try:
            await self.api.reply_message(request)
        except ApiException as exc:
            # An expired or used token (400): the messages are pushed instead.
            log.info("reply not taken, pushing instead: %s", _error(exc))
            return False
        return True

    async def _send(
        self, user_id: str, items: list[shown.Message], token: str | None, purpose: str
    ) -> None:
        """The first five messages as the reply; the rest (or all, without a token) pushed."""
        groups = shown.batches(items)
        if groups and await self._reply(token, groups[0]):
            groups = groups[1:]
        for group in groups:
            request = PushMessageRequest.from_dict({"to": user_id, "messages": group})
            await self.api.push_message(request)
            await asyncio.to_thread(self._count_push, purpose)

    def _count_push(self, purpose: str) -> None:
        day = self._service.now().astimezone(JST).date()
        with self._sessions.begin() as session:
            contacts.count_push(session, day, purpose)

    async def deliver_outbox(self) -> int:
        """Push due reminders and notices; returns how many went out (each counted)."""
        return await deliver_due(self._service, CHANNEL, self._push_due, sent=self._sent)

    async def _push_due(self, identity: str, replies: list[Outbound]) -> None:
        if not await asyncio.to_thread(self._following, identity):
            raise Unreachable(identity)  # unfollowed: no more pushes there
        user_id = identity.split(":", 1)[1]
        async with self._locks.hold(identity):
            items = await asyncio.to_thread(self._messages, identity, replies)
            await self._send(user_id, items, None, "outbox")

    def _following(self, identity: str) -> bool:
        with self._sessions() as session:
            return contacts.is_following(session, identity)

"""The LINE channel: a signed webhook in; replies by reply token, pushes only when needed.

Nothing a person sends is lost: each event's turn is committed before the webhook answers
200 (a failed turn answers 500, and LINE, with webhook redelivery on, sends the event again;
one already taken is dropped by its ``webhookEventId``). The replies follow the 200: a reply
token is free, takes five messages and stays valid well beyond a turn's few milliseconds.
Only what does not fit, what comes after an expired token and the outbox's reminders are
pushed, and every push is counted, because pushes use up the account's monthly quota.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import traceback
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from functools import partial
from typing import Any, TypeVar

from linebot.v3.messaging import ApiException, AsyncApiClient
from linebot.v3.webhook import SignatureValidator
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import line_messages as shown
from bot.channels.kit import KeyedLocks, group_notice
from bot.channels.line_api import API_URL_VARIABLE, TOKEN_VARIABLE, api_client, post
from bot.channels.line_api import describe as _error
from bot.channels.line_events import CHANNEL, GroupEvent, LineEvent, Turn, Unfollow, read_event
from bot.channels.outbox_loop import SentIds, Unreachable, deliver_due
from bot.config import Settings
from bot.documents.links import DocumentLinks, link_settings
from bot.engine import Document, Image, Lang, Outbound, as_lang
from bot.service import JST, ConversationService, Pending, TurnFailed, TurnRecord
from storage import line as contacts
from storage import people
from storage import repositories as repo

__all__ = ["API_URL_VARIABLE", "TOKEN_VARIABLE", "LineChannel", "api_client", "check_settings"]
SECRET_VARIABLE = "LINE_CHANNEL_SECRET"
PUSH_VARIABLE = "LINE_PUSH_REMINDERS"
SIGNATURE_HEADER = "X-Line-Signature"
WEBHOOK_PATH = "/line/callback"
LOADING_SECONDS = 20  # a multiple of 5 within LINE's 5-60; the card takes a second or two
START_WORD = "「はじめる」"

log = logging.getLogger(__name__)
T = TypeVar("T")


def check_settings(settings: Settings, args: argparse.Namespace | None = None) -> None:
    """Fail with a message naming the first missing variable."""
    settings.require(SECRET_VARIABLE)
    settings.require(TOKEN_VARIABLE)
    if args is None or getattr(args, "line_command", None) is None:
        link_settings(settings)  # documents and charts reach LINE only as links


class LineChannel:
    """Turns LINE events into service turns and the replies into reply and push calls.

    ``turn_workers`` threads run the turns on PostgreSQL, where a turn waits on the network.
    With 0 (SQLite: a turn is a millisecond or two of work, and one writer at a time anyway)
    they run in the event loop itself, without a thread's hand-over for each event.
    """

    def __init__(
        self,
        service: ConversationService,
        sessions: sessionmaker[Session],
        client: AsyncApiClient,
        secret: str,
        links: DocumentLinks | None,
        *,
        push_reminders: bool = True,
        turn_workers: int = 0,
    ) -> None:
        self._service = service
        self._sessions = sessions
        self._client = client
        self._validator = SignatureValidator(secret)
        self._links = links
        self.push_reminders = push_reminders
        self._turns = (
            ThreadPoolExecutor(turn_workers, thread_name_prefix="line-turn")
            if turn_workers
            else None
        )
        self._handling = KeyedLocks()  # one person's turns, in the order they came
        self._sending = KeyedLocks()  # and their replies in the same order
        self._tasks: set[asyncio.Task[None]] = set()
        self._sent = SentIds()

    def verify(self, body: str, signature: str) -> bool:
        """Whether ``signature`` is the body's HMAC-SHA256 with the channel secret (the SDK's)."""
        return bool(self._validator.validate(body, signature))

    async def receive(self, events: Sequence[Any]) -> bool:
        """Take verified events in order; True once every one is stored, False if one failed.

        The turns are committed when this returns; their replies are sent after it.
        """
        loop = asyncio.get_running_loop()
        taken: list[asyncio.Future[bool]] = []
        for raw in events:
            event = read_event(raw)
            if event is None:
                continue
            stored: asyncio.Future[bool] = loop.create_future()
            task = loop.create_task(self._guarded(self._event(event, stored), stored))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            taken.append(stored)
        # Shielded: a webhook request that goes away must not cancel what it started.
        return all(await asyncio.gather(*map(asyncio.shield, taken)))

    async def idle(self) -> None:
        """Wait until every accepted event has been handled and its replies sent."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def close(self) -> None:
        """Let the turn threads go (after :meth:`idle`)."""
        if self._turns is not None:
            self._turns.shutdown(wait=False)

    @staticmethod
    async def _guarded(work: Coroutine[Any, Any, None], stored: asyncio.Future[bool]) -> None:
        try:
            await work
        except Exception as exc:
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("line event failed: %s\n%s", _error(exc), frames)
        finally:
            if not stored.done():
                stored.set_result(False)  # failed before it was stored: LINE sends it again

    async def _stored(self, work: Callable[[], T]) -> T:
        """Run a unit of work that writes (a turn), in a turn thread or in the loop."""
        if self._turns is None:
            return work()
        return await asyncio.get_running_loop().run_in_executor(self._turns, work)

    async def _event(self, event: LineEvent, stored: asyncio.Future[bool]) -> None:
        if isinstance(event, Unfollow):
            await self._stored(partial(self._set_following, event.identity, False))
            stored.set_result(True)
        elif isinstance(event, GroupEvent):
            first = await self._stored(partial(self._first_time, event.key))
            stored.set_result(True)
            if first:  # a group or room is told once where the bot works, then left in peace
                text = group_notice(START_WORD)
                await self._reply(event.reply_token, [{"type": "text", "text": text}])
        else:
            await self._turn(event, stored)

    async def _turn(self, event: Turn, stored: asyncio.Future[bool]) -> None:
        identity = event.inbound.person_id
        record = partial(_followed, identity) if event.follow else None
        converse = partial(self._service.converse, event.inbound, record=record, strict=True)
        async with AsyncExitStack() as in_order:
            async with self._handling.hold(identity):
                try:
                    replies = await self._stored(converse)
                except TurnFailed as failed:
                    if not event.redelivery:
                        return  # nothing stored: answered 500, LINE delivers it again
                    replies = list(failed.replies)  # failed twice: say so, don't wait on LINE
                stored.set_result(True)
                if not replies:
                    return  # a redelivered event, already handled
                await in_order.enter_async_context(self._sending.hold(identity))
            await self._answer(replies, event.user_id, event.reply_token, identity)

    def _set_following(self, identity: str, following: bool) -> None:
        now = self._service.now()
        with self._sessions.begin() as session:
            person = people.resolve(session, identity)
            contacts.set_following(session, identity, person, following, now)

    def _first_time(self, key: str) -> bool:
        with self._sessions.begin() as session:
            return repo.claim_delivery(session, key, self._service.now())

    async def _answer(
        self, replies: list[Outbound | Pending], user_id: str, token: str | None, identity: str
    ) -> None:
        ready = [r for r in replies if not isinstance(r, Pending)]
        pending = [r for r in replies if isinstance(r, Pending)]
        if pending:
            # Everything goes in the one free reply, so the card is made first, with LINE's
            # loading animation shown meanwhile.
            await self._loading(user_id)
            for work in pending:
                ready += await asyncio.to_thread(work.render)
        if not self.push_reminders:
            ready = [*await self._due_now(identity), *ready]
        if any(isinstance(r, Image | Document) for r in ready):
            items = await asyncio.to_thread(self._messages, identity, ready)
        else:  # nothing to link: no database, no thread
            items = shown.messages(ready, "ja")
        await self._send(user_id, items, token, "reply")

    async def _due_now(self, identity: str) -> list[Outbound]:
        """Reminders due for this person, shown with the reply when pushes are off."""
        due: list[Outbound] = []

        async def collect(_person: str, outbound: list[Outbound]) -> None:
            due.extend(outbound)

        person = await asyncio.to_thread(self._read, people.resolve, identity)
        await deliver_due(self._service, CHANNEL, collect, person_id=person)
        return due

    def _read(self, query: Callable[[Session, str], T], identity: str) -> T:
        with self._sessions() as session:
            return query(session, identity)

    async def _post(self, path: str, body: dict[str, Any]) -> None:
        await post(self._client, path, body)

    async def _loading(self, user_id: str) -> None:
        request = {"chatId": user_id, "loadingSeconds": LOADING_SECONDS}
        try:
            await self._post("/v2/bot/chat/loading/start", request)
        except Exception as exc:  # only a courtesy: the card follows either way
            log.info("loading animation skipped: %s", _error(exc))

    def _messages(self, identity: str, replies: list[Outbound]) -> list[shown.Message]:
        """The replies as LINE messages; documents and charts become signed links."""
        if not any(isinstance(r, Image | Document) for r in replies):
            return shown.messages(replies, "ja")
        now = self._service.now()
        with self._sessions.begin() as session:
            person = people.resolve(session, identity)
            found = repo.find_person(session, person)
            lang: Lang = as_lang(found.lang if found else None)
            linked = [shown.linked(self._links, session, person, r, lang, now) for r in replies]
        return shown.messages(linked, lang)

    async def _reply(self, token: str | None, items: list[shown.Message]) -> bool:
        if not token:
            return False
        try:
            await self._post("/v2/bot/message/reply", {"replyToken": token, "messages": items})
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
            await self._post("/v2/bot/message/push", {"to": user_id, "messages": group})
            await asyncio.to_thread(self._count_push, purpose)

    def _count_push(self, purpose: str) -> None:
        day = self._service.now().astimezone(JST).date()
        with self._sessions.begin() as session:
            contacts.count_push(session, day, purpose)

    async def deliver_outbox(self) -> int:
        """Push due reminders and notices; returns how many went out (each counted)."""
        return await deliver_due(self._service, CHANNEL, self._push_due, sent=self._sent)

    async def _push_due(self, identity: str, replies: list[Outbound]) -> None:
        if not await asyncio.to_thread(self._read, contacts.is_following, identity):
            raise Unreachable(identity)  # unfollowed: no more pushes there
        user_id = identity.split(":", 1)[1]
        async with self._sending.hold(identity):
            items = await asyncio.to_thread(self._messages, identity, replies)
            await self._send(user_id, items, None, "outbox")


def _followed(identity: str, turn: TurnRecord) -> None:
    """A follow's turn also records that the person follows again (in its own transaction)."""
    if turn.state is not None:  # the person is stored (not deleted by this turn)
        contacts.record_follow(turn.session, identity, turn.person_id, turn.now)

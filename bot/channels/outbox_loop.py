"""Delivering the outbox on any channel: claim what is due, send it, then acknowledge it.

Every channel adapter delivers reminders and notices through :func:`deliver_due` and only
supplies its own ``send``; this module imports no SDK. Delivery is at-least-once: a message
is marked sent only after its send returned, a failed send gives it back to be tried again,
and a message re-sent after a crash carries the same outbox id, which :class:`SentIds`
remembers so the same process never sends one id twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.engine import Outbound
    from bot.service import Delivery

log = logging.getLogger(__name__)

Send = Callable[[str, "list[Outbound]"], Awaitable[None]]
SendNow = Callable[[str, "list[Outbound]"], None]


class Outbox(Protocol):
    """What delivering needs from the service (``ConversationService`` provides it)."""

    def claim_due(
        self, channel: str, *, person_id: str | None = None, limit: int = 50
    ) -> list[Delivery]:
        """Claim and render due messages."""
        ...

    def acknowledge(self, outbox_id: int) -> None:
        """Mark one message sent."""
        ...

    def release(self, outbox_id: int) -> None:
        """Give one message back after a failed send."""
        ...

    def give_up(self, outbox_id: int) -> None:
        """Drop one message for good (its person can't be reached on the channel)."""
        ...


class Unreachable(Exception):
    """Raised by a ``send`` when the person can't be reached there (they blocked the bot).

    The message is given up at once instead of being tried again.
    """


class SentIds:
    """The outbox ids this process sent lately, so a re-claimed one is not sent twice.

    A message comes back when it was sent but its acknowledgement was lost (the database
    was briefly unreachable): it is then only acknowledged.
    """

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def __contains__(self, outbox_id: object) -> bool:
        return outbox_id in self._ids

    def add(self, outbox_id: int) -> None:
        """Remember one id (the oldest are forgotten)."""
        self._ids[outbox_id] = None
        self._ids.move_to_end(outbox_id)
        while len(self._ids) > self._size:
            self._ids.popitem(last=False)


async def deliver_due(
    outbox: Outbox,
    channel: str,
    send: Send,
    *,
    person_id: str | None = None,
    sent: SentIds | None = None,
) -> int:
    """Send what is due on ``channel`` (or to one person); returns how many were sent.

    Each message is acknowledged right after its own send, so a crash half-way through
    leaves only the unsent ones to be claimed again.
    """
    deliveries = await asyncio.to_thread(outbox.claim_due, channel, person_id=person_id)
    return await _send_claimed(outbox, deliveries, send, sent)


async def _send_claimed(
    outbox: Outbox, deliveries: list[Delivery], send: Send, sent: SentIds | None
) -> int:
    """Send claimed messages one by one, each acknowledged right after its own send."""
    count = 0
    for delivery in deliveries:
        if sent is not None and delivery.outbox_id in sent:
            await _settle(outbox.acknowledge, delivery.outbox_id)
            continue
        try:
            await send(delivery.person_id, delivery.outbound)
        except Unreachable:
            await _settle(outbox.give_up, delivery.outbox_id)
            continue
        except Exception as exc:  # any failure of the platform: try again later
            log.warning(
                "sending outbox message %s failed (attempt %s): %s",
                delivery.outbox_id,
                delivery.attempt,
                type(exc).__name__,
            )
            await _settle(outbox.release, delivery.outbox_id)
            continue
        if sent is not None:
            sent.add(delivery.outbox_id)
        await _settle(outbox.acknowledge, delivery.outbox_id)
        count += 1
    return count


def deliver_due_now(
    outbox: Outbox,
    channel: str,
    send: SendNow,
    *,
    person_id: str | None = None,
    sent: SentIds | None = None,
) -> int:
    """:func:`deliver_due` for a synchronous channel (the console), outside any event loop.

    The claim is made here, in this thread: when nothing is due (nearly always) no event
    loop is started, which took longer than the claim itself at each prompt.
    """
    deliveries = outbox.claim_due(channel, person_id=person_id)
    if not deliveries:
        return 0

    async def send_async(person: str, outbound: list[Outbound]) -> None:
        send(person, outbound)

    return asyncio.run(_send_claimed(outbox, deliveries, send_async, sent))


async def _settle(step: Callable[[int], None], outbox_id: int) -> None:
    """Acknowledge or release; if the database is unreachable the claim simply expires."""
    try:
        await asyncio.to_thread(step, outbox_id)
    except Exception as exc:
        log.warning("settling outbox message %s failed: %s", outbox_id, type(exc).__name__)

"""LINE webhook events, read from their plain JSON into what the channel does with each.

The body is read as the JSON it is, after the SDK has checked its signature: a turn needs a
handful of fields, not the SDK's models of every event kind. An event the bot has no use
for (a beacon, an unsend, a member joining a group …) is read as nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine import Inbound, RunCommand, encode

CHANNEL = "line"
START = encode(RunCommand("start"))


@dataclass(frozen=True, slots=True)
class Turn:
    """A person's message, button press or follow: one service turn, then its replies.

    Attributes:
        redelivery: LINE sent it again (``deliveryContext.isRedelivery``): it may already
            have been handled (the service drops it then by its ``webhookEventId``).
        follow: The person (re)added the account: they follow again once it is handled.
    """

    inbound: Inbound
    user_id: str
    reply_token: str | None
    redelivery: bool
    follow: bool = False


@dataclass(frozen=True, slots=True)
class Unfollow:
    """The person blocked the account: no more pushes to this identity."""

    identity: str


@dataclass(frozen=True, slots=True)
class GroupEvent:
    """The bot was added to, or spoken to in, a group or room (``key``: that chat, once)."""

    key: str
    reply_token: str | None


LineEvent = Turn | Unfollow | GroupEvent


def _field(event: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = event.get(name)
    return value if isinstance(value, Mapping) else {}


def read_event(event: Any) -> LineEvent | None:
    """What to do with one webhook event; None for an event the bot does not act on."""
    if not isinstance(event, Mapping):
        return None
    kind = event.get("type")
    source = _field(event, "source")
    token = event.get("replyToken") if isinstance(event.get("replyToken"), str) else None
    if source.get("type") != "user":
        if kind not in ("join", "message"):
            return None
        where = source.get("groupId") or source.get("roomId") or "-"
        return GroupEvent(f"{CHANNEL}:group:{where}", token)
    user_id, event_id = source.get("userId"), event.get("webhookEventId")
    if not isinstance(user_id, str) or not user_id or not isinstance(event_id, str):
        return None
    identity = f"{CHANNEL}:{user_id}"
    if kind == "unfollow":
        return Unfollow(identity)
    delivery = f"{CHANNEL}:{event_id}"
    redelivery = _field(event, "deliveryContext").get("isRedelivery") is True
    if kind == "message":
        message = _field(event, "message")
        text = message.get("text")
        if message.get("type") == "text" and isinstance(text, str):
            inbound = Inbound(identity, text=text, delivery_id=delivery)
        else:  # a sticker, picture, voice message, location or file: not read
            inbound = Inbound(identity, delivery_id=delivery, kind="unsupported")
    elif kind == "postback":
        data = _field(event, "postback").get("data")
        inbound = Inbound(identity, payload=str(data or ""), delivery_id=delivery)
    elif kind == "follow":
        # A greeting and the first question; after an unfollow, where they were.
        inbound = Inbound(identity, payload=START, delivery_id=delivery)
    else:
        return None
    return Turn(inbound, user_id, token, redelivery, follow=kind == "follow")

"""Slack's event and action payloads read as plain dicts: who, which delivery, what kind.

No SDK here: Slack's JSON is read as it is documented.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from bot.channels.slack_blocks import Block
from bot.engine.messages import InboundKind

Body = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Pressed:
    """The question message a person answered, to be rewritten without its buttons."""

    ts: str
    blocks: list[Block]
    label: str
    option: bool


def person_of(body: Body, user: str) -> str:
    """The person id of a Slack user: ``slack:TEAM:USER``."""
    team = (
        body.get("team_id")
        or (body.get("team") or {}).get("id")
        or (body.get("user") or {}).get("team_id")
        or body.get("enterprise_id")
        or "-"
    )
    return f"slack:{team}:{user}"


def action_delivery(user: str, action_ts: str) -> str:
    """The delivery id of a button press, without the user id in it.

    Deleting a person must leave no platform id behind; a digest still tells two people's
    presses at the same instant apart.
    """
    digest = hashlib.sha256(f"{user}:{action_ts}".encode()).hexdigest()[:32]
    return f"slack:action:{digest}"


def message_kind(event: Body) -> tuple[str, InboundKind] | None:
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

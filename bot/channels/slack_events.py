"""Slack's event and action payloads read as plain dicts: who, which delivery, what kind.

No SDK here: Slack's JSON is read as it is documented.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.channels.slack_blocks import Block
from bot.engine.messages import ATTACHMENT_LIMIT, Attachment, Inbound, InboundKind

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

    A file upload is read as a 職務経歴書 when Slack gives a download URL (else it is
    answered as unreadable); an edit (``message_changed`` by a person, with
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
        kind = "file" if shared_file(event) is not None else "unsupported"
    elif subtype or not (event.get("text") or "").strip():
        return None  # deletions, joins … and empty messages
    return (str(user), kind) if user else None


def shared_file(event: Body) -> Body | None:
    """The first file of a ``file_share`` message that can be downloaded."""
    for file in event.get("files") or []:
        if isinstance(file, dict) and (
            file.get("url_private_download") or file.get("url_private")
        ):
            return file
    return None


async def download(event: Body, token: str, api_url: str) -> Attachment | None:
    """The shared file, read into memory with the bot token (None if it can't be fetched).

    The token goes only to Slack's own hosts (or the configured API host, for a proxy or a
    test server); a file over the limit is not downloaded but passed by its size.
    """
    file = shared_file(event)
    if file is None:
        return None
    name, media_type = str(file.get("name") or ""), str(file.get("mimetype") or "")
    size = int(file.get("size") or 0)
    if size > ATTACHMENT_LIMIT:
        return Attachment(name, media_type, b"", size)
    url = str(file.get("url_private_download") or file.get("url_private"))
    host, ours = urlsplit(url).hostname or "", urlsplit(api_url).hostname
    if not (host == "slack.com" or host.endswith(".slack.com") or host == ours):
        return None
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as got:
        if got.status != 200:
            return None
        content = await got.content.read(ATTACHMENT_LIMIT + 1)
    return Attachment(name, media_type, content, max(size, len(content)))


async def fetched(inbound: Inbound, event: Body, token: str, api_url: str) -> Inbound:
    """The message with its shared file downloaded; unreadable when it can't be fetched."""
    found = await download(event, token, api_url)
    if found is None:
        return replace(inbound, kind="unsupported")
    return replace(inbound, kind="file", attachment=found)

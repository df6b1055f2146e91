"""Reading Telegram updates as the JSON they arrive in: what kind, who wrote, in which language,
what, and whether to the bot.

Updates are read as plain JSON, not as python-telegram-bot's objects: building those for
every update (the pressed message and its whole keyboard included) cost more CPU than the
rest of reading it. Only a rare message with neither text nor a file is shown to
python-telegram-bot's filters, which know every kind of service message.
"""

from __future__ import annotations

from typing import Any, Literal

from telegram import Bot, Update
from telegram.ext import filters

from bot.engine import Attachment, Inbound
from bot.engine.messages import ATTACHMENT_LIMIT, InboundKind

Json = dict[str, Any]
UpdateKind = Literal["message", "edited", "button", "group", "ignored"]
GROUPS = frozenset({"group", "supergroup"})


def kind_of(update: Json) -> UpdateKind:
    """What an update is for the bot: a private message, its edit, a button press, a message
    in a group, or nothing to answer (a service message, a channel)."""
    if "callback_query" in update:
        return "button"
    message = update.get("message")
    if message is not None:
        chat_type = message["chat"]["type"]
        if chat_type in GROUPS:
            return "group"
        if chat_type == "private" and not _service_message(update):
            return "message"
        return "ignored"
    edited = update.get("edited_message")
    if edited is not None and edited["chat"]["type"] == "private":
        return "edited"
    return "ignored"


def _service_message(update: Json) -> bool:
    # A pinned message, an auto-delete timer … (never text or a file): python-telegram-bot's
    # filter knows every kind of them.
    message = update["message"]
    if "text" in message or "document" in message:
        return False
    return bool(filters.StatusUpdate.ALL.check_update(Update.de_json(update, None)))


def message_of(update: Json) -> Json | None:
    """The message an update is about (the pressed message for a button), if any."""
    if "callback_query" in update:
        message: Json | None = update["callback_query"].get("message")
        return message
    return update.get("message") or update.get("edited_message")


def sender_of(update: Json) -> Json | None:
    """Who sent the update."""
    if "callback_query" in update:
        sender: Json = update["callback_query"]["from"]
        return sender
    message = message_of(update)
    return message.get("from") if message is not None else None


def chat_id_of(update: Json) -> int | None:
    """The chat to answer in, if any."""
    message = message_of(update)
    return int(message["chat"]["id"]) if message is not None else None


def lang_hint(user: Json) -> str | None:
    """The language Telegram reports for the person (``ja``, ``en`` …), if any."""
    code = user.get("language_code")
    return code.split("-", 1)[0].lower() if code else None


def inbound_of(
    update: Json,
    user: Json,
    *,
    text: str | None = None,
    payload: str | None = None,
    kind: InboundKind = "text",
    attachment: Attachment | None = None,
) -> Inbound:
    """An update as the service reads it: who, what, and its delivery id."""
    message = message_of(update)
    return Inbound(
        person_id=f"telegram:{user['id']}",
        text=text,
        payload=payload,
        delivery_id=f"telegram:{update['update_id']}",
        lang_hint=lang_hint(user),
        kind=kind,
        attachment=attachment,
        sent_at=float(message["date"]) if message is not None else None,
    )


async def attachment_of(message: Json, bot: Bot) -> Attachment | None:
    """A document sent (a 職務経歴書), downloaded into memory; one over the limit is not
    downloaded but passed by its size, so the person hears why it can't be read."""
    document = message.get("document")
    if document is None:
        return None
    name, media_type = document.get("file_name") or "", document.get("mime_type") or ""
    size = document.get("file_size") or 0
    if size > ATTACHMENT_LIMIT:
        return Attachment(name, media_type, b"", size)
    file = await bot.get_file(document["file_id"])
    content = bytes(await file.download_as_bytearray())
    return Attachment(name, media_type, content, size or len(content))


def typed_text(message: Json) -> str | None:
    """What was typed; a deep link's ``/start x`` is just ``/start``."""
    text: str | None = message.get("text")
    # A deep link (t.me/bot?start=x) arrives as "/start x"; the parameter means nothing to us.
    if text is not None and text.startswith("/start "):
        return "/start"
    return text


def addressed_to_bot(message: Json, bot: Bot) -> bool:
    """Whether a group message is meant for the bot (a command, a reply, a mention)."""
    if any(member["id"] == bot.id for member in message.get("new_chat_members", ())):
        return True
    text = message.get("text") or ""
    mention = f"@{bot.username}".casefold()
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0].casefold()
        return "@" not in command or command.endswith(mention)
    replied = (message.get("reply_to_message") or {}).get("from")
    if replied is not None and replied["id"] == bot.id:
        return True
    return mention in text.casefold()

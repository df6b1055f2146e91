"""Reading Telegram updates: who wrote, in which language, what, and whether to the bot."""

from __future__ import annotations

from telegram import Bot, Message, Update, User

from bot.engine import Attachment, Inbound
from bot.engine.messages import ATTACHMENT_LIMIT, InboundKind


def lang_hint(user: User) -> str | None:
    """The language Telegram reports for the person (``ja``, ``en`` …), if any."""
    code = user.language_code
    return code.split("-", 1)[0].lower() if code else None


def inbound_of(
    update: Update,
    user: User,
    *,
    text: str | None = None,
    payload: str | None = None,
    kind: InboundKind = "text",
    attachment: Attachment | None = None,
) -> Inbound:
    """An update as the service reads it: who, what, and its delivery id."""
    message = update.effective_message
    return Inbound(
        person_id=f"telegram:{user.id}",
        text=text,
        payload=payload,
        delivery_id=f"telegram:{update.update_id}",
        lang_hint=lang_hint(user),
        kind=kind,
        attachment=attachment,
        sent_at=message.date.timestamp() if message is not None else None,
    )


async def attachment_of(message: Message, bot: Bot) -> Attachment | None:
    """A document sent (a 職務経歴書), downloaded into memory; one over the limit is not
    downloaded but passed by its size, so the person hears why it can't be read."""
    document = message.document
    if document is None:
        return None
    name, media_type = document.file_name or "", document.mime_type or ""
    size = document.file_size or 0
    if size > ATTACHMENT_LIMIT:
        return Attachment(name, media_type, b"", size)
    file = await bot.get_file(document.file_id)
    content = bytes(await file.download_as_bytearray())
    return Attachment(name, media_type, content, size or len(content))


def typed_text(message: Message) -> str | None:
    """What was typed; a deep link's ``/start x`` is just ``/start``."""
    text = message.text
    # A deep link (t.me/bot?start=x) arrives as "/start x"; the parameter means nothing to us.
    if text is not None and text.startswith("/start "):
        return "/start"
    return text


def addressed_to_bot(message: Message, bot: Bot) -> bool:
    """Whether a group message is meant for the bot (a command, a reply, a mention)."""
    if any(member.id == bot.id for member in message.new_chat_members):
        return True
    text = message.text or ""
    mention = f"@{bot.username}".casefold()
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0].casefold()
        return "@" not in command or command.endswith(mention)
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    return mention in text.casefold()

"""What the browser chat shows: replies stored as page messages, and the kind of answer box."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, assert_never

from bot.engine import Choices, Document, Image, Outbound, Text
from bot.engine.answers import LongTextAnswer, TextAnswer
from bot.engine.model import DialogCatalog, Group, Question
from bot.engine.state import ConversationState
from storage.webchat import WebMessage

StoredMessage = tuple[dict[str, Any], bytes | None]


def person_message(text: str) -> StoredMessage:
    """What the person sent (typed text, or the label of the button they pressed)."""
    return {"role": "person", "kind": "text", "text": text}, None


def draft_message(text: str) -> StoredMessage:
    """Text left in the answer box when a button was pressed: shown there again, never lost."""
    return {"role": "draft", "kind": "text", "text": text}, None


def bot_text(text: str) -> StoredMessage:
    """A plain message from the chat itself (a resume code …)."""
    return {"role": "bot", "kind": "text", "text": text}, None


def pending_message(working: str, failure: str, now: datetime) -> StoredMessage:
    """A note that something (the card) is being made; its results replace it when ready.

    ``failure`` is what the person is told should the work never finish (a restart).
    """
    body = {"role": "bot", "kind": "pending", "text": working, "failure": failure}
    return {**body, "since": now.isoformat()}, None


def pending_since(body: dict[str, Any]) -> datetime | None:
    """When a progress note was left (None for any other message)."""
    if body.get("kind") != "pending":
        return None
    try:
        since = datetime.fromisoformat(str(body.get("since", "")))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)  # unreadable: treat it as long gone
    return since if since.tzinfo is not None else since.replace(tzinfo=UTC)


def bot_message(outbound: Outbound, link: str | None = None) -> StoredMessage:
    """A reply as the page keeps it; a document keeps only its link (made by the caller)."""
    if isinstance(outbound, Text):
        return bot_text(outbound.text)
    if isinstance(outbound, Choices):
        body = {
            "role": "bot",
            "kind": "choices",
            "text": outbound.text,
            "options": [[b.label, b.payload] for b in outbound.options],
            "actions": [[b.label, b.payload] for b in outbound.actions],
        }
        return body, None
    if isinstance(outbound, Image):
        return {"role": "bot", "kind": "image", "text": outbound.caption}, outbound.content
    if isinstance(outbound, Document):
        body = {"role": "bot", "kind": "document", "text": outbound.caption}
        body.update(filename=outbound.filename, url=link or "")
        return body, None
    assert_never(outbound)


@dataclass(slots=True)  # not frozen: made for every message drawn, a frozen one costs 3x
class Shown:
    """A message as the page draws it; ``live`` buttons belong to the latest reply."""

    id: int
    role: str
    kind: str
    text: str
    options: list[tuple[str, str]] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    filename: str = ""
    url: str = ""
    live: bool = False


def shown(messages: list[WebMessage]) -> tuple[list[Shown], str]:
    """The messages to draw and the draft to put back in the answer box."""
    # One pass over the roles, then one building the messages: drawn on every turn.
    roles = [message.body.get("role", "bot") for message in messages]
    last_person = -1
    draft = ""
    for index, role in enumerate(roles):
        if role == "person":
            last_person, draft = index, ""
        elif role == "draft":
            # Text left in the box when a button was pressed: kept even if a card or a
            # reminder arrived after it.
            draft = str(messages[index].body.get("text", ""))
    result: list[Shown] = []
    for index, message in enumerate(messages):
        role = roles[index]
        if role == "draft":
            continue
        body = message.body
        options, actions = body.get("options"), body.get("actions")
        result.append(
            Shown(
                id=message.id,
                role=str(role),
                kind=str(body.get("kind", "text")),
                text=str(body.get("text", "")),
                options=[(str(a), str(b)) for a, b in options] if options else [],
                actions=[(str(a), str(b)) for a, b in actions] if actions else [],
                filename=str(body.get("filename", "")),
                url=str(body.get("url", "")),
                live=index > last_person,
            )
        )
    return result, draft


def buttons_of(messages: list[StoredMessage]) -> dict[str, str]:
    """The buttons of replies as stored: payload → label (the newest label wins)."""
    buttons: dict[str, str] = {}
    for body, _image in reversed(messages):
        for label, value in [*body.get("options", []), *body.get("actions", [])]:
            buttons.setdefault(str(value), str(label))
    return buttons


@dataclass(frozen=True, slots=True)
class AnswerBox:
    """How big the answer box is, and the open question's length limit if it has one.

    ``one_line``: the open question keeps one line (a name, a company), so its hint says
    that line breaks become spaces, as the reply to such an answer says too.
    """

    long: bool = False
    limit: int | None = None
    one_line: bool = False


def answer_box(state: dict[str, Any] | None, catalog: DialogCatalog) -> AnswerBox:
    """The box for the open question of a stored state (None for a person not seen yet): a
    tall one with its limit for a long answer."""
    if state is None:
        return AnswerBox()
    return box_for(ConversationState.from_json(state), catalog)


def box_for(state: ConversationState, catalog: DialogCatalog) -> AnswerBox:
    """The box for the open question of a conversation state."""
    cursor = state.active
    if cursor is None or cursor.pos is None or state.mode not in ("ask", "followup"):
        return AnswerBox()
    try:
        step = catalog.get(cursor.dialog, cursor.digest).step(cursor.pos.step)
        if isinstance(step, Group) and cursor.pos.sub is not None:
            step = step.sub(cursor.pos.sub)
    except (KeyError, LookupError, AssertionError):
        return AnswerBox()  # a dialog version this process does not know: a plain box
    if not isinstance(step, Question):
        return AnswerBox()
    spec = step.answer
    if isinstance(spec, LongTextAnswer):
        return AnswerBox(True, spec.max_length)
    if isinstance(spec, TextAnswer):
        return AnswerBox(spec.multiline, spec.max_length, one_line=not spec.multiline)
    return AnswerBox()

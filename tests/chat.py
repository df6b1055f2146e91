"""A transcript driver: talk to the real service like a person, and inspect what came back."""

from __future__ import annotations

import itertools
from typing import Any

from bot.engine import Attachment, Choices, Document, Inbound, Outbound, Text
from bot.engine.messages import InboundKind
from bot.service import ConversationService
from storage import repositories

_ids = itertools.count()


def text_of(messages: list[Outbound]) -> str:
    """Every text the person would read, joined."""
    parts = []
    for message in messages:
        if isinstance(message, Text):
            parts.append(message.text)
        elif isinstance(message, Choices):
            parts.append(message.text)
            parts.extend(button.label for button in message.options + message.actions)
        elif isinstance(message, Document):
            parts.append(f"[document {message.filename}]")
    return "\n".join(parts)


class Chat:
    """One person chatting with the service."""

    def __init__(self, service: ConversationService, person_id: str = "console:test") -> None:
        self.service = service
        self.person_id = person_id
        self.last: list[Outbound] = []
        self.history: list[Outbound] = []

    def _deliver(self, inbound: Inbound) -> list[Outbound]:
        self.last = self.service.handle(inbound)
        self.history.extend(self.last)
        return self.last

    def send(self, text: str, delivery_id: str | None = None) -> str:
        """Send a text message; return what the bot said."""
        inbound = Inbound(self.person_id, text=text, delivery_id=delivery_id or f"t{next(_ids)}")
        return text_of(self._deliver(inbound))

    def payload(self, payload: str, delivery_id: str | None = None) -> str:
        """Send a raw button payload."""
        inbound = Inbound(
            self.person_id, payload=payload, delivery_id=delivery_id or f"t{next(_ids)}"
        )
        return text_of(self._deliver(inbound))

    def follow(self, payload: str) -> str:
        """Feed a payload as the service itself does (an action's outcome, a reminder)."""
        inbound = Inbound(
            self.person_id, payload=payload, delivery_id=f"t{next(_ids)}", origin="service"
        )
        return text_of(self._deliver(inbound))

    def arrive(self, kind: InboundKind) -> str:
        """Send what is not text: ``unsupported`` (a sticker, photo, file …) or ``edited``."""
        inbound = Inbound(self.person_id, delivery_id=f"t{next(_ids)}", kind=kind)
        return text_of(self._deliver(inbound))

    def send_file(self, name: str, content: bytes, media_type: str = "", size: int = 0) -> str:
        """Send a file (a 職務経歴書), as a channel hands it over; return what the bot said."""
        attachment = Attachment(name, media_type, content, size or len(content))
        inbound = Inbound(
            self.person_id, delivery_id=f"t{next(_ids)}", kind="file", attachment=attachment
        )
        return text_of(self._deliver(inbound))

    def button(self, label: str) -> str:
        """The payload of the newest button whose label contains ``label``."""
        for message in reversed(self.history):
            if isinstance(message, Choices):
                for button in message.options + message.actions:
                    if label in button.label:
                        return button.payload
        raise AssertionError(f"no button {label!r} in {text_of(self.last)!r}")

    def press(self, label: str) -> str:
        """Press the newest button whose label contains ``label``."""
        return self.payload(self.button(label))

    @property
    def text(self) -> str:
        """What the bot said last."""
        return text_of(self.last)

    def answers(self) -> dict[str, Any]:
        """The person's current stored answers."""
        with self.service._sessions() as session:
            return repositories.current_answers(session, self.person_id)

    def start_profile(self) -> None:
        """Get through onboarding with consent, arriving at the first profile question."""
        self.send("/start")
        self.press("日本語")
        self.press("はい")

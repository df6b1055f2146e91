"""Drive the pure engine without a database: effects are applied to plain dicts."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.engine import (
    Choices,
    ConversationState,
    DialogCatalog,
    Inbound,
    Outbound,
    PersonView,
    SaveAnswer,
    SetConsent,
    SetLanguage,
    TurnContext,
    advance,
)
from bot.engine.localized import Lang
from tests.chat import text_of

TODAY = date(2026, 11, 22)


class EngineDriver:
    """A person talking to :func:`advance` directly."""

    def __init__(self, catalog: DialogCatalog) -> None:
        self.catalog = catalog
        self.state = ConversationState()
        self.answers: dict[str, Any] = {}
        self.lang: Lang = "ja"
        self.consented: bool | None = None
        self.last: list[Outbound] = []

    def person(self) -> PersonView:
        return PersonView(lang=self.lang, consented=self.consented, answers=dict(self.answers))

    def deliver(self, inbound: Inbound) -> str:
        transition = advance(self.catalog, self.state, self.person(), inbound, TurnContext(TODAY))
        if transition.needs:
            # Like the service, compute the options asked for (none here) and run it again.
            sources = {need.name: () for need in transition.needs}
            context = TurnContext(TODAY, sources=sources)
            transition = advance(self.catalog, self.state, self.person(), inbound, context)
        self.state = transition.state
        for effect in transition.effects:
            if isinstance(effect, SaveAnswer):
                self.answers[f"{effect.dialog}.{effect.field}"] = effect.value
            elif isinstance(effect, SetLanguage):
                self.lang = effect.lang
            elif isinstance(effect, SetConsent):
                self.consented = effect.granted
        self.last = list(transition.outbound)
        return text_of(self.last)

    def send(self, text: str) -> str:
        return self.deliver(Inbound("test:1", text=text))

    def press(self, label: str) -> str:
        for message in reversed(self.last):
            if isinstance(message, Choices):
                for button in message.options + message.actions:
                    if label in button.label:
                        return self.deliver(Inbound("test:1", payload=button.payload))
        raise AssertionError(f"no button {label!r}")

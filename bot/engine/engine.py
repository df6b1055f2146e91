"""The dialog runtime: (dialogs, state, person, message) → (new state, replies, effects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine import answering, controls, flow, prompting
from bot.engine.commands import parse_command
from bot.engine.effects import (
    Effect,
    ExportData,
    MakeCard,
)
from bot.engine.messages import Inbound, Outbound, TurnContext
from bot.engine.model import DialogCatalog
from bot.engine.state import ConversationState
from bot.engine.turn import NeedSource, PersonView, Turn


@dataclass(frozen=True, slots=True)
class SourceRequest:
    """Options the turn needs: compute source ``name`` from ``answers`` and advance again."""

    name: str
    answers: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Transition:
    """The result of one turn: the state to save, the replies to send, the effects to run.

    Attributes:
        anchors: For each effect, how many replies came before it (its replies go there).
        needs: When set, nothing else is valid: provide these sources and advance again.
    """

    state: ConversationState
    outbound: tuple[Outbound, ...]
    effects: tuple[Effect, ...]
    anchors: tuple[int, ...] = ()
    needs: tuple[SourceRequest, ...] = ()


def advance(
    catalog: DialogCatalog,
    state: ConversationState,
    person: PersonView,
    inbound: Inbound,
    ctx: TurnContext,
) -> Transition:
    """Advance a conversation by one inbound message. Pure: nothing outside is touched."""
    turn = Turn(catalog, state, person, ctx)
    try:
        handle(turn, inbound)
    except NeedSource as need:
        # The turn is discarded whole; the service computes the options and runs it again.
        return Transition(state, (), (), (), (SourceRequest(need.name, dict(turn.answers)),))
    return Transition(turn.state, tuple(turn.out), tuple(turn.effects), tuple(turn.anchors))


def handle(turn: Turn, inbound: Inbound) -> None:
    """Route one inbound message: commands first, then buttons, then typed answers."""
    state = turn.state
    gate = prompting.consent_dialog(turn.catalog)
    if state.mode == "paused":
        state.mode = state.resume or "menu"
        state.resume = None
        turn.say(turn.t("welcome_back"))
        prompting.reprompt(turn)
        return
    text = inbound.text or ""
    command = parse_command(text) if inbound.payload is None else None
    if inbound.payload is not None and inbound.payload.startswith("c|"):
        command = parse_command("/" + inbound.payload[2:])
    if command in ("lang", "lang_ja", "lang_en"):
        controls.set_language(turn, command)
        return
    if command == "help":
        turn.say(turn.t("help"))
        prompting.reprompt(turn)
        return
    if command == "delete":
        controls.confirm(turn, "confirm_delete")
        return
    if state.mode == "confirm_delete":
        controls.answer_confirm_delete(turn, inbound)
        return
    if gate is not None and turn.consented is not True:
        active = state.active.dialog if state.active is not None else None
        if active != gate:
            prompting.ask_consent(turn, gate)
            return
    if command == "mydata":
        turn.emit(ExportData())
        turn.say(turn.t("mydata"))
        prompting.reprompt(turn)
        return
    if command == "card":
        turn.say(turn.t("making_card"))
        turn.emit(MakeCard())
        prompting.reprompt(turn)
        return
    if state.mode == "start":
        prompting.begin(turn)
        return
    if inbound.payload is not None and inbound.payload.startswith("m|"):
        controls.open_from_menu(turn, inbound.payload[2:])
        return
    if inbound.payload is not None and inbound.payload.startswith("e|"):
        controls.event(turn, inbound.payload)
        return
    if inbound.payload is not None and inbound.payload.startswith("f|"):
        controls.jump_to_answer(turn, inbound.payload)
        return
    opened = controls.dialog_for_command(turn.catalog, text) if inbound.payload is None else None
    if opened is not None:
        flow.start_dialog(turn, opened)
        return
    if inbound.payload is not None and not inbound.payload.startswith("c|"):
        controls.handle_payload(turn, inbound.payload)
        return
    if isinstance(command, str) and command.startswith("/"):
        turn.say(turn.t("unknown_command", command=text.strip()[:40]))
        prompting.reprompt(turn)
        return
    if command is not None:
        controls.command(turn, command)
        return
    button = prompting.typed_button(turn, text)
    if button is not None and button.startswith("m|"):
        controls.open_from_menu(turn, button[2:])
    elif button is not None and button.startswith("c|"):
        controls.command(turn, parse_command("/" + button[2:]) or "help")
    elif button is not None:
        controls.handle_payload(turn, button)
    else:
        answering.text(turn, text)

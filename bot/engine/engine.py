"""The dialog runtime: (dialogs, state, person, message) → (new state, replies, effects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, assert_never

from bot.engine import controls, flow, prompting, views
from bot.engine.answers import ChoiceAnswer
from bot.engine.commands import did_you_mean, parse_command
from bot.engine.effects import (
    Effect,
    ExportData,
    MakeCard,
)
from bot.engine.messages import Inbound, Outbound, TurnContext
from bot.engine.model import DialogCatalog
from bot.engine.normalize import fold
from bot.engine.payloads import (
    JumpTo,
    OpenSection,
    Outcome,
    Payload,
    Reply,
    RunCommand,
    decode,
    encode,
)
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


def admissible(turn: Turn, payload: Payload, origin: str) -> bool:
    """Whether a button payload may act now: the one place that decides what a button may do.

    The service's own follow-ups may do anything. A person's button may answer the question
    it belongs to (its number is checked when it is handled), run a command, or open a
    section a person can open anyway; a jump or an outcome only when it is on screen now —
    otherwise it is forged or stale.
    """
    if origin == "service" or isinstance(payload, Reply | RunCommand):
        return True
    if isinstance(payload, OpenSection):
        dialog = turn.catalog.latest.get(payload.dialog)
        if dialog is None:
            return False
        if dialog.menu is not None or dialog.commands or dialog.id == turn.catalog.start:
            return True
    return encode(payload) in {button.payload for button in prompting.shown_buttons(turn)}


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
    if inbound.kind != "text":
        # A sticker, photo, file or an edit is no attempt at the question: say what the bot
        # reads and show the question again, leaving the attempt count alone.
        unreadable = inbound.kind in ("unsupported", "file")
        turn.say(turn.t("unsupported_message" if unreadable else "edited_message"))
        prompting.reprompt(turn)
        return
    text = inbound.text or ""
    turn.sent_at = inbound.sent_at
    payload: Payload | None = None
    if inbound.payload is not None:
        payload = decode(inbound.payload)
        if payload is None or not admissible(turn, payload, inbound.origin):
            controls.stale(turn)
            return
    if payload is None:
        command = parse_command(text)
    elif isinstance(payload, RunCommand):
        command = parse_command("/" + payload.command)
    else:
        command = None
    if command is not None and payload is None and _names_option(turn, text):
        command = None  # 「English」 at the language question answers it: no command word
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
        controls.answer_confirm_delete(turn, text, payload)
        return
    if gate is not None and turn.consented is not True:
        active = state.active.dialog if state.active is not None else None
        if active != gate:
            if inbound.payload is None and len(text) >= 10:
                # Writing sent before consent is not kept: say so (no writing is this short).
                from bot.engine import memos

                memos.say_not_stored(turn, text)
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
    if payload is not None and not isinstance(payload, RunCommand):
        press(turn, payload)
        return
    opened = controls.dialog_for_command(turn.catalog, text) if inbound.payload is None else None
    if opened is not None:
        flow.start_dialog(turn, opened)
        return
    if isinstance(command, str) and command.startswith("/"):
        word = did_you_mean(text)  # "/hlep": one slip from a command
        unknown = turn.t("unknown_command", command=text.strip()[:40])
        turn.say(unknown if word is None else turn.t("did_you_mean", word=word))
        prompting.reprompt(turn)
        return
    if command is not None:
        controls.command(turn, command)
        return
    button = prompting.typed_button(turn, text)
    if isinstance(button, RunCommand):
        # A menu action typed in full ("Make my Job Card"): handled as if pressed.
        handle(turn, replace(inbound, text=None, payload=encode(button)))
    elif button is not None:
        press(turn, button)
    else:
        # Imported by the first typed answer, not at start: the answer parsers (dates,
        # licences, coaching) are not needed to show `jobcard chat`'s first prompt.
        from bot.engine import answering

        answering.text(turn, text)


def _names_option(turn: Turn, text: str) -> bool:
    """Whether ``text`` is, word for word, an option of the open choice question.

    Such an answer wins over a command word that is spelt the same (「English」 at the
    language question chooses English). Only the whole wording counts, never a part of it.
    """
    state = turn.state
    if state.mode != "ask" or state.active is None or state.active.pos is None:
        return False
    question, _group = views.current_question(turn)
    answer = question.answer
    if question.options_from is not None or not isinstance(answer, ChoiceAnswer):
        return False
    typed = fold(text)
    return any(
        typed in {fold(name) for name in (o.value, o.label.ja, o.label.en, *o.aliases)}
        for o in answer.options
    )


def press(turn: Turn, payload: Payload) -> None:
    """Carry out an admissible button (pressed, or typed as its label or number)."""
    if isinstance(payload, OpenSection):
        controls.open_from_menu(turn, payload.dialog)
    elif isinstance(payload, Outcome):
        controls.event(turn, payload)
    elif isinstance(payload, JumpTo):
        controls.jump_to_answer(turn, payload)
    elif isinstance(payload, Reply):
        controls.handle_payload(turn, payload)
    elif isinstance(payload, RunCommand):
        controls.command(turn, parse_command("/" + payload.command) or "help")
    else:
        assert_never(payload)

"""What the person is asked now: the open question, the menu, a confirmation, consent."""

from __future__ import annotations

import unicodedata

from bot.engine import flow, views
from bot.engine.messages import Button, Choices
from bot.engine.model import DialogCatalog, Group, Question, Say
from bot.engine.payloads import Payload, decode
from bot.engine.turn import Turn


def consent_dialog(catalog: DialogCatalog) -> str | None:
    """The dialog that asks for consent, if the catalog has one."""
    for dialog in catalog.latest.values():
        for step in dialog.steps:
            if isinstance(step, Question) and step.action == "consent":
                return dialog.id
    return None


def ask_consent(turn: Turn, gate: str) -> None:
    """Start the consent dialog; after a refusal, go straight back to the consent question."""
    if turn.consented is None:
        turn.state.active = None
        flow.start_dialog(turn, gate)
        return
    dialog = turn.catalog.get(gate)
    index = next(
        i
        for i, step in enumerate(dialog.steps)
        if isinstance(step, Question) and step.action == "consent"
    )
    # Show the explanation of what is stored again, if it comes right before the question.
    if index > 0 and isinstance(dialog.steps[index - 1], Say):
        index -= 1
    flow.start_at(turn, gate, index)


def begin(turn: Turn) -> None:
    """Start a new person's conversation, or show the menu if there is nothing to start."""
    start = turn.catalog.start
    if start in turn.catalog.latest and not turn.completed(start):
        flow.start_dialog(turn, start)
    else:
        flow.show_menu(turn)


def resume(turn: Turn) -> None:
    """Return to what was open before a confirmation."""
    state = turn.state
    state.mode = state.resume or ("menu" if state.active is None else "ask")
    state.resume = None
    if state.mode == "start":
        begin(turn)
        return
    reprompt(turn)


def reprompt(turn: Turn) -> None:
    """Show again whatever the person is expected to answer now."""
    state = turn.state
    mode = state.mode
    if mode == "start":
        begin(turn)
    elif mode == "paused":
        turn.say(turn.t("paused"))
    elif mode == "no_consent":
        turn.say(turn.t("no_consent"))
    elif state.active is None and mode not in ("menu", "confirm_delete"):
        flow.show_menu(turn)
    else:
        render(turn)


def render(turn: Turn) -> None:
    """Render the open question of the current mode; changes no state."""
    mode = turn.state.mode
    if mode == "menu":
        views.menu(turn)
    elif mode == "ask":
        views.ask(turn)
    elif mode == "more":
        assert turn.cursor.pos is not None
        group = turn.dialog.step(turn.cursor.pos.step)
        assert isinstance(group, Group)
        views.more(turn, group)
    elif mode == "followup":
        views.followup(turn)
    elif mode == "summary":
        views.summary(turn)
    elif mode == "group_edit":
        views.group_edit(turn, flow.target_group(turn))
    elif mode == "group_remove":
        views.group_remove(turn, flow.target_group(turn))
    elif mode == "confirm_cancel":
        views.confirm(turn, "confirm_cancel", title=turn.dialog.title.get(turn.lang))
    elif mode == "confirm_delete":
        views.confirm(turn, "confirm_delete")


def fold(text: str) -> str:
    """A label or message folded for matching (NFKC, case, tick marks)."""
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    return folded.removeprefix("☐ ").removeprefix("☑ ")


def shown_buttons(turn: Turn) -> list[Button]:
    """The buttons the person has in front of them now (options first, then actions)."""
    return [button for message in _rendered(turn) for button in message.options + message.actions]


def _rendered(turn: Turn) -> list[Choices]:
    """Render what is open now without keeping it: the person's current screen."""
    mode = turn.state.mode
    if mode not in ("menu", "confirm_delete") and turn.state.active is None:
        return []
    if mode in ("start", "paused", "no_consent"):
        return []
    mark = len(turn.out)
    render(turn)
    rendered = turn.out[mark:]
    del turn.out[mark:]
    return [message for message in rendered if isinstance(message, Choices)]


def typed_button(turn: Turn, text: str) -> Payload | None:
    """Map a typed button label, or a number typed for a list, to that button's payload."""
    mode = turn.state.mode
    folded = fold(text)
    for message in _rendered(turn):
        if mode != "ask" and folded.isdigit() and 1 <= int(folded) <= len(message.options):
            return decode(message.options[int(folded) - 1].payload)
        buttons = message.actions if mode == "ask" else message.options + message.actions
        for button in buttons:
            label = fold(button.label)
            if folded == label or (
                mode == "menu" and label.startswith(folded) and len(folded) > 1
            ):
                return decode(button.payload)
    return None

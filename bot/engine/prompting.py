"""What the person is asked now: the open question, the menu, a confirmation, consent."""

from __future__ import annotations

import functools
import re
import unicodedata

from bot.engine import flow, views
from bot.engine.choices import Option, match_option
from bot.engine.commands import did_you_mean
from bot.engine.localized import Lang, Localized
from bot.engine.messages import Button, Choices
from bot.engine.model import DialogCatalog, Group, Question, Say
from bot.engine.payloads import Payload, decode
from bot.engine.texts import MESSAGES, t
from bot.engine.turn import Turn


def consent_dialog(catalog: DialogCatalog) -> str | None:
    """The dialog that asks for consent, if the catalog has one."""
    if "consent_dialog" in catalog.derived:  # every turn asks: found once per catalog
        known: str | None = catalog.derived["consent_dialog"]
        return known
    found = next(
        (
            dialog.id
            for dialog in catalog.latest.values()
            for step in dialog.steps
            if isinstance(step, Question) and step.action == "consent"
        ),
        None,
    )
    catalog.derived["consent_dialog"] = found
    return found


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
    elif state.active is None and mode not in ("menu", "confirm_delete", "memos"):
        flow.show_menu(turn)
    else:
        render(turn)


def render(turn: Turn, *, buttons_only: bool = False) -> None:
    """Render the open question of the current mode; changes no state.

    ``buttons_only``: only the buttons will be read (a question's text may be left out).
    """
    mode = turn.state.mode
    if mode == "menu":
        views.menu(turn)
    elif mode == "ask":
        views.ask(turn, buttons_only=buttons_only)
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
    elif mode == "memos":
        from bot.engine import memo_screens  # (loaded with the first memo)

        memo_screens.render(turn)


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
    if mode not in ("menu", "confirm_delete", "memos") and turn.state.active is None:
        return []
    if mode in ("start", "paused", "no_consent"):
        return []
    mark = len(turn.out)
    render(turn, buttons_only=True)  # every typed message and button press looks
    rendered = turn.out[mark:]
    del turn.out[mark:]
    return [message for message in rendered if isinstance(message, Choices)]


def typed_button(turn: Turn, text: str) -> Payload | None:
    """Map a typed button label, or a number typed for a list, to that button's payload.

    At a question only an action's exact label counts (anything else may be the answer).
    Elsewhere a button is also found by a part of its label, its reading or a polite ending
    (「確定」「ついか」「これで全部です」), but only when just one button fits.
    """
    mode = turn.state.mode
    folded = fold(text)
    if mode in ("ask", "followup") and folded not in _button_words(turn.lang):
        # Here only an action's exact label counts, and every action is labelled with a
        # built-in message (``Turn.button``): text that is none of them (nearly every answer)
        # names no button, so the question is not rendered just to find that out.
        return None
    rendered = _rendered(turn)
    for message in rendered:
        if mode != "ask" and folded.isdigit() and 1 <= int(folded) <= len(message.options):
            return decode(message.options[int(folded) - 1].payload)
        buttons = message.actions if mode == "ask" else message.options + message.actions
        for button in buttons:
            if folded == fold(button.label):
                return decode(button.payload)
    if mode in ("ask", "followup"):
        # A follow-up's answer is free text too: 「1」 there is not a button's number.
        return None
    shown = [b for message in rendered for b in message.options + message.actions]
    found = _match_buttons(shown, text)
    return decode(shown[found].payload) if isinstance(found, int) else None


@functools.cache
def _button_words(lang: Lang) -> frozenset[str]:
    """Every built-in message that can be a button's label, folded: a superset of the labels
    ``Turn.button`` gives (those are messages without placeholders)."""
    words = set()
    for key in MESSAGES:
        try:
            words.add(fold(t(key, lang)))
        except (KeyError, IndexError):  # a message with placeholders labels no button
            continue
    return frozenset(words)


# Marks in front of a button's words (✏️ of a summary item, ☐/☑ of a tick box).
_MARKS = re.compile(r"^[^\w(（「]+")


def _words(label: str) -> str:
    """A button's label without the marks in front: what a person would type for it."""
    return _MARKS.sub("", label).strip() or label


# はい/いいえ are left to the yes/no reader, which knows 「いいよ」 is no 「いいえ」.
_YES_NO_LABELS = frozenset({"はい", "いいえ", "yes", "no"})


def _match_buttons(buttons: list[Button], text: str) -> int | list[int] | None:
    """The button ``text`` names by a part, reading or polite ending: index, candidates, None."""
    loose = [i for i, b in enumerate(buttons) if fold(b.label) not in _YES_NO_LABELS]
    # No value: a button is named only by its words (「1」 must not be the value "1").
    options = tuple(
        Option("", Localized(_words(buttons[i].label), _words(buttons[i].label))) for i in loose
    )
    found = match_option(options, text, numbers=False)
    if isinstance(found, list):
        return [loose[i] for i in found]
    return None if found is None else loose[found]


def _quoted(labels: list[str], lang: Lang) -> str:
    if lang == "ja":
        return "".join(f"「{label}」" for label in labels)
    quoted = [f"“{label}”" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def choose_please(turn: Turn, text: str, usual: str | None = None) -> str:
    """What to say when typed text is none of the buttons shown, naming what can be chosen.

    A slip of a command word gets "did you mean …?"; text that fits several buttons gets
    those buttons; otherwise the ``usual`` message (a message key) or the buttons shown.
    """
    if (word := did_you_mean(text)) is not None:
        return turn.t("did_you_mean", word=word)
    rendered = _rendered(turn)
    shown = [b for message in rendered for b in message.options + message.actions]
    found = _match_buttons(shown, text)
    if isinstance(found, list):
        typed = " ".join(text.split())
        typed = typed if len(typed) <= 20 else typed[:19] + "…"
        candidates = _quoted([_words(shown[i].label) for i in found], turn.lang)
        return turn.t("choose_which", typed=typed, labels=candidates)
    options = [_words(b.label) for message in rendered for b in message.options]
    actions = [_words(b.label) for message in rendered for b in message.actions]
    if usual is not None or not shown:
        return turn.t(usual or "menu_unknown")
    if len(options) > 3:
        if not actions:
            return turn.t("choose_number", count=len(options))
        return turn.t("choose_number_or", count=len(options), labels=_quoted(actions, turn.lang))
    labels = options + actions
    if len(labels) == 2:
        return turn.t(
            "choose_two", a=_quoted(labels[:1], turn.lang), b=_quoted(labels[1:], turn.lang)
        )
    return turn.t("choose_labels", labels=_quoted(labels, turn.lang))

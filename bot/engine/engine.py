"""The dialog runtime: (dialogs, state, person, message) → (new state, replies, effects)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine import flow, views
from bot.engine.answers import (
    Accepted,
    ChoiceAnswer,
    MultiChoiceAnswer,
    NeedMore,
    ParseContext,
    Rejected,
    YesNoAnswer,
)
from bot.engine.commands import parse_command
from bot.engine.effects import (
    DeleteData,
    Effect,
    Emit,
    ExportData,
    MakeCard,
    SetConsent,
    SetLanguage,
)
from bot.engine.localized import Lang
from bot.engine.messages import Choices, Inbound, Outbound, TurnContext
from bot.engine.model import DialogCatalog, Group, Question, Say
from bot.engine.normalize import normalize_text
from bot.engine.state import ConversationState
from bot.engine.turn import NeedSource, PersonView, Turn

_STUCK_AFTER = 3
_YES_NO = YesNoAnswer()


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
        _handle(turn, inbound)
    except NeedSource as need:
        # The turn is discarded whole; the service computes the options and runs it again.
        return Transition(state, (), (), (), (SourceRequest(need.name, dict(turn.answers)),))
    return Transition(turn.state, tuple(turn.out), tuple(turn.effects), tuple(turn.anchors))


def consent_dialog(catalog: DialogCatalog) -> str | None:
    """The dialog that asks for consent, if the catalog has one."""
    for dialog in catalog.latest.values():
        for step in dialog.steps:
            if isinstance(step, Question) and step.action == "consent":
                return dialog.id
    return None


def _handle(turn: Turn, inbound: Inbound) -> None:
    state = turn.state
    gate = consent_dialog(turn.catalog)
    if state.mode == "paused":
        state.mode = state.resume or "menu"
        state.resume = None
        turn.say(turn.t("welcome_back"))
        _reprompt(turn)
        return
    text = inbound.text or ""
    command = parse_command(text) if inbound.payload is None else None
    if inbound.payload is not None and inbound.payload.startswith("c|"):
        command = parse_command("/" + inbound.payload[2:])
    if command in ("lang", "lang_ja", "lang_en"):
        _set_language(turn, command)
        return
    if command == "help":
        turn.say(turn.t("help"))
        _reprompt(turn)
        return
    if command == "delete":
        _confirm(turn, "confirm_delete")
        return
    if state.mode == "confirm_delete":
        _answer_confirm_delete(turn, inbound)
        return
    if gate is not None and turn.consented is not True:
        active = state.active.dialog if state.active is not None else None
        if active != gate:
            _ask_consent(turn, gate)
            return
    if command == "mydata":
        turn.emit(ExportData())
        turn.say(turn.t("mydata"))
        _reprompt(turn)
        return
    if command == "card":
        turn.emit(MakeCard())
        turn.say(turn.t("making_card"))
        _reprompt(turn)
        return
    if state.mode == "start":
        _begin(turn)
        return
    if inbound.payload is not None and inbound.payload.startswith("m|"):
        _open_from_menu(turn, inbound.payload[2:])
        return
    if inbound.payload is not None and inbound.payload.startswith("e|"):
        _event(turn, inbound.payload)
        return
    if inbound.payload is not None and inbound.payload.startswith("f|"):
        _jump_to_answer(turn, inbound.payload)
        return
    opened = _dialog_for_command(turn.catalog, text) if inbound.payload is None else None
    if opened is not None:
        flow.start_dialog(turn, opened)
        return
    if inbound.payload is not None and not inbound.payload.startswith("c|"):
        _handle_payload(turn, inbound.payload)
        return
    if isinstance(command, str) and command.startswith("/"):
        turn.say(turn.t("unknown_command", command=text.strip()[:40]))
        _reprompt(turn)
        return
    if command is not None:
        _command(turn, command)
        return
    button = _typed_button(turn, text)
    if button is not None and button.startswith("m|"):
        _open_from_menu(turn, button[2:])
    elif button is not None and button.startswith("c|"):
        _command(turn, parse_command("/" + button[2:]) or "help")
    elif button is not None:
        _handle_payload(turn, button)
    else:
        _text(turn, text)


def _ask_consent(turn: Turn, gate: str) -> None:
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


def _dialog_for_command(catalog: DialogCatalog, text: str) -> str | None:
    """The dialog whose own command words (e.g. /book, 予約) make up the whole message."""
    folded = unicodedata.normalize("NFKC", text).strip().casefold().lstrip("/")
    folded = folded.split("@", 1)[0]
    if not folded:
        return None
    for dialog in catalog.latest.values():
        if any(folded == unicodedata.normalize("NFKC", w).casefold() for w in dialog.commands):
            return dialog.id
    return None


def _event(turn: Turn, payload: str) -> None:
    """An outcome the service reports back (``e|dialog|name``): say so and ask again."""
    parts = payload.split("|")
    dialog = turn.catalog.latest.get(parts[1]) if len(parts) == 3 else None
    event = dialog.events.get(parts[2]) if dialog is not None else None
    if dialog is None or event is None:
        _reprompt(turn)
        return
    turn.say(turn.render(event.say) if turn.state.active else event.say.get(turn.lang))
    flow.start_at(turn, dialog.id, dialog.index(event.goto))


def _jump_to_answer(turn: Turn, payload: str) -> None:
    """Open one answer for revision (``f|dialog|step``), returning to that section's summary."""
    parts = payload.split("|")
    dialog = turn.catalog.latest.get(parts[1]) if len(parts) == 3 else None
    if dialog is None or not dialog.has_step(parts[2]):
        _reprompt(turn)
        return
    flow.edit_step(turn, dialog.id, parts[2])


def _begin(turn: Turn) -> None:
    start = turn.catalog.start
    if start in turn.catalog.latest and not turn.completed(start):
        flow.start_dialog(turn, start)
    else:
        flow.show_menu(turn)


def _open_from_menu(turn: Turn, dialog_id: str) -> None:
    if dialog_id not in turn.catalog.latest:
        _reprompt(turn)
        return
    flow.start_dialog(turn, dialog_id)


def _set_language(turn: Turn, command: str) -> None:
    lang: Lang
    if command == "lang":
        lang = "en" if turn.lang == "ja" else "ja"
    else:
        lang = "en" if command == "lang_en" else "ja"
    turn.lang = lang
    turn.emit(SetLanguage(lang))
    turn.say(turn.t("language_set"))
    _reprompt(turn)


def _confirm(turn: Turn, key: str) -> None:
    state = turn.state
    if state.mode not in ("confirm_cancel", "confirm_delete"):
        state.resume = state.mode
    state.mode = "confirm_delete" if key == "confirm_delete" else "confirm_cancel"
    turn.new_question()
    title = turn.dialog.title.get(turn.lang) if state.active is not None else ""
    views.confirm(turn, key, title=title)


def _yes_no(turn: Turn, inbound: Inbound) -> bool | None:
    payload = inbound.payload or ""
    if payload.endswith("|a|yes"):
        return True
    if payload.endswith("|a|no"):
        return False
    result = _YES_NO.parse(inbound.text or "", _parse_context(turn))
    return bool(result.value) if isinstance(result, Accepted) else None


def _answer_confirm_delete(turn: Turn, inbound: Inbound) -> None:
    decision = _yes_no(turn, inbound)
    if decision is None:
        turn.say(turn.t("yes_no_please"))
        _reprompt(turn)
    elif decision:
        turn.emit(DeleteData())
        turn.state = ConversationState()
        turn.say(turn.t("deleted"))
    else:
        turn.say(turn.t("not_deleted"))
        _resume(turn)


def _resume(turn: Turn) -> None:
    state = turn.state
    state.mode = state.resume or ("menu" if state.active is None else "ask")
    state.resume = None
    if state.mode == "start":
        _begin(turn)
        return
    _reprompt(turn)


def _command(turn: Turn, command: str) -> None:
    state = turn.state
    if command == "start":
        turn.say(turn.t("welcome_back"))
        _reprompt(turn)
    elif command == "menu":
        flow.show_menu(turn)
    elif command == "pause":
        state.resume = state.mode
        state.mode = "paused"
        turn.say(turn.t("paused"))
    elif command == "cancel":
        if state.active is None:
            flow.show_menu(turn)
        else:
            _confirm(turn, "confirm_cancel")
    elif command == "summary":
        if state.active is None:
            flow.show_menu(turn)
            return
        turn.say(turn.t("summary_current") + "\n" + views.summary_text(turn, turn.dialog))
        _reprompt(turn)
    elif command == "back":
        _back(turn)
    elif command == "examples" and state.mode in ("ask", "followup"):
        views.examples(turn)
        _reprompt(turn)
    elif command == "skip" and state.mode == "more":
        _more(turn, False)
    elif state.mode == "ask" and command in ("skip", "keep"):
        _skip_or_keep(turn, command)
    elif state.mode == "followup" and command == "keep":
        _move_on(turn)
    else:
        _reprompt(turn)


def _back(turn: Turn) -> None:
    state = turn.state
    cursor = state.active
    if state.mode == "group_edit":
        flow.show_summary(turn)
        return
    if state.mode == "group_remove" and state.target is not None:
        group = turn.dialog.step(state.target)
        assert isinstance(group, Group)
        flow.show_group_edit(turn, group)
        return
    if (
        cursor is None
        or not cursor.back
        or state.mode not in ("ask", "more", "summary", "followup")
    ):
        turn.say(turn.t("no_previous"))
        _reprompt(turn)
        return
    current = cursor.pos
    pos = cursor.back.pop()
    if pos.item is not None and (current is None or current.item != pos.item):
        group = turn.dialog.step(pos.step)
        assert isinstance(group, Group)
        entries = turn.answer(turn.dialog.id, group.field) or []
        cursor.entry = dict(entries[pos.item]) if pos.item < len(entries) else {}
    cursor.pos = pos
    state.mode = "ask"
    turn.new_question()
    views.ask(turn)


def _skip_or_keep(turn: Turn, command: str) -> None:
    question, _group = views.current_question(turn)
    if command == "keep":
        if views.existing_value(turn) is None:
            _reprompt(turn)
            return
        turn.say(turn.t("kept"))
        _move_on(turn)
        return
    if not question.optional:
        turn.say(turn.t("cannot_skip"))
        _reprompt(turn)
        return
    turn.say(turn.t("skipped"))
    _move_on(turn)


def _move_on(turn: Turn) -> None:
    question, group = views.current_question(turn)
    if group is not None:
        flow.advance_sub(turn, group, question)
    else:
        flow.advance_from(turn, question.id)


def _parse_context(turn: Turn) -> ParseContext:
    return ParseContext(today=turn.ctx.today, lang=turn.lang)


def _text(turn: Turn, text: str) -> None:
    mode = turn.state.mode
    if mode == "ask":
        _answer_text(turn, text)
    elif mode == "followup":
        _followup(turn, text)
    elif mode == "more":
        result = _YES_NO.parse(text, _parse_context(turn))
        if isinstance(result, Accepted):
            _more(turn, bool(result.value))
        else:
            turn.say(turn.t("yes_no_please"))
            _reprompt(turn)
    elif mode == "confirm_cancel":
        _answer_confirm_cancel(turn, Inbound(person_id="", text=text))
    elif mode == "menu":
        turn.say(turn.t("menu_unknown"))
        _reprompt(turn)
    elif mode == "no_consent":
        gate = consent_dialog(turn.catalog)
        if gate is not None:
            _ask_consent(turn, gate)
        else:
            _begin(turn)
    elif mode in ("summary", "group_edit", "group_remove"):
        turn.say(turn.t("summary_hint") if mode == "summary" else turn.t("menu_unknown"))
        _reprompt(turn)
    else:
        _reprompt(turn)


def _answer_text(turn: Turn, text: str) -> None:
    question, _group = views.current_question(turn)
    result = turn.spec(question).parse(text, _parse_context(turn), turn.state.partial)
    _take(turn, result)


def _take(turn: Turn, result: Accepted | Rejected | NeedMore) -> None:
    state = turn.state
    if isinstance(result, Accepted):
        _accept(turn, result.value)
    elif isinstance(result, NeedMore):
        state.partial = result.partial
        turn.say(result.message(turn.lang))
    else:
        state.attempts += 1
        message = result.message(turn.lang)
        if state.attempts >= _STUCK_AFTER:
            views.stuck(turn, message)
        else:
            views.ask(turn, notice=message)


def _accept(turn: Turn, value: Any) -> None:
    question, group = views.current_question(turn)
    cursor = turn.cursor
    if question.action == "set_language":
        turn.lang = "en" if value == "en" else "ja"
        turn.emit(SetLanguage(turn.lang))
        _move_on(turn)
        return
    if question.action == "consent":
        turn.consented = bool(value)
        turn.emit(SetConsent(bool(value)))
        if not value:
            turn.state.active = None
            turn.state.mode = "no_consent"
            turn.say(turn.t("no_consent"))
            return
        _move_on(turn)
        return
    _store(turn, value)
    if question.options_from is not None and group is None:
        spec = turn.spec(question)
        assert isinstance(spec, ChoiceAnswer)
        label = {lang: spec.display(value, lang) for lang in ("ja", "en")}
        turn.save(turn.dialog.id, f"{question.field}{views.LABEL_SUFFIX}", label)
    if question.emit is not None:
        turn.emit(Emit(question.emit, turn.dialog.id))
    if question.after is not None:
        turn.say(question.after.get(turn.lang))
    coach = question.coach
    if (
        coach is not None
        and isinstance(value, str)
        and question.id not in cursor.coached
        and (len(value) < coach.min_length or any(word in value for word in coach.vague))
    ):
        cursor.coached.append(question.id)
        turn.state.mode = "followup"
        turn.new_question()
        _show_followup(turn)
        return
    _move_on(turn)


def _store(turn: Turn, value: Any) -> None:
    """Keep an answer: in the group entry being filled in, or as a stored answer."""
    question, group = views.current_question(turn)
    if group is not None:
        cursor = turn.cursor
        entry = cursor.entry if cursor.entry is not None else {}
        entry[question.field] = value
        cursor.entry = entry
    else:
        turn.save(turn.dialog.id, question.field, value)


def _show_followup(turn: Turn) -> None:
    question, _ = views.current_question(turn)
    if turn.state.partial == "extend" or question.coach is None:
        text = turn.t("draft_extend")
    else:
        text = turn.render(question.coach.followup)
    actions = (
        turn.button("coach_keep", "x", "keep"),
        turn.button("btn_examples", "x", "examples"),
    )
    turn.out.append(Choices(text, (), actions))


def _use_draft(turn: Turn, *, extend: bool) -> None:
    """Take the proposed draft as the answer; with ``extend``, ask what to add to it."""
    question, group = views.current_question(turn)
    entry = turn.cursor.entry if group is not None else None
    draft = turn.draft(question.draft, entry) if question.draft is not None else None
    if draft is None:
        _reprompt(turn)
        return
    result = turn.spec(question).parse(draft, _parse_context(turn))
    if not isinstance(result, Accepted) or not extend:
        _take(turn, result)
        return
    _store(turn, result.value)
    turn.state.mode = "followup"
    turn.new_question()
    turn.state.partial = "extend"
    _show_followup(turn)


def _followup(turn: Turn, text: str) -> None:
    question, _group = views.current_question(turn)
    addition = normalize_text(text)
    if not addition:
        _show_followup(turn)
        return
    combined = f"{views.existing_value(turn) or ''}\n{addition}".strip()
    result = turn.spec(question).parse(combined, _parse_context(turn))
    if not isinstance(result, Accepted):
        turn.say(result.message(turn.lang))
        _show_followup(turn)
        return
    _store(turn, result.value)
    turn.say(turn.t("coach_added"))
    _move_on(turn)


def _more(turn: Turn, add: bool) -> None:
    cursor = turn.cursor
    assert cursor.pos is not None
    group = turn.dialog.step(cursor.pos.step)
    assert isinstance(group, Group)
    entries = turn.answer(turn.dialog.id, group.field) or []
    if add and len(entries) < group.max_count:
        cursor.back.append(cursor.pos)
        flow.start_entry(turn, group, len(entries), {})
    elif len(entries) < group.min_count:
        turn.say(turn.t("group_more_min", item=group.item.get(turn.lang), min=group.min_count))
        flow.start_entry(turn, group, len(entries), {})
    else:
        if not add:
            cursor.back.append(cursor.pos)
        if not entries and turn.answer(turn.dialog.id, group.field) is None:
            # "None" is an answer too (e.g. no licences): record it as an empty list.
            turn.save(turn.dialog.id, group.field, [])
        flow.leave_group(turn, group)


def _answer_confirm_cancel(turn: Turn, inbound: Inbound) -> None:
    decision = _yes_no(turn, inbound)
    if decision is None:
        turn.say(turn.t("yes_no_please"))
        _reprompt(turn)
    elif decision:
        turn.state.resume = None
        turn.say(turn.t("cancelled"))
        flow.show_menu(turn)
    else:
        turn.say(turn.t("not_cancelled"))
        _resume(turn)


def _handle_payload(turn: Turn, payload: str) -> None:
    parts = payload.split("|", 2)
    if len(parts) != 3 or parts[0] != str(turn.state.seq):
        turn.say(turn.t("stale_button"))
        _reprompt(turn)
        return
    _seq, kind, value = parts
    mode = turn.state.mode
    if mode == "confirm_cancel":
        _answer_confirm_cancel(turn, Inbound(person_id="", payload=payload))
    elif kind == "x":
        _action(turn, value)
    elif mode == "ask" and kind in ("a", "t"):
        _answer_button(turn, kind, value)
    elif mode == "more" and kind == "a":
        _more(turn, value == "yes")
    elif mode == "summary" and kind == "e":
        _edit(turn, value)
    elif mode == "group_edit" and kind == "g" and value.isdigit():
        group = _target_group(turn)
        entries = turn.answer(turn.dialog.id, group.field) or []
        if int(value) < len(entries):
            turn.cursor.edit_return = True
            flow.start_entry(turn, group, int(value), entries[int(value)])
        else:
            _reprompt(turn)
    elif mode == "group_remove" and kind == "r" and value.isdigit():
        _remove_entry(turn, int(value))
    else:
        _reprompt(turn)


def _action(turn: Turn, action: str) -> None:
    mode = turn.state.mode
    if action == "help":
        turn.say(turn.t("help"))
        _reprompt(turn)
        return
    if action in ("keep", "skip", "examples", "pause", "back"):
        _command(turn, action)
        return
    if mode == "ask" and action in ("use_draft", "extend_draft"):
        _use_draft(turn, extend=action == "extend_draft")
    elif mode == "ask" and action == "done":
        question, _ = views.current_question(turn)
        assert isinstance(question.answer, MultiChoiceAnswer)
        numbers = [
            str(index)
            for index, option in enumerate(question.answer.options, 1)
            if option.value in turn.state.selection
        ]
        _take(turn, question.answer.parse(",".join(numbers), _parse_context(turn)))
    elif mode == "summary" and action == "confirm":
        flow.finish_dialog(turn)
    elif mode == "group_edit":
        group = _target_group(turn)
        entries = turn.answer(turn.dialog.id, group.field) or []
        if action == "add" and len(entries) < group.max_count:
            turn.cursor.edit_return = True
            flow.start_entry(turn, group, len(entries), {})
        elif action == "remove" and entries:
            turn.state.mode = "group_remove"
            turn.new_question()
            views.group_remove(turn, group)
        elif action == "done":
            flow.show_summary(turn)
        else:
            _reprompt(turn)
    else:
        _reprompt(turn)


def _answer_button(turn: Turn, kind: str, value: str) -> None:
    question, _ = views.current_question(turn)
    answer = turn.spec(question)
    if kind == "t" and isinstance(answer, MultiChoiceAnswer):
        if value in {option.value for option in answer.options}:
            selection = turn.state.selection
            if value in selection:
                selection.remove(value)
            else:
                selection.append(value)
        views.ask(turn)
        return
    if isinstance(answer, YesNoAnswer):
        _accept(turn, value == "yes")
        return
    options = getattr(answer, "options", ())
    if kind == "a" and value in {option.value for option in options}:
        _accept(turn, value)
        return
    _reprompt(turn)


def _edit(turn: Turn, step_id: str) -> None:
    dialog = turn.dialog
    if not dialog.has_step(step_id):
        _reprompt(turn)
        return
    if isinstance(dialog.step(step_id), Say):
        _reprompt(turn)
        return
    flow.edit_step(turn, dialog.id, step_id)


def _target_group(turn: Turn) -> Group:
    assert turn.state.target is not None
    group = turn.dialog.step(turn.state.target)
    assert isinstance(group, Group)
    return group


def _remove_entry(turn: Turn, index: int) -> None:
    group = _target_group(turn)
    entries = list(turn.answer(turn.dialog.id, group.field) or [])
    if index >= len(entries):
        _reprompt(turn)
        return
    del entries[index]
    turn.save(turn.dialog.id, group.field, entries)
    turn.say(turn.t("group_removed", number=index + 1))
    flow.show_group_edit(turn, group)


def _reprompt(turn: Turn) -> None:
    """Show again whatever the person is expected to answer now."""
    state = turn.state
    mode = state.mode
    if mode == "start":
        _begin(turn)
    elif mode == "paused":
        turn.say(turn.t("paused"))
    elif mode == "no_consent":
        turn.say(turn.t("no_consent"))
    elif state.active is None and mode not in ("menu", "confirm_delete"):
        flow.show_menu(turn)
    else:
        _render(turn)


def _render(turn: Turn) -> None:
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
        _show_followup(turn)
    elif mode == "summary":
        views.summary(turn)
    elif mode == "group_edit":
        views.group_edit(turn, _target_group(turn))
    elif mode == "group_remove":
        views.group_remove(turn, _target_group(turn))
    elif mode == "confirm_cancel":
        views.confirm(turn, "confirm_cancel", title=turn.dialog.title.get(turn.lang))
    elif mode == "confirm_delete":
        views.confirm(turn, "confirm_delete")


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    return folded.removeprefix("☐ ").removeprefix("☑ ")


def _typed_button(turn: Turn, text: str) -> str | None:
    """Map a typed button label, or a number typed for a list, to that button's payload."""
    mode = turn.state.mode
    if mode not in ("menu", "confirm_delete") and turn.state.active is None:
        return None
    if mode in ("start", "paused", "no_consent"):
        return None
    mark = len(turn.out)
    _render(turn)
    rendered = turn.out[mark:]
    del turn.out[mark:]
    folded = _fold(text)
    for message in rendered:
        if not isinstance(message, Choices):
            continue
        if mode != "ask" and folded.isdigit() and 1 <= int(folded) <= len(message.options):
            return message.options[int(folded) - 1].payload
        buttons = message.actions if mode == "ask" else message.options + message.actions
        for button in buttons:
            label = _fold(button.label)
            if folded == label or (
                mode == "menu" and label.startswith(folded) and len(folded) > 1
            ):
                return button.payload
    return None

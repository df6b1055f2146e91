"""Taking answers: parsing, storing, coaching follow-ups, drafts and group entries."""

from __future__ import annotations

from typing import Any

from bot.engine import flow, prompting, views
from bot.engine.answers import (
    Accepted,
    ChoiceAnswer,
    MultiChoiceAnswer,
    NeedMore,
    ParseContext,
    Rejected,
    YesNoAnswer,
)
from bot.engine.effects import Emit, SetConsent, SetLanguage
from bot.engine.model import Group
from bot.engine.normalize import normalize_text
from bot.engine.payloads import Payload, Reply
from bot.engine.turn import Turn

_STUCK_AFTER = 3
_YES_NO = YesNoAnswer()


def parse_context(turn: Turn) -> ParseContext:
    """The context answer parsers need: today and the language."""
    return ParseContext(today=turn.ctx.today, lang=turn.lang)


def yes_no(turn: Turn, text: str, payload: Payload | None = None) -> bool | None:
    """A yes/no decision from a button or typed words (None if neither)."""
    if isinstance(payload, Reply) and payload.kind == "a" and payload.value in ("yes", "no"):
        return payload.value == "yes"
    result = _YES_NO.parse(text, parse_context(turn))
    return bool(result.value) if isinstance(result, Accepted) else None


def move_on(turn: Turn) -> None:
    """Go on after the open question (inside a group entry or in the dialog)."""
    question, group = views.current_question(turn)
    if group is not None:
        flow.advance_sub(turn, group, question)
    else:
        flow.advance_from(turn, question.id)


def text(turn: Turn, text: str) -> None:
    """Typed text that is not a command: what it means depends on the mode."""
    mode = turn.state.mode
    if mode == "ask":
        answer_text(turn, text)
    elif mode == "followup":
        followup(turn, text)
    elif mode == "more":
        result = _YES_NO.parse(text, parse_context(turn))
        if isinstance(result, Accepted):
            more(turn, bool(result.value))
        else:
            turn.say(turn.t("yes_no_please"))
            prompting.reprompt(turn)
    elif mode == "confirm_cancel":
        answer_confirm_cancel(turn, text)
    elif mode == "menu":
        turn.say(turn.t("menu_unknown"))
        prompting.reprompt(turn)
    elif mode == "no_consent":
        gate = prompting.consent_dialog(turn.catalog)
        if gate is not None:
            prompting.ask_consent(turn, gate)
        else:
            prompting.begin(turn)
    elif mode in ("summary", "group_edit", "group_remove"):
        turn.say(turn.t("summary_hint") if mode == "summary" else turn.t("menu_unknown"))
        prompting.reprompt(turn)
    else:
        prompting.reprompt(turn)


def answer_text(turn: Turn, text: str) -> None:
    """Parse typed text as the answer to the open question."""
    question, _group = views.current_question(turn)
    result = turn.spec(question).parse(text, parse_context(turn), turn.state.partial)
    take(turn, result)


def take(turn: Turn, result: Accepted | Rejected | NeedMore) -> None:
    """Act on a parse result: accept it, ask for the missing part, or explain the problem."""
    state = turn.state
    if isinstance(result, Accepted):
        accept(turn, result.value)
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


def accept(turn: Turn, value: Any) -> None:
    """Store an accepted answer, run its action, coach once if thin, and move on."""
    question, group = views.current_question(turn)
    cursor = turn.cursor
    if question.action == "set_language":
        turn.lang = "en" if value == "en" else "ja"
        turn.emit(SetLanguage(turn.lang))
        move_on(turn)
        return
    if question.action == "consent":
        turn.consented = bool(value)
        turn.emit(SetConsent(bool(value)))
        if not value:
            turn.state.active = None
            turn.state.mode = "no_consent"
            turn.say(turn.t("no_consent"))
            return
        move_on(turn)
        return
    store(turn, value)
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
        views.followup(turn)
        return
    move_on(turn)


def store(turn: Turn, value: Any) -> None:
    """Keep an answer: in the group entry being filled in, or as a stored answer."""
    question, group = views.current_question(turn)
    if group is not None:
        cursor = turn.cursor
        entry = cursor.entry if cursor.entry is not None else {}
        entry[question.field] = value
        cursor.entry = entry
    else:
        turn.save(turn.dialog.id, question.field, value)


def use_draft(turn: Turn, *, extend: bool) -> None:
    """Take the proposed draft as the answer; with ``extend``, ask what to add to it."""
    question, group = views.current_question(turn)
    entry = turn.cursor.entry if group is not None else None
    draft = turn.draft(question.draft, entry) if question.draft is not None else None
    if draft is None:
        prompting.reprompt(turn)
        return
    result = turn.spec(question).parse(draft, parse_context(turn))
    if not isinstance(result, Accepted) or not extend:
        take(turn, result)
        return
    store(turn, result.value)
    turn.state.mode = "followup"
    turn.new_question()
    turn.state.partial = "extend"
    views.followup(turn)


def followup(turn: Turn, text: str) -> None:
    """Add what the person typed to their answer after a follow-up question."""
    question, _group = views.current_question(turn)
    addition = normalize_text(text)
    if not addition:
        views.followup(turn)
        return
    combined = f"{views.existing_value(turn) or ''}\n{addition}".strip()
    result = turn.spec(question).parse(combined, parse_context(turn))
    if not isinstance(result, Accepted):
        turn.say(result.message(turn.lang))
        views.followup(turn)
        return
    store(turn, result.value)
    turn.say(turn.t("coach_added"))
    move_on(turn)


def more(turn: Turn, add: bool) -> None:
    """Answer "is there another entry?": start one, insist on the minimum, or leave."""
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


def answer_confirm_cancel(turn: Turn, text: str, payload: Payload | None = None) -> None:
    """Answer "really stop this section?"."""
    decision = yes_no(turn, text, payload)
    if decision is None:
        turn.say(turn.t("yes_no_please"))
        prompting.reprompt(turn)
    elif decision:
        turn.state.resume = None
        turn.say(turn.t("cancelled"))
        flow.show_menu(turn)
    else:
        turn.say(turn.t("not_cancelled"))
        prompting.resume(turn)


def answer_button(turn: Turn, kind: str, value: str) -> None:
    """A pressed answer button: a choice, yes/no, or a tick in a multiple choice."""
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
        accept(turn, value == "yes")
        return
    options = getattr(answer, "options", ())
    if kind == "a" and value in {option.value for option in options}:
        accept(turn, value)
        return
    prompting.reprompt(turn)

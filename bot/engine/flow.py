"""Moving through a dialog: entering steps, groups and their entries, the summary, the menu."""

from __future__ import annotations

import copy

from bot.engine import views
from bot.engine.model import END, NEW_ENTRY, Dialog, Group, Question, Say
from bot.engine.progress import COMPLETED
from bot.engine.state import Cursor, Position
from bot.engine.turn import Turn


def start_dialog(turn: Turn, dialog_id: str) -> None:
    """Open a dialog: resume it where it was left, show its summary if complete, else begin."""
    state = turn.state
    if state.active is not None and state.active.dialog != dialog_id:
        state.suspended[state.active.dialog] = state.active
    if state.active is not None and state.active.dialog == dialog_id and state.mode == "ask":
        views.ask(turn)
        return
    suspended = state.suspended.pop(dialog_id, None)
    if suspended is not None:
        state.active = suspended
        resume_cursor(turn)
        return
    dialog = turn.catalog.get(dialog_id)
    state.active = Cursor(dialog=dialog.id, digest=dialog.digest)
    title = dialog.title.get(turn.lang)
    if dialog.repeatable:
        # Each booking (or the like) is a new errand: begin at the start, earlier answers
        # offered as defaults.
        turn.say(turn.t("section_start", title=title))
        if dialog.intro is not None:
            turn.say(turn.render(dialog.intro))
        enter(turn, 0)
        return
    if turn.completed(dialog.id):
        show_summary(turn)
        return
    turn.say(turn.t("section_start", title=title))
    if dialog.intro is not None and not turn.started(dialog):
        turn.say(turn.render(dialog.intro))
    first = 0
    if turn.started(dialog):
        # Carry on with the first question still open, rather than asking everything again.
        open_steps = [
            index
            for index, step in enumerate(dialog.steps)
            if not isinstance(step, Say)
            and turn.visible(step, dialog)
            and turn.answer(dialog.id, step.field) is None
        ]
        if not open_steps:
            show_summary(turn)
            return
        first = open_steps[0]
    enter(turn, first)


def start_at(turn: Turn, dialog_id: str, index: int) -> None:
    """Open a dialog afresh at step ``index`` (used to ask for consent again)."""
    state = turn.state
    if state.active is not None and state.active.dialog != dialog_id:
        state.suspended[state.active.dialog] = state.active
    dialog = turn.catalog.get(dialog_id)
    state.active = Cursor(dialog=dialog.id, digest=dialog.digest)
    enter(turn, index)


def edit_step(turn: Turn, dialog_id: str, step_id: str) -> None:
    """Ask one question of a dialog again (old answer offered), then show its summary."""
    state = turn.state
    if state.active is None or state.active.dialog != dialog_id:
        if state.active is not None:
            state.suspended[state.active.dialog] = state.active
        suspended = state.suspended.pop(dialog_id, None)
        dialog = turn.catalog.get(dialog_id)
        state.active = suspended or Cursor(dialog=dialog.id, digest=dialog.digest)
    step = turn.dialog.step(step_id)
    if isinstance(step, Group):
        show_group_edit(turn, step)
        return
    cursor = turn.cursor
    if cursor.pos is not None:
        cursor.back.append(cursor.pos)
    cursor.pos = Position(step.id)
    cursor.entry = None
    cursor.edit_return = True
    state.mode = "ask"
    turn.new_question()
    views.ask(turn)


def resume_cursor(turn: Turn) -> None:
    """Re-open the active dialog at the point its cursor was left."""
    cursor = turn.cursor
    pos = cursor.pos
    if pos is None:
        show_summary(turn)
        return
    step = turn.dialog.step(pos.step)
    if isinstance(step, Group) and pos.sub is None:
        turn.state.mode = "more"
        turn.new_question()
        views.more(turn, step)
        return
    turn.state.mode = "ask"
    turn.new_question()
    views.ask(turn)


def enter(turn: Turn, index: int) -> None:
    """Go to step ``index`` (skipping hidden steps, showing messages) and ask it."""
    dialog = turn.dialog
    cursor = turn.cursor
    while index < len(dialog.steps):
        step = dialog.steps[index]
        if not turn.visible(step, dialog):
            index += 1
            continue
        if isinstance(step, Say):
            turn.say(turn.render(step.text))
            index = _after(dialog, index)
            continue
        if cursor.edit_return and (
            step.optional or turn.answer(dialog.id, step.field) is not None
        ):
            # After an edit, only required questions still open are asked before the summary.
            index += 1
            continue
        if isinstance(step, Group):
            enter_group(turn, step)
        else:
            cursor.pos = Position(step.id)
            turn.state.mode = "ask"
            turn.new_question()
            views.ask(turn, fresh=True)
        return
    show_summary(turn)


def _after(dialog: Dialog, index: int) -> int:
    target = dialog.steps[index].next
    if target is None:
        return index + 1
    return len(dialog.steps) if target == END else dialog.index(target)


def advance_from(turn: Turn, step_id: str) -> None:
    """Move on after ``step_id`` was answered, skipped or kept."""
    dialog = turn.dialog
    cursor = turn.cursor
    if cursor.pos is not None:
        cursor.back.append(cursor.pos)
    if cursor.edit_return:
        enter(turn, dialog.index(step_id) + 1)
        return
    enter(turn, _after(dialog, dialog.index(step_id)))


def enter_group(turn: Turn, group: Group) -> None:
    """Arrive at a group: ask for its first entry, or whether there is (another) one."""
    entries = turn.answer(turn.dialog.id, group.field) or []
    turn.cursor.pos = Position(group.id)
    if not entries and group.min_count > 0:
        turn.say(turn.render(group.prompt))
        start_entry(turn, group, 0, {})
        return
    turn.state.mode = "more"
    turn.new_question()
    views.more(turn, group)


def start_entry(turn: Turn, group: Group, item: int, entry: dict[str, object]) -> None:
    """Begin (or re-open) entry ``item`` of a group at its first visible sub-question."""
    turn.cursor.entry = copy.deepcopy(entry)
    if item >= len(turn.answer(turn.dialog.id, group.field) or []):
        # Entries may be added meanwhile (an import): a new entry is added, never written
        # over the one that now has its number.
        turn.cursor.entry[NEW_ENTRY] = True
    _enter_sub(turn, group, item, 0)


def _enter_sub(turn: Turn, group: Group, item: int, index: int) -> None:
    entry = turn.cursor.entry or {}
    while index < len(group.steps):
        sub = group.steps[index]
        if turn.visible(sub, turn.dialog, entry):
            turn.cursor.pos = Position(group.id, item=item, sub=sub.id)
            turn.state.mode = "ask"
            turn.new_question()
            views.ask(turn, fresh=True)
            return
        index += 1
    finish_entry(turn, group, item)


def advance_sub(turn: Turn, group: Group, sub: Question) -> None:
    """Move on after a sub-question of the current entry."""
    pos = turn.cursor.pos
    assert pos is not None and pos.item is not None
    turn.cursor.back.append(pos)
    index = [s.id for s in group.steps].index(sub.id)
    _enter_sub(turn, group, pos.item, index + 1)


def finish_entry(turn: Turn, group: Group, item: int) -> None:
    """Store a completed entry and ask what comes next."""
    cursor = turn.cursor
    dialog = turn.dialog
    entries = list(turn.answer(dialog.id, group.field) or [])
    entry = dict(cursor.entry or {})
    if entry.pop(NEW_ENTRY, False):
        entries.append(entry)
    elif item < len(entries):
        entries[item] = entry
    else:
        entries.append(entry)
    turn.save(dialog.id, group.field, entries)
    cursor.entry = None
    cursor.pos = Position(group.id)
    if cursor.edit_return:
        show_group_edit(turn, group)
    elif len(entries) >= group.max_count:
        turn.say(turn.t("group_full", item=group.item.get(turn.lang), max=group.max_count))
        leave_group(turn, group)
    else:
        turn.state.mode = "more"
        turn.new_question()
        views.more(turn, group)


def leave_group(turn: Turn, group: Group) -> None:
    """Continue with the step after a group."""
    dialog = turn.dialog
    turn.cursor.edit_return = False
    enter(turn, _after(dialog, dialog.index(group.id)))


def show_summary(turn: Turn) -> None:
    """Reach the end of the dialog: show the summary, or finish if the dialog has none."""
    cursor = turn.cursor
    cursor.pos = None
    cursor.entry = None
    cursor.edit_return = False
    if not turn.dialog.summary:
        finish_dialog(turn)
        return
    turn.state.mode = "summary"
    turn.new_question()
    views.summary(turn)


def show_group_edit(turn: Turn, group: Group) -> None:
    """Show a group's entries for editing (reached from the summary)."""
    turn.state.mode = "group_edit"
    turn.state.target = group.id
    turn.cursor.pos = None
    turn.cursor.edit_return = True
    turn.new_question()
    views.group_edit(turn, group)


def finish_dialog(turn: Turn) -> None:
    """The person confirmed the section: mark it complete and go on."""
    dialog = turn.dialog
    turn.save(dialog.id, COMPLETED, True)
    if dialog.summary:
        turn.say(turn.t("section_saved", title=dialog.title.get(turn.lang)))
    turn.state.active = None
    following = dialog.then
    if following is not None and not turn.completed(following):
        start_dialog(turn, following)
    else:
        show_menu(turn)


def show_menu(turn: Turn) -> None:
    """Open the main menu; the active dialog (if any) is kept to resume later."""
    state = turn.state
    if state.active is not None:
        state.suspended[state.active.dialog] = state.active
        state.active = None
    state.mode = "menu"
    turn.new_question()
    views.menu(turn)


def target_group(turn: Turn) -> Group:
    """The group whose entries are being edited or removed."""
    assert turn.state.target is not None
    group = turn.dialog.step(turn.state.target)
    assert isinstance(group, Group)
    return group

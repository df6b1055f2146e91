"""Commands and buttons: back, skip, pause, cancel, language, data, summaries, group edits."""

from __future__ import annotations

import unicodedata

from bot.engine import flow, holding, prompting, views
from bot.engine.answers import MultiChoiceAnswer
from bot.engine.effects import DeleteData, SetLanguage
from bot.engine.localized import Lang
from bot.engine.model import DialogCatalog, Group, Say
from bot.engine.payloads import JumpTo, Outcome, Payload, Reply
from bot.engine.state import ConversationState, Position
from bot.engine.turn import Turn

# ``answering`` (the answer parsers: dates, licences, coaching) is imported inside the
# functions that take an answer, not here: `jobcard chat` shows its first prompt sooner.


def dialog_for_command(catalog: DialogCatalog, text: str) -> str | None:
    """The dialog whose own command words (e.g. /book, 予約) make up the whole message."""
    folded = unicodedata.normalize("NFKC", text).strip().casefold().lstrip("/")
    folded = folded.split("@", 1)[0]
    if not folded:
        return None
    words: dict[str, str] | None = catalog.derived.get("command_words")
    if words is None:
        # Every typed message is checked: fold the command words once per catalog.
        words = {}
        for dialog in catalog.latest.values():
            for word in dialog.commands:
                # The first dialog with the word wins, as when they were gone through in order.
                words.setdefault(unicodedata.normalize("NFKC", word).casefold(), dialog.id)
        catalog.derived["command_words"] = words
    return words.get(folded)


def stale(turn: Turn) -> None:
    """A button that belongs to no open question (old, pressed twice, or forged)."""
    turn.say(turn.t("stale_button"))
    prompting.reprompt(turn)


def event(turn: Turn, outcome: Outcome) -> None:
    """An outcome the service reports back: say so and ask again."""
    dialog = turn.catalog.latest.get(outcome.dialog)
    event = dialog.events.get(outcome.event) if dialog is not None else None
    if dialog is None or event is None:
        prompting.reprompt(turn)
        return
    if event.say is not None:
        turn.say(turn.render(event.say) if turn.state.active else event.say.get(turn.lang))
    flow.start_at(turn, dialog.id, dialog.index(event.goto))


def jump_to_answer(turn: Turn, jump: JumpTo) -> None:
    """Open one answer for revision, returning to that section's summary."""
    dialog = turn.catalog.latest.get(jump.dialog)
    if dialog is None or not dialog.has_step(jump.step):
        prompting.reprompt(turn)
        return
    flow.edit_step(turn, dialog.id, jump.step)


def open_from_menu(turn: Turn, dialog_id: str) -> None:
    """Open a section chosen from the menu."""
    if dialog_id not in turn.catalog.latest:
        prompting.reprompt(turn)
        return
    flow.start_dialog(turn, dialog_id)


def set_language(turn: Turn, command: str) -> None:
    """Switch (or set) the language and show the open question in it."""
    lang: Lang
    if command == "lang":
        lang = "en" if turn.lang == "ja" else "ja"
    else:
        lang = "en" if command == "lang_en" else "ja"
    turn.lang = lang
    turn.emit(SetLanguage(lang))
    turn.say(turn.t("language_set"))
    prompting.reprompt(turn)


def confirm(turn: Turn, key: str) -> None:
    """Ask a yes/no confirmation, remembering what to return to."""
    state = turn.state
    if state.mode not in ("confirm_cancel", "confirm_delete"):
        state.resume = state.mode
    state.mode = "confirm_delete" if key == "confirm_delete" else "confirm_cancel"
    turn.new_question()
    title = turn.dialog.title.get(turn.lang) if state.active is not None else ""
    views.confirm(turn, key, title=title)


def answer_confirm_delete(turn: Turn, text: str, payload: Payload | None) -> None:
    """Answer "really delete all my data?"."""
    from bot.engine import answering  # see the note above the first function

    decision = answering.yes_no(turn, text, payload)
    if decision is None:
        turn.say(turn.t("yes_no_please"))
        prompting.reprompt(turn)
    elif decision:
        turn.emit(DeleteData())
        turn.state = ConversationState()
        turn.say(turn.t("deleted"))
    else:
        turn.say(turn.t("not_deleted"))
        prompting.resume(turn)


def command(turn: Turn, command: str) -> None:
    """Carry out a command typed as a word or a slash command."""
    state = turn.state
    if command == "start":
        turn.say(turn.t("welcome_back"))
        prompting.reprompt(turn)
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
            confirm(turn, "confirm_cancel")
    elif command == "summary":
        if state.active is None:
            flow.show_menu(turn)
            return
        turn.say(turn.t("summary_current") + "\n" + views.summary_text(turn, turn.dialog))
        prompting.reprompt(turn)
    elif command == "back":
        back(turn)
    elif command == "memo":
        from bot.engine import memo_screens  # (loaded with the first memo)

        memo_screens.open_list(turn, use=False)
    elif command == "examples" and state.mode in ("ask", "followup"):
        views.examples(turn)
        prompting.reprompt(turn)
    elif command == "skip" and state.mode == "more":
        from bot.engine import answering  # see the note above the first function

        answering.more(turn, False)
    elif state.mode == "ask" and command in ("skip", "keep"):
        skip_or_keep(turn, command)
    elif state.mode in ("followup", "merge") and command == "keep":
        from bot.engine import answering  # see the note above the first function

        if holding.held(turn, "thin", "merge") is not None:
            answering.use_held(turn)
        else:
            answering.move_on(turn)
    else:
        prompting.reprompt(turn)


def back(turn: Turn) -> None:
    """Go back to the previous question, offering the old answer as default."""
    state = turn.state
    cursor = state.active
    if state.mode == "memos":
        from bot.engine import memo_screens  # (loaded with the first memo)

        memo_screens.back(turn)
        return
    if state.mode == "group_edit":
        flow.show_summary(turn)
        return
    if state.mode == "group_remove" and state.target is not None:
        group = turn.dialog.step(state.target)
        assert isinstance(group, Group)
        flow.show_group_edit(turn, group)
        return
    if state.mode == "merge":
        state.mode = "followup"
        turn.new_question()
        views.followup(turn)
        return
    if (
        cursor is None
        or not cursor.back
        or state.mode not in ("ask", "more", "summary", "followup")
    ):
        turn.say(turn.t("no_previous"))
        prompting.reprompt(turn)
        return
    current = cursor.pos
    pos = cursor.back.pop()
    step = turn.dialog.step(pos.step)
    if isinstance(step, Group) and pos.sub is None:
        # Back to "is there another?": an entry begun since is kept, to resume on 「追加する」.
        cursor.pos = pos
        state.mode = "more"
        turn.new_question()
        views.more(turn, step)
        return
    if pos.item is not None and (current is None or current.item != pos.item):
        group = turn.dialog.step(pos.step)
        assert isinstance(group, Group)
        entries = turn.answer(turn.dialog.id, group.field) or []
        cursor.entry = dict(entries[pos.item]) if pos.item < len(entries) else {}
    cursor.pos = pos
    state.mode = "ask"
    turn.new_question()
    views.ask(turn)


def skip_or_keep(turn: Turn, command: str) -> None:
    """Skip an optional question, or keep the previous answer."""
    from bot.engine import answering  # see the note above the first function

    question, _group = views.current_question(turn)
    if command == "keep":
        value = views.existing_value(turn)
        if value is None and holding.held(turn, "reading") is not None:
            answering.use_typed(turn)  # 「このまま」 to a reading kept as it was typed
            return
        if value is None:
            prompting.reprompt(turn)
            return
        if question.emit is not None:
            # Keeping the answer of a question with an action (e.g. "book it?") means
            # answering it again: the action must run.
            answering.accept(turn, value)
            return
        turn.say(turn.t("kept"))
        answering.move_on(turn)
        return
    if not question.optional:
        key = "cannot_skip_entry" if views.unfinished_entry(turn) else "cannot_skip"
        turn.say(turn.t(key))
        prompting.reprompt(turn)
        return
    turn.say(turn.t("skipped" if turn.dialog.summary else "skipped_plain"))
    answering.left_blank(turn, question)
    answering.move_on(turn)


def handle_payload(turn: Turn, payload: Reply) -> None:
    """A button bound to a question: refuse it politely if the question is closed."""
    from bot.engine import answering  # see the note above the first function

    if payload.seq != turn.state.seq:
        stale(turn)
        return
    kind, value = payload.kind, payload.value
    mode = turn.state.mode
    if mode == "memos":
        from bot.engine import memo_screens  # (loaded with the first memo)

        memo_screens.press(turn, kind, value)
    elif mode == "confirm_cancel":
        answering.answer_confirm_cancel(turn, "", payload)
    elif kind == "x":
        action(turn, value)
    elif mode == "ask" and kind in ("a", "t"):
        answering.answer_button(turn, kind, value)
    elif mode == "more" and kind == "a":
        answering.more(turn, value == "yes")
    elif mode == "summary" and kind == "e":
        edit(turn, value)
    elif mode == "group_edit" and kind == "g" and value.isdigit():
        group = flow.target_group(turn)
        entries = turn.answer(turn.dialog.id, group.field) or []
        if int(value) < len(entries):
            turn.cursor.edit_return = True
            flow.start_entry(turn, group, int(value), entries[int(value)])
        else:
            prompting.reprompt(turn)
    elif mode == "group_remove" and kind == "r" and value.isdigit():
        remove_entry(turn, int(value))
    else:
        prompting.reprompt(turn)


def action(turn: Turn, action: str) -> None:
    """An action button (keep, skip, draft, done, confirm, group edits …)."""
    from bot.engine import answering  # see the note above the first function

    mode = turn.state.mode
    if action == "help":
        turn.say(turn.t("help"))
        prompting.reprompt(turn)
        return
    if action in ("keep", "skip", "examples", "pause", "back"):
        command(turn, action)
        return
    if mode in ("ask", "followup") and action == "drop_entry" and views.unfinished_entry(turn):
        drop_entry(turn)
    elif mode == "ask" and action == "use_head":
        answering.use_head(turn)
    elif mode == "ask" and action == "show_held":
        answering.show_held(turn)
    elif mode == "ask" and action == "use_held":
        answering.use_held(turn)
    elif mode == "ask" and action == "use_typed":
        answering.use_typed(turn)
    elif mode == "ask" and action == "memo_use":
        from bot.engine import memo_screens  # (loaded with the first memo)

        memo_screens.open_list(turn, use=True)
    elif mode == "merge" and action in ("merge_append", "merge_replace"):
        answering.merge(turn, append=action == "merge_append")
    elif mode == "ask" and action in ("use_draft", "extend_draft"):
        answering.use_draft(turn, extend=action == "extend_draft")
    elif mode == "ask" and action == "done":
        question, _ = views.current_question(turn)
        assert isinstance(question.answer, MultiChoiceAnswer)
        numbers = [
            str(index)
            for index, option in enumerate(question.answer.options, 1)
            if option.value in turn.state.selection
        ]
        answering.take(
            turn, question.answer.parse(",".join(numbers), answering.parse_context(turn))
        )
    elif mode == "summary" and action == "confirm":
        flow.finish_dialog(turn)
    elif mode == "group_edit":
        group = flow.target_group(turn)
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
            prompting.reprompt(turn)
    else:
        prompting.reprompt(turn)


def drop_entry(turn: Turn) -> None:
    """Give up the entry being added: the finished entries stay, the unfinished one goes."""
    cursor = turn.cursor
    _question, group = views.current_question(turn)
    assert group is not None and cursor.pos is not None
    item = cursor.pos.item
    cursor.entry = None
    holding.release(turn)
    while cursor.back and cursor.back[-1].step == group.id and cursor.back[-1].item == item:
        cursor.back.pop()
    if cursor.back and cursor.back[-1].step == group.id and cursor.back[-1].sub is None:
        cursor.back.pop()
    turn.say(turn.t("entry_dropped", item=group.item.get(turn.lang)))
    cursor.pos = Position(group.id)
    if cursor.edit_return:
        flow.show_group_edit(turn, group)
        return
    turn.state.mode = "more"
    turn.new_question()
    views.more(turn, group)


def edit(turn: Turn, step_id: str) -> None:
    """Edit one answer from the summary."""
    dialog = turn.dialog
    if not dialog.has_step(step_id):
        prompting.reprompt(turn)
        return
    if isinstance(dialog.step(step_id), Say):
        prompting.reprompt(turn)
        return
    flow.edit_step(turn, dialog.id, step_id)


def remove_entry(turn: Turn, index: int) -> None:
    """Remove one entry of the group being edited."""
    group = flow.target_group(turn)
    entries = list(turn.answer(turn.dialog.id, group.field) or [])
    if index >= len(entries):
        prompting.reprompt(turn)
        return
    del entries[index]
    turn.save(turn.dialog.id, group.field, entries)
    turn.say(turn.t("group_removed", number=index + 1))
    flow.show_group_edit(turn, group)

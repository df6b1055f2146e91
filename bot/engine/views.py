"""What the person sees: questions, summaries, group lists and the menu, as outbound messages."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.engine import holding
from bot.engine.answers import (
    ChoiceAnswer,
    LongTextAnswer,
    MultiChoiceAnswer,
    TextAnswer,
    YesNoAnswer,
)
from bot.engine.families import family
from bot.engine.localized import Localized
from bot.engine.messages import Button, Choices, Text
from bot.engine.model import NEW_ENTRY, Dialog, Group, Question
from bot.engine.payloads import OpenSection, RunCommand, encode, reply_prefix
from bot.engine.placeholders import names
from bot.engine.progress import section_statuses, suggested_next
from bot.engine.turn import Turn

_ENTRY_TITLE_LIMIT = 40


def display(turn: Turn, step: Question | Group, value: Any) -> str:
    """A stored answer as the person would read it."""
    if value is None:
        return turn.t("unanswered")
    if isinstance(step, Group):
        if not value:
            return turn.t("group_empty")
        return "\n".join(
            f"  {index}) {entry_title(turn, step, entry)}{_entry_dates(turn, step, entry)}"
            for index, entry in enumerate(value, 1)
        )
    label = turn.answer(turn.dialog.id, f"{step.field}{LABEL_SUFFIX}")
    if step.options_from is not None and isinstance(label, dict) and turn.lang in label:
        # Run-time options change (a slot is taken); the label kept with the answer stays.
        return str(label[turn.lang])
    return turn.spec(step).display(value, turn.lang)


LABEL_SUFFIX = "__label"


def _entry_dates(turn: Turn, group: Group, entry: dict[str, Any]) -> str:
    """「（1988年4月～1995年3月）」: an entry's period or month as it was read, for summaries."""
    for sub in group.steps:
        value = entry.get(sub.field)
        if sub.answer.kind in ("period", "year_month") and value is not None:
            shown = sub.answer.display(value, turn.lang)
            return f"（{shown}）" if turn.lang == "ja" else f" ({shown})"
    return ""


def entry_title(turn: Turn, group: Group, entry: dict[str, Any]) -> str:
    """A one-line name for a group entry, from its title field."""
    sub = group.sub(next(s.id for s in group.steps if s.field == group.title_field))
    value = entry.get(group.title_field)
    title = turn.t("unanswered") if value is None else sub.answer.display(value, turn.lang)
    title = " ".join(title.split())
    return title if len(title) <= _ENTRY_TITLE_LIMIT else title[: _ENTRY_TITLE_LIMIT - 1] + "…"


# A condition that picks one value of one field (``status == 'planned'``): of several such
# steps on the same field only one will be asked, so they count once.
_ONE_OF = re.compile(r"^\s*([a-z][a-z0-9_.]*)\s*==\s*['\"][^'\"]*['\"]\s*$")


def progress(
    turn: Turn,
    dialog: Dialog,
    steps: Sequence[Question | Group],
    step_id: str,
    entry: Mapping[str, Any] | None = None,
) -> tuple[int, int]:
    """Where a question is among ``steps``, and how many will be asked.

    The count includes questions whose condition can't be decided yet, so it does not grow
    as answers come in (it may end early when one of them turns out not to apply).
    """
    counted: list[str] = []
    visible: list[str] = []
    choices: set[str] = set()
    for step in steps:
        if turn.visible(step, dialog, entry):
            counted.append(step.id)
            visible.append(step.id)
        elif step.when is not None and not _decided(turn, step, dialog, entry):
            match = _ONE_OF.match(step.when.source)
            key = match.group(1) if match else step.id
            if key not in choices:
                choices.add(key)
                counted.append(step.id)
    index = visible.index(step_id) + 1 if step_id in visible else len(visible) + 1
    return index, max(len(counted), index)


def _decided(
    turn: Turn, step: Question | Group, dialog: Dialog, entry: Mapping[str, Any] | None
) -> bool:
    """Whether every answer a step's condition reads is there (so its outcome is final)."""
    assert step.when is not None
    return all(turn.lookup(name, dialog, entry) is not None for name in step.when.names)


def _variant(key: str, seed: str) -> str:
    """One of a message's wordings, the same for a section every time (``key``, ``key_2`` …)."""
    return (key, f"{key}_2", f"{key}_3")[sum(map(ord, seed)) % 3]


def current_question(turn: Turn) -> tuple[Question, Group | None]:
    """The open question, and its group if it is a sub-question."""
    dialog = turn.dialog
    pos = turn.cursor.pos
    assert pos is not None
    step = dialog.step(pos.step)
    if isinstance(step, Group):
        assert pos.sub is not None
        return step.sub(pos.sub), step
    assert isinstance(step, Question)
    return step, None


def existing_value(turn: Turn) -> Any:
    """The stored answer of the open question, offered as the default."""
    question, group = current_question(turn)
    if group is not None:
        return (turn.cursor.entry or {}).get(question.field)
    value = turn.answer(turn.dialog.id, question.field)
    if question.options_from is not None:
        # A run-time option may be gone (a slot taken): only offer what can still be chosen.
        spec = turn.spec(question)
        if not isinstance(spec, ChoiceAnswer) or value not in {o.value for o in spec.options}:
            return None
    return value


def ask(
    turn: Turn, *, fresh: bool = False, notice: str | None = None, buttons_only: bool = False
) -> None:
    """Show the open question (``fresh`` on first asking: progress and encouragement).

    ``buttons_only``: only the buttons are wanted (to know what the person has in front of
    them), so the header, progress and prompt are left out of the text.
    """
    dialog = turn.dialog
    question, group = current_question(turn)
    pos = turn.cursor.pos
    assert pos is not None
    if (pasted := holding.held(turn, "paste")) is not None:
        _more_to_paste(turn, str(pasted["value"]), notice)
        return
    lines: list[str] = []
    if notice:
        lines.append(notice)
    entry = turn.cursor.entry if group is not None else None
    header = "" if buttons_only else turn.t("section_start", title=dialog.title.get(turn.lang))
    if buttons_only:
        pass  # (counting the questions is most of the work of showing one)
    elif not dialog.counter:
        lines.append(header)
    elif group is not None and pos.item is not None:
        # Inside an entry, count its own questions: 「勤務先 2件目（3/5）」.
        index, total = progress(turn, dialog, group.steps, question.id, entry or {})
        number = turn.t("group_entry", item=group.item.get(turn.lang), number=pos.item + 1)
        gap = " " if turn.lang == "en" and not number.startswith(" ") else ""
        lines.append(header + gap + number + turn.t("progress", index=index, total=total))
    else:
        index, total = progress(turn, dialog, list(dialog.answer_steps()), pos.step)
        lines.append(header + turn.t("progress", index=index, total=total))
        if fresh and total >= 4 and index == total // 2 + 1:
            lines.append(turn.t(_variant("encourage_half", dialog.id)))
        elif fresh and total >= 3 and index == total:
            lines.append(turn.t("encourage_last"))
    if not buttons_only:
        lines.append(turn.render(question.prompt, entry))
    value = existing_value(turn)
    actions: list[Button] = []
    kept = holding.held(turn)
    if kept is not None and kept["why"] == "long":
        actions.append(turn.button("btn_use_head", "x", "use_head"))
        actions.append(turn.button("btn_show_held", "x", "show_held"))
    elif kept is not None and kept["why"] == "reading":
        # Not a reading in kana: the person may keep it as typed (a name in Latin letters).
        lines.append(turn.t("held_typed", value=kept["value"]))
        actions.append(turn.button("btn_use_typed", "x", "use_typed"))
    elif kept is not None:
        lines.append(turn.t("held_answer", value=kept["value"]))
        actions.append(turn.button("btn_use_held", "x", "use_held"))
        if kept["why"] == "suggest" and kept.get("extra"):
            actions.append(turn.button("btn_use_typed", "x", "use_typed"))
    if value is not None:
        lines.append(turn.t("previous_answer", value=display(turn, question, value)))
        actions.append(turn.button("btn_keep", "x", "keep"))
    elif question.draft is not None and (draft := turn.draft(question.draft, entry)) is not None:
        sources = _draft_sources(turn, question)
        if sources:
            lines.append(turn.t("draft_offer_from", draft=draft, sources=sources))
        else:
            lines.append(turn.t("draft_offer", draft=draft))
        actions.append(turn.button("btn_use_draft", "x", "use_draft"))
        actions.append(turn.button("btn_extend_draft", "x", "extend_draft"))
    options: list[Button] = []
    answer = turn.spec(question)
    if isinstance(answer, ChoiceAnswer):
        # One wire prefix for all the options (a list of prefectures has 47 of them).
        prefix = reply_prefix(turn.state.seq, "a")
        options = [
            Button(option.label.get(turn.lang), prefix + option.value)
            for option in answer.options
            if option.listed
        ]
    elif isinstance(answer, YesNoAnswer):
        options = [turn.button("yes", "a", "yes"), turn.button("no", "a", "no")]
    elif isinstance(answer, MultiChoiceAnswer):
        chosen = set(turn.state.selection)
        prefix = reply_prefix(turn.state.seq, "t")
        options = [
            Button(
                ("☑ " if option.value in chosen else "☐ ") + option.label.get(turn.lang),
                prefix + option.value,
            )
            for option in answer.options
        ]
        lines.append(turn.t("multi_hint"))
        actions.insert(0, turn.button("btn_done", "x", "done"))
    elif question.check == "reading" and isinstance(answer, TextAnswer):
        lines.append("→ " + turn.t("hint_reading", max=answer.max_length))
    else:
        lines.append("→ " + answer.hint(turn.lang))
    if question.examples:
        actions.append(turn.button("btn_examples", "x", "examples"))
    if question.optional:
        actions.append(turn.button("btn_skip", "x", "skip"))
    if isinstance(answer, TextAnswer | LongTextAnswer):
        from bot.engine.memos import has_memos  # (not needed for the first prompt)

        if has_memos(turn):
            # Text kept from a question that could not take it can go in here.
            actions.append(turn.button("memo_btn_use", "x", "memo_use"))
    if unfinished_entry(turn):
        actions.append(turn.button("btn_drop_entry", "x", "drop_entry"))
    turn.out.append(Choices("\n".join(lines), tuple(options), tuple(actions)))


def _more_to_paste(turn: Turn, kept: str, notice: str | None) -> None:
    """A long paste kept while more of it may come: send the rest, or say that was all."""
    text = turn.t("paste_more", count=len(kept))
    done = turn.button("btn_paste_done", "x", "use_held")
    turn.out.append(Choices(f"{notice}\n{text}" if notice else text, (done,), ()))


def _draft_sources(turn: Turn, question: Question) -> str | None:
    """Which answers a composed draft (``{derived.draft_…}``) was made from."""
    assert question.draft is not None
    used = names(question.draft.get(turn.lang))
    if len(used) != 1:
        return None
    (name,) = used
    if not name.startswith("derived.draft_"):
        return None
    value = turn.lookup(f"{name}_sources", turn.dialog)
    return value if isinstance(value, str) and value else None


def unfinished_entry(turn: Turn) -> bool:
    """Whether the open question belongs to a group entry not stored yet (a new one)."""
    _question, group = current_question(turn)
    pos = turn.cursor.pos
    if group is None or pos is None or pos.item is None:
        return False
    entries = turn.answer(turn.dialog.id, group.field) or []
    return pos.item >= len(entries) or bool((turn.cursor.entry or {}).get(NEW_ENTRY))


def stuck(turn: Turn, message: str) -> None:
    """After repeated failures: say so and offer examples, help, skip or pause."""
    question, _ = current_question(turn)
    lines = [message, turn.t("stuck")]
    actions = [turn.button("btn_examples", "x", "examples"), turn.button("btn_help", "x", "help")]
    if question.optional:
        lines.append(turn.t("stuck_skip"))
        actions.append(turn.button("btn_skip", "x", "skip"))
    actions.append(turn.button("btn_pause", "x", "pause"))
    turn.out.append(Choices("\n".join(lines), (), tuple(actions)))


def examples(turn: Turn) -> None:
    """Show the examples of the open question (or its group)."""
    question, group = current_question(turn)
    step: Question | Group = group if group is not None and not question.examples else question
    shown = pick_examples(step, family(_with_open_entry(turn, group)))
    if not shown:
        turn.say(turn.t("no_examples"))
        return
    bullet = turn.t("bullet")
    turn.say("\n".join([turn.t("examples_title"), *(bullet + ex.get(turn.lang) for ex in shown)]))


def _with_open_entry(turn: Turn, group: Group | None) -> dict[str, Any]:
    """The answers with the group entry being written in place (its employer already counts)."""
    answers = dict(turn.answers)
    pos, entry = turn.cursor.pos, turn.cursor.entry
    if group is None or pos is None or pos.item is None or not entry:
        return answers
    key = f"{turn.dialog.id}.{group.field}"
    entries = list(answers.get(key) or [])
    if pos.item < len(entries):
        entries[pos.item] = entry
    else:
        entries.append(entry)
    answers[key] = entries
    return answers


def pick_examples(step: Question | Group, family_name: str) -> tuple[Localized, ...]:
    """The examples for the person's occupation family, else the step's default ones."""
    chosen = dict(step.family_examples).get(family_name)
    return chosen or step.examples


def more(turn: Turn, group: Group) -> None:
    """Ask whether there is another entry (or, for an empty optional group, any entry)."""
    entries = turn.answer(turn.dialog.id, group.field) or []
    if entries:
        text = "\n".join(
            [
                turn.t("group_edit_title", item=group.item.get(turn.lang)),
                display(turn, group, entries),
                turn.render(group.more),
            ]
        )
        buttons = (turn.button("group_add", "a", "yes"), turn.button("group_done", "a", "no"))
    else:
        text = turn.render(group.prompt)
        buttons = (turn.button("yes", "a", "yes"), turn.button("no", "a", "no"))
    turn.out.append(Choices(text, buttons, offers(turn, turn.dialog.id)))


def offers(turn: Turn, place: str) -> tuple[Button, ...]:
    """Buttons of dialogs offered in ``place`` (the menu, or a section's list of entries)."""
    return tuple(
        Button(dialog.offer.label.get(turn.lang), encode(OpenSection(dialog.id)))
        for dialog in turn.catalog.latest.values()
        if dialog.offer is not None and place in dialog.offer.places
    )


def summary_steps(turn: Turn, dialog: Dialog) -> list[Question | Group]:
    """The questions listed in the summary, numbered from 1."""
    return [step for step in dialog.answer_steps() if turn.visible(step, dialog)]


def summary_text(turn: Turn, dialog: Dialog) -> str:
    """The answers of ``dialog`` as a numbered list."""
    lines = []
    for number, step in enumerate(summary_steps(turn, dialog), 1):
        value = turn.answer(dialog.id, step.field)
        label = _label(turn, step)
        if isinstance(step, Group):
            lines.append(f"{number}. {label}\n{display(turn, step, value)}")
        else:
            shown = display(turn, step, value)
            lines.append(turn.t("summary_line", number=number, label=label, value=shown))
    return "\n".join(lines)


def label(turn: Turn, step: Question | Group) -> str:
    """The short name of a question or group, as summaries show it."""
    return _label(turn, step)


def _label(turn: Turn, step: Question | Group) -> str:
    if step.label is not None:
        return step.label.get(turn.lang)
    text = step.item.get(turn.lang) if isinstance(step, Group) else step.prompt.get(turn.lang)
    first = text.strip().splitlines()[0] if text.strip() else step.id
    return first if len(first) <= _ENTRY_TITLE_LIMIT else first[: _ENTRY_TITLE_LIMIT - 1] + "…"


def summary(turn: Turn) -> None:
    """Show the section summary with "confirm" and one button per item to edit."""
    dialog = turn.dialog
    title = dialog.title.get(turn.lang)
    text = "\n\n".join(
        [turn.t("summary_title", title=title), summary_text(turn, dialog), turn.t("summary_hint")]
    )
    steps = summary_steps(turn, dialog)
    options = tuple(
        Button(turn.t("edit_item", label=_label(turn, s)), turn.payload("e", s.id)) for s in steps
    )
    turn.out.append(Choices(text, options, (turn.button("confirm", "x", "confirm"),)))


def group_edit(turn: Turn, group: Group) -> None:
    """List a group's entries with buttons to edit, add or remove."""
    entries = turn.answer(turn.dialog.id, group.field) or []
    text = "\n".join(
        [turn.t("group_edit_title", item=group.item.get(turn.lang)), display(turn, group, entries)]
    )
    options = tuple(
        Button(turn.t("group_edit_entry", number=n), turn.payload("g", str(n - 1)))
        for n in range(1, len(entries) + 1)
    )
    actions = []
    if len(entries) < group.max_count:
        actions.append(turn.button("group_add", "x", "add"))
    if entries:
        actions.append(turn.button("group_remove", "x", "remove"))
    actions.append(turn.button("btn_done", "x", "done"))
    turn.out.append(Choices(text, options, tuple(actions)))


def group_remove(turn: Turn, group: Group) -> None:
    """Ask which entry to remove."""
    entries = turn.answer(turn.dialog.id, group.field) or []
    options = tuple(
        Button(f"{n}) {entry_title(turn, group, entry)}", turn.payload("r", str(n - 1)))
        for n, entry in enumerate(entries, 1)
    )
    text = turn.t("group_remove_which", item=group.item.get(turn.lang))
    turn.out.append(Choices(text, options, (turn.button("btn_back", "x", "back"),)))


def confirm(turn: Turn, key: str, **params: object) -> None:
    """A yes/no confirmation."""
    buttons = (turn.button("yes", "a", "yes"), turn.button("no", "a", "no"))
    turn.out.append(Choices(turn.t(key, **params), buttons))


def menu(turn: Turn) -> None:
    """The main menu: every section with its status, and a suggested next step."""
    lines = [turn.t("menu_title")]
    sections = section_statuses(turn.catalog, turn.answers, turn.state.suspended)
    options = [
        Button(
            turn.t(
                "menu_item",
                title=section.title.get(turn.lang),
                status=turn.t("status_" + section.status),
            ),
            encode(OpenSection(section.dialog_id)),
        )
        for section in sections
    ]
    suggestion = suggested_next(sections)
    counted = [section for section in sections if section.counts]
    done = sum(section.status == "done" for section in counted)
    lines.append(turn.t("menu_progress", done=done, total=len(counted)))
    if suggestion is not None:
        lines.append(turn.t("menu_suggest", title=suggestion.title.get(turn.lang)))
    else:
        lines.append(turn.t("menu_all_done"))
    actions = (
        *offers(turn, "menu"),
        Button(turn.t("btn_card"), encode(RunCommand("card"))),
        Button(turn.t("btn_language"), encode(RunCommand("lang"))),
        Button(turn.t("btn_mydata"), encode(RunCommand("mydata"))),
        Button(turn.t("btn_help"), encode(RunCommand("help"))),
    )
    turn.out.append(Choices("\n".join(lines), tuple(options), actions))


def plain(turn: Turn, key: str, **params: object) -> None:
    """A built-in message as plain text."""
    turn.out.append(Text(turn.t(key, **params)))


def followup(turn: Turn) -> None:
    """Show the follow-up question: coaching on a thin answer, or what to add to a draft."""
    question, group = current_question(turn)
    entry = turn.cursor.entry if group is not None else None
    kept = holding.held(turn, "thin")
    if turn.state.partial == "extend" or question.coach is None:
        text = turn.t("draft_extend")
    else:
        own = question.coach.followup
        value = str(kept["value"]) if kept is not None else str(existing_value(turn) or "")
        own_text = turn.render(own, entry) if own is not None else None
        # Imported with the first thin answer: its patterns are not needed for the first prompt.
        from bot.engine import coaching

        text = coaching.followup(value, question.coach, turn.lang, own_text)
    actions = [
        turn.button("coach_keep", "x", "keep"),
        turn.button("btn_examples", "x", "examples"),
    ]
    if unfinished_entry(turn):
        actions.append(turn.button("btn_drop_entry", "x", "drop_entry"))
    turn.out.append(Choices(text, (), tuple(actions)))


def merge(turn: Turn) -> None:
    """Ask whether an unclear addition replaces the answer or is added to it."""
    kept = holding.held(turn, "merge")
    assert kept is not None
    text = turn.t("merge_question", answer=kept["value"], addition=kept["extra"])
    options = (
        turn.button("btn_merge_append", "x", "merge_append"),
        turn.button("btn_merge_replace", "x", "merge_replace"),
    )
    turn.out.append(Choices(text, options, (turn.button("coach_keep", "x", "keep"),)))

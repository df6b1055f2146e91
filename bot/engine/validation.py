"""Graph rules for dialogs: unique ids and fields, no dangling or unreachable steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from bot.engine import placeholders
from bot.engine.conditions import Condition
from bot.engine.derived import DERIVED, known
from bot.engine.localized import Localized
from bot.engine.model import END, Dialog, Group, Question, Say, Step

if TYPE_CHECKING:
    from bot.engine.loader import DialogError

ErrorSink = Callable[[tuple[str | int, ...], str | None, str, str], None]


def _successors(dialog: Dialog, index: int) -> list[int]:
    step = dialog.steps[index]
    following = [index + 1] if index + 1 < len(dialog.steps) else []
    if step.next is None:
        return following
    target = [] if step.next == END else [dialog.index(step.next)]
    # A step with a condition may be skipped, so what follows it is reachable too.
    return target + following if step.when is not None else target


def check_dialog(dialog: Dialog, error: ErrorSink) -> None:
    """Report every graph problem inside one dialog through ``error``."""
    seen_ids: set[str] = set()
    seen_fields: set[str] = set()
    for index, step in enumerate(dialog.steps):
        path = ("steps", index)
        if step.id in seen_ids:
            error(path, step.id, f"step id '{step.id}' is used twice", "duplicate_step")
        seen_ids.add(step.id)
        if not isinstance(step, Say):
            if step.field in seen_fields:
                error(path, step.id, f"field '{step.field}' is stored twice", "duplicate_field")
            seen_fields.add(step.field)
        if isinstance(step, Group):
            _check_group(step, path, error)
    for index, step in enumerate(dialog.steps):
        if step.next is not None and step.next != END and not dialog.has_step(step.next):
            message = f"next: there is no step '{step.next}'"
            error(("steps", index, "next"), step.id, message, "dangling_next")
    for name, event in dialog.events.items():
        if not dialog.has_step(event.goto) or isinstance(dialog.step(event.goto), Say):
            message = f"event '{name}' goes to '{event.goto}', which is not a question here"
            error(("events", name, "goto"), None, message, "dangling_next")
    _check_reachable(dialog, error)
    for index, step in enumerate(dialog.steps):
        _check_names(dialog, step, ("steps", index), error)


def _check_group(group: Group, path: tuple[str | int, ...], error: ErrorSink) -> None:
    ids: set[str] = set()
    fields: set[str] = set()
    for index, sub in enumerate(group.steps):
        sub_path = (*path, "group", "steps", index)
        if sub.id in ids:
            error(
                sub_path, group.id, f"sub-question id '{sub.id}' is used twice", "duplicate_step"
            )
        if sub.field in fields:
            message = f"field '{sub.field}' is stored twice in the group"
            error(sub_path, group.id, message, "duplicate_field")
        if sub.next is not None:
            message = "questions inside a group follow each other; 'next' is not allowed"
            error((*sub_path, "next"), group.id, message, "dangling_next")
        if sub.action is not None:
            message = "actions are not allowed inside a group"
            error((*sub_path, "action"), group.id, message, "bad_action")
        ids.add(sub.id)
        fields.add(sub.field)


def _check_reachable(dialog: Dialog, error: ErrorSink) -> None:
    known = all(s.next is None or s.next == END or dialog.has_step(s.next) for s in dialog.steps)
    if not known:
        return
    # An outcome the service reports (``events``) leads to its step too.
    reached = {0} | {
        dialog.index(event.goto) for event in dialog.events.values() if dialog.has_step(event.goto)
    }
    todo = sorted(reached)
    while todo:
        for successor in _successors(dialog, todo.pop()):
            if successor not in reached:
                reached.add(successor)
                todo.append(successor)
    for index, step in enumerate(dialog.steps):
        if index not in reached:
            message = "no path leads to this step (check the 'next' of the steps before it)"
            error(("steps", index), step.id, message, "unreachable_step")


def _texts(step: Step) -> list[Localized]:
    """The texts of a step that may hold placeholders."""
    if isinstance(step, Say):
        return [step.text]
    texts = [step.prompt]
    if isinstance(step, Question) and step.draft is not None:
        texts.append(step.draft)
    if isinstance(step, Group):
        texts.append(step.more)
    return texts


Read = tuple[Condition | str, frozenset[str] | None, tuple[str | int, ...]]


def step_names(step: Step) -> list[Read]:
    """The names a step reads: its conditions, and placeholders in its texts.

    Each item is (what reads it, extra local names it may use — the group entry's fields —,
    the path below the step where it is written).
    """
    found: list[Read] = []
    if step.when is not None:
        found.append((step.when, None, ("when",)))
    for text in _texts(step):
        found.extend((name, None, ()) for name in placeholders.names(text.ja + text.en))
    if isinstance(step, Group):
        item_fields = frozenset(sub.field for sub in step.steps)
        for index, sub in enumerate(step.steps):
            where: tuple[str | int, ...] = ("group", "steps", index)
            if sub.when is not None:
                found.append((sub.when, item_fields, (*where, "when")))
            for text in _texts(sub):
                names = placeholders.names(text.ja + text.en)
                found.extend((name, item_fields, where) for name in names)
    return found


def _expand(read: Condition | str) -> frozenset[str]:
    return read.names if isinstance(read, Condition) else frozenset({read})


def _check_names(
    dialog: Dialog, step: Step, path: tuple[str | int, ...], error: ErrorSink
) -> None:
    local = dialog.fields()
    for read, extra, below in step_names(step):
        fields = local | (extra or frozenset())
        where = (*path, *below)
        for name in sorted(_expand(read)):
            owner, _, field = name.rpartition(".")
            if owner == "derived":
                if not known(field):
                    message = f"there is no derived value '{field}' (known: {sorted(DERIVED)})"
                    error(where, step.id, message, "unknown_field")
                continue
            if owner == dialog.id:
                name, owner = field, ""
            if not owner and name not in fields:
                message = f"'{name}' is read here, but no question of this dialog stores it"
                error(where, step.id, message, "unknown_field")


def check_catalog(
    dialogs: Mapping[str, Dialog], failed: frozenset[str] | set[str] = frozenset()
) -> list[DialogError]:
    """Rules across dialogs: ``then`` targets exist; ``dialog.field`` names exist.

    Dialogs in ``failed`` could not be loaded; references to them are not reported again.
    """
    from bot.engine.loader import DialogError

    errors: list[DialogError] = []
    for dialog in dialogs.values():
        if dialog.then is not None and dialog.then not in dialogs and dialog.then not in failed:
            message = f"then: there is no dialog '{dialog.then}'"
            errors.append(DialogError(dialog.source, 1, None, message, "unknown_dialog"))
        for name in sorted(dialog.applies.names if dialog.applies is not None else ()):
            owner, _, field = name.rpartition(".")
            other = dialogs.get(owner or dialog.id)
            if owner in failed or (other is not None and field in other.fields()):
                continue
            message = f"applies reads '{name}', which no dialog stores"
            errors.append(DialogError(dialog.source, 1, None, message, "unknown_field"))
        for step in dialog.steps:
            for read, _extra, _below in step_names(step):
                for name in sorted(_expand(read)):
                    owner, _, field = name.rpartition(".")
                    if owner in ("", "derived", dialog.id) or owner in failed:
                        continue
                    other = dialogs.get(owner)
                    if other is None or field not in other.fields():
                        message = f"condition reads '{name}', which no dialog stores"
                        errors.append(
                            DialogError(
                                dialog.source, step.line, step.id, message, "unknown_field"
                            )
                        )
    return errors


def is_question(step: Step) -> bool:
    """Whether ``step`` asks something (a question or a group)."""
    return isinstance(step, Question | Group)

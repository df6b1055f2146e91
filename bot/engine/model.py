"""The dialog model: dialogs made of questions, messages and repeated groups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.engine.answers import AnswerSpec
from bot.engine.conditions import Condition
from bot.engine.localized import Localized

END = "end"
NEW_ENTRY = "_new"
"""Marks a group entry being written as a new one (never a field: fields start with a letter)."""

FamilyExamples = tuple[tuple[str, tuple[Localized, ...]], ...]
"""Examples per occupation family: ``(("manufacturing", (…, …, …)), …)``."""


@dataclass(frozen=True, slots=True)
class Coaching:
    """When an answer is thin, ask one follow-up (once per question and entry, never nagging).

    Attributes:
        min_length: Answers shorter than this (in characters) get the follow-up.
        vague: Words that mark an answer as vague (e.g. 「特にない」「いろいろ」).
        followup: The question's own follow-up, used when nothing specific is missing.
        expects: Concrete elements an answer should have (``number``, ``whom``, ``result``,
            ``when``); an answer with none of them is thin, and the follow-up asks for them.
    """

    min_length: int
    vague: tuple[str, ...]
    followup: Localized | None
    expects: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    """A question whose answer is stored under ``field``.

    Attributes:
        action: A side effect of the answer: ``set_language`` or ``consent``.
        draft: A proposed answer composed from earlier answers (placeholders), offered to
            accept, extend or replace.
        options_from: The name of a source that gives this choice's options at run time.
        emit: The name of a service action run once the answer is stored (e.g. a booking).
        store: False hands the answer to the ``emit`` action only, never storing it (a
            pasted document the action reads and forgets).
        check: A check of a text answer beyond its length: ``reading`` asks for a reading in
            kana (ふりがな) and keeps anything else until the person confirms it as typed.
        examples: The default examples; ``family_examples`` those for an occupation family
            (see :mod:`bot.engine.families`), shown instead when the person's family has some.
    """

    id: str
    field: str
    prompt: Localized
    answer: AnswerSpec
    help: Localized | None = None
    examples: tuple[Localized, ...] = ()
    family_examples: FamilyExamples = ()
    optional: bool = False
    when: Condition | None = None
    next: str | None = None
    coach: Coaching | None = None
    after: Localized | None = None
    action: str | None = None
    label: Localized | None = None
    draft: Localized | None = None
    options_from: str | None = None
    emit: str | None = None
    store: bool = True
    check: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Say:
    """A message with no answer, e.g. why the next questions matter."""

    id: str
    text: Localized
    when: Condition | None = None
    next: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Group:
    """A repeated block of sub-questions ("add another"), stored as a list under ``field``.

    Attributes:
        item: What one entry is called (e.g. 「勤務先」).
        more: The question "is there another one?".
        title_field: The sub-question whose answer names an entry in summaries.
    """

    id: str
    field: str
    prompt: Localized
    item: Localized
    more: Localized
    steps: tuple[Question, ...]
    title_field: str
    min_count: int = 0
    max_count: int = 20
    optional: bool = False
    when: Condition | None = None
    next: str | None = None
    help: Localized | None = None
    examples: tuple[Localized, ...] = ()
    family_examples: FamilyExamples = ()
    label: Localized | None = None
    line: int = 0

    def sub(self, step_id: str) -> Question:
        """Return the sub-question ``step_id``."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


Step = Question | Say | Group


@dataclass(frozen=True, slots=True)
class DialogEvent:
    """What to do when the service reports an outcome (e.g. ``slot_taken``): say, then ask."""

    goto: str
    say: Localized | None = None


@dataclass(frozen=True, slots=True)
class Offer:
    """A button opening a dialog, shown in the menu (``menu``) and in the named sections."""

    label: Localized
    places: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Dialog:
    """One dialog file: usually one section of the Job Card.

    Attributes:
        digest: Hash of the file's content; conversations are pinned to it.
        menu: Position in the main menu; None keeps the dialog out of the menu.
        then: The dialog to continue with once this one is confirmed.
        repeatable: Each opening starts afresh (e.g. a booking), even after completion.
        progress: Whether the section counts toward the Job Card's progress in the menu.
        applies: Whether the section applies to the person (e.g. 様式2 only with work
            experience); a section that doesn't is left out of the menu and the progress,
            though it can still be opened by name.
        commands: Words that open the dialog from anywhere (e.g. ``book``, 予約).
        events: Outcomes the service may report back, by name.
        counter: Whether questions show the step counter (not when the service picks the
            next question, as in an import).
        offer: A button opening this dialog from the menu and from other sections.
    """

    id: str
    version: int
    title: Localized
    steps: tuple[Step, ...]
    digest: str
    intro: Localized | None = None
    menu: int | None = None
    then: str | None = None
    summary: bool = True
    repeatable: bool = False
    progress: bool = True
    applies: Condition | None = None
    commands: tuple[str, ...] = ()
    events: Mapping[str, DialogEvent] = field(default_factory=dict)
    counter: bool = True
    offer: Offer | None = None
    source: str = ""

    def step(self, step_id: str) -> Step:
        """Return the step ``step_id``."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def index(self, step_id: str) -> int:
        """Return the position of ``step_id`` among the steps."""
        for index, step in enumerate(self.steps):
            if step.id == step_id:
                return index
        raise KeyError(step_id)

    def has_step(self, step_id: str) -> bool:
        """Whether the dialog has a top-level step ``step_id``."""
        return any(step.id == step_id for step in self.steps)

    def answer_steps(self) -> Iterator[Question | Group]:
        """The steps that store an answer, in order."""
        for step in self.steps:
            if not isinstance(step, Say):
                yield step

    def fields(self) -> frozenset[str]:
        """The fields this dialog stores."""
        return frozenset(step.field for step in self.answer_steps())


@dataclass(frozen=True, slots=True)
class DialogCatalog:
    """The dialogs a turn may use: the current files, and older versions still in use.

    Attributes:
        latest: The current dialogs by id.
        pinned: Dialogs by digest, including versions that have since been edited.
        start: The dialog a new person starts with.
        derived: What turns compute from ``latest`` (the consent dialog, the command
            words), kept once computed so a turn does not go through every dialog again.
    """

    latest: Mapping[str, Dialog]
    pinned: Mapping[str, Dialog]
    start: str
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def get(self, dialog_id: str, digest: str | None = None) -> Dialog:
        """Return the pinned version if it is known, else the current one."""
        if digest is not None and digest in self.pinned:
            return self.pinned[digest]
        return self.latest[dialog_id]

    def with_pinned(self, dialogs: Mapping[str, Dialog]) -> DialogCatalog:
        """Return a catalog that also knows the given digest → dialog versions."""
        return DialogCatalog(self.latest, {**self.pinned, **dialogs}, self.start, self.derived)

    def menu(self) -> list[Dialog]:
        """The dialogs shown in the main menu, in menu order."""
        shown = [dialog for dialog in self.latest.values() if dialog.menu is not None]
        return sorted(shown, key=lambda dialog: (dialog.menu or 0, dialog.id))

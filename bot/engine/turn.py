"""The working context of one turn: state copy, answers overlay, replies and effects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.engine.answers import AnswerSpec, ChoiceAnswer
from bot.engine.conditions import evaluate
from bot.engine.derived import derive
from bot.engine.effects import Effect, SaveAnswer
from bot.engine.localized import Lang, Localized
from bot.engine.messages import Button, Outbound, Text, TurnContext
from bot.engine.model import Dialog, DialogCatalog, Group, Question, Say
from bot.engine.payloads import AnswerKind, reply_prefix
from bot.engine.placeholders import fill
from bot.engine.progress import COMPLETED
from bot.engine.state import ConversationState, Cursor
from bot.engine.texts import t


@dataclass(frozen=True, slots=True)
class PersonView:
    """What the engine may know about the person for one turn.

    Attributes:
        consented: True once agreed, False if refused, None if never asked.
        answers: Current answers keyed ``dialog.field``.
    """

    lang: Lang = "ja"
    consented: bool | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)


def answer_key(dialog_id: str, field_name: str) -> str:
    """The key of an answer in :attr:`PersonView.answers`."""
    return f"{dialog_id}.{field_name}"


class NeedSource(Exception):
    """The turn needs the options of source ``name``; the service computes them and re-runs."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Turn:
    """Mutable scratch space for one call of :func:`bot.engine.advance`."""

    def __init__(
        self,
        catalog: DialogCatalog,
        state: ConversationState,
        person: PersonView,
        ctx: TurnContext,
    ) -> None:
        self.catalog = catalog
        self.state = state.clone()
        self.lang: Lang = person.lang
        self.consented = person.consented
        self.answers: dict[str, Any] = dict(person.answers)
        self.ctx = ctx
        self.out: list[Outbound] = []
        self.effects: list[Effect] = []
        self.anchors: list[int] = []
        # When the platform says the message was sent (see ``Inbound.sent_at``).
        self.sent_at: float | None = None

    # Messages ---------------------------------------------------------------------------
    def t(self, key: str, **params: object) -> str:
        """A built-in message in the person's language."""
        return t(key, self.lang, **params)

    def say(self, text: str) -> None:
        """Queue a plain text reply."""
        self.out.append(Text(text))

    def button(self, label_key: str, kind: AnswerKind, value: str) -> Button:
        """A button bound to the current question (stale once the question changes)."""
        return Button(self.t(label_key), self.payload(kind, value))

    def payload(self, kind: AnswerKind, value: str) -> str:
        """Encode a button payload tied to the current question number."""
        # encode(Reply(seq, kind, value)), without building the Reply (many buttons a turn).
        return reply_prefix(self.state.seq, kind) + value

    # State ------------------------------------------------------------------------------
    @property
    def cursor(self) -> Cursor:
        """The cursor of the active dialog (there must be one)."""
        assert self.state.active is not None
        return self.state.active

    @property
    def dialog(self) -> Dialog:
        """The active dialog, in the version the conversation is pinned to."""
        cursor = self.cursor
        return self.catalog.get(cursor.dialog, cursor.digest)

    def new_question(self) -> None:
        """Mark that a new question is being asked: old buttons become stale."""
        self.state.seq += 1
        self.state.attempts = 0
        self.state.partial = None
        self.state.selection = []

    # Answers ----------------------------------------------------------------------------
    def answer(self, dialog_id: str, field_name: str) -> Any:
        """The current answer of ``dialog.field`` (None if unanswered)."""
        return self.answers.get(answer_key(dialog_id, field_name))

    def emit(self, effect: Effect) -> None:
        """Ask the service to do something; its replies go where the turn has got to now."""
        self.effects.append(effect)
        self.anchors.append(len(self.out))

    def save(self, dialog_id: str, field_name: str, value: Any) -> None:
        """Store an answer now and ask the service to persist it."""
        self.answers[answer_key(dialog_id, field_name)] = value
        self.emit(SaveAnswer(dialog_id, field_name, value))

    def spec(self, question: Question) -> AnswerSpec:
        """The question's answer spec, with run-time options filled in.

        Raises:
            NeedSource: The options of its source were not given for this turn.
        """
        if question.options_from is None:
            return question.answer
        options = self.ctx.sources.get(question.options_from)
        if options is None:
            raise NeedSource(question.options_from)
        return ChoiceAnswer(options=options)

    def completed(self, dialog_id: str) -> bool:
        """Whether the person confirmed the summary of ``dialog_id``."""
        return bool(self.answer(dialog_id, COMPLETED))

    def started(self, dialog: Dialog) -> bool:
        """Whether any answer of ``dialog`` exists."""
        return any(self.answer(dialog.id, name) is not None for name in dialog.fields())

    def visible(
        self, step: Question | Group | Say, dialog: Dialog, entry: Mapping[str, Any] | None = None
    ) -> bool:
        """Whether a step's condition holds, given the answers so far."""
        if step.when is None:
            return True

        return evaluate(step.when, lambda name: self.lookup(name, dialog, entry))

    def lookup(self, name: str, dialog: Dialog, entry: Mapping[str, Any] | None = None) -> Any:
        """An answer or derived value by the name a condition or placeholder uses."""
        owner, _, field_name = name.rpartition(".")
        if owner == "derived":
            return derive(field_name, self.answers, self.lang, self.ctx.today)
        if owner:
            return self.answers.get(name)
        if entry is not None and name in entry:
            return entry[name]
        return self.answer(dialog.id, name)

    def shown(self, name: str, dialog: Dialog, entry: Mapping[str, Any] | None = None) -> Any:
        """A value for a placeholder, as the person would read it (a choice's label, a date …)."""
        value = self.lookup(name, dialog, entry)
        owner, _, field_name = name.rpartition(".")
        if value is None or owner == "derived" or isinstance(value, list | dict):
            return value
        source = self.catalog.latest.get(owner) if owner else dialog
        question = _question_storing(source, field_name) if source is not None else None
        if question is None or question.options_from is not None:
            return value
        return question.answer.display(value, self.lang)

    def render(self, text: Localized, entry: Mapping[str, Any] | None = None) -> str:
        """A dialog text in the person's language with its placeholders filled in."""
        dialog = self.dialog if self.state.active is not None else None
        template = text.get(self.lang)
        if dialog is None:
            return template
        return fill(template, lambda name: self.shown(name, dialog, entry))[0]

    def draft(self, text: Localized, entry: Mapping[str, Any] | None = None) -> str | None:
        """A proposed answer from earlier answers, or None when they give nothing to propose."""
        filled, count = fill(
            text.get(self.lang), lambda name: self.shown(name, self.dialog, entry)
        )
        # Earlier answers often repeat each other (a value drafted from another): say it once.
        lines = dict.fromkeys(line.strip() for line in filled.splitlines() if line.strip())
        cleaned = "\n".join(lines)
        return cleaned if count and cleaned else None


def _question_storing(dialog: Dialog, field_name: str) -> Question | None:
    """The top-level question of ``dialog`` that stores ``field_name``, if any."""
    for step in dialog.steps:
        if isinstance(step, Question) and step.field == field_name:
            return step
    return None

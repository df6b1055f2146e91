"""Conversation state: where a person is, kept as JSON between messages."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

Mode = Literal[
    "start",  # nothing asked yet
    "menu",  # the main menu is shown
    "ask",  # a question of the active dialog is open
    "more",  # "is there another entry?" after a group entry
    "followup",  # a coaching follow-up to a thin answer
    "merge",  # "replace your answer with this, or add it?" after a follow-up
    "summary",  # the section summary, to confirm or edit
    "group_edit",  # the entries of a group, to edit, add or remove
    "group_remove",  # which entry of a group to remove
    "confirm_cancel",  # "really stop this section?"
    "confirm_delete",  # "really delete all my data?"
    "paused",  # paused; any message resumes
    "no_consent",  # consent refused; nothing is stored
    "memos",  # the person's memos (a list, one memo, or "delete it?"), over ``memo["back"]``
]

STATE_FORMAT = 1


@dataclass(slots=True)
class Position:
    """A question in a dialog: a top-level step, or a sub-question of entry ``item``."""

    step: str
    item: int | None = None
    sub: str | None = None


@dataclass(slots=True)
class Cursor:
    """Progress through one dialog, pinned to the dialog's content digest.

    Attributes:
        pos: The open question; None once the summary is reached.
        back: Questions already asked, most recent last (for "back").
        entry: Answers of the group entry being filled in (saved when it is complete).
        edit_return: Return to the summary after this question (an edit from the summary).
        coached: Questions (position keys) whose coaching follow-up was already asked.
        held: Text the person sent that could not be taken as it was (too long, thin, or
            unclear where it belongs), kept at the position it was sent for until they
            decide: ``{"at": position key, "why": …, "value": …, "extra": …}``.
    """

    dialog: str
    digest: str
    pos: Position | None = None
    back: list[Position] = field(default_factory=list)
    entry: dict[str, Any] | None = None
    edit_return: bool = False
    coached: list[str] = field(default_factory=list)
    held: dict[str, Any] | None = None


@dataclass(slots=True)
class ConversationState:
    """Everything the engine needs to continue a conversation.

    Attributes:
        seq: Changes whenever a new question is asked, so stale buttons can be recognised.
        partial: An incomplete answer awaiting a follow-up (e.g. a year without a month).
        selection: Options ticked so far in a multiple-choice question.
        resume: The mode to return to after a pause or a confirmation.
        target: The group whose entries are being edited or removed.
        memo: While the memos are shown (mode ``memos``): the mode to go back to, whether a
            memo picked answers the open question, and which screen and memo are shown
            (``{"back": …, "use": …, "view": "list"|"one"|"delete", "id": …}``).
    """

    mode: Mode = "start"
    active: Cursor | None = None
    suspended: dict[str, Cursor] = field(default_factory=dict)
    seq: int = 0
    attempts: int = 0
    partial: Any = None
    selection: list[str] = field(default_factory=list)
    resume: Mode | None = None
    target: str | None = None
    memo: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready copy of the state."""
        return {
            "format": STATE_FORMAT,
            "mode": self.mode,
            "active": _cursor_json(self.active),
            "suspended": {key: _cursor_json(cursor) for key, cursor in self.suspended.items()},
            "seq": self.seq,
            "attempts": self.attempts,
            "partial": copy.deepcopy(self.partial),
            "selection": list(self.selection),
            "resume": self.resume,
            "target": self.target,
            "memo": copy.deepcopy(self.memo),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ConversationState:
        """Rebuild a state saved with :meth:`to_json` (None → a fresh state)."""
        if not data:
            return cls()
        data = {key: value for key, value in data.items() if key != "format"}
        data["active"] = _cursor(data.get("active"))
        data["suspended"] = {
            key: cursor
            for key, raw in (data.get("suspended") or {}).items()
            if (cursor := _cursor(raw)) is not None
        }
        return cls(**data)

    def clone(self) -> ConversationState:
        """A deep copy, so the engine never changes its input.

        Copied field by field: going through :meth:`to_json` and :meth:`from_json` cost
        every turn a second conversion of the whole state.
        """
        return ConversationState(
            mode=self.mode,
            active=None if self.active is None else _copy_cursor(self.active),
            suspended={key: _copy_cursor(cursor) for key, cursor in self.suspended.items()},
            seq=self.seq,
            attempts=self.attempts,
            partial=_copy_value(self.partial),
            selection=list(self.selection),
            resume=self.resume,
            target=self.target,
            memo=_copy_value(self.memo),
        )


def _copy_value(value: Any) -> Any:
    """A deep copy of a JSON-like value (dicts, lists and scalars; anything else deep-copied)."""
    if isinstance(value, dict):
        return {key: _copy_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_value(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return copy.deepcopy(value)


def _copy_position(pos: Position | None) -> Position | None:
    return None if pos is None else Position(pos.step, pos.item, pos.sub)


def _copy_cursor(cursor: Cursor) -> Cursor:
    return Cursor(
        dialog=cursor.dialog,
        digest=cursor.digest,
        pos=_copy_position(cursor.pos),
        back=[Position(pos.step, pos.item, pos.sub) for pos in cursor.back],
        entry=_copy_value(cursor.entry),
        edit_return=cursor.edit_return,
        coached=list(cursor.coached),
        held=_copy_value(cursor.held),
    )


def _position_json(pos: Position | None) -> dict[str, Any] | None:
    return None if pos is None else {"step": pos.step, "item": pos.item, "sub": pos.sub}


def _cursor_json(cursor: Cursor | None) -> dict[str, Any] | None:
    if cursor is None:
        return None
    return {
        "dialog": cursor.dialog,
        "digest": cursor.digest,
        "pos": _position_json(cursor.pos),
        "back": [_position_json(pos) for pos in cursor.back],
        "entry": copy.deepcopy(cursor.entry),
        "edit_return": cursor.edit_return,
        "coached": list(cursor.coached),
        "held": copy.deepcopy(cursor.held),
    }


def _position(raw: dict[str, Any] | None) -> Position | None:
    return None if raw is None else Position(**raw)


def _cursor(raw: dict[str, Any] | None) -> Cursor | None:
    if raw is None:
        return None
    raw = dict(raw)
    raw["pos"] = _position(raw.get("pos"))
    raw["back"] = [Position(**item) for item in raw.get("back", [])]
    return Cursor(**raw)

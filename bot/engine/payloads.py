"""Button payloads: one closed union of what a button may do, with its one codec.

A payload travels through a platform as a short string (Telegram allows 64 bytes), so each
kind has a compact wire form. Everything that builds or reads a payload goes through
:func:`encode` and :func:`decode`; whether a decoded payload may act now is decided in one
place, :func:`bot.engine.engine.admissible`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, assert_never

AnswerKind = Literal["a", "t", "x", "e", "g", "r"]
_ANSWER_KINDS: dict[str, AnswerKind] = {"a": "a", "t": "t", "x": "x", "e": "e", "g": "g", "r": "r"}


@dataclass(frozen=True, slots=True)
class Reply:
    """A button of one question (number ``seq``): stale as soon as another question is asked.

    Attributes:
        kind: ``a`` an option or yes/no, ``t`` a tick in a multiple choice, ``x`` an action
            (keep, skip, draft …), ``e`` edit an item of a summary, ``g`` edit a group entry,
            ``r`` remove a group entry.
    """

    seq: int
    kind: AnswerKind
    value: str


@dataclass(frozen=True, slots=True)
class RunCommand:
    """A command button that works anywhere (「ジョブ・カードを作成」, language, help …)."""

    command: str


@dataclass(frozen=True, slots=True)
class OpenSection:
    """Open a dialog, as the menu does."""

    dialog: str


@dataclass(frozen=True, slots=True)
class JumpTo:
    """Open one answer of a dialog for revision (e.g. the answer a counselor commented on)."""

    dialog: str
    step: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """An outcome the service reports back to a dialog (e.g. ``booking`` / ``slot_taken``)."""

    dialog: str
    event: str


Payload = Reply | RunCommand | OpenSection | JumpTo | Outcome


def encode(payload: Payload) -> str:
    """The wire form of a payload."""
    if isinstance(payload, Reply):
        return f"{payload.seq}|{payload.kind}|{payload.value}"
    if isinstance(payload, RunCommand):
        return f"c|{payload.command}"
    if isinstance(payload, OpenSection):
        return f"m|{payload.dialog}"
    if isinstance(payload, JumpTo):
        return f"f|{payload.dialog}|{payload.step}"
    if isinstance(payload, Outcome):
        return f"e|{payload.dialog}|{payload.event}"
    assert_never(payload)


def reply_prefix(seq: int, kind: AnswerKind) -> str:
    """The wire form of ``Reply(seq, kind, value)`` up to its value: ``encode`` of such a
    reply is this prefix plus the value (a question's many options share one prefix)."""
    return f"{seq}|{kind}|"


def decode(wire: str) -> Payload | None:
    """Read a payload from its wire form; None for anything malformed (treated as stale)."""
    head, sep, rest = wire.partition("|")
    if not sep or not rest:
        return None
    if head == "c":
        return RunCommand(rest) if "|" not in rest else None
    if head == "m":
        return OpenSection(rest) if "|" not in rest else None
    if head in ("f", "e"):
        first, sep2, second = rest.partition("|")
        if not sep2 or not first or not second or "|" in second:
            return None
        return JumpTo(first, second) if head == "f" else Outcome(first, second)
    if head.isascii() and head.isdigit():
        kind, sep2, value = rest.partition("|")
        answer_kind = _ANSWER_KINDS.get(kind)
        if not sep2 or answer_kind is None:
            return None
        return Reply(int(head), answer_kind, value)
    return None

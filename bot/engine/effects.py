"""Effects: what the engine asks the service to do (the engine itself does no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.engine.localized import Lang


@dataclass(frozen=True, slots=True)
class SaveAnswer:
    """Store ``value`` as the current answer of ``dialog.field`` (the old one stays in history)."""

    dialog: str
    field: str
    value: Any


@dataclass(frozen=True, slots=True)
class ForgetAnswer:
    """Delete every stored value of ``dialog.field``, history too (a memo the person deleted)."""

    dialog: str
    field: str


@dataclass(frozen=True, slots=True)
class SetLanguage:
    """Remember the person's language."""

    lang: Lang


@dataclass(frozen=True, slots=True)
class SetConsent:
    """Record that the person agreed (or not) to their answers being stored."""

    granted: bool


@dataclass(frozen=True, slots=True)
class ExportData:
    """Send the person everything stored about them."""


@dataclass(frozen=True, slots=True)
class DeleteData:
    """Delete everything stored about the person."""


@dataclass(frozen=True, slots=True)
class MakeCard:
    """Build the person's Job Card documents and send them (PDF, preview, charts)."""


@dataclass(frozen=True, slots=True)
class Emit:
    """Run the service action ``name`` declared by a dialog question (e.g. ``create_booking``).

    The action may report an outcome back to ``dialog`` as one of its ``events``.
    ``value`` is the answer, for a question whose answer is not stored (``store: false``).
    """

    name: str
    dialog: str
    value: Any = None


Effect = (
    SaveAnswer
    | ForgetAnswer
    | SetLanguage
    | SetConsent
    | ExportData
    | DeleteData
    | MakeCard
    | Emit
)

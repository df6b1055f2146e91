"""The plain document context: sheets of labelled boxes, entries and tables, all strings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.documents.typography import wrap
from bot.jobcard import LifelinePoint, WillCanMust
from bot.jobcard.layout import GRID, SHEET_KEYS

__all__ = ["GRID", "SHEET_KEYS"]

BOX_COLUMNS = 104
"""About how many half-width characters fit on one line of a full-width box."""


@dataclass(frozen=True, slots=True)
class Field:
    """A labelled box of free text (an empty string when nothing was written)."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its heading and how many of the ``GRID`` columns it spans."""

    label: str
    span: int

    @property
    def percent(self) -> float:
        """The column's share of the table width, in percent."""
        return self.span * 100 / GRID


@dataclass(frozen=True, slots=True)
class Table:
    """A ruled table; ``blank_rows`` empty rows keep the form's look when little is written."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    blank_rows: int = 0


@dataclass(frozen=True, slots=True)
class Entry:
    """One employer on 様式2: short facts (期間, 会社名, 雇用形態) and the two text boxes."""

    number: int
    facts: tuple[Field, ...]
    fields: tuple[Field, ...]

    @property
    def keep_together(self) -> bool:
        """Whether the block fits well on one page, so it should move whole to the next page.

        A longer block is split instead: moved whole, it would leave a page almost empty.
        """
        lines = sum(len(wrap(field.text, BOX_COLUMNS)) + 3 for field in self.fields)
        return lines <= 40


@dataclass(frozen=True, slots=True)
class Part:
    """A part of a sheet: boxes of free text, numbered entries or a ruled table.

    ``key`` is the layout part's (``career_plan``, ``lifeline``, ``will_can_must`` …);
    ``caption`` the heading printed above it ("" when the sheet's heading says it all).
    """

    key: str
    caption: str = ""
    fields: tuple[Field, ...] = ()
    entries: tuple[Entry, ...] = ()
    table: Table | None = None


Density = Literal["", "compact", "dense", "densest"]
"""How tightly 様式1 is set: smaller type for long answers, so the sheet and its counselor's
box stay on one page."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet: its form number and title, and what is written on it, part by part."""

    key: str
    form: str
    title: str
    template: str
    parts: tuple[Part, ...] = ()
    consultant: Field | None = None
    note: str = ""
    density: Density = ""

    @property
    def fields(self) -> tuple[Field, ...]:
        """Every box of free text on the sheet, in order."""
        return tuple(field for part in self.parts for field in part.fields)

    @property
    def heading(self) -> str:
        """「様式2 職務経歴シート」, or the title alone for the reference page."""
        return f"{self.form} {self.title}" if self.form else self.title


@dataclass(frozen=True, slots=True)
class Charts:
    """The charts as ``data:`` URIs for ``<img>`` (an empty string when there is no chart)."""

    lifeline: str = ""
    will_can_must: str = ""


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """Everything a template, the Excel writer or the chat preview reads.

    ``inline_css`` puts the stylesheet in the page; the PDF printer brings its own instead.
    """

    name: str
    created_on: str
    sheets: tuple[Sheet, ...]
    charts: Charts
    furigana: str = ""
    inline_css: bool = True


def parse_sheets(spec: str) -> tuple[str, ...]:
    """``"1,2,3-1"`` → the sheet keys in document order; raises ValueError on an unknown one."""
    aliases = {"1-1": "1", "1-2": "1", "reference": "ref"}
    wanted = {aliases.get(part.strip(), part.strip()) for part in spec.split(",") if part.strip()}
    unknown = wanted - set(SHEET_KEYS)
    if unknown or not wanted:
        choices = ", ".join(SHEET_KEYS)
        raise ValueError(f"unknown sheet {', '.join(sorted(unknown)) or '(none)'}: use {choices}")
    return tuple(key for key in SHEET_KEYS if key in wanted)


def chart_points(points: Iterable[LifelinePoint]) -> list[LifelinePoint]:
    """The life-line points that can be drawn (both an age and a score)."""
    return [p for p in points if p.age is not None and p.score is not None]


def has_will_can_must(wcm: WillCanMust) -> bool:
    """Whether any of Will, Can, Must or their overlap was written (there is a diagram)."""
    return any((wcm.will, wcm.can, wcm.must, wcm.overlap))

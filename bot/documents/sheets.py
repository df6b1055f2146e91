"""The card laid out sheet by sheet for the documents, from the one layout in ``bot.jobcard``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.documents.context import (
    BOX_COLUMNS,
    SHEET_KEYS,
    Charts,
    Column,
    Density,
    DocumentContext,
    Entry,
    Field,
    Part,
    Sheet,
    Table,
)
from bot.documents.typography import wrap
from bot.jobcard import JobCard, card_json
from bot.jobcard import layout as card_layout
from bot.jobcard.layout import CONSULTANT_LABEL, cell_text, rows

__all__ = ["CONSULTANT_LABEL", "document_context", "full_date", "plan_density"]

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TEMPLATES = {
    "1": "sheet_1.html.j2",
    "2": "sheet_2.html.j2",
    "3-1": "sheet_3_1.html.j2",
    "3-2": "sheet_3_2.html.j2",
    "ref": "reference.html.j2",
}

# 様式1's densities, loosest first: the type size (pt), and per form the text lines that fit
# in its boxes on one page beside the header and the counselor's box, and the lines a box
# takes at least (its minimum height). Measured by printing boxes of equal length, as
# described in the README.
_DENSITIES: tuple[tuple[Density, float, dict[str, tuple[int, int]]], ...] = (
    ("", 9.5, {"1-1": (20, 5), "1-2": (20, 4)}),
    ("compact", 8.5, {"1-1": (28, 4), "1-2": (20, 4)}),
    ("dense", 7.5, {"1-1": (40, 2), "1-2": (30, 2)}),
    ("densest", 6.5, {"1-1": (48, 2), "1-2": (45, 2)}),
)


def full_date(value: str) -> str:
    """``"2026-11-22"`` → 「2026年11月22日」."""
    match = _DATE.fullmatch(value)
    return f"{match[1]}年{int(match[2])}月{int(match[3])}日" if match else value


def plan_density(texts: Sequence[str], form: str = "1-1") -> Density:
    """The loosest density at which 様式1's boxes holding ``texts`` fit on one page.

    When even the smallest type would not do (様式1-2's five boxes all near their length
    limit), the sheet is set at the usual size and continues on a second page: the
    counselor's box then goes there together with the end of the last box.
    """
    for density, size, forms in _DENSITIES:
        budget, least = forms["1-2" if form == "1-2" else "1-1"]
        columns = int(BOX_COLUMNS * 9.5 / size)
        lines = sum(max(least, len(wrap(text, columns)) if text else 0) for text in texts)
        if lines <= budget:
            return density
    return ""


def _boxes(part: card_layout.Part, row: Mapping[str, Any], *, answered_only: bool) -> Part:
    fields = tuple(
        Field(field.label.ja, cell_text(row, field, "ja") or "") for field in part.fields
    )
    if answered_only:
        fields = tuple(field for field in fields if field.text)
    caption = part.caption.ja if part.caption else ""
    return Part(part.key, caption, fields=fields)


def _entry(part: card_layout.Part, number: int, row: Mapping[str, Any]) -> Entry:
    facts = tuple(f for f in part.fields if f.kind not in ("box", "worries"))
    boxes = tuple(f for f in part.fields if f.kind in ("box", "worries"))
    return Entry(
        number,
        facts=tuple(Field(f.label.ja, cell_text(row, f, "ja") or "") for f in facts),
        fields=tuple(Field(f.label.ja, cell_text(row, f, "ja") or "") for f in boxes),
    )


def _table(part: card_layout.Part, found: list[Mapping[str, Any]]) -> Table:
    columns = tuple(Column(field.label.ja, field.span) for field in part.fields)
    cells = tuple(
        tuple(cell_text(row, field, "ja") or "" for field in part.fields) for row in found
    )
    caption = part.caption.ja if part.caption else ""
    return Table(caption, columns, cells, blank_rows=max(0, part.blank_rows - len(cells)))


def _part(part: card_layout.Part, data: Mapping[str, Any], *, reference: bool) -> Part | None:
    found = rows(part, data)
    if part.shape == "boxes":
        built = _boxes(part, found[0] if found else {}, answered_only=reference)
        return built if built.fields or not reference else None
    if part.shape == "entries":
        entries = tuple(_entry(part, number, row) for number, row in enumerate(found, 1))
        # With no entry yet, one blank block (number 0) keeps the sheet a fillable form.
        return Part(part.key, entries=entries or (_entry(part, 0, {}),))
    if reference and not found:
        return None
    return Part(part.key, part.caption.ja if part.caption else "", table=_table(part, found))


def _sheet(sheet: card_layout.Sheet, data: Mapping[str, Any]) -> Sheet:
    reference = sheet.key == "ref"
    parts = tuple(made for part in sheet.parts if (made := _part(part, data, reference=reference)))
    consultant = None
    if sheet.consultant:
        # Written only by a キャリアコンサルティング実施者, never from the person's answers.
        entry = (data.get("career_plan") or {}).get("consultant_entry")
        consultant = Field(CONSULTANT_LABEL, entry if isinstance(entry, str) else "")
    built = Sheet(
        sheet.key,
        form=f"様式{sheet.form}" if sheet.form else "",
        title=sheet.title.ja,
        template=_TEMPLATES[sheet.key],
        parts=parts,
        consultant=consultant,
        note=sheet.note.ja if sheet.note else "",
    )
    if sheet.key != "1":
        return built
    return replace(built, density=plan_density([f.text for f in built.fields], sheet.form))


def document_context(
    card: JobCard,
    sheets: Sequence[str] = SHEET_KEYS,
    *,
    charts: Charts | None = None,
) -> DocumentContext:
    """The plain context for those of ``sheets`` that apply to ``card``.

    様式1 is always there; the reference page only with something on it; someone without
    work experience gets 様式2, 3-1 and 3-2 only when they wrote something there.
    """
    data = card_json(card)
    chosen = card_layout.sheets_of(data, tuple(sheets))
    return DocumentContext(
        name=card.person.name or "",
        created_on=full_date(card.person.created_on),
        sheets=tuple(_sheet(sheet, data) for sheet in chosen),
        charts=charts or Charts(),
        furigana=card.person.furigana or "",
    )

"""The card's chat preview for someone chatting in English: the same sheets, English labels.

The documents themselves (PDF, HTML, Excel, Markdown) are the official Japanese form, whose
headings are kept verbatim. In chat, a person who reads English is shown what their card
says under the layout's English labels, so nothing in the message is Japanese but their
own answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bot.jobcard import JobCard, card_json
from bot.jobcard import layout as card_layout
from bot.jobcard.layout import cell_text, rows

EMPTY = "(blank)"
CONSULTANT = "Box for the career consultant"
CONSULTANT_EMPTY = "(written by a career consultant together with you)"


def _boxes(part: card_layout.Part, row: Mapping[str, Any]) -> Iterator[str]:
    if part.caption is not None:
        yield f"— {part.caption.en} —"
    for field in part.fields:
        yield f"{field.label.en}:\n{cell_text(row, field, 'en') or EMPTY}"


def _entries(part: card_layout.Part, found: list[Mapping[str, Any]]) -> Iterator[str]:
    if not found:
        yield EMPTY
    for number, row in enumerate(found, 1):
        facts = [f for f in part.fields if f.kind not in ("box", "worries")]
        boxes = [f for f in part.fields if f.kind in ("box", "worries")]
        shown = [text for f in facts if (text := cell_text(row, f, "en"))]
        lines = [f"{number}. " + ", ".join(shown) if shown else f"{number}. {EMPTY}"]
        lines += [f"{f.label.en}:\n{cell_text(row, f, 'en') or EMPTY}" for f in boxes]
        yield "\n".join(lines)


def _table(part: card_layout.Part, found: list[Mapping[str, Any]]) -> str:
    lines = [f"{part.caption.en}:"] if part.caption is not None else []
    for row in found:
        *facts, detail = [cell_text(row, field, "en") or "" for field in part.fields]
        lines.append("• " + " / ".join(fact.replace("\n", " ") for fact in facts if fact))
        if detail:
            lines.append("  " + detail.replace("\n", "\n  "))
    if not found:
        lines.append(EMPTY)
    return "\n".join(lines)


def _sheet(sheet: card_layout.Sheet, data: Mapping[str, Any]) -> Iterator[str]:
    yield f"[{sheet.heading('en')}]"
    for part in sheet.parts:
        found = rows(part, data)
        if part.shape == "boxes":
            yield from _boxes(part, found[0] if found else {})
        elif part.shape == "entries":
            yield from _entries(part, found)
        else:
            yield _table(part, found)
    if sheet.consultant:
        # Written only by a キャリアコンサルティング実施者, never from the person's answers.
        entry = (data.get("career_plan") or {}).get("consultant_entry")
        yield f"{CONSULTANT}:\n{entry if isinstance(entry, str) and entry else CONSULTANT_EMPTY}"


def preview_text(card: JobCard, sheets: Sequence[str]) -> str:
    """The sheets of ``card`` that apply, as plain English text for a chat message."""
    data = card_json(card)
    person = card.person
    name = (person.name or EMPTY) + (f" ({person.furigana})" if person.furigana else "")
    parts = [f"Job Card\nName: {name}\nCreated on: {person.created_on}"]
    for sheet in card_layout.sheets_of(data, tuple(sheets)):
        parts.extend(_sheet(sheet, data))
    return "\n\n".join(parts)

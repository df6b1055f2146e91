"""The card laid out as on paper: sections, entries and fields with keys, labels and texts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine import JumpTo, OpenSection, Payload
from bot.engine.localized import Lang
from bot.jobcard.layout import PERSON, Part, Sheet, all_sheets, applies, cell_text, rows

# A key names what a comment is attached to: a section (``work_history``), one entry of a
# list (``work_history.0``) or one field (``work_history.0.duties``). The same keys tell the
# chat which answer to open for revision.


@dataclass(frozen=True, slots=True)
class Cell:
    """A field as shown: its key, label and text (None when unanswered)."""

    key: str
    label: str
    text: str | None


@dataclass(frozen=True, slots=True)
class Block:
    """A section, or one entry of a list section, with its fields."""

    key: str
    title: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class SectionView:
    """A section as shown: its blocks (none for an empty list)."""

    key: str
    title: str
    blocks: tuple[Block, ...]


def _block(part: Part, key: str, title: str, row: Mapping[str, Any], lang: Lang) -> Block:
    cells = tuple(
        Cell(f"{key}.{field.name}", field.label.get(lang), cell_text(row, field, lang))
        for field in part.fields
    )
    return Block(key, title, cells)


def _entry_title(part: Part, index: int, row: Mapping[str, Any], lang: Lang) -> str:
    """「勤務先 1：みなと商事」: the entry's number, and its name when it has one."""
    assert part.item is not None
    number = f"{part.item.get(lang)} {index + 1}"
    name = row.get(part.title_field)
    if not isinstance(name, str) or not name:
        return number
    return f"{number}：{name}" if lang == "ja" else f"{number}: {name}"


def _shown(card: Mapping[str, Any]) -> list[tuple[Sheet | None, Part]]:
    """The parts the dashboard shows, each with its sheet (None for the person's header).

    The same sheets as the documents, except that the reference page's parts are always
    there: a counselor sees that the life-line or Will/Can/Must is still to be done.
    """
    shown: list[tuple[Sheet | None, Part]] = [(None, PERSON)]
    for sheet in all_sheets(card):
        if sheet.key == "ref" or applies(sheet, card):
            shown.extend((sheet, part) for part in sheet.parts)
    return shown


def _title(sheet: Sheet | None, part: Part, lang: Lang) -> str:
    if sheet is not None:
        return sheet.part_title(part, lang)
    return part.caption.get(lang) if part.caption is not None else part.key


def sections_of(card: Mapping[str, Any]) -> list[Part]:
    """The parts of ``card`` on the dashboard, in the order of the paper card."""
    return [part for _, part in _shown(card)]


def layout(card: Mapping[str, Any], lang: Lang) -> list[SectionView]:
    """Every section of ``card`` with its blocks, ready to show."""
    views: list[SectionView] = []
    for sheet, part in _shown(card):
        title = _title(sheet, part, lang)
        found = rows(part, card)
        if part.group is None:
            row = found[0] if found else {}
            views.append(SectionView(part.key, title, (_block(part, part.key, title, row, lang),)))
            continue
        blocks = tuple(
            _block(part, f"{part.key}.{index}", _entry_title(part, index, row, lang), row, lang)
            for index, row in enumerate(found)
        )
        views.append(SectionView(part.key, title, blocks))
    return views


def flatten(card: Mapping[str, Any], lang: Lang) -> dict[str, tuple[str, str | None]]:
    """Every field of ``card`` by key: (its full label, its text)."""
    flat: dict[str, tuple[str, str | None]] = {}
    for view in layout(card, lang):
        for block in view.blocks:
            prefix = view.title if block.title == view.title else f"{view.title} › {block.title}"
            for cell in block.cells:
                flat[cell.key] = (f"{prefix} › {cell.label}", cell.text)
    return flat


def targets(card: Mapping[str, Any]) -> set[str]:
    """The keys a comment may be attached to: sections, entries and fields."""
    keys: set[str] = set()
    for view in layout(card, "ja"):
        keys.add(view.key)
        for block in view.blocks:
            keys.add(block.key)
            keys.update(cell.key for cell in block.cells)
    return keys


def describe(key: str, card: Mapping[str, Any], lang: Lang) -> str:
    """A key's full name, e.g. 「様式2 職務経歴シート › 勤務先 1：… › ＜職務の内容＞」."""
    for view in layout(card, lang):
        if key == view.key:
            return view.title
        for block in view.blocks:
            prefix = view.title if block.title == view.title else f"{view.title} › {block.title}"
            if key == block.key:
                return prefix
            for cell in block.cells:
                if key == cell.key:
                    return f"{prefix} › {cell.label}"
    return key


def text_at(key: str, card: Mapping[str, Any], lang: Lang) -> str | None:
    """What ``card`` says at ``key``: a field's text, or an entry's or section's fields."""
    for view in layout(card, lang):
        for block in view.blocks:
            if key == block.key:
                colon = "：" if lang == "ja" else ": "
                lines = [f"{cell.label}{colon}{cell.text}" for cell in block.cells if cell.text]
                return "\n".join(lines) or None
            for cell in block.cells:
                if key == cell.key:
                    return cell.text
        if key == view.key:
            return "\n".join(block.title for block in view.blocks) or None
    return None


def follow_for(key: str, card: Mapping[str, Any]) -> Payload | None:
    """What opens the answer behind ``key`` for revision in chat."""
    head, _, rest = key.partition(".")
    for section in sections_of(card):
        if section.key != head:
            continue
        if section.group is not None:
            return JumpTo(section.dialog, section.group)
        field = next((f for f in section.fields if f.name == rest), None)
        if field is not None and field.step is not None:
            return JumpTo(section.dialog, field.step)
        return OpenSection(section.dialog)
    return None

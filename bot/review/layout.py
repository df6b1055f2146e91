"""The card laid out as on paper: sections, entries and fields with keys, labels and texts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine import JumpTo, OpenSection, Payload
from bot.engine.localized import Lang
from bot.review.sheets import EMPLOYMENT, Section, sections_of

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


def _month(value: Any, lang: Lang) -> str | None:
    if not isinstance(value, str):
        return None
    year, _, month = value.partition("-")
    return f"{year}年{int(month)}月" if lang == "ja" and month.isdigit() else value


def _text(row: Mapping[str, Any], name: str, lang: Lang) -> str | None:
    """A field's value as people read it."""
    if name == "period":
        start, end = _month(row.get("start"), lang), _month(row.get("end"), lang)
        if start is None and end is None:
            return None
        now = "現在" if lang == "ja" else "present"
        return f"{start or '?'} 〜 {end or now}"
    value = row.get(name)
    if value is None:
        return None
    if name == "employment_type":
        return EMPLOYMENT[value].get(lang) if value in EMPLOYMENT else str(value)
    if name == "acquired":
        planned = ("（取得予定）" if lang == "ja" else " (planned)") if row.get("planned") else ""
        return f"{_month(value, lang)}{planned}"
    if name == "age":
        return f"{value}歳" if lang == "ja" else str(value)
    if name == "score":
        return f"{value:+d}" if isinstance(value, int) else str(value)
    return str(value)


def _block(section: Section, key: str, title: str, row: Mapping[str, Any], lang: Lang) -> Block:
    cells = tuple(
        Cell(f"{key}.{field.name}", field.label.get(lang), _text(row, field.name, lang))
        for field in section.fields
    )
    return Block(key, title, cells)


def _entry_title(section: Section, index: int, row: Mapping[str, Any], lang: Lang) -> str:
    """「勤務先 1：みなと商事」: the entry's number, and its name when it has one."""
    assert section.item is not None
    number = f"{section.item.get(lang)} {index + 1}"
    name = _text(row, section.title_field, lang)
    if not name:
        return number
    return f"{number}：{name}" if lang == "ja" else f"{number}: {name}"


def layout(card: Mapping[str, Any], lang: Lang) -> list[SectionView]:
    """Every section of ``card`` with its blocks, ready to show."""
    views: list[SectionView] = []
    for section in sections_of(card):
        title = section.title.get(lang)
        value = card.get(section.key)
        if section.group is None:
            row = value if isinstance(value, Mapping) else {}
            views.append(
                SectionView(section.key, title, (_block(section, section.key, title, row, lang),))
            )
            continue
        rows = (
            [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []
        )
        blocks = tuple(
            _block(
                section,
                f"{section.key}.{index}",
                _entry_title(section, index, row, lang),
                row,
                lang,
            )
            for index, row in enumerate(rows)
        )
        views.append(SectionView(section.key, title, blocks))
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
                lines = [f"{cell.label}：{cell.text}" for cell in block.cells if cell.text]
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

"""The card as chat text and Markdown, and splitting text to the chat platforms' limits."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.documents.context import DocumentContext, Field, Part, Sheet, Table

TELEGRAM_MESSAGE_LIMIT = 4096
"""Telegram's longest message, in UTF-16 code units."""
SLACK_SECTION_LIMIT = 3000
"""Slack's longest section block text."""
SLACK_MESSAGE_BLOCKS = 50
"""Slack's most blocks in one message."""
CHAT_LIMIT = min(TELEGRAM_MESSAGE_LIMIT, SLACK_SECTION_LIMIT)
"""A text this long fits a Telegram message and a Slack section alike."""

EMPTY = "（未記入）"
CONSULTANT_EMPTY = "（キャリアコンサルタントが記入する欄です）"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&:])")


def _units(text: str) -> int:
    # Telegram counts UTF-16 code units (an emoji is two); Slack counts characters, fewer.
    return len(text.encode("utf-16-le")) // 2


def _pieces(text: str, limit: int) -> Iterator[tuple[str, str]]:
    """(separator, piece): ``text`` cut at blank lines, then line ends, then anywhere."""
    for number, block in enumerate(text.split("\n\n")):
        separator = "\n\n" if number else ""
        if _units(block) <= limit:
            yield separator, block
            continue
        for index, line in enumerate(block.split("\n")):
            before = separator if index == 0 else "\n"
            while _units(line) > limit:
                cut = limit
                while _units(line[:cut]) > limit:
                    cut -= 1
                yield before, line[:cut]
                before, line = "", line[cut:]
            yield before, line


def split_message(text: str, limit: int = CHAT_LIMIT) -> list[str]:
    """Cut ``text`` into messages of at most ``limit`` units, keeping sections together.

    Sections (separated by a blank line) stay whole when they fit; a longer one is cut at
    line ends, and a longer line anywhere. Whitespace-only pieces are dropped (platforms
    refuse empty messages); nothing else is lost.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    messages: list[str] = []
    current = ""
    for separator, piece in _pieces(text, limit):
        joined = current + separator + piece if current else piece
        if _units(joined) <= limit:
            current = joined
            continue
        messages.append(current)
        current = piece
    messages.append(current)
    return [message for message in messages if message.strip()]


def slack_messages(
    text: str, section_limit: int = SLACK_SECTION_LIMIT, max_blocks: int = SLACK_MESSAGE_BLOCKS
) -> list[list[str]]:
    """Section texts for Slack, grouped into messages of at most ``max_blocks`` sections."""
    sections = split_message(text, section_limit)
    return [sections[start : start + max_blocks] for start in range(0, len(sections), max_blocks)]


def _text_field(field: Field, empty: str = EMPTY) -> str:
    return f"■ {field.label}\n{field.text or empty}"


def _text_table(table: Table) -> str:
    lines = [f"■ {table.caption}"] if table.caption else []
    for row in table.rows:
        *facts, detail = row
        lines.append("・" + " ／ ".join(fact.replace("\n", "") for fact in facts if fact))
        if detail:
            lines.append("　" + detail.replace("\n", "\n　"))
    if not table.rows:
        lines.append(EMPTY)
    return "\n".join(lines)


def _text_part(part: Part) -> Iterator[str]:
    if part.caption and part.fields:
        yield f"◆ {part.caption}"
    yield from (_text_field(field) for field in part.fields)
    for entry in part.entries:
        period, employer, kind = (fact.text for fact in entry.facts)
        about = "・".join(piece for piece in (period, kind) if piece)
        title = f"{entry.number}. {employer or EMPTY}" if entry.number else EMPTY
        lines = [f"■ {title}" + (f"（{about}）" if about else "")]
        lines += [f"{field.label}\n{field.text or EMPTY}" for field in entry.fields]
        yield "\n".join(lines)
    if part.table is not None:
        yield _text_table(part.table)


def _text_sheet(sheet: Sheet) -> Iterator[str]:
    yield f"【{sheet.heading}】"
    for part in sheet.parts:
        yield from _text_part(part)
    if sheet.consultant is not None:
        yield _text_field(sheet.consultant, CONSULTANT_EMPTY)


def _name(doc: DocumentContext) -> str:
    """「山田 太郎（やまだ たろう）」: the name with its ふりがな."""
    return (doc.name or EMPTY) + (f"（{doc.furigana}）" if doc.furigana else "")


def render_text(doc: DocumentContext) -> str:
    """Plain text for chat (answers as written: chat platforms show them as plain text)."""
    parts = [f"ジョブ・カード\n氏名：{_name(doc)}　作成日：{doc.created_on}"]
    for sheet in doc.sheets:
        parts.extend(_text_sheet(sheet))
    return "\n\n".join(parts)


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown and HTML character escaped, so it reads literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _md_text(text: str) -> str:
    # Two trailing spaces keep the writer's own line breaks as breaks.
    return "  \n".join(escape_markdown(line) for line in text.split("\n")) if text else EMPTY


def _md_cell(text: str) -> str:
    return "<br>".join(escape_markdown(line) for line in text.split("\n"))


def _md_sheet(sheet: Sheet) -> Iterator[str]:
    yield f"## {escape_markdown(sheet.heading)}"
    if sheet.note:
        yield f"*{escape_markdown(sheet.note)}*"
    for part in sheet.parts:
        yield from _md_part(part)
    if sheet.consultant is not None:
        field = sheet.consultant
        yield f"### {escape_markdown(field.label)}\n\n{_md_text(field.text)}"


def _md_part(part: Part) -> Iterator[str]:
    # Boxes under a caption are a level down, as a table's rows are under its caption.
    level = "####" if part.caption else "###"
    if part.caption and part.fields:
        yield f"### {escape_markdown(part.caption)}"
    for field in part.fields:
        yield f"{level} {escape_markdown(field.label)}\n\n{_md_text(field.text)}"
    for entry in part.entries:
        facts = "\n".join(f"- {fact.label}：{escape_markdown(fact.text)}" for fact in entry.facts)
        yield f"### {entry.number or ''}\n\n{facts}".replace("### \n", "### —\n")
        for field in entry.fields:
            yield f"#### {escape_markdown(field.label)}\n\n{_md_text(field.text)}"
    if part.table is not None:
        table = part.table
        rows = [
            "| " + " | ".join(escape_markdown(c.label) for c in table.columns) + " |",
            "|" + "---|" * len(table.columns),
            *("| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in table.rows),
        ]
        caption = f"### {escape_markdown(table.caption)}\n\n" if table.caption else ""
        yield caption + "\n".join(rows)


def render_markdown(doc: DocumentContext) -> str:
    """Markdown of the card (every answer escaped: no link, tag or heading from an answer)."""
    parts = [
        "# ジョブ・カード",
        f"- 氏名：{escape_markdown(doc.name)}"
        + (f"（{escape_markdown(doc.furigana)}）" if doc.furigana else "")
        + f"\n- 作成日：{escape_markdown(doc.created_on)}",
    ]
    for sheet in doc.sheets:
        parts.extend(_md_sheet(sheet))
    return "\n\n".join(parts) + "\n"

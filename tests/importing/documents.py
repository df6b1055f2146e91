"""Word and PDF files made from corpus texts, as people would send them (built in the test)."""

from __future__ import annotations

import html
import io

import docx

from bot.documents.typography import FONT_FAMILY, font_url


def as_docx(text: str) -> bytes:
    """A Word file: each line a paragraph, and runs of tab-separated lines as a real table."""
    document = docx.Document()
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        if "\t" not in lines[index]:
            document.add_paragraph(lines[index])
            index += 1
            continue
        # A table cell may hold several lines (「2010年4月」「～」「2015年3月」): a row starts at
        # a line with a tab, and lines without one before it belong to its first cell.
        rows: list[list[str]] = []
        while index < len(lines) and (lines[index] == "" or "\t" in lines[index]):
            rows.append(lines[index].split("\t"))
            index += 1
        width = max(len(row) for row in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def as_pdf(text: str) -> bytes:
    """A PDF with a text layer (WeasyPrint, the Japanese font embedded), one line a paragraph."""
    import weasyprint

    paragraphs = "".join(f"<p>{html.escape(line) or '&nbsp;'}</p>" for line in text.split("\n"))
    face = f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{font_url()}"); }}'
    body = f'body {{ font-family: "{FONT_FAMILY}"; font-size: 10pt; }}'
    style = f"{face} {body} p {{ margin: 0; white-space: pre-wrap; }}"
    page = f"<html><head><style>{style}</style></head><body>{paragraphs}</body></html>"
    return weasyprint.HTML(string=page).write_pdf()


def image_pdf() -> bytes:
    """A PDF with no text layer, like a scan: only a drawn box."""
    import weasyprint

    page = '<html><body><div style="width:150mm;height:200mm;background:#ddd"></div></body></html>'
    return weasyprint.HTML(string=page).write_pdf()

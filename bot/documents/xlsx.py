"""Excel workbook of the card: one worksheet per sheet, ruled like the forms, printing on A4."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.documents.context import GRID, DocumentContext, Entry, Field, Sheet, Table
from bot.documents.typography import display_width, wrap

FONT_NAME = "游ゴシック"
COLUMN_WIDTH = 8.0
LINE_HEIGHT = 13.5  # points per line of 10pt text
MAX_LINES = 26  # Excel rows stop at 409 points: longer text continues in the next row
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LABEL, LABEL_CENTER, TEXT = "jobcard-label", "jobcard-label-center", "jobcard-text"
FORM, TITLE, CAPTION, NOTE = "jobcard-form", "jobcard-title", "jobcard-caption", "jobcard-note"


def _styles() -> list[NamedStyle]:
    """The workbook's few cell styles, registered once: assigning a named style is cheap,
    while setting font, border and fill one by one hashes each style object again."""
    thin = Side(style="thin", color="000000")
    ruled = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="EEEEEE")
    top = Alignment(wrap_text=True, vertical="top", horizontal="left")
    center = Alignment(wrap_text=True, vertical="center", horizontal="center")
    left = Alignment(wrap_text=True, vertical="center", horizontal="left")
    font = Font(name=FONT_NAME, size=10)
    bold = Font(name=FONT_NAME, size=10, bold=True)
    return [
        NamedStyle(LABEL, font=bold, border=ruled, fill=fill, alignment=left),
        NamedStyle(LABEL_CENTER, font=bold, border=ruled, fill=fill, alignment=center),
        NamedStyle(TEXT, font=font, border=ruled, alignment=top),
        NamedStyle(FORM, font=font, border=ruled, alignment=center),
        NamedStyle(TITLE, font=Font(name=FONT_NAME, size=14, bold=True), alignment=center),
        NamedStyle(CAPTION, font=Font(name=FONT_NAME, size=11, bold=True)),
        NamedStyle(NOTE, font=Font(name=FONT_NAME, size=9), alignment=left),
    ]


def literal(cell: Cell | MergedCell, text: str) -> None:
    """Write ``text`` as text, never as a formula (``=HYPERLINK(…)``, ``+cmd``, ``@SUM``).

    openpyxl stores a string starting with "=" as a formula: the type is set back to
    string, and the quote prefix makes Excel keep it as text even when the cell is edited.
    Control characters that a workbook cannot hold are dropped.
    """
    clean = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = clean
    cell.data_type = "s"
    if clean.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _capacity(span: int) -> int:
    # Half-width characters on one line of a cell ``span`` grid columns wide.
    return max(4, int(span * COLUMN_WIDTH) - 2)


def _lines(text: str, span: int) -> int:
    return max(1, len(wrap(text, _capacity(span)))) if text else 1


def chunks(text: str, span: int, max_lines: int = MAX_LINES) -> list[str]:
    """``text`` cut into pieces that each fit one row, at line ends where possible."""
    width = _capacity(span)
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for paragraph in text.split("\n"):
        rest = paragraph
        while True:
            needed = max(1, len(wrap(rest, width)))
            if used + needed <= max_lines:
                current.append(rest)
                used += needed
                break
            room = max_lines - used
            if room > 0:
                head, rest = _cut_columns(rest, room * (width - 2))
                current.append(head)
            pieces.append("\n".join(current))
            current, used = [], 0
    pieces.append("\n".join(current))
    return [piece for piece in pieces if piece.strip()] or [""]


def _cut_columns(text: str, columns: int) -> tuple[str, str]:
    used = 0
    for index, char in enumerate(text):
        used += display_width(char)
        if used > columns:
            return text[:index], text[index:]
    return text, ""


CellSpec = tuple[str, int, bool]
"""A cell of a row: its text, how many grid columns it spans, whether it is a label."""


class _SheetWriter:
    """Writes rows of merged, ruled cells on one worksheet, top to bottom."""

    def __init__(self, worksheet: Worksheet) -> None:
        self.ws = worksheet
        self.row = 1
        for column in range(1, GRID + 1):
            worksheet.column_dimensions[get_column_letter(column)].width = COLUMN_WIDTH

    def line(self, cells: Sequence[CellSpec], *, min_lines: int = 1) -> None:
        """One row of cells, as tall as its longest text."""
        column, lines = 1, min_lines
        for text, span, label in cells:
            style = (LABEL_CENTER if span <= 3 else LABEL) if label else TEXT
            self.put(column, span, text, style)
            lines = max(lines, _lines(text, span))
            column += span
        self.ws.row_dimensions[self.row].height = lines * LINE_HEIGHT + 5
        self.row += 1

    def long_text(self, cells: Sequence[tuple[str, int]], *, min_lines: int = 1) -> None:
        """Rows of answers: a text too long for one row continues in the rows below."""
        parts = [chunks(text, span) for text, span in cells]
        for index in range(max(len(part) for part in parts)):
            row = [
                (part[index] if index < len(part) else "", span, False)
                for part, (_, span) in zip(parts, cells, strict=True)
            ]
            self.line(row, min_lines=min_lines)

    def single(self, text: str, style: str, *, span: int = 1, height: float = 18) -> None:
        """A row holding one cell (a form number, title, caption or remark)."""
        self.put(1, span, text, style)
        self.ws.row_dimensions[self.row].height = height
        self.row += 1

    def skip(self, height: float = 8) -> None:
        """An empty spacer row."""
        self.ws.row_dimensions[self.row].height = height
        self.row += 1

    def put(self, column: int, span: int, text: str, style: str, *, rows: int = 1) -> None:
        """``text`` in a cell merged over ``span`` columns and ``rows`` rows from here."""
        cell = self.ws.cell(self.row, column)
        cell.style = style  # first: a named style replaces the quote prefix ``literal`` sets
        literal(cell, text)
        if span == 1 and rows == 1:
            return
        last_row, last_column = self.row + rows - 1, column + span - 1
        coord = f"{cell.coordinate}:{get_column_letter(last_column)}{last_row}"
        # Merged by hand: openpyxl's merge_cells re-derives the edge borders style object by
        # style object, which took most of the workbook's time. Every covered cell gets the
        # same named style, so the merged box is ruled all round.
        self.ws.merged_cells.add(MergedCellRange(self.ws, coord))
        for row in range(self.row, last_row + 1):
            for col in range(column, last_column + 1):
                if (row, col) != (self.row, column):
                    covered = MergedCell(self.ws, row, col)
                    covered.style = style
                    self.ws._cells[row, col] = covered


def _header(writer: _SheetWriter, doc: DocumentContext, sheet: Sheet) -> None:
    writer.single(sheet.form, FORM if sheet.form else NOTE)
    writer.single(sheet.title, TITLE, span=GRID, height=30)
    if doc.furigana:
        writer.line([("ふりがな", 2, True), (doc.furigana, 10, False)])
    person = [
        ("氏名", 2, True),
        (doc.name, 5, False),
        ("作成日", 2, True),
        (doc.created_on, 3, False),
    ]
    writer.line(person)
    writer.skip()


def _field(writer: _SheetWriter, field: Field, min_lines: int) -> None:
    writer.line([(field.label, GRID, True)])
    writer.long_text([(field.text, GRID)], min_lines=min_lines)


def _entry(writer: _SheetWriter, entry: Entry) -> None:
    period, employer, kind = entry.facts
    first = writer.row
    facts = [(period.label, 2, True), (period.text, 4, False), (kind.label, 2, True)]
    writer.line([("", 1, True), *facts, (kind.text, 3, False)])
    writer.line([("", 1, True), (employer.label, 2, True), (employer.text, 9, False)])
    # The employer's number spans both rows of facts, as on the form.
    writer.row = first
    writer.put(1, 1, str(entry.number or ""), LABEL_CENTER, rows=2)
    writer.row = first + 2
    for field in entry.fields:
        _field(writer, field, min_lines=4)
    writer.skip()


def _table(writer: _SheetWriter, table: Table) -> None:
    if table.caption:
        writer.single(table.caption, CAPTION, span=GRID, height=22)
    writer.line([(column.label, column.span, True) for column in table.columns])
    spans = [column.span for column in table.columns]
    for row in table.rows:
        writer.long_text(list(zip(row, spans, strict=True)), min_lines=2)
    for _ in range(table.blank_rows):
        writer.long_text([("", span) for span in spans], min_lines=2)
    writer.skip()


def _print_setup(ws: Worksheet, doc: DocumentContext, sheet: Sheet, last_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.7, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.print_area = f"A1:{get_column_letter(GRID)}{last_row}"
    ws.sheet_view.showGridLines = False
    # "&" starts a code in Excel's header and footer: a name's own "&" is doubled.
    header, footer = ws.oddHeader, ws.oddFooter
    assert header is not None and footer is not None
    header.left.text = sheet.heading.replace("&", "&&")
    header.right.text = ("氏名：" + doc.name[:60]).replace("&", "&&")
    footer.center.text = "&P / &N"


def render_xlsx(doc: DocumentContext) -> bytes:
    """The workbook as .xlsx bytes: one worksheet per sheet, named 「様式2」 etc."""
    workbook = Workbook()
    for style in _styles():
        workbook.add_named_style(style)
    for index, sheet in enumerate(doc.sheets):
        ws = workbook.active if index == 0 else workbook.create_sheet()
        assert ws is not None
        ws.title = sheet.form or "参考"
        writer = _SheetWriter(ws)
        _header(writer, doc, sheet)
        if sheet.note:
            writer.single(sheet.note, NOTE, span=GRID)
        for part in sheet.parts:
            if part.caption and part.fields:
                writer.single(part.caption, CAPTION, span=GRID, height=22)
            for field in part.fields:
                _field(writer, field, min_lines=6 if sheet.key == "1" else 2)
            for entry in part.entries:
                _entry(writer, entry)
            if part.table is not None:
                _table(writer, part.table)
        if sheet.consultant is not None:
            _field(writer, sheet.consultant, min_lines=6)
        _print_setup(ws, doc, sheet, writer.row - 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

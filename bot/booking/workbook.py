"""Report tables as an Excel workbook a centre can send: laid out like its FY report.

Counts are numbers and 対前年 a percentage number format (never text such as '116%'); a
title and what the table covers (年度, センター名, 集計期間, 作成日) come first; the header is
frozen, every cell ruled, total rows bold, and the sheet prints on A4 landscape, one page
wide, with the title and header repeated on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.booking.reports import Percent, Table
from bot.csvfile import safe_cell

FONT = "游ゴシック"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0%"
_THIN = Side(style="thin", color="000000")
_RULED = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")


def write_xlsx(tables: Sequence[Table], path: Path) -> None:
    """Write one worksheet per table to ``path``."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for table in tables:
        _sheet(workbook.create_sheet(_sheet_name(table.title)), table)
    workbook.save(path)


def _sheet_name(title: str) -> str:
    # Excel refuses sheet names over 31 characters or with []:*?/\ in them.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "report"


def _sheet(sheet: Worksheet, table: Table) -> None:
    width = len(table.header)
    sheet.append([table.title])
    sheet.cell(row=1, column=1).font = Font(name=FONT, size=14, bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    info = "　".join(f"{label}：{value}" for label, value in table.info)
    sheet.append([info])
    sheet.cell(row=2, column=1).font = Font(name=FONT, size=10)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    header_row = 3
    sheet.append(table.header)
    for heading in sheet[header_row]:
        heading.font = Font(name=FONT, size=10, bold=True)
        heading.fill = _HEADER_FILL
        heading.border = _RULED
        heading.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index, row in enumerate(table.rows):
        sheet.append([_value(value) for value in row])
        number = header_row + 1 + index
        total = index in table.totals
        for column, value in enumerate(row, 1):
            cell = sheet.cell(row=number, column=column)
            cell.border = _RULED
            cell.font = Font(name=FONT, size=10, bold=total)
            if total:
                cell.fill = _TOTAL_FILL
            if isinstance(value, Percent):
                cell.number_format = PERCENT_FORMAT
            elif isinstance(value, int):
                cell.number_format = COUNT_FORMAT
            if isinstance(value, str):
                cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
            else:
                cell.alignment = Alignment(horizontal="right", vertical="center")
    _widths(sheet, table)
    sheet.freeze_panes = f"B{header_row + 1}"
    _print_setup(sheet, header_row)


def _value(value: object) -> object:
    """What goes into a cell: numbers as numbers, text that looks like a formula as text."""
    if isinstance(value, Percent):
        return float(value.ratio)
    if value is None or isinstance(value, int):
        return value
    return safe_cell(str(value))


def _widths(sheet: Worksheet, table: Table) -> None:
    for column, heading in enumerate(table.header, 1):
        longest = max(
            [
                _text_width(heading),
                *(_text_width(str(row[column - 1] or "")) for row in table.rows),
            ]
        )
        sheet.column_dimensions[get_column_letter(column)].width = min(max(longest + 2, 8), 60)


def _text_width(text: str) -> int:
    # Full-width characters take two columns in Excel's width unit.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _print_setup(sheet: Worksheet, header_row: int) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"1:{header_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.print_options.horizontalCentered = True

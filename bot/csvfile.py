"""The one CSV writer: UTF-8 with a BOM for Excel, and no cell Excel would run as a formula.

Every CSV the product writes (reports, cohort exports, dashboard downloads) goes through
:func:`csv_text`. Excel on Japanese Windows reads a CSV without a byte-order mark as
Shift_JIS and garbles it; with one it reads UTF-8. A text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return would be taken as a formula (a participant
naming themselves ``=HYPERLINK(…)``): it is prefixed with a single quote, as OWASP's CSV
injection guidance says, so it shows as typed and never runs. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | None


def safe_cell(value: Cell) -> str | int | float | Decimal:
    """A cell as written: None is empty, numbers as they are, risky text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int to Python, but not a count
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> str:
    """The whole file as text: BOM, header, rows, CRLF line ends (write it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(value) for value in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return BOM + buffer.getvalue()


def csv_bytes(header: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The whole file as UTF-8 bytes with the BOM (for downloads)."""
    return csv_text(header, rows).encode("utf-8")

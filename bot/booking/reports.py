"""The centre's reports: held consultations per place and month, and the survey tallies.

What is counted: bookings a counselor marked ``held`` (``jobcard bookings mark ID held``),
by the Japan-time month of their start and by place; the centre's row is split into 対面 and
オンライン by the booking's mode. Cancelled, rescheduled and no-show bookings are not
counted, and neither are bookings not yet marked. A person who deletes their data takes
their bookings with them, so figures for past months can fall after a deletion.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.booking.calendar import at_jst, fiscal_months, jst, reiwa
from bot.booking.config import BookingConfig
from bot.booking.texts import SURVEY_QUESTIONS
from storage.booking import BookingRow, BookingSurveyRow

Cell = int | str | None
_SPLIT_LABELS = {"in_person": "(内、対面)", "online": "(内、オンライン)"}


@dataclass(frozen=True, slots=True)
class Table:
    """A report table: a header row and rows of cells (None is an empty cell)."""

    header: list[str]
    rows: list[list[Cell]]


def _held(session: Session, year: int) -> Counter[tuple[str, str, int, int]]:
    """Held consultations of fiscal year ``year`` by (location, mode, year, month)."""
    start, end = at_jst(date(year, 4, 1), time(0)), at_jst(date(year + 1, 4, 1), time(0))
    rows = session.execute(
        select(BookingRow.location_id, BookingRow.mode, BookingRow.starts_at).where(
            BookingRow.status == "held", BookingRow.starts_at >= start, BookingRow.starts_at < end
        )
    )
    counts: Counter[tuple[str, str, int, int]] = Counter()
    for location, mode, starts_at in rows:
        local = jst(starts_at)
        counts[(location, mode, local.year, local.month)] += 1
    return counts


def _percent(current: int, previous: int) -> str | None:
    if previous == 0:
        return None
    ratio = (Decimal(current) * 100 / Decimal(previous)).quantize(Decimal(1), ROUND_HALF_UP)
    return f"{ratio}%"


def consultations_table(session: Session, config: BookingConfig, year: int, today: date) -> Table:
    """The monthly table of seed 000 for fiscal ``year``, as of ``today``.

    Months that have not begun are left empty. The 総計 column of 対前年 compares the months
    reported so far with the same months of the previous year.
    """
    months = fiscal_months(year)
    begun = [date(y, m, 1) <= today for y, m in months]
    current, previous = _held(session, year), _held(session, year - 1)
    header = ["ハローワーク", *(f"{y}/{m:02d}" for y, m in months), "総計"]

    def row(label: str, locations: Sequence[str], modes: Sequence[str]) -> list[Cell]:
        values = [
            sum(current[(loc, mode, y, m)] for loc in locations for mode in modes)
            if started
            else None
            for (y, m), started in zip(months, begun, strict=True)
        ]
        return [label, *values, sum(v or 0 for v in values)]

    known = {location.id for location in config.locations}
    extra = sorted({key[0] for key in current} - known)
    # Seed 000's layout: the Hello Work corners first, then the centre split by mode.
    ordered = sorted(config.locations, key=lambda location: len(location.modes) > 1)
    rows: list[list[Cell]] = []
    for location in ordered:
        rows.append(row(location.report_label, [location.id], ["in_person", "online"]))
        if len(location.modes) > 1:
            rows.extend(row(_SPLIT_LABELS[mode], [location.id], [mode]) for mode in location.modes)
    rows.extend(row(location_id, [location_id], ["in_person", "online"]) for location_id in extra)
    everywhere = [*(location.id for location in config.locations), *extra]
    total = row("総計", everywhere, ["in_person", "online"])
    before = [sum(n for key, n in previous.items() if key[2:] == (y - 1, m)) for y, m in months]
    rows += [total, [f"R{reiwa(year - 1)}実績", *before, sum(before)]]
    ratios: list[Cell] = [
        _percent(int(now), then) if now is not None else None
        for now, then in zip(total[1:-1], before, strict=True)
    ]
    so_far = sum(then for then, started in zip(before, begun, strict=True) if started)
    rows.append(["対前年 (%)", *ratios, _percent(int(total[-1] or 0), so_far)])
    return Table(header, rows)


def survey_table(session: Session, start: datetime | None, end: datetime | None) -> Table:
    """Survey answers counted per question and option, with the number of responses."""
    query = select(BookingSurveyRow)
    if start is not None:
        query = query.where(BookingSurveyRow.answered_at >= start)
    if end is not None:
        query = query.where(BookingSurveyRow.answered_at < end)
    answers = list(session.scalars(query))
    rows: list[list[Cell]] = [["回答数 (n)", "", len(answers)]]
    for question, field, options in SURVEY_QUESTIONS:
        counts = Counter(getattr(answer, field) for answer in answers)
        rows.extend([question, label, counts[value]] for value, label in options.items())
    return Table(["質問", "回答", "件数"], rows)


def to_markdown(table: Table) -> str:
    """A Markdown table (numbers right-aligned)."""

    def cell(value: Cell) -> str:
        return "" if value is None else str(value)

    lines = [
        "| " + " | ".join(table.header) + " |",
        "|" + "|".join([":--", *("--:" for _ in table.header[1:])]) + "|",
    ]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def to_csv(table: Table) -> str:
    """CSV text (UTF-8; open with a BOM-aware reader in Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows(["" if value is None else value for value in row] for row in table.rows)
    return buffer.getvalue()


def to_xlsx(table: Table, path: Path, title: str) -> None:
    """An Excel workbook with one sheet holding the table (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(table.header)
    for row in table.rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    sheet.column_dimensions["A"].width = 18
    workbook.save(path)

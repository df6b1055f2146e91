"""The centre's reports: held consultations per place and month, and the survey tallies.

What is counted: bookings a counselor marked ``held`` (``jobcard bookings mark ID held``),
by the Japan-time month of their start and by place; the centre's row is split into 対面 and
オンライン by the booking's mode. Cancelled, rescheduled and no-show bookings are not
counted, and neither are bookings not yet marked. A person who deletes their data takes
their bookings with them, so figures for past months can fall after a deletion.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.booking.calendar import at_jst, fiscal_months, jst, reiwa
from bot.booking.config import BookingConfig
from bot.booking.texts import SURVEY_QUESTIONS
from bot.csvfile import csv_text
from storage.booking import BookingRow, BookingSurveyRow

_SPLIT_LABELS = {"in_person": "(内、対面)", "online": "(内、オンライン)"}


@dataclass(frozen=True, slots=True)
class Percent:
    """A ratio shown as a whole percentage (「116%」); a number, not text, in Excel."""

    ratio: Decimal

    def __str__(self) -> str:
        whole = (self.ratio * 100).quantize(Decimal(1), ROUND_HALF_UP)
        return f"{whole}%"


Cell = int | str | Percent | None


@dataclass(frozen=True, slots=True)
class Table:
    """A report table: a header row and rows of cells (None is an empty cell).

    Attributes:
        title: The report's name, as on the centre's report.
        info: What the table covers, as label and value (年度, センター名, 集計期間, 作成日).
        totals: The indexes of rows that are totals (printed bold).
    """

    header: list[str]
    rows: list[list[Cell]]
    title: str = ""
    info: tuple[tuple[str, str], ...] = ()
    totals: frozenset[int] = frozenset()


def _held(session: Session, year: int, until: datetime) -> Counter[tuple[str, str, int, int]]:
    """Held consultations of fiscal year ``year`` started before ``until``, by place, mode
    and Japan-time month."""
    start = at_jst(date(year, 4, 1), time(0))
    end = min(at_jst(date(year + 1, 4, 1), time(0)), until)
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


def _percent(current: int, previous: int) -> Percent | None:
    if previous == 0:
        return None
    return Percent(Decimal(current) / Decimal(previous))


def _month_label(year: int, month: int) -> str:
    return f"{year}年{month}月"


def consultations_table(
    session: Session,
    config: BookingConfig,
    year: int,
    today: date,
    *,
    through: tuple[int, int] | None = None,
    made_on: date | None = None,
) -> Table:
    """The monthly table of seed 000 for fiscal ``year``, as of ``today``.

    Months that have not begun by ``today``, or come after ``through`` (year, month), are
    left empty, as in the centre's report; only consultations started by the end of
    ``today`` count. The 総計 column of 対前年 compares the months shown with the same
    months of the previous year. ``made_on`` (default ``today``) is the 作成日.
    """
    months = fiscal_months(year)
    shown = [date(y, m, 1) <= today and (through is None or (y, m) <= through) for y, m in months]
    until = at_jst(today + timedelta(days=1), time(0))
    current, previous = _held(session, year, until), _held(session, year - 1, until)
    header = ["ハローワーク", *(f"{y}/{m:02d}" for y, m in months), "総計"]

    def row(label: str, locations: Sequence[str], modes: Sequence[str]) -> list[Cell]:
        values = [
            sum(current[(loc, mode, y, m)] for loc in locations for mode in modes)
            if started
            else None
            for (y, m), started in zip(months, shown, strict=True)
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
        _percent(now, then) if isinstance(now, int) else None
        for now, then in zip(total[1:-1], before, strict=True)
    ]
    so_far = sum(then for then, started in zip(before, shown, strict=True) if started)
    reported = sum(now for now in total[1:-1] if isinstance(now, int))
    rows.append(["対前年 (%)", *ratios, _percent(reported, so_far)])
    last = max((i for i, started in enumerate(shown) if started), default=None)
    period = "—" if last is None else f"{_month_label(year, 4)}〜{_month_label(*months[last])}"
    made_on = made_on or today
    if made_on != today:
        period += f"（{today.year}年{today.month}月{today.day}日現在）"
    info = (
        ("年度", f"令和{reiwa(year)}年度（{year}年度）"),
        ("センター名", config.locations[0].name.ja),
        ("集計期間", period),
        ("作成日", f"{made_on.year}年{made_on.month}月{made_on.day}日"),
    )
    title = f"R{reiwa(year)}年度 キャリアコンサルティング実績（人数）"
    return Table(header, rows, title, info, frozenset({len(rows) - 3}))


def survey_table(
    session: Session, start: datetime | None, end: datetime | None, *, title: str = ""
) -> Table:
    """Survey answers per question (worded as on the form) and option, with their share."""
    query = select(BookingSurveyRow)
    if start is not None:
        query = query.where(BookingSurveyRow.answered_at >= start)
    if end is not None:
        query = query.where(BookingSurveyRow.answered_at < end)
    answers = list(session.scalars(query))
    total = len(answers)
    rows: list[list[Cell]] = [["回答数", "", total, None]]
    for question, field, options in SURVEY_QUESTIONS:
        counts = Counter(getattr(answer, field) for answer in answers)
        rows.extend(
            [question, label, counts[value], _percent(counts[value], total)]
            for value, label in options.items()
        )
    return Table(
        ["質問", "回答", "件数", "割合"],
        rows,
        title or "キャリアコンサルティング後のアンケート結果",
        (),
        frozenset({0}),
    )


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
    """CSV text for Excel (BOM, formulas neutralised: see ``bot.csvfile``)."""
    rows = [[str(v) if isinstance(v, Percent) else v for v in row] for row in table.rows]
    return csv_text(table.header, rows)

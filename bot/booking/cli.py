"""``jobcard bookings`` (list, show, mark) and ``jobcard report`` (consultations, survey)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.booking import ledger, reports
from bot.booking.calendar import at_jst, jst, reiwa
from bot.booking.config import BookingConfig, BookingConfigError, load_config
from bot.config import Settings, add_db_option, load_settings
from bot.service import utc_now
from storage import ensure_schema, make_engine, make_session_factory
from storage.booking import BookingRow
from storage.migrate import SchemaOutdatedError

_OUTCOMES = {"held": "held", "no-show": "no_show"}
_MODES = {"in_person": "対面", "online": "オンライン"}


def register(subparsers: Any) -> None:
    """Add the ``bookings`` and ``report`` commands to the ``jobcard`` parser."""
    bookings = subparsers.add_parser("bookings", help="consultation bookings (for counselors)")
    commands = bookings.add_subparsers(dest="bookings_command", required=True)
    listing = commands.add_parser("list", help="list bookings (from today on, by default)")
    listing.add_argument("--date", type=date.fromisoformat, help="only this day (YYYY-MM-DD)")
    listing.add_argument("--location", help="place id, report name (横浜) or part of its name")
    listing.add_argument("--status", help="booked, held, no_show, cancelled or rescheduled")
    add_db_option(listing)
    show = commands.add_parser("show", help="one booking with the note and attached Job Card")
    show.add_argument("id", type=int)
    add_db_option(show)
    mark = commands.add_parser("mark", help="record that a consultation was held or missed")
    mark.add_argument("id", type=int)
    mark.add_argument("outcome", choices=sorted(_OUTCOMES))
    add_db_option(mark)

    report = subparsers.add_parser("report", help="the centre's monthly figures")
    kinds = report.add_subparsers(dest="report_command", required=True)
    table = kinds.add_parser("consultations", help="held consultations per place and month")
    table.add_argument("--fiscal-year", type=int, required=True, help="e.g. 2025 (令和7年度)")
    table.add_argument("--format", choices=["md", "csv", "xlsx"], default="md")
    table.add_argument("-o", "--output", type=Path, help="file to write (needed for xlsx)")
    add_db_option(table)
    survey = kinds.add_parser("survey", help="post-consultation survey tallies")
    survey.add_argument("--fiscal-year", type=int, help="only answers of this fiscal year")
    survey.add_argument("--format", choices=["md", "csv"], default="md")
    add_db_option(survey)


def dispatch(
    args: argparse.Namespace, settings: Settings, now: datetime | None = None
) -> int | None:
    """Run a ``bookings`` or ``report`` command; None if ``args`` is another command's."""
    if args.command not in ("bookings", "report"):
        return None
    try:
        config = load_config(settings.environ)
    except BookingConfigError as exc:
        print(f"jobcard: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        try:
            ensure_schema(engine)
        except SchemaOutdatedError as exc:
            print(f"jobcard: {exc}", file=sys.stderr)
            return 2
        sessions = make_session_factory(engine)
        moment = now or utc_now()
        # Only marking writes; reports and lists read (on SQLite they never wait for a writer).
        writes = args.command == "bookings" and args.bookings_command == "mark"
        with sessions.begin() if writes else sessions() as session:
            if args.command == "report":
                return _report(args, session, config, jst(moment).date())
            if args.bookings_command == "list":
                return _list(args, session, config, moment)
            if args.bookings_command == "show":
                return _show(args, session, config)
            return _mark(args, session, moment)
    finally:
        engine.dispose()


def _location_ids(config: BookingConfig, wanted: str) -> set[str]:
    folded = wanted.casefold()
    return {
        location.id
        for location in config.locations
        if folded in (location.id.casefold(), location.report_label.casefold())
        or wanted in location.name.ja
    }


def _list(args: argparse.Namespace, session: Session, config: BookingConfig, now: datetime) -> int:
    query = select(BookingRow).order_by(BookingRow.starts_at, BookingRow.location_id)
    first = args.date or jst(now).date()
    query = query.where(BookingRow.starts_at >= at_jst(first, time(0)))
    if args.date:
        query = query.where(BookingRow.starts_at < at_jst(first + timedelta(days=1), time(0)))
    if args.location:
        ids = _location_ids(config, args.location)
        if not ids:
            print(f"jobcard: no place matches '{args.location}'", file=sys.stderr)
            return 1
        query = query.where(BookingRow.location_id.in_(ids))
    if args.status:
        query = query.where(BookingRow.status == args.status.replace("-", "_"))
    rows = session.scalars(query).all()
    print("| ID | 日時 | 場所 | 方法 | 相談員 | 状態 | 相談者 | 目的 | JC |")
    print("|--:|:--|:--|:--|:--|:--|:--|:--|:--|")
    for row in rows:
        start, end = jst(row.starts_at), jst(row.ends_at)
        place = _place(config, row.location_id)
        cells = [
            str(row.id),
            f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}",
            place,
            _MODES.get(row.mode, row.mode),
            row.counselor_id,
            row.status,
            row.person_id,
            row.purpose or "",
            "✓" if row.jobcard else "",
        ]
        print("| " + " | ".join(cells) + " |")
    print(f"{len(rows)} booking(s)")
    return 0


def _place(config: BookingConfig, location_id: str) -> str:
    try:
        return config.location(location_id).report_label
    except KeyError:
        return location_id


def _show(args: argparse.Namespace, session: Session, config: BookingConfig) -> int:
    row = session.get(BookingRow, args.id)
    if row is None:
        print(f"jobcard: there is no booking {args.id}", file=sys.stderr)
        return 1
    data = {
        "id": row.id,
        "person": row.person_id,
        "starts_at": jst(row.starts_at).isoformat(),
        "ends_at": jst(row.ends_at).isoformat(),
        "place": _place(config, row.location_id),
        "mode": row.mode,
        "counselor": row.counselor_id,
        "status": row.status,
        "purpose": row.purpose,
        "note": row.note,
        "jobcard": row.jobcard,
    }
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return 0


def _mark(args: argparse.Namespace, session: Session, now: datetime) -> int:
    row = session.get(BookingRow, args.id)
    if row is None:
        print(f"jobcard: there is no booking {args.id}", file=sys.stderr)
        return 1
    if row.status not in ("booked", "held", "no_show"):
        print(f"jobcard: booking {row.id} is {row.status}; it cannot be marked", file=sys.stderr)
        return 1
    if now < row.starts_at:
        when = f"{jst(row.starts_at):%Y-%m-%d %H:%M}"
        print(
            f"jobcard: booking {row.id} starts at {when} (JST); mark it afterwards",
            file=sys.stderr,
        )
        return 1
    outcome = _OUTCOMES[args.outcome]
    previous = row.status
    ledger.mark(session, row, outcome, now)
    survey = " — the survey is queued for the person's chat" if outcome == "held" else ""
    print(f"booking {row.id}: {previous} → {outcome}{survey}")
    return 0


def _report(args: argparse.Namespace, session: Session, config: BookingConfig, today: date) -> int:
    if args.report_command == "survey":
        year = args.fiscal_year
        start = at_jst(date(year, 4, 1), time(0)) if year else None
        end = at_jst(date(year + 1, 4, 1), time(0)) if year else None
        table = reports.survey_table(session, start, end)
        text = reports.to_csv(table) if args.format == "csv" else reports.to_markdown(table)
        sys.stdout.write(text)
        return 0
    table = reports.consultations_table(session, config, args.fiscal_year, today)
    title = f"R{reiwa(args.fiscal_year)}年度 キャリアコンサルティング実績"
    if args.format == "xlsx":
        path = args.output or Path(f"consultations-{args.fiscal_year}.xlsx")
        reports.to_xlsx(table, path, title)
        print(f"wrote {path}")
        return 0
    text = reports.to_csv(table) if args.format == "csv" else reports.to_markdown(table)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(f"# {title}\n\n" if args.format == "md" else "")
        sys.stdout.write(text)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the booking commands alone: ``python -m bot.booking.cli bookings list``."""
    parser = argparse.ArgumentParser(prog="jobcard")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result = dispatch(args, load_settings(database_url=getattr(args, "db", None)))
    return 0 if result is None else result


if __name__ == "__main__":
    sys.exit(main())

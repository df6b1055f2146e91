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
from bot.booking.workbook import write_xlsx
from bot.config import Settings, add_db_option, load_settings
from bot.service import utc_now
from storage import ensure_schema, make_engine, make_session_factory, outbox
from storage.booking import BookingRow
from storage.migrate import SchemaOutdatedError

_OUTCOMES = {"held": "held", "no-show": "no_show"}
_MODES = {"in_person": "対面", "online": "オンライン"}
_STATUS = {
    "booked": "予約",
    "held": "実施済み",
    "no_show": "来所なし",
    "cancelled": "キャンセル",
    "rescheduled": "変更済み",
}
_REMINDER_STATUS = {
    "pending": "scheduled",
    "claimed": "scheduled",
    "sent": "sent",
    "cancelled": "withdrawn",
    "failed": "failed",
}


def register(subparsers: Any) -> None:
    """Add the ``bookings`` and ``report`` commands to the ``jobcard`` parser."""
    bookings = subparsers.add_parser("bookings", help="consultation bookings (for counselors)")
    commands = bookings.add_subparsers(dest="bookings_command", required=True)
    listing = commands.add_parser("list", help="the day's bookings (today, by default)")
    listing.add_argument("--date", type=date.fromisoformat, help="this day (YYYY-MM-DD)")
    listing.add_argument(
        "--upcoming", action="store_true", help="from the day (today) on, not that day only"
    )
    listing.add_argument("--location", help="place id, report name (横浜) or part of its name")
    listing.add_argument("--status", help="booked, held, no_show, cancelled or rescheduled")
    add_db_option(listing)
    show = commands.add_parser(
        "show", help="one booking: note, attached Job Card, reminders and survey"
    )
    show.add_argument("id", type=int, help="the booking number")
    add_db_option(show)
    mark = commands.add_parser(
        "mark",
        help="record that a consultation was held or missed (from its start time)",
        description="Marking again with the same outcome changes nothing. Before the start "
        "a consultation can be marked only with --force and a --reason, which are stored.",
    )
    mark.add_argument("id", type=int, help="the booking number")
    mark.add_argument("outcome", choices=sorted(_OUTCOMES))
    mark.add_argument(
        "--force", action="store_true", help="(admins) mark it before its start time"
    )
    mark.add_argument("--reason", help="why it is marked before its start (with --force)")
    add_db_option(mark)

    report = subparsers.add_parser("report", help="the centre's monthly figures")
    kinds = report.add_subparsers(dest="report_command", required=True)
    table = kinds.add_parser(
        "consultations",
        help="held consultations per place and month",
        description="Months not begun yet (by --as-of, today by default) or after --through "
        "are left blank, as in the centre's report.",
    )
    table.add_argument("--fiscal-year", type=int, required=True, help="e.g. 2025 (令和7年度)")
    table.add_argument(
        "--through", type=_year_month, metavar="YYYY-MM", help="the last month to report"
    )
    table.add_argument(
        "--as-of",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="report as on this day: later consultations are not counted (default: today)",
    )
    table.add_argument("--format", choices=["md", "csv", "xlsx"], default="md")
    table.add_argument("-o", "--output", type=Path, help="file to write (xlsx: a default name)")
    add_db_option(table)
    survey = kinds.add_parser("survey", help="post-consultation survey tallies")
    survey.add_argument("--fiscal-year", type=int, help="only answers of this fiscal year")
    survey.add_argument("--format", choices=["md", "csv", "xlsx"], default="md")
    survey.add_argument("-o", "--output", type=Path, help="file to write (xlsx: a default name)")
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
    if not args.upcoming:
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
    who = ledger.names(session, (row.person_id for row in rows))
    span = f"{first:%Y-%m-%d}" + ("〜" if args.upcoming else "")
    print(f"{span}  {len(rows)} booking(s)")
    print("| 予約番号 | 日時 | 相談者 | 方法 | 場所 | 相談員 | 状態 | 目的 | JC |")
    print("|--:|:--|:--|:--|:--|:--|:--|:--|:--|")
    for row in rows:
        start, end = jst(row.starts_at), jst(row.ends_at)
        when = f"{start:%H:%M}-{end:%H:%M}" if not args.upcoming else f"{start:%m-%d %H:%M}"
        cells = [
            str(ledger.number_of(row)),
            when,
            who.get(row.person_id, row.person_id),
            _MODES.get(row.mode, row.mode),
            _place(config, row.location_id),
            row.counselor_id,
            _STATUS.get(row.status, row.status),
            row.purpose or "",
            "✓" if row.jobcard else "",
        ]
        print("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return 0


def _cell(text: str) -> str:
    """A Markdown table cell: a name with a | or a line break must not break the table."""
    return " ".join(text.split()).replace("|", "｜")


def _place(config: BookingConfig, location_id: str) -> str:
    try:
        return config.location(location_id).report_label
    except KeyError:
        return location_id


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else jst(moment).isoformat(timespec="minutes")


def _show(args: argparse.Namespace, session: Session, config: BookingConfig) -> int:
    row = ledger.find_by_number(session, args.id)
    if row is None:
        print(f"jobcard: there is no booking {args.id}", file=sys.stderr)
        return 1
    rows = ledger.history(session, row)
    reminders = []
    for version in rows:
        for entry in outbox.entries(session, f"booking:{version.id}:"):
            reminders.append(
                {
                    "what": entry.key.rsplit(":", 1)[-1],
                    "for": jst(version.starts_at).isoformat(timespec="minutes"),
                    "due": _when(entry.due_at),
                    "status": _REMINDER_STATUS.get(entry.status, entry.status),
                    "sent_at": _when(entry.sent_at),
                }
            )
    survey, answered = ledger.survey_state(session, row)
    data = {
        "number": ledger.number_of(row),
        "person": row.person_id,
        "name": ledger.names(session, [row.person_id]).get(row.person_id),
        "starts_at": jst(row.starts_at).isoformat(),
        "ends_at": jst(row.ends_at).isoformat(),
        "place": _place(config, row.location_id),
        "mode": row.mode,
        "counselor": row.counselor_id,
        "status": row.status,
        "marked": None
        if row.marked_at is None
        else {"at": _when(row.marked_at), "by": row.marked_by, "reason": row.mark_reason},
        "moved_from": [jst(r.starts_at).isoformat() for r in rows if r.id != row.id],
        "reminders": reminders,
        "survey": "answered" if answered else _survey_words(survey),
        "purpose": row.purpose,
        "note": row.note,
        "jobcard": row.jobcard,
    }
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return 0


def _survey_words(survey: outbox.OutboxEntry | None) -> str | None:
    if survey is None:
        return None
    status = _REMINDER_STATUS.get(survey.status, survey.status)
    when = survey.sent_at if survey.status == "sent" else survey.due_at
    return f"{status} {_when(when)}" if status != "withdrawn" else status


def _mark(args: argparse.Namespace, session: Session, now: datetime) -> int:
    row = ledger.find_by_number(session, args.id)
    if row is None:
        print(f"jobcard: there is no booking {args.id}", file=sys.stderr)
        return 1
    number = ledger.number_of(row)
    if row.status not in ("booked", "held", "no_show"):
        print(f"jobcard: booking {number} is {row.status}; it cannot be marked", file=sys.stderr)
        return 1
    reason = (args.reason or "").strip() or None
    if now < row.starts_at:
        when = f"{jst(row.starts_at):%Y-%m-%d %H:%M}"
        if not args.force:
            print(
                f"jobcard: booking {number} starts at {when} (JST); it can be marked from "
                "then on (an admin can mark it earlier with --force --reason TEXT)",
                file=sys.stderr,
            )
            return 1
        if reason is None:
            print("jobcard: --force needs a --reason (it is stored)", file=sys.stderr)
            return 2
    outcome = _OUTCOMES[args.outcome]
    by = f"cli:{_operator()}"
    result = ledger.mark(session, row, outcome, now, by=by, reason=reason)
    if not result.changed:
        print(f"booking {number} is already {outcome}: nothing changed{_survey_note(result)}")
        return 0
    print(f"booking {number}: {result.previous} → {outcome}{_survey_note(result)}")
    return 0


def _operator() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def _survey_note(result: ledger.MarkResult) -> str:
    """What became of the survey, as it is in the outbox (never a guess)."""
    survey = result.survey
    if result.answered:
        return " — the person has answered the survey"
    if survey is None:
        return ""
    if survey.status in ("pending", "claimed"):
        return f" — the survey is queued for the person's chat ({_when(survey.due_at)})"
    if survey.status == "sent":
        return f" — the survey was sent on {_when(survey.sent_at)} (not sent again)"
    if survey.status == "failed":
        return " — the survey could not be delivered to the person's chat"
    return " — the survey is withdrawn"


def _year_month(text: str) -> tuple[int, int]:
    """``2026-01`` → (2026, 1), for --through."""
    try:
        year, month = (int(part) for part in text.split("-"))
        date(year, month, 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month like 2026-01") from None
    return year, month


def _report(args: argparse.Namespace, session: Session, config: BookingConfig, today: date) -> int:
    if args.report_command == "survey":
        year = args.fiscal_year
        start = at_jst(date(year, 4, 1), time(0)) if year else None
        end = at_jst(date(year + 1, 4, 1), time(0)) if year else None
        title = "キャリアコンサルティング後のアンケート結果"
        if year:
            title = f"R{reiwa(year)}年度 {title}"
        table = reports.survey_table(session, start, end, title=title)
        name = f"survey-{year or 'all'}"
    else:
        as_of = args.as_of or today
        table = reports.consultations_table(
            session, config, args.fiscal_year, as_of, through=args.through, made_on=today
        )
        name = f"consultations-{args.fiscal_year}"
    return _write_report(args, table, name)


def _write_report(args: argparse.Namespace, table: reports.Table, name: str) -> int:
    """Write the table in the chosen format; with a file, say where it went."""
    if args.format == "xlsx":
        path = args.output or Path(f"{name}.xlsx")
        write_xlsx([table], path)
        print(f"wrote {path}")
        return 0
    if args.format == "csv":
        text = reports.to_csv(table)
    else:
        text = f"# {table.title}\n\n" + "".join(f"- {k}：{v}\n" for k, v in table.info)
        text += ("\n" if table.info else "") + reports.to_markdown(table)
    if args.output:
        args.output.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {args.output}")
    else:
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

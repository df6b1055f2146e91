"""``jobcard cohort …``: create, list, show and export juku cohorts; keep reminders in step."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot.config import Settings, add_db_option
from bot.juku import cohorts, roster
from bot.juku.facilitator import to_csv, to_data
from bot.juku.schedule import HOMEWORK, JST, due_date
from bot.juku.texts import HOMEWORK_TITLES, MODES, SEASONS, STATUS_LABELS, theme

_SEASON_WORDS = {**{s: s for s in SEASONS}, **{label.ja: key for key, label in SEASONS.items()}}
_MODE_WORDS = {**{m: m for m in MODES}, **{label.ja: key for key, label in MODES.items()}}


def register(subparsers: Any) -> None:
    """Add the ``cohort`` command and its subcommands to the ``jobcard`` parser."""
    cohort = subparsers.add_parser(
        "cohort",
        help="juku cohorts (いきいきキャリアプラン塾): create, list, show, export progress",
    )
    commands = cohort.add_subparsers(dest="cohort_command", required=True)
    create = commands.add_parser(
        "create",
        help="create a cohort and print its join code",
        description="Create a cohort with its four session dates. Participants join in chat "
        "by sending 「塾」 and typing the join code this prints.",
    )
    create.add_argument("--name", required=True, help="e.g. 「神奈川 2026年秋」")
    create.add_argument("--season", required=True, choices=sorted(_SEASON_WORDS))
    create.add_argument("--mode", required=True, choices=sorted(_MODE_WORDS))
    create.add_argument(
        "--dates", required=True, nargs=4, type=date.fromisoformat, metavar="YYYY-MM-DD"
    )
    create.add_argument(
        "--theme",
        action="append",
        default=[],
        metavar="N=TEXT",
        help="a theme other than the standard one for session N (repeatable)",
    )
    create.add_argument("--code", help="a join code of your own (4–20 letters or digits)")
    add_db_option(create)
    add_db_option(commands.add_parser("list", help="list cohorts with their member counts"))
    show = commands.add_parser("show", help="a cohort's sessions, homework and progress")
    show.add_argument("code")
    add_db_option(show)
    export = commands.add_parser(
        "export",
        help="the facilitator's progress table (participant × session)",
        description="Progress only — done, in progress, not started, late — never answers.",
    )
    export.add_argument("code")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--lang", choices=["ja", "en"], default="ja")
    export.add_argument("-o", "--output", type=Path, help="write to this file")
    add_db_option(export)
    remind = commands.add_parser(
        "remind",
        help="schedule missing reminders and cancel those of finished homework (for cron)",
    )
    add_db_option(remind)


def dispatch(
    args: argparse.Namespace, settings: Settings, clock: Callable[[], datetime] | None = None
) -> int | None:
    """Run a ``cohort`` command; None when ``args`` is some other command.

    Args:
        args: The parsed command line.
        settings: Where the database is.
        clock: The current time (tests fix it); the real time by default.
    """
    if getattr(args, "command", None) != "cohort":
        return None
    from bot.service import utc_now
    from storage import ensure_schema, make_engine, make_session_factory
    from storage.migrate import SchemaOutdatedError

    engine = make_engine(settings.database_url)
    try:
        ensure_schema(engine)
        handler: Callable[[Session, argparse.Namespace, datetime], int] = _HANDLERS[
            args.cohort_command
        ]
        with make_session_factory(engine).begin() as session:
            return handler(session, args, (clock or utc_now)())
    except SchemaOutdatedError as exc:
        print(f"jobcard: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _create(session: Session, args: argparse.Namespace, now: datetime) -> int:
    themes: dict[int, str] = {}
    for item in args.theme:
        number, _, text = item.partition("=")
        if not number.strip().isdigit() or not 1 <= int(number) <= 4 or not text.strip():
            print(f"jobcard: --theme must look like 2=TEXT, not {item!r}", file=sys.stderr)
            return 2
        themes[int(number)] = text.strip()
    try:
        cohort = cohorts.create_cohort(
            session,
            name=args.name,
            season=_SEASON_WORDS[args.season],
            mode=_MODE_WORDS[args.mode],
            dates=args.dates,
            themes=themes,
            code=args.code,
            now=now,
        )
    except cohorts.CohortError as exc:
        print(f"jobcard: {exc}", file=sys.stderr)
        return 2
    print(f"created cohort {cohort.name}: join code {cohort.code}")
    return 0


def _list(session: Session, _args: argparse.Namespace, _now: datetime) -> int:
    found = cohorts.list_cohorts(session)
    if not found:
        print("no cohorts yet: create one with `jobcard cohort create`")
    for cohort, members in found:
        first, last = cohort.session(1).held_on, cohort.session(4).held_on
        season, mode = SEASONS[cohort.season].ja, MODES[cohort.mode].ja
        print(f"{cohort.code}\t{cohort.name}\t{season}\t{mode}\t{first}〜{last}\t{members}名")
    return 0


def _show(session: Session, args: argparse.Namespace, now: datetime) -> int:
    today = now.astimezone(JST).date()
    found = roster.facilitator_table(session, args.code, today)
    if found is None:
        print(f"jobcard: no cohort with the code {args.code!r}", file=sys.stderr)
        return 1
    cohort, rows = found
    print(f"{cohort.name}（{SEASONS[cohort.season].ja}・{MODES[cohort.mode].ja}）")
    print(f"参加コード: {cohort.code}　参加者: {len(rows)}名")
    for session_ in cohort.sessions:
        homework = "、".join(HOMEWORK_TITLES[d].ja for d in HOMEWORK[session_.number])
        due = due_date(cohort, session_.number)
        counts = {status: 0 for status in STATUS_LABELS}
        for row in rows:
            counts[row.statuses[session_.number - 1]] += 1
        tally = " ".join(f"{STATUS_LABELS[s].ja}{n}" for s, n in counts.items())
        print(f"第{session_.number}回 {session_.held_on} {theme(session_, 'ja')}")
        print(f"  宿題（{due}まで）: {homework}")
        print(f"  進み具合: {tally}")
    if rows:
        # The facilitator's table, as on the dashboard: names as people gave them.
        print()
        sessions = [f"第{s.number}回" for s in sorted(cohort.sessions, key=lambda s: s.number)]
        print("| 参加者 | 参加日 | " + " | ".join(sessions) + " |")
        print("|:--|:--|" + ":--|" * len(sessions))
        for row in rows:
            name = " ".join(row.name.split()).replace("|", "｜")
            cells = [name, row.joined_on.isoformat(), *row.labels("ja")]
            print("| " + " | ".join(cells) + " |")
    return 0


def _export(session: Session, args: argparse.Namespace, now: datetime) -> int:
    today = now.astimezone(JST).date()
    found = roster.facilitator_table(session, args.code, today, args.lang)
    if found is None:
        print(f"jobcard: no cohort with the code {args.code!r}", file=sys.stderr)
        return 1
    cohort, rows = found
    if args.format == "json":
        text = json.dumps(to_data(cohort, rows), ensure_ascii=False, indent=2) + "\n"
    else:
        text = to_csv(cohort, rows, args.lang)
    if args.output:
        # The CSV text starts with its byte-order mark, so Excel reads it as UTF-8.
        args.output.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def _remind(session: Session, args: argparse.Namespace, now: datetime) -> int:
    added, cancelled = roster.sync_reminders(session, now)
    print(f"reminders: {added} scheduled, {cancelled} cancelled")
    return 0


Handler = Callable[[Session, argparse.Namespace, datetime], int]
_HANDLERS: dict[str, Handler] = {
    "create": _create,
    "list": _list,
    "show": _show,
    "export": _export,
    "remind": _remind,
}

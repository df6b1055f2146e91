"""The ``jobcard`` command line: chat on the console, check dialogs, manage the database."""

from __future__ import annotations

import argparse
import gc
import getpass
import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

# Only what every command needs is imported here: each command imports its own parts, so
# `jobcard --help` and the console's first prompt do not wait for the others' libraries.
from bot.config import MissingSettingError, Settings, add_db_option, load_settings
from dialogs import DIALOGS_DIR

if TYPE_CHECKING:
    from bot.documents import CardDocuments
    from bot.generated_code import GeneratedCode
    from bot.jobcard import JobCard


def _sheets(value: str) -> tuple[str, ...]:
    from bot.documents import parse_sheets

    try:
        return parse_sheets(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


class FeatureCli(Protocol):
    """A feature's command line: it adds its commands and handles them."""

    def register(self, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        """Add the feature's commands."""

    def dispatch(self, args: argparse.Namespace, settings: Settings) -> int | None:
        """Run the command if it is the feature's (None if not)."""


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser for every subcommand.

    A feature's commands are added by the feature itself only when ``argv`` runs one of them
    (importing a feature costs hundreds of milliseconds); otherwise each appears in the
    command list by its name and help (``FEATURE_COMMANDS``). Without ``argv``: every feature.
    For ``jobcard chat …`` only the chat's parser is built.
    """
    parser = argparse.ArgumentParser(
        prog="jobcard",
        description="jobcard-coach: fill in your Job Card (ジョブ・カード) by chatting.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    chat = commands.add_parser(
        "chat",
        help="chat in the terminal (or pipe answers in, one per line)",
        description="Chat in the terminal. With stdin from a pipe or file, each line is the "
        "next answer; end a line with a backslash to continue it on the next line. "
        "Run again with the same --user to resume where you left off.",
    )
    chat.add_argument("--user", default=None, help="your name on this console (default: login)")
    chat.add_argument("--lang", choices=["ja", "en"], help="language (default: ja)")
    chat.add_argument("--start", metavar="DIALOG_ID", help="open this dialog first")
    chat.add_argument("--out-dir", type=Path, default=Path("."), help="where files are saved")
    add_db_option(chat)
    if list(argv or ())[:1] == ["chat"]:
        # `jobcard chat …` is parsed by its own parser: building every other command's
        # too took about 3 ms of its start (argparse looks up translations for each).
        return parser

    telegram = commands.add_parser(
        "telegram",
        help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)",
        description="Run the Telegram bot. Long polling by default; with --webhook URL it "
        "serves Telegram's webhook (checking TELEGRAM_WEBHOOK_SECRET) and may run as several "
        "worker processes sharing one PostgreSQL database.",
    )
    telegram.add_argument("--webhook", metavar="URL", help="public HTTPS URL of the webhook")
    telegram.add_argument("--listen", default="0.0.0.0", help="webhook listen address")
    telegram.add_argument("--port", type=int, default=8443, help="webhook listen port")
    add_db_option(telegram)

    slack = commands.add_parser(
        "slack",
        help="run the Slack app (Socket Mode; --http for the Events API)",
        description="Run the Slack app. Socket Mode by default (SLACK_APP_TOKEN, "
        "SLACK_BOT_TOKEN); with --http it serves the Events API and verifies "
        "SLACK_SIGNING_SECRET.",
    )
    slack.add_argument("--http", action="store_true", help="serve HTTP events instead")
    slack.add_argument("--listen", default="0.0.0.0", help="HTTP listen address")
    slack.add_argument("--port", type=int, default=3000, help="HTTP listen port")
    add_db_option(slack)

    line = commands.add_parser(
        "line",
        help="run the LINE bot (webhook; needs LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN)",
        description="Serve LINE's webhook (checking each request's signature with "
        "LINE_CHANNEL_SECRET); several workers may share one PostgreSQL database. Documents "
        "and charts are sent as links under JOBCARD_PUBLIC_URL.",
    )
    line.add_argument("--listen", default="0.0.0.0", help="webhook listen address")
    line.add_argument("--port", type=int, default=8000, help="webhook listen port")
    line.add_argument("--path", default="/line/callback", help="webhook path")
    add_db_option(line)
    line_commands = line.add_subparsers(dest="line_command", metavar="SUBCOMMAND")
    richmenu = line_commands.add_parser("richmenu", help="install the rich menu")
    richmenu.add_argument("--install", action="store_true", help="create it and make it default")
    richmenu.add_argument("--image", type=Path, metavar="FILE", help="write its picture (PNG)")
    line_commands.add_parser("quota", help="pushes sent this month (they use up the quota)")

    dialogs = commands.add_parser("dialogs", help="check or draw dialog files")
    dialog_commands = dialogs.add_subparsers(dest="dialogs_command", required=True)
    check = dialog_commands.add_parser(
        "check",
        help="validate dialog files (exit 1 on any error)",
        description="Validate dialog files: YAML syntax, schema, ids, next/when references, "
        "reachability. Each error names the file, line and step.",
    )
    check.add_argument("paths", nargs="*", type=Path, help="files or directories")
    graph = dialog_commands.add_parser("graph", help="write a dialog's flow as Mermaid")
    graph.add_argument("dialog_id")
    graph.add_argument("--dialogs", type=Path, action="append", help="dialog directory")
    graph.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply the schema migrations")
    add_db_option(upgrade)

    export = commands.add_parser(
        "export",
        help="export a person's Job Card (JSON, Markdown, HTML, PDF, Excel) or stored data",
        description="Export a person's Job Card. json: the card in the jobcard-coach/1 "
        "format; data: everything stored about the person, with answer history; md, html: "
        "the filled sheets as text (stdout unless -o); pdf, xlsx: the filled sheets as a "
        "file (-o, or jobcard-<user>.<format> here), whose path is printed.",
    )
    export.add_argument("--user", required=True, help="person id, e.g. console:hanako")
    export.add_argument(
        "--format", choices=["json", "data", "md", "html", "pdf", "xlsx"], default="json"
    )
    export.add_argument(
        "--sheets",
        type=_sheets,
        metavar="LIST",
        help="sheets for md/html/pdf/xlsx, e.g. 1,2,3-1,3-2 (ref: the life-line and "
        "Will/Can/Must page; default: all)",
    )
    export.add_argument("-o", "--output", type=Path, help="write to this file")
    add_db_option(export)

    delete = commands.add_parser("delete", help="delete everything stored about a person")
    delete.add_argument("--user", required=True, help="person id, e.g. telegram:12345")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_db_option(delete)
    wanted = _command_of(argv)
    for module, owned in FEATURE_COMMANDS.items():
        if argv is None or wanted in _words(owned):
            _feature(module).register(commands)
            continue
        for name, (text, aliases) in owned.items():
            # Listed for `jobcard --help`; running it imports the feature (see above).
            commands.add_parser(name, help=text, aliases=aliases, add_help=False)
    return parser


# Each feature's command line module, with the commands it adds (name: help, aliases). A test
# checks this against what each module really registers.
FEATURE_COMMANDS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "bot.booking.cli": {
        "bookings": ("consultation bookings (for counselors)", ()),
        "report": ("the centre's monthly figures", ()),
    },
    "bot.importing.cli": {
        "import": ("read a person's 職務経歴書 / 履歴書 and propose entries (for counselors)", ()),
    },
    "bot.juku.cli": {
        "cohort": (
            "juku cohorts (いきいきキャリアプラン塾): create, list, show, export progress",
            (),
        ),
    },
    "bot.review.cli": {
        "counselor": ("manage dashboard accounts (counselors, facilitators, admins)", ("staff",)),
        "audit": ("print the audit trail (who viewed or changed whose data)", ()),
        "centre": ("manage the centres people submit to", ()),
        "web": ("run the counselor dashboard", ()),
    },
}


def _words(owned: dict[str, tuple[str, tuple[str, ...]]]) -> set[str]:
    return {word for name, (_, aliases) in owned.items() for word in (name, *aliases)}


def _command_of(argv: Sequence[str] | None) -> str | None:
    """The command word of ``argv`` (its first argument that is not an option)."""
    for arg in argv or ():
        if not arg.startswith("-"):
            return arg
    return None


def _feature(module: str) -> FeatureCli:
    import importlib

    feature: FeatureCli = importlib.import_module(module)
    return feature


def _features(command: str | None = None) -> list[FeatureCli]:
    """Feature command lines (bookings, reports, cohorts …): those owning ``command``."""
    return [
        _feature(module)
        for module, owned in FEATURE_COMMANDS.items()
        if command is None or command in _words(owned)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    words = sys.argv[1:] if argv is None else argv
    args = build_parser(words).parse_args(words)
    try:
        return _dispatch(args)
    except MissingSettingError as exc:
        print(f"jobcard: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\njobcard: stopped (Ctrl-C)", file=sys.stderr)
        return 130
    except Exception as exc:
        from bot.engine import DialogLoadError

        if isinstance(exc, DialogLoadError):
            print(f"jobcard: dialog files have errors:\n{exc}", file=sys.stderr)
            return 1
        # An operator's mistake (a wrong URL, a database that is down or not upgraded, a
        # missing file) gets one line saying what to do; anything else is a bug: re-raised.
        from bot.cli_errors import describe

        problem = describe(exc, _database_url(args))
        if problem is None:
            raise
        print(f"jobcard: {problem.message}", file=sys.stderr)
        return problem.status


def _database_url(args: argparse.Namespace) -> str | None:
    """The database URL a command was using (for error messages), if it uses one."""
    import os

    return getattr(args, "db", None) or os.environ.get("JOBCARD_DATABASE_URL")


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "dialogs":
        return _dialogs_check(args) if args.dialogs_command == "check" else _dialogs_graph(args)
    settings = load_settings(database_url=getattr(args, "db", None))
    for feature in _features(args.command):
        handled = feature.dispatch(args, settings)
        if handled is not None:
            return handled
    if args.command == "db":
        return _db_upgrade(settings)
    if args.command == "chat":
        return _chat(args, settings)
    if args.command in _CHANNELS:
        return _channel(args, settings)
    if args.command == "export":
        return _export(args, settings)
    if args.command == "delete":
        return _delete(args, settings)
    raise AssertionError(args.command)


def _dialogs_check(args: argparse.Namespace) -> int:
    from bot.engine import DialogLoadError, load_dialogs

    paths = args.paths or [DIALOGS_DIR]
    missing = [path for path in paths if not path.exists()]
    if missing:
        print(f"jobcard: {missing[0]}: no such file or directory", file=sys.stderr)
        return 1
    try:
        loaded = load_dialogs(paths)
    except DialogLoadError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"{len(exc.errors)} error(s)", file=sys.stderr)
        return 1
    print(f"{len(loaded.catalog.latest)} dialog(s) OK: {', '.join(sorted(loaded.catalog.latest))}")
    return 0


def _dialogs_graph(args: argparse.Namespace) -> int:
    from bot.engine import load_dialogs
    from bot.engine.graph import mermaid

    loaded = load_dialogs(args.dialogs or [DIALOGS_DIR])
    if args.dialog_id not in loaded.catalog.latest:
        print(f"jobcard: no dialog '{args.dialog_id}'", file=sys.stderr)
        return 1
    text = mermaid(loaded.catalog.latest[args.dialog_id])
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _db_upgrade(settings: Settings) -> int:
    from storage import make_engine, upgrade

    upgrade(make_engine(settings.database_url))
    print("database is up to date")
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    # Start-up makes some 150,000 objects that nearly all live on; the garbage collector's
    # passes over them while they are made cost a tenth of the time to the first prompt.
    # It runs again once that prompt is shown, with them frozen out of its passes: else
    # its first pass would go over them all then (about 0.1 s, in the first answer's turn).
    gc.disable()
    try:
        return _console(args, settings)
    finally:
        gc.enable()


def _started() -> None:
    gc.freeze()
    gc.enable()


def _console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.catalog_cache import default_cache_dir
    from bot.generated_code import reuse_compiled_code

    # Before the libraries and the engine generate code as they load (dataclasses, typing):
    # compiling it took over a tenth of the start.
    compiled = reuse_compiled_code(default_cache_dir())
    person_id = f"console:{args.user or getpass.getuser()}"
    if args.start is None and args.lang is None and sys.stdin.isatty():
        from bot.channels import console_opening

        if console_opening.can_fork():
            return _console_on_two_cores(args, settings, person_id, compiled)
    from bot.bootstrap import build_runtime
    from bot.channels.console import ConsoleChannel

    # Features load in the background once the first prompt is shown (or when a turn
    # needs one first): importing them all would make the person wait about twice as long.
    runtime = build_runtime(settings, load_features=False)

    def warm() -> None:
        compiled.save()  # the code made before the first prompt, for the next start
        runtime.features.preload()
        compiled.save()  # and the features'

    if args.lang:
        runtime.service.set_language(person_id, args.lang)
    if args.start and args.start not in runtime.dialogs.catalog.latest:
        print(f"jobcard: no dialog '{args.start}'", file=sys.stderr)
        return 2
    channel = ConsoleChannel(
        runtime.service.reply,
        person_id,
        out_dir=args.out_dir,
        outbox=runtime.service,
        ready=_started,
        warm=warm,
    )
    try:
        return channel.run(sys.stdin, start=args.start)
    finally:
        compiled.save()  # (a script's chat, or one quit before the features loaded)


def _console_on_two_cores(
    args: argparse.Namespace, settings: Settings, person_id: str, compiled: GeneratedCode
) -> int:
    """A terminal chat whose opening turn is taken in a forked process while the line
    editor loads here; the service here is built in the background once the first prompt
    is on screen (as the features are in one process)."""
    from bot.channels import console_opening

    def take() -> tuple[console_opening.Opened, console_opening.Cleanup]:
        opened, close = console_opening.take_opening(settings, person_id)

        def after() -> None:
            close()
            compiled.save()  # the code the database layer made, for the next start

        return opened, after

    opened = console_opening.forked(take)  # first: all the rest here runs beside it
    from bot.channels.console import ConsoleChannel

    service = console_opening.LaterService()

    def warm() -> None:
        from bot.bootstrap import build_runtime

        try:
            runtime = build_runtime(settings, load_features=False)
        except Exception as exc:
            service.failed(exc)  # the turn that needs the service says the start failed
            return
        finally:
            _started()  # (its objects frozen out of the collector's passes, as the rest)
        service.built(runtime.service)
        compiled.save()
        runtime.features.preload()
        compiled.save()

    channel = ConsoleChannel(
        service.reply,
        person_id,
        out_dir=args.out_dir,
        outbox=service,
        warm=warm,
        opened=opened,
    )
    try:
        return channel.run(sys.stdin)
    except console_opening.ServiceNotStarted as failed:
        # (The database is unreachable, not upgraded …: said as by a start in one process.)
        raise failed.__cause__ or failed from None
    finally:
        compiled.save()


# The module that runs each chat platform: ``check_settings(settings, args)`` and ``run``.
_CHANNELS = {
    "telegram": "bot.channels.telegram_webhook",
    "slack": "bot.channels.slack_server",
    "line": "bot.channels.line_server",
}


def _channel(args: argparse.Namespace, settings: Settings) -> int:
    """Run a chat platform adapter; each exposes ``run(runtime, args) -> int``."""
    import importlib

    from bot.bootstrap import build_runtime

    try:
        module = importlib.import_module(_CHANNELS[args.command])
    except ImportError:
        print(
            f"jobcard: the {args.command} channel needs its extra: pip install "
            f"'jobcard-coach[{args.command}]' (or '.[{args.command}]' in the source folder)",
            file=sys.stderr,
        )
        return 2
    module.check_settings(settings, args)  # a missing token is reported before anything starts
    return int(module.run(build_runtime(settings), args))


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_runtime
    from bot.jobcard import card_json
    from bot.jobcard.loading import load_jobcard
    from bot.service import JST, utc_now
    from storage import repositories

    runtime = build_runtime(settings)
    with runtime.sessions() as session:
        if args.format == "data":
            data = repositories.export_person(session, args.user)
            card = None
        else:
            card = load_jobcard(session, args.user, utc_now().astimezone(JST).date())
            data = None if card is None else card_json(card)
    if data is None:
        print(f"jobcard: nothing is stored for '{args.user}'", file=sys.stderr)
        return 1
    if card is not None and args.format not in ("json", "data"):
        return _export_document(args, runtime.documents, card)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _export_document(args: argparse.Namespace, documents: CardDocuments, card: JobCard) -> int:
    """Markdown and HTML go to stdout (or -o); PDF and Excel always to a file, path printed."""
    from bot.documents import SHEET_KEYS

    sheets = args.sheets or SHEET_KEYS
    if args.format in ("md", "html"):
        text = (
            documents.markdown(card, sheets)
            if args.format == "md"
            else documents.html(card, sheets)
        )
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    content = documents.pdf(card, sheets) if args.format == "pdf" else documents.xlsx(card, sheets)
    safe_user = re.sub(r"[^A-Za-z0-9_-]+", "-", args.user).strip("-") or "card"
    path: Path = args.output or Path(f"jobcard-{safe_user}.{args.format}")
    path.write_bytes(content)
    print(path)
    return 0


def _delete(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_runtime
    from storage import repositories

    try:
        agreed = args.yes or _confirmed(f"Delete everything stored for {args.user}? [y/N] ")
    except _NoAnswerError:
        print(
            "jobcard: nothing deleted: the question got no answer "
            "(run it in a terminal and answer yes, or add --yes)",
            file=sys.stderr,
        )
        return 1
    if not agreed:
        print("nothing deleted")
        return 1
    runtime = build_runtime(settings)
    with runtime.sessions.begin() as session:
        if not repositories.person_exists(session, args.user):
            print(f"jobcard: nothing is stored for '{args.user}'", file=sys.stderr)
            return 1
        repositories.delete_person(session, args.user)
    print(f"deleted everything stored for {args.user}")
    return 0


class _NoAnswerError(Exception):
    """A confirmation prompt got no answer (no terminal, Ctrl-D or Ctrl-C)."""


def _confirmed(question: str) -> bool:
    """Ask a yes/no question on the terminal; y, yes and はい count as yes.

    Raises:
        _NoAnswerError: Nobody can answer (stdin is not a terminal and is empty), or the
            question was dismissed with Ctrl-C or Ctrl-D.
    """
    try:
        answer = input(question)
    except (EOFError, KeyboardInterrupt):
        print()
        raise _NoAnswerError from None
    return answer.strip().casefold() in ("y", "yes", "はい")

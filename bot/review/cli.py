"""Command line for the review: ``jobcard counselor``, ``jobcard centre`` and ``jobcard web``."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.config import Settings, add_db_option
from bot.review.states import STAFF_ROLES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

# The heavier imports (SQLAlchemy, argon2, uvicorn) happen when a command runs, so that
# building the parser stays quick for every other ``jobcard`` command.


def register(commands: Any) -> None:
    """Add the ``counselor`` (alias ``staff``), ``centre`` and ``web`` subcommands."""
    staff = commands.add_parser(
        "counselor",
        aliases=["staff"],
        help="manage dashboard accounts (counselors, facilitators, admins)",
        description="Manage dashboard accounts. The password is read from a prompt (or the "
        "first line of stdin when it is not a terminal), never from the command line.",
    )
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_commands.add_parser("add", help="create an account (asks for the password)")
    add.add_argument("login", help="login id, e.g. sato.hanako")
    add.add_argument("--name", required=True, help="name shown in the dashboard and in chat")
    add.add_argument("--role", choices=[r.value for r in STAFF_ROLES], default="counselor")
    add.add_argument("--centre", metavar="CODE", help="centre code (not needed for admin)")
    add_db_option(add)
    listing = staff_commands.add_parser("list", help="list the accounts")
    add_db_option(listing)
    for verb, text in (("disable", "stop an account from logging in"), ("enable", "undo it")):
        parser = staff_commands.add_parser(verb, help=text)
        parser.add_argument("login")
        add_db_option(parser)
    passwd = staff_commands.add_parser(
        "passwd",
        help="set a new password (asks for it); it must be changed at the next login",
        description="Set a new password for an account (from a prompt, or the first line of "
        "stdin). The account must choose its own password at its next login; a lock "
        "after failed logins is lifted.",
    )
    passwd.add_argument("login")
    add_db_option(passwd)

    audit = commands.add_parser(
        "audit",
        help="print the audit trail (who viewed or changed whose data)",
        description="Print the audit trail, newest first, as tab-separated lines: time (JST), "
        "account, role, action, person id, object, address, detail. --prune deletes entries "
        "older than JOBCARD_AUDIT_RETENTION_DAYS (default 1095, three years).",
    )
    who = audit.add_mutually_exclusive_group()
    who.add_argument("--person", metavar="ID", help="entries about this person, e.g. telegram:1")
    who.add_argument("--user", metavar="LOGIN", help="entries by this dashboard account")
    audit.add_argument("--since", metavar="YYYY-MM-DD", help="from this day on (Japan time)")
    audit.add_argument("--limit", type=int, default=10_000, help="at most this many lines")
    audit.add_argument("--prune", action="store_true", help="apply the retention period")
    add_db_option(audit)

    centre = commands.add_parser("centre", help="manage the centres people submit to")
    centre_commands = centre.add_subparsers(dest="centre_command", required=True)
    centre_add = centre_commands.add_parser("add", help="add a centre")
    centre_add.add_argument("code", help="short code, e.g. yokohama")
    centre_add.add_argument("name", help="name people see, e.g. ハローワーク横浜 相談コーナー")
    add_db_option(centre_add)
    add_db_option(centre_commands.add_parser("list", help="list the centres"))

    web = commands.add_parser(
        "web",
        help="run the counselor dashboard",
        description="Run the counselor dashboard (a web app; no build step). Listens on "
        "127.0.0.1 by default: put it behind HTTPS before opening it to a network.",
    )
    web.add_argument("--host", default="127.0.0.1", help="listen address")
    web.add_argument("--port", type=int, default=8080, help="listen port")
    web.add_argument(
        "--proxy-headers",
        action="store_true",
        help="behind a TLS proxy (nginx, Caddy): trust its X-Forwarded-Proto and "
        "X-Forwarded-For, so cookies get Secure and the audit trail the browser's address",
    )
    web.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        metavar="IPS",
        help="comma-separated proxy addresses whose forwarded headers are trusted "
        "(default: 127.0.0.1)",
    )
    web.add_argument("--ssl-certfile", metavar="PEM", help="serve HTTPS with this certificate")
    web.add_argument("--ssl-keyfile", metavar="PEM", help="the certificate's private key")
    web.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (path, status and address; off by default: logs keep little)",
    )
    web.add_argument(
        "--dashboard-only",
        action="store_true",
        help="serve the counselor dashboard without the person-facing chat at / (the chat "
        "needs JOBCARD_PUBLIC_URL and JOBCARD_SECRET_KEY)",
    )
    add_db_option(web)


class _PasswordMismatchError(ValueError):
    """The two passwords typed at the prompt differ."""


class _NoPasswordError(ValueError):
    """The prompt was left with Ctrl-C or Ctrl-D, or stdin was empty."""


def _read_password() -> str:
    try:
        if not sys.stdin.isatty():
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            return line.rstrip("\r\n")
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != first:
            raise _PasswordMismatchError("the two passwords differ")
    except (EOFError, KeyboardInterrupt):
        raise _NoPasswordError(
            "no password was given, so nothing was changed (type it at the prompt, "
            "or pipe it in on the first line)"
        ) from None
    return first


def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    """Run a review command; None when ``args`` is another module's command."""
    if args.command in ("counselor", "staff"):
        return _staff(args, settings)
    if args.command == "centre":
        return _centre(args, settings)
    if args.command == "web":
        return _web(args, settings)
    if args.command == "audit":
        return _audit(args, settings)
    return None


def _sessions(settings: Settings) -> sessionmaker[Session]:
    from storage import ensure_schema, make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    return make_session_factory(engine)


def _now() -> datetime:
    from bot.service import utc_now

    return utc_now()


def _staff(args: argparse.Namespace, settings: Settings) -> int:
    from bot.review import accounts

    sessions = _sessions(settings)
    try:
        if args.staff_command == "add":
            password = _read_password()
            with sessions.begin() as session:
                accounts.add_staff(
                    session,
                    login=args.login,
                    name=args.name,
                    role=args.role,
                    centre_code=args.centre,
                    password=password,
                    now=_now(),
                )
                _audit_cli(session, "add_account", args.login.strip().lower())
            print(f"added {args.role} {args.login.strip().lower()}")
            return 0
        if args.staff_command == "passwd":
            password = _read_password()
            with sessions.begin() as session:
                staff, _ = accounts.reset_password(session, args.login, _now(), password)
                _audit_cli(session, "reset_password", staff.login)
            print(f"new password set for {staff.login}: to be changed at the next login")
            return 0
        if args.staff_command == "list":
            with sessions() as session:
                for staff, centre in accounts.staff_list(session):
                    status = "disabled" if staff.disabled else "active"
                    where = centre.code if centre is not None else "-"
                    print(f"{staff.login}\t{staff.role}\t{where}\t{status}\t{staff.name}")
            return 0
        with sessions.begin() as session:
            found = accounts.set_disabled(session, args.login, args.staff_command == "disable")
            if found:
                _audit_cli(session, f"{args.staff_command}_account", args.login.strip().lower())
        if not found:
            print(f"jobcard: there is no account '{args.login}'", file=sys.stderr)
            return 1
        print(f"{args.staff_command}d {args.login}")
        return 0
    except _NoPasswordError as exc:
        end_prompt = "\n" if sys.stdin.isatty() else ""  # the prompt line was left open
        print(f"{end_prompt}jobcard: {exc}", file=sys.stderr)
        return 1
    except (accounts.AccountError, _PasswordMismatchError) as exc:
        print(f"jobcard: {exc}", file=sys.stderr)
        return 2


def _audit_cli(session: Session, action: str, login: str) -> None:
    """Record an operator's account change from the command line in the audit trail."""
    from storage import audit

    operator = getpass.getuser()
    audit.record(
        session,
        at=_now(),
        actor=f"cli:{operator}"[:100],
        role="operator",
        action=action,
        object_type="account",
        object_id=login,
    )


AUDIT_RETENTION_DAYS = 1095  # three years, unless JOBCARD_AUDIT_RETENTION_DAYS says otherwise


def _audit(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import time, timedelta
    from zoneinfo import ZoneInfo

    from storage import audit

    jst = ZoneInfo("Asia/Tokyo")
    raw_days = settings.environ.get("JOBCARD_AUDIT_RETENTION_DAYS", "").strip()
    if raw_days and not raw_days.isdigit():
        print("jobcard: JOBCARD_AUDIT_RETENTION_DAYS must be a number of days", file=sys.stderr)
        return 2
    days = int(raw_days) if raw_days else AUDIT_RETENTION_DAYS
    since = None
    if args.since:
        try:
            since = datetime.combine(
                datetime.strptime(args.since, "%Y-%m-%d").date(), time(0), jst
            )
        except ValueError:
            print(
                f"jobcard: --since must look like 2026-04-01, not {args.since!r}", file=sys.stderr
            )
            return 2
    sessions = _sessions(settings)
    if args.prune:
        with sessions.begin() as session:
            removed = audit.prune(session, _now() - timedelta(days=days))
        print(f"removed {removed} audit entries older than {days} days")
        return 0
    with sessions() as session:
        rows = audit.entries(
            session,
            person_id=args.person,
            actor=args.user.strip().lower() if args.user else None,
            since=since,
            limit=args.limit,
        )
        for row in rows:
            at = aware_jst(row.at, jst)
            fields = (
                at,
                row.actor,
                row.role,
                row.action,
                row.person_id or "-",
                f"{row.object_type or ''}:{row.object_id or ''}".strip(":") or "-",
                row.address or "-",
                row.detail or "-",
            )
            print("\t".join(fields))
    return 0


def aware_jst(moment: datetime, jst: Any) -> str:
    """A stored time as Japan time (SQLite gives naive UTC back)."""
    from datetime import UTC

    stored = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return stored.astimezone(jst).strftime("%Y-%m-%d %H:%M:%S")


def _centre(args: argparse.Namespace, settings: Settings) -> int:
    from bot.review import accounts

    sessions = _sessions(settings)
    if args.centre_command == "list":
        with sessions() as session:
            for centre in accounts.centres(session):
                print(f"{centre.code}\t{centre.name}")
        return 0
    try:
        with sessions.begin() as session:
            accounts.add_centre(session, args.code, args.name, _now())
    except accounts.AccountError as exc:
        print(f"jobcard: {exc}", file=sys.stderr)
        return 2
    print(f"added centre {args.code}")
    return 0


def web_options(args: argparse.Namespace) -> dict[str, Any]:
    """The uvicorn options of ``jobcard web`` (TLS, and which proxies are trusted).

    Raises:
        _WebOptionError: A certificate without its key, or the other way round.
    """
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise _WebOptionError("--ssl-certfile and --ssl-keyfile go together: give both")
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "proxy_headers": args.proxy_headers,
        "log_level": "info",
        "access_log": args.access_log,
        # No "server: uvicorn" on every response: strangers need not know the software,
        # and each header is checked and written for every turn.
        "server_header": False,
    }
    try:
        from bot.web.one_write import OneWriteProtocol
    except ImportError:  # uvicorn without httptools: its own protocol
        pass
    else:
        # A response's header and body in one write: one packet, one wake-up of the browser.
        options["http"] = OneWriteProtocol
    if args.proxy_headers:
        options["forwarded_allow_ips"] = args.forwarded_allow_ips
    if args.ssl_certfile:
        options["ssl_certfile"] = args.ssl_certfile
        options["ssl_keyfile"] = args.ssl_keyfile
    return options


class _WebOptionError(ValueError):
    """``jobcard web`` was given options that do not fit together."""


def _web(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from bot.web import create_app

    try:
        options = web_options(args)
    except _WebOptionError as exc:
        print(f"jobcard: {exc}", file=sys.stderr)
        return 2
    secret = settings.environ.get("JOBCARD_SECRET_KEY", "").strip()
    require_2fa = settings.environ.get("JOBCARD_REQUIRE_2FA", "").strip().lower()
    if require_2fa not in ("", "admin", "all"):
        print("jobcard: JOBCARD_REQUIRE_2FA must be admin or all", file=sys.stderr)
        return 2
    chat = None
    if not args.dashboard_only:
        from bot.config import MissingSettingError
        from bot.web.chat import web_chat

        try:
            chat = web_chat(settings)
        except MissingSettingError as exc:
            print(f"jobcard: {exc} (or run with --dashboard-only)", file=sys.stderr)
            return 2
    app = create_app(
        chat.sessions if chat is not None else _sessions(settings),
        secret_key=secret.encode() if secret else None,
        require_2fa=require_2fa,
        chat=chat,
    )
    uvicorn.run(app, **options)
    return 0

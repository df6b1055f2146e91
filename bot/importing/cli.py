"""``jobcard import``: a counselor reads a person's 職務経歴書 / 履歴書 for them.

``--dry-run`` prints what would be proposed and stores nothing. Otherwise what was read is
kept for the person, who is asked in their chat to confirm it entry by entry (the file
itself is never stored).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.engine.localized import Lang


def register(subparsers: Any) -> None:
    """Add the ``import`` command to the ``jobcard`` parser."""
    command = subparsers.add_parser(
        "import",
        help="read a person's 職務経歴書 / 履歴書 and propose entries (for counselors)",
        description="Read a 職務経歴書 or 履歴書 (.docx, .pdf with text, .txt in UTF-8 or "
        "Shift_JIS) and print the entries it proposes. Without --dry-run they are kept for "
        "the person, who confirms each one in their chat; the file itself is never stored.",
    )
    command.add_argument("--user", required=True, help="person id, e.g. telegram:12345")
    command.add_argument("file", type=Path, help="the 職務経歴書 or 履歴書")
    command.add_argument("--dry-run", action="store_true", help="only print; store nothing")
    command.add_argument("--lang", choices=["ja", "en"], default="ja", help="printed language")
    command.add_argument("--db", help="database URL (default: JOBCARD_DATABASE_URL)")


def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    """Run ``import``; None when ``args`` is some other command."""
    if getattr(args, "command", None) != "import":
        return None
    from bot.importing.files import Unreadable, read_file
    from bot.importing.reader import read
    from bot.importing.texts import UNREADABLE
    from bot.service import JST, utc_now

    path: Path = args.file
    if not path.is_file():
        print(f"jobcard: no such file: {path}", file=sys.stderr)
        return 1
    lang: Lang = args.lang
    size = path.stat().st_size
    try:
        found = read_file(path.name, "", path.read_bytes() if size <= 4 << 20 else b"", size)
    except Unreadable as refused:
        print(f"jobcard: {UNREADABLE[refused.reason].get(lang)}", file=sys.stderr)
        return 1
    now = utc_now()
    reading = read(found.text, now.astimezone(JST).date())
    _print(reading, lang)
    if args.dry_run:
        print("(--dry-run: nothing was stored)")
        return 0
    if not reading.proposals:
        return 1
    return _keep(args.user, reading.proposals, settings, now)


def _print(reading: Any, lang: Lang) -> None:
    from bot.importing.display import entry_text
    from bot.importing.texts import HEADING, SHEETS

    totals: dict[str, int] = {}
    for proposal in reading.proposals:
        totals[proposal.kind] = totals.get(proposal.kind, 0) + 1
    seen: dict[str, int] = {}
    for proposal in reading.proposals:
        seen[proposal.kind] = seen.get(proposal.kind, 0) + 1
        sheet = SHEETS[proposal.kind].get(lang)
        heading = HEADING.format(
            lang, sheet=sheet, index=seen[proposal.kind], total=totals[proposal.kind]
        )
        print(f"{heading}\n{entry_text(proposal, lang)}\n")
    if reading.unplaced:
        title = "読み取れなかった行" if lang == "ja" else "Lines that could not be placed"
        print(f"{title} ({len(reading.unplaced)}):")
        for line in reading.unplaced:
            print(f"  {line}")


def _keep(person_id: str, proposals: Any, settings: Settings, now: Any) -> int:
    """Keep the proposals for the person and ask them, in their chat, to confirm."""
    from bot.bootstrap import build_runtime
    from bot.engine.payloads import Outcome, encode
    from bot.importing.actions import keep_for_later
    from storage import outbox, people
    from storage import repositories as repo

    runtime = build_runtime(settings)
    with runtime.sessions.begin() as session:
        person_id = people.resolve(session, person_id)  # a joined identity: its person
        record = repo.find_person(session, person_id)
        if record is None or record.consent is not True:
            print(
                f"jobcard: '{person_id}' has not agreed to store answers yet: ask them to "
                "start the chat first (use --dry-run to only look)",
                file=sys.stderr,
            )
            return 1
        keep_for_later(session, person_id, list(proposals), now)
        outbox.schedule(
            session,
            person_id,
            due_at=now,
            kind="inbound",
            payload=encode(Outcome("import", "resume")),
            now=now,
        )
    print(f"{len(proposals)} entries are waiting for {person_id} to confirm them in the chat")
    return 0

"""The facilitator's table: participant × session → done / in progress / not started / late.

Pure and progress-only by construction: it is given each homework dialog's progress, never an
answer, so no answer text can end up in the table (a dashboard renders the same rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.csvfile import csv_text
from bot.engine.localized import Lang, Localized
from bot.juku.schedule import Cohort, Progress, Status, statuses_from_progress
from bot.juku.texts import short_date, status_text


@dataclass(frozen=True, slots=True)
class Participant:
    """A member as the facilitator may see them.

    Attributes:
        name: The name the person chose to show (None: shown as 「参加者N」).
        progress: Each homework dialog's progress (see ``schedule.homework_progress``).
    """

    number: int
    name: str | None
    joined_on: date
    progress: Mapping[str, Progress]


@dataclass(frozen=True, slots=True)
class FacilitatorRow:
    """One participant: their homework status for sessions 1–4, in order.

    Attributes:
        done: How many homework items of each session are done (with ``totals``, 「途中 (1/4)」).
    """

    number: int
    name: str
    joined_on: date
    statuses: tuple[Status, ...]
    done: tuple[int, ...] = ()
    totals: tuple[int, ...] = ()

    def labels(self, lang: Lang = "ja") -> list[str]:
        """Each session's status in words: 済, 途中 (1/4), 未着手, 遅れ (0/4)."""
        done = self.done or (0,) * len(self.statuses)
        totals = self.totals or (1,) * len(self.statuses)
        return [
            status_text(status, count, total, lang)
            for status, count, total in zip(self.statuses, done, totals, strict=True)
        ]


_UNNAMED = Localized("参加者{number}", "Participant {number}")


def facilitator_rows(
    cohort: Cohort, participants: Sequence[Participant], today: date, lang: Lang = "ja"
) -> list[FacilitatorRow]:
    """The table's rows, in joining order."""
    rows = []
    for person in sorted(participants, key=lambda p: (p.joined_on, p.number)):
        statuses = statuses_from_progress(cohort, person.progress, today, person.joined_on)
        name = person.name or _UNNAMED.format(lang, number=person.number)
        row = FacilitatorRow(
            person.number,
            name,
            person.joined_on,
            tuple(s.status for s in statuses),
            tuple(s.done for s in statuses),
            tuple(len(s.dialogs) for s in statuses),
        )
        rows.append(row)
    return rows


_HEADINGS = {
    "name": Localized("参加者", "Participant"),
    "joined": Localized("参加日", "Joined"),
    "session": Localized("第{number}回（{date}）", "Session {number} ({date})"),
}


def headings(cohort: Cohort, lang: Lang) -> list[str]:
    """The column headings: participant, joined, then one column per session."""
    sessions = sorted(cohort.sessions, key=lambda s: s.number)
    return [
        _HEADINGS["name"].get(lang),
        _HEADINGS["joined"].get(lang),
        *(
            _HEADINGS["session"].format(lang, number=s.number, date=short_date(s.held_on, lang))
            for s in sessions
        ),
    ]


def to_csv(cohort: Cohort, rows: Sequence[FacilitatorRow], lang: Lang = "ja") -> str:
    """The table as CSV text for Excel, statuses in words (済・途中・未着手・遅れ).

    Names are written as people gave them; one that starts like a formula is neutralised
    (see ``bot.csvfile``).
    """
    body = [[row.name, row.joined_on.isoformat(), *row.labels(lang)] for row in rows]
    return csv_text(headings(cohort, lang), body)


def to_data(cohort: Cohort, rows: Sequence[FacilitatorRow]) -> dict[str, Any]:
    """The table as JSON-ready data, statuses as codes (for a dashboard or other tools)."""
    return {
        "cohort": {"code": cohort.code, "name": cohort.name},
        "sessions": [
            {"number": s.number, "date": s.held_on.isoformat()}
            for s in sorted(cohort.sessions, key=lambda s: s.number)
        ],
        "participants": [
            {
                "number": row.number,
                "name": row.name,
                "joined_on": row.joined_on.isoformat(),
                "statuses": list(row.statuses),
                "done": list(row.done),
                "items": list(row.totals),
            }
            for row in rows
        ],
    }

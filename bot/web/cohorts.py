"""The いきいきキャリアプラン塾 facilitator view: cohorts, and each cohort's progress table.

Progress only: the table comes from ``roster.facilitator_table``, which reads each homework
dialog's progress and never hands an answer on, so no answer text can reach these pages.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.juku.cohorts import list_cohorts
from bot.juku.facilitator import FacilitatorRow, to_csv
from bot.juku.roster import facilitator_table
from bot.juku.schedule import JST, next_session
from bot.juku.texts import MODES, SEASONS, format_date, session_title, theme
from bot.web.access import Permission, allows
from bot.web.deps import authorize, log_access, web
from bot.web.render import page
from bot.web.security import Login


def _staff(session: Session, request: Request) -> tuple[Login, datetime]:
    """The logged-in facilitator or admin and now."""
    return authorize(session, request, Permission.COHORTS)


def _shown(login: Login, rows: list[FacilitatorRow]) -> list[FacilitatorRow]:
    """The rows as this account may see them: an admin sees numbers instead of names."""
    if allows(login.staff.role, Permission.NAMES):
        return rows
    return [replace(row, name=f"参加者{row.number}") for row in rows]


def _log(
    session: Session, request: Request, login: Login, now: datetime, action: str, code: str
) -> None:
    names = "names" if allows(login.staff.role, Permission.NAMES) else "no names"
    log_access(
        session, request, login, now, action, object_type="cohort", object_id=code, detail=names
    )


def _list_context(session: Session, today: date) -> list[dict[str, Any]]:
    items = []
    for cohort, members in list_cohorts(session):
        upcoming = next_session(cohort, today)
        items.append(
            {
                "code": cohort.code,
                "name": cohort.name,
                "season": SEASONS[cohort.season].ja,
                "mode": MODES[cohort.mode].ja,
                "members": members,
                "next": session_title(upcoming, "ja", today) if upcoming else None,
            }
        )
    return items


async def cohort_list(request: Request) -> Response:
    """Every cohort with its join code, member count and next session."""
    state = web(request)

    def load() -> dict[str, object]:
        with state.sessions() as session:
            login, now = _staff(session, request)
            items = _list_context(session, now.astimezone(JST).date())
            return {"login": login, "csrf": login.csrf, "items": items}

    return page(request, "cohorts.html", await run_in_threadpool(load))


async def cohort_table(request: Request) -> Response:
    """One cohort: participant × session, each cell a status word (済・途中・未着手・遅れ)."""
    state = web(request)
    code = request.path_params["code"]

    def load() -> dict[str, object]:
        with state.sessions.begin() as session:
            login, now = _staff(session, request)
            today = now.astimezone(JST).date()
            found = facilitator_table(session, code, today)
            if found is None:
                raise HTTPException(404)
            cohort, rows = found
            rows = _shown(login, rows)
            _log(session, request, login, now, "view_cohort", cohort.code)
            sessions = [
                {
                    "number": s.number,
                    "date": format_date(s.held_on, "ja", today),
                    "theme": theme(s, "ja"),
                }
                for s in sorted(cohort.sessions, key=lambda s: s.number)
            ]
            people = [
                {
                    "name": row.name,
                    "joined_on": row.joined_on.isoformat(),
                    # 「途中 (1/4)」: how much of a session's homework is done.
                    "cells": list(zip(row.statuses, row.labels("ja"), strict=True)),
                }
                for row in rows
            ]
            return {
                "login": login,
                "csrf": login.csrf,
                "cohort": {
                    "code": cohort.code,
                    "name": cohort.name,
                    "season": SEASONS[cohort.season].ja,
                    "mode": MODES[cohort.mode].ja,
                },
                "today": format_date(today, "ja", today),
                "sessions": sessions,
                "rows": people,
            }

    return page(request, "cohort.html", await run_in_threadpool(load))


async def cohort_csv(request: Request) -> Response:
    """The same table as CSV, statuses in words; a download, never answers."""
    state = web(request)
    code = request.path_params["code"]

    def build() -> tuple[str, str]:
        with state.sessions.begin() as session:
            login, now = _staff(session, request)
            found = facilitator_table(session, code, now.astimezone(JST).date())
            if found is None:
                raise HTTPException(404)
            cohort, rows = found
            _log(session, request, login, now, "export_cohort", cohort.code)
            return to_csv(cohort, _shown(login, rows)), cohort.code

    text, found_code = await run_in_threadpool(build)
    filename = f"juku-{found_code}.csv"  # the code is letters and digits only
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )

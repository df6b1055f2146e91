"""Admin pages: every account (with a password reset) and the audit trail."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.review import accounts
from bot.web.access import Permission
from bot.web.deps import authorize, form_text, log_access, web
from bot.web.render import JST, page
from bot.web.security import check_csrf
from storage import audit

AUDIT_PAGE = 500  # newest entries shown; `jobcard audit` prints any range


def _accounts_context(login: Any, session: Any, **extra: Any) -> dict[str, Any]:
    rows = [
        {
            "login": staff.login,
            "name": staff.name,
            "role": staff.role,
            "centre": centre.code if centre is not None else "",
            "disabled": staff.disabled,
            "totp": staff.totp_enabled,
            "must_change": staff.must_change_password,
        }
        for staff, centre in accounts.staff_list(session)
    ]
    return {"login": login, "csrf": login.csrf, "rows": rows, "reset": None, **extra}


async def accounts_page(request: Request) -> Response:
    """Every account: role, centre, two-factor, and a password reset button."""
    state = web(request)

    def load() -> dict[str, Any]:
        with state.sessions() as session:
            login, _ = authorize(session, request, Permission.ACCOUNTS)
            return _accounts_context(login, session)

    return page(request, "accounts.html", await run_in_threadpool(load))


async def reset_password(request: Request) -> Response:
    """Give an account a one-time password, to be changed at its next login."""
    state = web(request)
    form = await request.form()

    def run() -> dict[str, Any]:
        with state.sessions.begin() as session:
            login, now = authorize(session, request, Permission.ACCOUNTS)
            check_csrf(request, form, login.csrf)
            try:
                staff, password = accounts.reset_password(session, form_text(form, "login"), now)
            except accounts.AccountError:
                raise HTTPException(404) from None
            log_access(
                session,
                request,
                login,
                now,
                "reset_password",
                object_type="account",
                object_id=staff.login,
            )
            reset = {"login": staff.login, "name": staff.name, "password": password}
            return _accounts_context(login, session, reset=reset)

    return page(request, "accounts.html", await run_in_threadpool(run))


def _since(raw: str) -> datetime | None:
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise HTTPException(400) from None
    return datetime.combine(day, time(0), JST)


async def audit_page(request: Request) -> Response:
    """The audit trail, newest first, by person id or account and from a day on."""
    state = web(request)
    person = request.query_params.get("person", "").strip()
    actor = request.query_params.get("user", "").strip().lower()
    since_text = request.query_params.get("since", "").strip()
    since = _since(since_text)

    def load() -> dict[str, Any]:
        with state.sessions() as session:
            login, now = authorize(session, request, Permission.AUDIT)
            rows = audit.entries(
                session,
                person_id=person or None,
                actor=actor or None,
                since=since or now - timedelta(days=30),
                limit=AUDIT_PAGE,
            )
            return {
                "login": login,
                "csrf": login.csrf,
                "rows": rows,
                "person": person,
                "user": actor,
                "since": since_text,
                "limit": AUDIT_PAGE,
            }

    return page(request, "audit.html", await run_in_threadpool(load))

"""Dashboard security: server-side login sessions, CSRF tokens and protective headers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.review.accounts import aware
from storage.review import StaffRow, WebSessionRow

SESSION_COOKIE = "jc_session"
LOGIN_CSRF_COOKIE = "jc_login_csrf"
SESSION_LIFETIME = timedelta(hours=8)  # one working day at the desk
_HEADERS = {
    # No script at all: the dashboard is plain HTML forms, so injected markup cannot run.
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # Submission ids are in URLs: never leak them to another site.
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


class LoginRequiredError(Exception):
    """No valid session: the handler answers with the login page."""


@dataclass(frozen=True, slots=True)
class Login:
    """The logged-in account and the CSRF token of its session."""

    staff: StaffRow
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, staff: StaffRow, now: datetime) -> str:
    """Start a login session; returns the cookie value (only its hash is stored)."""
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
    token = secrets.token_urlsafe(32)
    session.add(
        WebSessionRow(
            token_hash=_digest(token),
            staff_id=staff.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return token


def current_login(session: Session, request: Request, now: datetime) -> Login:
    """The account behind the request's session cookie.

    Raises:
        LoginRequiredError: No cookie, an unknown or expired session, or a disabled account.
    """
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequiredError
    row = session.get(WebSessionRow, _digest(token))
    if row is None or aware(row.expires_at) <= now:
        raise LoginRequiredError
    staff = session.get(StaffRow, row.staff_id)
    if staff is None or staff.disabled:
        raise LoginRequiredError
    return Login(staff, row.csrf_token)


def close_session(session: Session, request: Request) -> None:
    """Log out: the session is deleted on the server, not only forgotten by the browser."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == _digest(token)))


def sessions_of(session: Session, staff_id: int) -> int:
    """How many open sessions an account has (for tests and audits)."""
    return len(
        session.scalars(select(WebSessionRow).where(WebSessionRow.staff_id == staff_id)).all()
    )


def check_csrf(request: Request, form: FormData, expected: str | None) -> None:
    """Refuse a form without the right token, or posted from another site.

    Raises:
        HTTPException: 403.
    """
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise HTTPException(403, "cross-site form")
    given = form.get("csrf_token")
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise HTTPException(403, "missing or wrong CSRF token")


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """Set a cookie scripts cannot read, sent only to this site (Secure over HTTPS)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def login_csrf(request: Request) -> str:
    """The login form's token: the one already in the cookie, or a new one."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)


class SecurityHeaders:
    """ASGI middleware adding protective headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in _HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

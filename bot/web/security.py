"""Dashboard security: server-side login sessions, CSRF tokens, cookies and protective headers."""

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
PRE_SESSION_COOKIE = "jc_pre"  # the login form's pre-session, before anyone is logged in
SESSION_LIFETIME = timedelta(hours=8)  # one working day at the desk
SECOND_FACTOR_LIFETIME = timedelta(minutes=5)  # to type the code after the password
LOGIN_FORM_LIFETIME = timedelta(hours=1)
FULL = "full"
SECOND_FACTOR = "second_factor"
HSTS = "max-age=31536000"  # a year; sent only on HTTPS responses
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


def is_https(request: Request) -> bool:
    """Whether the browser reached us over HTTPS (directly, or through a trusted proxy)."""
    # The scope's scheme is what request.url would be built from, without building it.
    return request.scope.get("scheme") == "https"


def cookie_name(request: Request, base: str) -> str:
    """``__Host-`` names over HTTPS: Secure, this host only, path /, never set by a subdomain."""
    return f"__Host-{base}" if is_https(request) else base


def read_cookie(request: Request, base: str) -> str | None:
    """The cookie ``base`` under the name this scheme uses."""
    return request.cookies.get(cookie_name(request, base))


def set_cookie(request: Request, response: Response, base: str, value: str, max_age: int) -> None:
    """Set a cookie scripts cannot read, sent only to this site (Secure, ``__Host-`` on HTTPS)."""
    response.set_cookie(
        cookie_name(request, base),
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )


def delete_cookie(request: Request, response: Response, base: str) -> None:
    """Forget the cookie ``base`` in the browser."""
    response.delete_cookie(
        cookie_name(request, base),
        path="/",
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )


def open_session(session: Session, staff: StaffRow, now: datetime, stage: str = FULL) -> str:
    """Start a login session; returns the cookie value (only its hash is stored).

    ``stage`` is ``SECOND_FACTOR`` between a right password and the two-factor code: such a
    session opens no page but the code form, and lasts five minutes.
    """
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
    token = secrets.token_urlsafe(32)
    lifetime = SESSION_LIFETIME if stage == FULL else SECOND_FACTOR_LIFETIME
    session.add(
        WebSessionRow(
            token_hash=_digest(token),
            staff_id=staff.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + lifetime,
            stage=stage,
        )
    )
    return token


def current_login(session: Session, request: Request, now: datetime, stage: str = FULL) -> Login:
    """The account behind the request's session cookie, at ``stage``.

    Raises:
        LoginRequiredError: No cookie, an unknown or expired session, another stage, or a
            disabled account.
    """
    token = read_cookie(request, SESSION_COOKIE)
    if not token:
        raise LoginRequiredError
    row = session.get(WebSessionRow, _digest(token))
    if row is None or aware(row.expires_at) <= now or row.stage != stage:
        raise LoginRequiredError
    staff = session.get(StaffRow, row.staff_id)
    if staff is None or staff.disabled:
        raise LoginRequiredError
    return Login(staff, row.csrf_token)


def close_session(session: Session, request: Request) -> None:
    """Log out: the session is deleted on the server, not only forgotten by the browser."""
    token = read_cookie(request, SESSION_COOKIE)
    if token:
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == _digest(token)))


def close_other_sessions(session: Session, request: Request, staff_id: int) -> None:
    """After a password change: every other session of the account ends."""
    token = read_cookie(request, SESSION_COOKIE)
    keep = _digest(token) if token else ""
    session.execute(
        delete(WebSessionRow).where(
            WebSessionRow.staff_id == staff_id, WebSessionRow.token_hash != keep
        )
    )


def sessions_of(session: Session, staff_id: int) -> int:
    """How many open sessions an account has (for tests and audits)."""
    return len(
        session.scalars(select(WebSessionRow).where(WebSessionRow.staff_id == staff_id)).all()
    )


def _same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise HTTPException(403, "cross-site form")


def check_csrf(request: Request, form: FormData, expected: str | None) -> None:
    """Refuse a form without the right token, or posted from another site.

    Raises:
        HTTPException: 403.
    """
    _same_origin(request)
    given = form.get("csrf_token")
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise HTTPException(403, "missing or wrong CSRF token")


def _login_mac(secret: bytes, pre_session: str, issued: int) -> str:
    message = f"login-form|{pre_session}|{issued}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def pre_session(request: Request) -> str:
    """The browser's pre-session id (from its cookie), or a new one."""
    return read_cookie(request, PRE_SESSION_COOKIE) or secrets.token_urlsafe(32)


def login_token(secret: bytes, pre: str, now: datetime) -> str:
    """The login form's token: signed with the server's key and bound to the pre-session.

    Only this server can make one, and only for this browser's pre-session cookie, so an
    attacker cannot pair a cookie and a token of their own choosing.
    """
    issued = int(now.timestamp())
    return f"{issued}.{_login_mac(secret, pre, issued)}"


def check_login_csrf(request: Request, form: FormData, secret: bytes, now: datetime) -> None:
    """Refuse a login form without a token this server signed for this pre-session.

    Raises:
        HTTPException: 403.
    """
    _same_origin(request)
    pre = read_cookie(request, PRE_SESSION_COOKIE)
    given = form.get("csrf_token")
    if not pre or not isinstance(given, str) or "." not in given:
        raise HTTPException(403, "missing or wrong CSRF token")
    issued_text, mac = given.split(".", 1)
    if not issued_text.isdigit():
        raise HTTPException(403, "missing or wrong CSRF token")
    issued = int(issued_text)
    age = now.timestamp() - issued
    if not 0 <= age <= LOGIN_FORM_LIFETIME.total_seconds():
        raise HTTPException(403, "the login form is too old")
    if not hmac.compare_digest(mac, _login_mac(secret, pre, issued)):
        raise HTTPException(403, "missing or wrong CSRF token")


# Encoded once: they go on every response.
_HTTP_HEADERS = tuple((name.encode(), value.encode()) for name, value in _HEADERS.items())
_HTTPS_HEADERS = (*_HTTP_HEADERS, (b"strict-transport-security", HSTS.encode()))
# What :class:`SecurityHeaders` adds to a response without them, over HTTPS (True) or not.
SECURITY_HEADERS = {False: _HTTP_HEADERS, True: _HTTPS_HEADERS}


class SecurityHeaders:
    """ASGI middleware adding protective headers to every HTTP response (HSTS on HTTPS)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _HTTPS_HEADERS if scope.get("scheme") == "https" else _HTTP_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [header for header in extra if header[0] not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

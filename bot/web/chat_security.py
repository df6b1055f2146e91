"""The browser chat's identity cookie, CSRF tokens, rate limits and response headers.

A person is known only by a random id in a signed cookie (HttpOnly, SameSite=Lax, Secure
and ``__Host-`` over HTTPS). Every form carries a CSRF token derived from that id with the
server's secret, so another site can neither post as the person nor forge a token.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse
from starlette.requests import Request, cookie_parser
from starlette.responses import Response

from bot.bounded import Bounded
from bot.web.limits import TooManyRequestsError
from bot.web.security import cookie_name, is_https

CHAT_COOKIE = "jc_chat"
COOKIE_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie: a card takes months
CHANNEL = "web"
_SALT = "jobcard-chat-identity"
# The chat runs one small same-origin script; nothing inline, nothing from elsewhere.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def identity_of(token: str) -> str:
    """The person id of a browser's token (``web:…``)."""
    return f"{CHANNEL}:{token}"


def new_token() -> str:
    """A fresh random browser id: nothing about the person is in it."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True, slots=True)
class ChatKeys:
    """Signs the identity cookie and derives the forms' CSRF tokens from the server secret."""

    secret: bytes

    def read(self, request: Request) -> str | None:
        """The browser's token from its signed cookie (None if absent or tampered with)."""
        value = request.cookies.get(cookie_name(request, CHAT_COOKIE))
        if not value or len(value) > 200:
            return None
        return _verified(self.secret, value)

    def read_header(self, cookie: str, https: bool) -> str | None:
        """The browser's token from a raw ``Cookie`` header (as :meth:`read`).

        A browser sends the same header with every turn: its token is found once.
        """
        key = (self.secret, cookie, https)
        known = _FROM_HEADER.get(key)
        if known is not None:
            return known
        name = f"__Host-{CHAT_COOKIE}" if https else CHAT_COOKIE
        value = cookie_parser(cookie).get(name)
        if not value or len(value) > 200:
            return None
        token = _verified(self.secret, value)
        if token is not None and len(cookie) <= 1024:  # (a few hundred bytes each)
            _FROM_HEADER.put(key, token)
        return token

    def remember(self, request: Request, response: Response, token: str) -> None:
        """Set the identity cookie (scripts cannot read it; sent on top-level navigation)."""
        response.headers.append("set-cookie", _set_cookie(self.secret, token, is_https(request)))

    def csrf(self, token: str) -> str:
        """The CSRF token of every form of this browser."""
        return _csrf(self.secret, token)

    def csrf_ok(self, token: str, given: object) -> bool:
        """Whether a posted CSRF token is this browser's."""
        return isinstance(given, str) and hmac.compare_digest(given, self.csrf(token))


@functools.lru_cache(maxsize=8192)
def _csrf(secret: bytes, token: str) -> str:
    # Checked and drawn on every turn: derived once per browser.
    return hmac.new(secret, f"chat-csrf|{token}".encode(), hashlib.sha256).hexdigest()


@functools.lru_cache(maxsize=8192)
def _set_cookie(secret: bytes, token: str, https: bool) -> str:
    """The ``Set-Cookie`` header of a browser's identity cookie.

    The cookie is set again with every page, so it lives as long as it is used; its value
    (the token signed with itsdangerous) never changes, so the header is made once per
    browser. The signed value is URL-safe base64 and dots: nothing in it needs quoting.
    """
    value = URLSafeSerializer(secret, salt=_SALT).dumps(token)
    if _good(token):  # signed here: the browser's next request need not be checked again
        _VERIFIED.put((secret, value), token)
    name = f"__Host-{CHAT_COOKIE}" if https else CHAT_COOKIE
    secure = "; Secure" if https else ""
    return f"{name}={value}; HttpOnly; Max-Age={COOKIE_AGE}; Path=/; SameSite=lax{secure}"


# Cookie values whose signature is good, with their token: a browser's cookie is checked
# once (or not at all when this process signed it), not on every request.
_VERIFIED: Bounded[tuple[bytes, str], str] = Bounded(8192)


# Cookie headers whose chat token is known, by the secret that checked it and the scheme.
_FROM_HEADER: Bounded[tuple[bytes, str, bool], str] = Bounded(8192)


def _verified(secret: bytes, value: str) -> str | None:
    """A cookie's token once its signature is checked (None if it is not good)."""
    known = _VERIFIED.get((secret, value))
    if known is not None:
        return known
    try:
        token = URLSafeSerializer(secret, salt=_SALT).loads(value)
    except BadSignature:
        return None
    if not isinstance(token, str) or not _good(token):
        return None
    _VERIFIED.put((secret, value), token)
    return token


def _good(token: str) -> bool:
    return 10 <= len(token) <= 64


class MovingWindow:
    """Hits per key within each rule's window, counted in this process's memory.

    The chat counts every message, so this is its own small counter: ``limits``' memory
    storage starts a timer thread on most hits, which cost more than a whole chat turn.
    """

    _SWEEP_EVERY = 2048  # hits between sweeps of keys whose window has passed

    def __init__(self) -> None:
        self._hits: dict[tuple[str, ...], deque[float]] = {}
        self._guard = threading.Lock()
        self._since_sweep = 0

    def hit(self, rule: str, *key: str) -> int:
        """Count a hit; 0 when allowed, else the seconds until the next one is."""
        amount, window = _rule(rule)
        now = time.monotonic()
        with self._guard:
            self._sweep(now)
            hits = self._hits.setdefault((rule, *key), deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= amount:
                return max(1, math.ceil(hits[0] + window - now))
            hits.append(now)
            return 0

    def _sweep(self, now: float) -> None:
        self._since_sweep += 1
        if self._since_sweep < self._SWEEP_EVERY:
            return
        self._since_sweep = 0
        for key, hits in list(self._hits.items()):
            if not hits or hits[-1] <= now - _rule(key[0])[1]:
                del self._hits[key]


@functools.lru_cache(maxsize=64)
def _rule(rule: str) -> tuple[int, float]:
    """A rule's hits allowed and its window in seconds (parsed once, used on every hit)."""
    item = parse(rule)
    return item.amount, float(item.get_expiry())


@dataclass
class ChatLimits:
    """Rate limits of the chat (``limits`` notation, e.g. ``30/minute``), in memory.

    ``per_person`` keeps one browser from flooding the service; ``per_address`` is high,
    because everyone at one Hello Work corner may share an address.
    """

    per_person: str = "30/minute"
    per_address: str = "600/minute"
    resume_per_address: str = "10/minute"
    _window: MovingWindow = field(default_factory=MovingWindow, repr=False)

    def _hit(self, rule: str, *key: str) -> None:
        wait = self._window.hit(rule, *key)
        if wait:
            raise TooManyRequestsError(wait)

    def check_message(self, token: str, address: str | None) -> None:
        """Count a message from this browser and address.

        Raises:
            TooManyRequestsError: Slow down (nothing was handled).
        """
        self._hit(self.per_person, "chat-person", token)
        self._hit(self.per_address, "chat-address", address or "-")

    def check_resume(self, address: str | None) -> None:
        """Count an attempt at a resume code from this address.

        Raises:
            TooManyRequestsError: Too many attempts.
        """
        self._hit(self.resume_per_address, "chat-resume", address or "-")


def protect(response: Response) -> Response:
    """The chat's own security headers (the dashboard's allow no script at all)."""
    response.headers["content-security-policy"] = CSP
    response.headers.setdefault("cache-control", "no-store")
    return response

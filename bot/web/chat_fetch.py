"""The turn ``chat.js`` sends, answered without Starlette's request, routing and response.

A turn is nearly every request the chat serves. Through Starlette's request and response
objects, routing, middlewares and exception handling it cost about 0.16 M instructions more
(callgrind) of the 1.35 M the web server spent on a turn besides the service's own. This
path is a middleware in front of the app's own: for a ``POST /chat`` from ``chat.js`` it
checks what the route checks — the body's size, the identity cookie's signature, the CSRF
token, the delivery id, the rate limits — takes the turn through the same
:func:`~bot.web.chat_turns.take_turn`, and answers the same JSON with the same headers.
Anything else, and any turn that is not plainly one (no or a wrong token, an empty answer,
too many fields, a body over the limit …), goes on to the app with its body, where the
route answers it as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from jinja2 import Environment
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web import chat
from bot.web.chat_form import Posted, accepted_lang, form_of
from bot.web.chat_security import CSP, identity_of
from bot.web.chat_texts import text
from bot.web.chat_turns import ChatSettings, take_turn
from bot.web.limits import MAX_BODY, TooManyRequestsError
from bot.web.security import SECURITY_HEADERS

_PATH = "/chat"
_FORM = b"application/x-www-form-urlencoded"
_WANTED = (b"content-type", b"content-length", b"cookie", b"accept-language", b"x-requested-with")


def _headers(https: bool) -> tuple[tuple[bytes, bytes], ...]:
    """The JSON response's headers: the chat's own and the app's security headers."""
    own = ((b"content-security-policy", CSP.encode()), (b"cache-control", b"no-store"))
    named = {name for name, _ in own}
    extra = SECURITY_HEADERS[https]
    return ((b"content-type", b"application/json"), *own, *(h for h in extra if h[0] not in named))


_RESPONSE_HEADERS = {https: _headers(https) for https in (False, True)}


class ChatTurns:
    """ASGI middleware: ``chat.js``'s turns answered here, everything else by the app."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body
        self._served: object = None  # the app whose chat settings and templates are below
        self._parts: tuple[ChatSettings, Environment] | None = None

    def _parts_of(self, app: Any) -> tuple[ChatSettings, Environment]:
        """The chat's settings and templates (looked up in the app's state once)."""
        if app is not self._served or self._parts is None:
            self._parts = (app.state.chat, app.state.templates.env)
            self._served = app
        return self._parts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A plain turn from ``chat.js`` here; anything else to the app."""
        if scope["type"] != "http" or scope["path"] != _PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        found: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name in _WANTED and name not in found:  # the first, as Starlette reads them
                found[name] = value
        length = found.get(b"content-length", b"")
        kind = found.get(b"content-type", b"").partition(b";")[0].strip().lower()
        if (
            found.get(b"x-requested-with") != chat.FETCH_VALUE.encode()
            or kind != _FORM
            or not length.isdigit()
            or int(length) > self.max_body
        ):
            await self.app(scope, receive, send)
            return
        body, more = await _body(receive, int(length))
        if body is None:
            return  # the browser went away
        if more:  # longer than it said: the app's own limit answers it
            await self.app(scope, _replaying(body, True, receive), send)
            return
        answered = await self._turn(scope, found, body, send)
        if not answered:
            await self.app(scope, _replaying(body, False, receive), send)

    async def _turn(
        self, scope: Scope, found: Mapping[bytes, bytes], body: bytes, send: Send
    ) -> bool:
        """Take a plain turn and answer it; False (nothing done) for anything else."""
        settings, environment = self._parts_of(scope["app"])
        https = scope.get("scheme") == "https"
        token = settings.keys.read_header(found.get(b"cookie", b"").decode("latin-1"), https)
        form = form_of(body)
        if (
            token is None
            or form is None
            or not settings.keys.csrf_ok(token, form.get("csrf_token"))
        ):
            return False
        posted = Posted.of(form)
        if not posted.delivery_ok or posted.empty:
            return False
        hint = accepted_lang(found.get(b"accept-language", b"ja").decode("latin-1"))
        client = scope.get("client")
        try:
            settings.limits.check_message(token, client[0] if client else None)
        except TooManyRequestsError as exc:
            notice = text("slow_down", hint, seconds=exc.retry_after)
            await _answer(send, 429, {"notice": notice}, https)
            return True
        identity = identity_of(token)
        result = await settings.run(
            take_turn, settings, identity, posted.typed, posted.payload, posted.delivery, hint
        )
        shape = form.get("shape", "")
        if result.handled:
            reply = chat.turn_body(settings, environment, token, result, shape)
        else:  # the same form again (a double tap): what the first post added
            after = form.get("after", "")
            start = int(after) if after.isdigit() else 0
            reply = await settings.run(
                chat.fragment_body, settings, environment, token, start, shape, hint
            )
        await _answer(send, 200, reply, https)
        return True


async def _body(receive: Receive, declared: int) -> tuple[bytes | None, bool]:
    """The request's body (None if the browser went away), and whether it is longer than
    it said (then only what was read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > declared:
            return b"".join(chunks), True
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replaying(body: bytes, more: bool, receive: Receive) -> Receive:
    """``receive`` with what was read of the body given back first."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": more}

    return replay


async def _answer(send: Send, status: int, content: dict[str, Any], https: bool) -> None:
    """The JSON answer, with the chat's headers: the same bytes as Starlette's
    ``JSONResponse`` (compact, UTF-8), by orjson, which escapes the reply's HTML in about a
    seventh of the time ``json`` takes (55 K instructions a turn there)."""
    encoded = orjson.dumps(content)
    headers = [*_RESPONSE_HEADERS[https], (b"content-length", str(len(encoded)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": encoded})

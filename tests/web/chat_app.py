"""The browser chat served by uvicorn over a real runtime, and a client that posts like one."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.bootstrap import Runtime
from bot.documents.links import DocumentLinks
from bot.jobcard.card import build_jobcard
from bot.service import JST
from bot.web import create_app
from bot.web.chat import ChatSettings
from bot.web.chat_security import ChatKeys, ChatLimits
from tests.web.server import serving

SECRET = b"test secret of the browser chat, long enough"
_OPEN: list[httpx.Client] = []  # clients of the running server, closed when it stops


@dataclass
class ChatServer:
    """A running chat: its address, the runtime under it and the PDFs it rendered."""

    url: str
    runtime: Runtime
    settings: ChatSettings
    rendered: list[dict[str, object]]


@contextmanager
def chat_server(
    runtime: Runtime,
    *,
    limits: ChatLimits | None = None,
    real_pdf: bool = False,
    lifetime: timedelta = timedelta(hours=24),
    uses: int = 5,
    **server: Any,
) -> Iterator[ChatServer]:
    """Serve the chat (and the dashboard) on loopback until the block ends; ``server`` are
    more uvicorn settings, as ``jobcard web`` gives (proxy headers)."""
    rendered: list[dict[str, object]] = []

    def card_pdf(answers: dict[str, object], now: datetime) -> bytes:
        rendered.append(dict(answers))
        if real_pdf:
            card = build_jobcard(answers, created_on=now.astimezone(JST).date())
            return runtime.documents.pdf(card)
        return b"%PDF-1.7 test " + str(answers.get("profile.name", "")).encode()

    links = DocumentLinks(
        "http://placeholder", SECRET, card_pdf=card_pdf, lifetime=lifetime, uses=uses
    )
    settings = ChatSettings(
        runtime.service,
        runtime.sessions,
        ChatKeys(SECRET),
        links,
        limits or ChatLimits(per_person="1000/minute", per_address="10000/minute"),
    )
    app = create_app(runtime.sessions, clock=runtime.service.now, chat=settings)
    try:
        with serving(app, **server) as url:
            links.public_url = url
            settings.public_url = url
            yield ChatServer(url, runtime, settings, rendered)
    finally:
        while _OPEN:
            _OPEN.pop().close()


@contextmanager
def card_held(server: ChatServer) -> Iterator[threading.Event]:
    """Hold the making of cards until the yielded event is set (the turn is not held).

    The chat's card worker is replaced by one whose first task waits for the event, so a
    test sees the page while the card is being made, as a person on a busy day would.
    """
    release = threading.Event()
    workers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="held-card")
    workers.submit(release.wait, 60)
    server.settings.card_workers = workers
    try:
        yield release
    finally:
        release.set()
        workers.shutdown(wait=True)


class Browser:
    """A browser without JavaScript: GET the page, post its forms, follow redirects."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, follow_redirects=True, timeout=30)
        _OPEN.append(self.client)
        self.page = self.client.get("/").text

    def field(self, name: str) -> str:
        found = re.search(rf'name="{name}" value="([^"]*)"', self.page)
        assert found is not None, name
        return found.group(1)

    def post(self, path: str = "/chat", **data: Any) -> httpx.Response:
        form = {"csrf_token": self.field("csrf_token")}
        if path.startswith("/chat"):
            form["delivery"] = self.field("delivery")
        form.update(data)
        response = self.client.post(path, data=form)
        self.page = response.text
        return response

    def send(self, text: str) -> str:
        self.post(text=text)
        return self.page

    def press(self, label: str) -> str:
        """Press the live button labelled ``label``."""
        for value, shown in re.findall(
            r'<button type="submit" form="composer" name="payload" value="([^"]*)" '
            r'class="(?:option|action)">([^<]*)</button>',
            self.page,
        ):
            if shown == label:
                self.post(payload=_unescape(value))
                return self.page
        raise AssertionError(f"no live button {label!r}")

    def command(self, payload: str) -> str:
        self.post(payload=payload)
        return self.page

    def reload_until_ready(self, timeout: float = 60) -> str:
        """Load the page again, as a person would, until nothing is being made any more."""
        deadline = time.monotonic() + timeout
        while 'class="msg bot pending"' in self.page:
            assert time.monotonic() < deadline, "the card was never shown"
            time.sleep(0.2)
            self.page = self.client.get("/").text
        return self.page


def consented(server: ChatServer) -> Browser:
    """A browser that has begun and agreed, at the first profile question (氏名)."""
    browser = Browser(server.url)
    browser.command("c|start")
    browser.press("日本語")
    browser.press("はい")
    return browser


def _unescape(value: str) -> str:
    import html

    return html.unescape(value)

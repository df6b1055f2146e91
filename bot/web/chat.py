"""The person-facing chat in the browser: server-rendered pages, plain form posts, no build step.

Every turn is a form POST that works without JavaScript (post, then redirect back to the
page); ``chat.js`` sends the same form with ``fetch`` and adds the new messages in place.
Each form carries a delivery id, so a double tap or a browser's retry is handled once by
the service's own dedupe.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.config import Settings
from bot.documents.links import DocumentLinks, link_settings
from bot.engine import Document, Inbound, Outbound, as_lang
from bot.engine.localized import Lang
from bot.engine.payloads import RunCommand, encode
from bot.service import ConversationService
from bot.web import chat_messages as shown
from bot.web.chat_security import (
    CHANNEL,
    ChatKeys,
    ChatLimits,
    identity_of,
    new_token,
    protect,
)
from bot.web.chat_texts import text
from bot.web.deps import client_address
from bot.web.limits import TooManyRequestsError
from storage import people, webchat
from storage import repositories as repo

RESUME_LIFETIME = timedelta(minutes=30)
_RESUME_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_DELIVERY = re.compile(r"[A-Za-z0-9_-]{8,64}")
FETCH_HEADER = "x-requested-with"
FETCH_VALUE = "jobcard-chat"
COMMANDS = ("back", "skip", "summary", "menu", "help", "card", "link")
START = encode(RunCommand("start"))


def _box_context(lang: Lang) -> dict[str, Any]:
    """The command buttons of the answer box (the same commands as every channel)."""
    return {
        "commands": [(key, encode(RunCommand(key))) for key in COMMANDS],
        "language_payload": encode(RunCommand("english" if lang == "ja" else "日本語")),
        "start_payload": START,
    }


def _command_label(payload: str, lang: Lang) -> str | None:
    """What a command button said, to show it as the person's message."""
    for key in COMMANDS:
        if payload == encode(RunCommand(key)):
            return text(f"cmd_{key}", lang)
    if payload == START:
        return text("start", lang)
    if payload in (encode(RunCommand("english")), encode(RunCommand("日本語"))):
        return text("language", "ja" if payload.endswith("english") else "en")
    return None


@dataclass
class ChatSettings:
    """What the chat needs, built once by ``jobcard web`` (or a test)."""

    service: ConversationService
    sessions: sessionmaker[Session]
    keys: ChatKeys
    links: DocumentLinks | None = None
    limits: ChatLimits = field(default_factory=ChatLimits)
    public_url: str = ""


def web_chat(settings: Settings) -> ChatSettings:
    """The chat of ``jobcard web``: the whole runtime, document links and signing keys.

    Raises:
        MissingSettingError: ``JOBCARD_PUBLIC_URL`` or ``JOBCARD_SECRET_KEY`` is not set.
    """
    from bot.bootstrap import build_runtime, document_links

    link_settings(settings)  # fails before anything is built when a setting is missing
    runtime = build_runtime(settings)
    links = document_links(runtime)
    secret = settings.require("JOBCARD_SECRET_KEY").encode()
    return ChatSettings(
        runtime.service, runtime.sessions, ChatKeys(secret), links, public_url=links.public_url
    )


def settings_of(request: Request) -> ChatSettings:
    """The chat's parts."""
    chat: ChatSettings = request.app.state.chat
    return chat


def _lang(request: Request, record: repo.ConversationRecord | None) -> Lang:
    if record is not None:
        return as_lang(record.lang)
    accepted = request.headers.get("accept-language", "ja").lower()
    return "en" if accepted.startswith("en") else "ja"


def _page(
    request: Request,
    token: str,
    *,
    status_code: int = 200,
    slow_down: int = 0,
    draft: str | None = None,
) -> Response:
    chat = settings_of(request)
    identity = identity_of(token)
    with chat.sessions() as session:
        person = people.resolve(session, identity)
        if webchat.has_due(session, person, chat.service.now()):
            _deliver_due(chat, identity, person)
            session.rollback()  # a fresh read, which sees what was just delivered
        messages, stored_draft = shown.shown(webchat.recent_messages(session, identity))
        record = repo.find_person(session, person)
        box = shown.answer_box(record, chat.service.catalog)
        lang = _lang(request, record)
    context = {
        "lang": lang,
        "t": lambda key, **params: text(key, lang, **params),
        "messages": messages,
        "box": box,
        "draft": stored_draft if draft is None else draft,
        "csrf": chat.keys.csrf(token),
        "delivery": secrets.token_urlsafe(12),
        **_box_context(lang),
        "notice": text("slow_down", lang, seconds=slow_down) if slow_down else "",
        "link_hours": int(chat.links.lifetime.total_seconds() // 3600) if chat.links else 24,
    }
    templates = request.app.state.templates
    response = templates.TemplateResponse(request, "chat.html", context, status_code=status_code)
    chat.keys.remember(request, response, token)
    return protect(response)


async def chat_page(request: Request) -> Response:
    """The chat: the conversation so far, the open question's buttons and the answer box."""
    chat = settings_of(request)
    token = chat.keys.read(request) or new_token()
    return await run_in_threadpool(_page, request, token)


def _form_text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def _checked_form(request: Request) -> tuple[str, Any]:
    """The browser's token and its form, once the CSRF token is right.

    Raises:
        HTTPException: 403 without the identity cookie or with a wrong token.
    """
    chat = settings_of(request)
    token = chat.keys.read(request)
    form = await request.form()
    if token is None or not chat.keys.csrf_ok(token, form.get("csrf_token")):
        raise HTTPException(403, "missing or wrong CSRF token")
    return token, form


def _wants_json(request: Request) -> bool:
    return request.headers.get(FETCH_HEADER) == FETCH_VALUE


async def send(request: Request) -> Response:
    """One turn: what was typed or pressed goes to the service; the replies join the page."""
    chat = settings_of(request)
    token, form = await _checked_form(request)
    typed = _form_text(form, "text").replace("\r\n", "\n")
    payload = _form_text(form, "payload") or None
    delivery = _form_text(form, "delivery")
    try:
        chat.limits.check_message(token, client_address(request))
    except TooManyRequestsError as exc:
        wait = exc.retry_after
        if _wants_json(request):
            lang: Lang = (
                "en" if request.headers.get("accept-language", "").startswith("en") else "ja"
            )
            notice = text("slow_down", lang, seconds=exc.retry_after)
            return protect(JSONResponse({"notice": notice}, status_code=429))
        return await run_in_threadpool(
            lambda: _page(request, token, status_code=429, slow_down=wait, draft=typed)
        )
    if _DELIVERY.fullmatch(delivery) is None:
        raise HTTPException(400, "missing delivery id")
    if payload is not None or typed.strip():
        await run_in_threadpool(_turn, chat, token, typed, payload, delivery, request)
    return await _after_post(request, token, form)


async def _after_post(request: Request, token: str, form: Any) -> Response:
    """Post/redirect/get without JavaScript; the new messages as JSON for ``chat.js``."""
    if not _wants_json(request):
        return RedirectResponse("/#latest", status_code=303)
    after = _form_text(form, "after")
    return await run_in_threadpool(_fragment, request, token, int(after) if after.isdigit() else 0)


def _turn(
    chat: ChatSettings,
    token: str,
    typed: str,
    payload: str | None,
    delivery: str,
    request: Request,
) -> None:
    identity = identity_of(token)
    with chat.sessions() as session:
        before = webchat.recent_messages(session, identity, last=20)
        record = repo.find_person(session, people.resolve(session, identity))
    accepted = request.headers.get("accept-language", "ja").lower()
    is_new = record is None
    lang: Lang = as_lang(record.lang) if record else "en" if accepted.startswith("en") else "ja"
    label = shown.label_of(before, payload) if payload is not None else None
    if payload is not None and label is None:
        label = _command_label(payload, lang)
    inbound = Inbound(
        identity,
        text=typed if payload is None else None,
        payload=payload,
        # The browser's id is in the delivery id, so deleting the person forgets it too.
        delivery_id=f"{identity}:{delivery}",
        lang_hint="en" if is_new and accepted.startswith("en") else None,
    )
    reply = chat.service.reply(inbound)
    if not reply.outbound:
        return  # the same form again (a double tap, a retry): it was handled once
    now = chat.service.now()
    with chat.sessions.begin() as session:
        person = people.resolve(session, identity)
        said = label if payload is not None else typed
        stored = [shown.person_message(said or "")] if said else []
        stored += _replies(chat, session, person, reply.outbound, reply.lang, now)
        if payload is not None and typed.strip():
            stored.append(shown.draft_message(typed))
        webchat.add_messages(session, identity, person, stored, now)


def _replies(
    chat: ChatSettings,
    session: Session,
    person: str,
    replies: Sequence[Outbound],
    lang: Lang,
    now: datetime,
) -> list[shown.StoredMessage]:
    """Replies as the page keeps them: a document becomes a signed link."""
    stored = []
    for outbound in replies:
        link = None
        if isinstance(outbound, Document) and chat.links is not None:
            link = chat.links.issue(session, person, outbound, now)
        if isinstance(outbound, Document) and link is None:
            stored.append(shown.bot_text(text("no_link", lang)))
            continue
        stored.append(shown.bot_message(outbound, link))
    return stored


def _deliver_due(chat: ChatSettings, identity: str, person: str) -> None:
    """Reminders and notices due for this browser's person, when the web is where they are."""
    with chat.sessions() as session:
        if not webchat.has_due(session, person, chat.service.now()):
            return  # the usual case: no write transaction for a page view
        here = people.newest_identity(session, person) == identity
        lang = as_lang(record.lang) if (record := repo.find_person(session, person)) else "ja"
    if not here or record is None:
        return
    for delivery in chat.service.claim_due(CHANNEL, person_id=person):
        now = chat.service.now()
        with chat.sessions.begin() as session:
            stored = _replies(chat, session, person, delivery.outbound, lang, now)
            webchat.add_messages(session, identity, person, stored, now)
        chat.service.acknowledge(delivery.outbox_id)


def _fragment(request: Request, token: str, after: int) -> Response:
    chat = settings_of(request)
    identity = identity_of(token)
    with chat.sessions() as session:
        person = people.resolve(session, identity)
        if webchat.has_due(session, person, chat.service.now()):
            _deliver_due(chat, identity, person)
            session.rollback()  # a fresh read, which sees what was just delivered
        messages, draft = shown.shown(webchat.recent_messages(session, identity, after=after))
        record = repo.find_person(session, person)
        box = shown.answer_box(record, chat.service.catalog)
        lang = _lang(request, record)
    templates = request.app.state.templates
    context = {
        "lang": lang,
        "t": lambda key, **params: text(key, lang, **params),
        "messages": messages,
        "box": box,
        "draft": draft,
        "csrf": chat.keys.csrf(token),
        "delivery": secrets.token_urlsafe(12),
        "link_hours": int(chat.links.lifetime.total_seconds() // 3600) if chat.links else 24,
        **_box_context(lang),
    }
    log = templates.get_template("chat_log.html").render(context)
    box_html = templates.get_template("chat_box.html").render(context)
    last = messages[-1].id if messages else after
    return protect(JSONResponse({"messages": log, "box": box_html, "last": last}))


def _resume_code() -> str:
    raw = "".join(secrets.choice(_RESUME_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _normal_code(code: str) -> str:
    folded = unicodedata.normalize("NFKC", code).upper().replace("-", "").replace(" ", "")
    folded = folded.replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{folded[:4]}-{folded[4:]}" if len(folded) == 8 else folded


async def make_resume_code(request: Request) -> Response:
    """「別の端末で続ける」: a one-time code (and link) for another browser."""
    chat = settings_of(request)
    token, form = await _checked_form(request)

    def issue() -> None:
        identity = identity_of(token)
        now = chat.service.now()
        code = _resume_code()
        with chat.sessions.begin() as session:
            person = people.resolve(session, identity)
            if repo.find_person(session, person) is None:
                return  # nothing to continue yet
            lang = _lang(request, repo.find_person(session, person))
            webchat.new_resume_code(session, identity, code, now + RESUME_LIFETIME)
            url = f"{chat.public_url or str(request.base_url).rstrip('/')}/resume?code={code}"
            message = text("resume_code", lang, code=code, minutes=30, url=url)
            webchat.add_messages(session, identity, person, [shown.bot_text(message)], now)

    await run_in_threadpool(issue)
    return await _after_post(request, token, form)


def _resume_page(request: Request, token: str, code: str, error: bool, status: int) -> Response:
    chat = settings_of(request)
    with chat.sessions() as session:
        person = people.resolve(session, identity_of(token))
        lang = _lang(request, repo.find_person(session, person))
    context = {
        "lang": lang,
        "t": lambda key, **params: text(key, lang, **params),
        "csrf": chat.keys.csrf(token),
        "code": code,
        "error": error,
    }
    templates = request.app.state.templates
    response = templates.TemplateResponse(request, "chat_resume.html", context, status_code=status)
    chat.keys.remember(request, response, token)
    return protect(response)


async def resume_page(request: Request) -> Response:
    """The page a resume link opens: the code, and a button to continue here."""
    chat = settings_of(request)
    token = chat.keys.read(request) or new_token()
    code = request.query_params.get("code", "")[:20]
    return await run_in_threadpool(_resume_page, request, token, code, False, 200)


async def resume(request: Request) -> Response:
    """Continue here as the browser that made the code (the code is used up)."""
    chat = settings_of(request)
    token, form = await _checked_form(request)
    code = _normal_code(_form_text(form, "code"))[:20]
    chat.limits.check_resume(client_address(request))

    def use() -> str | None:
        with chat.sessions.begin() as session:
            return webchat.use_resume_code(session, code, chat.service.now())

    identity = await run_in_threadpool(use)
    if identity is None or not identity.startswith("web:"):
        return await run_in_threadpool(_resume_page, request, token, code, True, 400)
    response = RedirectResponse("/#latest", status_code=303)
    chat.keys.remember(request, response, identity.removeprefix("web:"))
    return protect(response)


async def image(request: Request) -> Response:
    """A picture of this browser's chat (the life-line chart); nobody else's."""
    chat = settings_of(request)
    token = chat.keys.read(request)
    message_id = request.path_params["id"]
    if token is None or not str(message_id).isdigit():
        raise HTTPException(404)

    def read() -> bytes | None:
        with chat.sessions() as session:
            return webchat.message_image(session, identity_of(token), int(message_id))

    content = await run_in_threadpool(read)
    if content is None:
        raise HTTPException(404)
    return protect(
        Response(
            content, media_type="image/png", headers={"cache-control": "private, max-age=86400"}
        )
    )


def now_of(request: Request) -> datetime:
    """The service's clock (tests move it)."""
    return settings_of(request).service.now()


_STATIC = Path(__file__).parent / "static"
_ASSETS = {
    "chat.js": ((_STATIC / "chat.js").read_bytes(), "text/javascript; charset=utf-8"),
    "chat.css": ((_STATIC / "chat.css").read_bytes(), "text/css; charset=utf-8"),
}


async def asset(request: Request) -> Response:
    """The chat's script and stylesheet (same origin, no build step)."""
    found = _ASSETS.get(str(request.path_params["name"]))
    if found is None:
        raise HTTPException(404)
    content, media_type = found
    return protect(
        Response(content, media_type=media_type, headers={"cache-control": "max-age=3600"})
    )


def routes() -> list[Route]:
    """The chat's routes, mounted at ``/`` beside the dashboard's own pages."""
    from bot.web.downloads import document

    return [
        Route("/", chat_page, methods=["GET"]),
        Route("/chat", send, methods=["POST"]),
        Route("/chat/resume", make_resume_code, methods=["POST"]),
        Route("/chat/img/{id}", image, methods=["GET"]),
        Route("/chat/static/{name}", asset, methods=["GET"]),
        Route("/resume", resume_page, methods=["GET"]),
        Route("/resume", resume, methods=["POST"]),
        Route("/d/{token}", document, methods=["GET"]),
    ]

"""The person-facing chat in the browser: server-rendered pages, plain form posts, no build step.

Every turn is a form POST that works without JavaScript (post, then redirect back to the
page); ``chat.js`` sends the same form with ``fetch`` and adds the new messages in place.
Each form carries a delivery id, so a double tap or a browser's retry is handled once by
the service's own dedupe.
"""

from __future__ import annotations

import secrets
import time
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.config import Settings
from bot.documents.links import link_settings
from bot.engine import as_lang
from bot.engine.localized import Lang
from bot.web import chat_draw as draw
from bot.web import chat_messages as shown
from bot.web.chat_form import MAX_FIELDS, Posted, accepted_lang, form_of, new_delivery
from bot.web.chat_security import (
    ChatKeys,
    identity_of,
    new_token,
    protect,
)
from bot.web.chat_texts import text
from bot.web.chat_turns import (
    ChatSettings,
    TurnResult,
    deliver_due,
    settle_stale,
    take_turn,
    updates,
)
from bot.web.deps import client_address, form_text
from bot.web.limits import TooManyRequestsError
from storage import people, webchat
from storage import repositories as repo
from storage.webchat import WebMessage

__all__ = ["ChatSettings", "routes", "web_chat"]

RESUME_LIFETIME = timedelta(minutes=30)
_RESUME_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
FETCH_HEADER = "x-requested-with"
FETCH_VALUE = "jobcard-chat"


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


def _lang(request: Request, record: repo.ConversationRecord | webchat.PagePerson | None) -> Lang:
    if record is not None:
        return as_lang(record.lang)
    return _accepted(request)


def _accepted(request: Request) -> Lang:
    """The browser's language, for a person not seen yet."""
    return accepted_lang(request.headers.get("accept-language", "ja"))


def _log(request: Request, lang: Lang, messages: list[shown.Shown]) -> Markup:
    """The messages as the page's log shows them (each value escaped)."""
    return drawn_log(settings_of(request), request.app.state.templates.env, lang, messages)


def drawn_log(
    chat: ChatSettings, environment: Environment, lang: Lang, messages: list[shown.Shown]
) -> Markup:
    """The messages as the page's log shows them, with the chat's link lifetime."""
    hours = int(chat.links.lifetime.total_seconds() // 3600) if chat.links else 24
    return draw.log(environment, lang, messages, hours)


def values_of(
    chat: ChatSettings,
    token: str,
    log: Markup,
    box: shown.AnswerBox,
    draft: str,
    notice: str = "",
) -> dict[str, str]:
    """What a response puts into the page or the answer box (a fresh delivery id)."""
    return {
        "csrf": chat.keys.csrf(token),
        "delivery": new_delivery(),
        "draft": draft,
        "notice": notice,
        "log": log,
        **draw.limit_values(box),
    }


def _read_page(
    chat: ChatSettings, identity: str, after: int = 0
) -> tuple[list[WebMessage], webchat.PagePerson | None]:
    """The page's messages and the person's conversation, reminders delivered first."""
    for attempt in range(3):
        with chat.sessions() as session:
            found = webchat.page_person(session, identity, chat.service.now())
            # Nothing of the person is stored yet (so nothing is due) when none was found.
            person = found.person_id if found is not None else people.resolve(session, identity)
            messages = webchat.recent_messages(session, identity, after=after)
        if attempt == 2:
            break
        # A turn soon after this page need not look again (see chat_turns.DUE_EVERY_SECONDS).
        chat.due_checked.put(identity, time.monotonic())
        due = found is not None and found.due
        delivered = bool(deliver_due(chat, identity, person)) if due else False
        if not (settle_stale(chat, identity, messages) or delivered):
            break  # the usual case: one read
    return messages, found


def _page(
    request: Request,
    token: str,
    *,
    status_code: int = 200,
    slow_down: int = 0,
    draft: str | None = None,
) -> Response:
    chat = settings_of(request)
    messages, person = _read_page(chat, identity_of(token))
    return _draw_page(request, token, messages, person, status_code, slow_down, draft)


def _draw_page(
    request: Request,
    token: str,
    messages: list[WebMessage],
    person: webchat.PagePerson | None,
    status_code: int = 200,
    slow_down: int = 0,
    draft: str | None = None,
) -> Response:
    chat = settings_of(request)
    drawn, stored_draft = shown.shown(messages)
    lang = _lang(request, person)
    box = shown.answer_box(person.state if person else None, chat.service.catalog)
    notice = text("slow_down", lang, seconds=slow_down) if slow_down else ""
    environment = request.app.state.templates.env
    page = draw.shape(environment, "chat.html", lang, box, bool(drawn), bool(notice))
    log = _log(request, lang, drawn)
    typed = stored_draft if draft is None else draft
    values = values_of(settings_of(request), token, log, box, typed, notice)
    response = HTMLResponse(page.fill(values), status_code=status_code)
    chat.keys.remember(request, response, token)
    return protect(response)


async def chat_page(request: Request) -> Response:
    """The chat: the conversation so far, the open question's buttons and the answer box."""
    chat = settings_of(request)
    token = chat.keys.read(request)
    if token is None:
        # A browser seen for the first time gets a fresh random id: nothing can be stored
        # under it yet (nor be due for it), so its welcome page is drawn without asking the
        # database.
        token = new_token()
        chat.due_checked.put(identity_of(token), time.monotonic())
        return _draw_page(request, token, [], None)
    return await chat.run(_page, request, token)


async def _read_form(request: Request) -> Mapping[str, Any]:
    """The posted form; the chat's own forms are URL-encoded and parsed in one step."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return await request.form()
    form = form_of(await request.body())
    if form is None:
        raise HTTPException(400, f"more than {MAX_FIELDS} fields")
    return form


async def _checked_form(request: Request) -> tuple[str, Any]:
    """The browser's token and its form, once the CSRF token is right.

    Raises:
        HTTPException: 403 without the identity cookie or with a wrong token.
    """
    chat = settings_of(request)
    token = chat.keys.read(request)
    form = await _read_form(request)
    if token is None or not chat.keys.csrf_ok(token, form.get("csrf_token")):
        raise HTTPException(403, "missing or wrong CSRF token")
    return token, form


def _wants_json(request: Request) -> bool:
    return request.headers.get(FETCH_HEADER) == FETCH_VALUE


async def send(request: Request) -> Response:
    """One turn: what was typed or pressed goes to the service; the replies join the page."""
    chat = settings_of(request)
    token, form = await _checked_form(request)
    posted = Posted.of(form)
    try:
        chat.limits.check_message(token, client_address(request))
    except TooManyRequestsError as exc:
        wait = exc.retry_after
        if _wants_json(request):
            notice = text("slow_down", _accepted(request), seconds=exc.retry_after)
            return protect(JSONResponse({"notice": notice}, status_code=429))
        return await chat.run(
            lambda: _page(request, token, status_code=429, slow_down=wait, draft=posted.typed)
        )
    if not posted.delivery_ok:
        raise HTTPException(400, "missing delivery id")
    if posted.empty:
        return await _after_post(request, token, form)
    identity, hint = identity_of(token), _accepted(request)
    result = await chat.run(
        take_turn, chat, identity, posted.typed, posted.payload, posted.delivery, hint
    )
    if not _wants_json(request):
        return RedirectResponse("/#latest", status_code=303)
    if not result.handled:
        return await _after_post(request, token, form)  # what the first post added
    return _turn_json(request, token, result, form_text(form, "shape"))


def _turn_json(
    request: Request, token: str, result: TurnResult, shown_box: str, begun: bool = False
) -> Response:
    """The turn's new messages and the next answer box, as ``chat.js`` takes them."""
    chat, environment = settings_of(request), request.app.state.templates.env
    body = turn_body(chat, environment, token, result, shown_box, begun)
    return protect(JSONResponse(body))


def turn_body(
    chat: ChatSettings,
    environment: Environment,
    token: str,
    result: TurnResult,
    shown_box: str,
    begun: bool = False,
) -> dict[str, Any]:
    """The turn's new messages and the next answer box, drawn from what was just stored.

    ``shown_box`` is the shape of the box the form came from: when the next box has the
    same one, only its new delivery id is sent (``chat.js`` keeps the box, and what is
    typed in it), not the box again. ``begun``: the page had messages before these.
    """
    drawn, draft = shown.shown(result.messages)
    started = begun or bool(drawn)
    log = drawn_log(chat, environment, result.lang, drawn)
    values = values_of(chat, token, log, result.box, draft)
    body: dict[str, Any] = {
        "messages": str(log),
        "last": drawn[-1].id if drawn else 0,
        "pending": result.pending,
        "delivery": values["delivery"],
        "limit": values["limit"],
    }
    if shown_box != draw.box_key(result.lang, result.box, started):
        box = draw.shape(environment, "chat_box.html", result.lang, result.box, started)
        body["box"] = box.fill(values)
    return body


async def _after_post(request: Request, token: str, form: Any) -> Response:
    """Post/redirect/get without JavaScript; the new messages as JSON for ``chat.js``."""
    if not _wants_json(request):
        return RedirectResponse("/#latest", status_code=303)
    after = form_text(form, "after")
    chat = settings_of(request)
    start = int(after) if after.isdigit() else 0
    return await chat.run(_fragment, request, token, start, form_text(form, "shape"))


def _fragment(request: Request, token: str, after: int, shown_box: str) -> Response:
    chat, environment = settings_of(request), request.app.state.templates.env
    body = fragment_body(chat, environment, token, after, shown_box, _accepted(request))
    return protect(JSONResponse(body))


def fragment_body(
    chat: ChatSettings,
    environment: Environment,
    token: str,
    after: int,
    shown_box: str,
    hint: Lang,
) -> dict[str, Any]:
    """What a form posted again answers ``chat.js``: the messages after ``after`` (what the
    first post added) and the answer box; ``hint`` is the browser's language."""
    messages, person = _read_page(chat, identity_of(token), after)
    drawn, _draft = shown.shown(messages)
    box = shown.answer_box(person.state if person else None, chat.service.catalog)
    pending = next((m.id for m in drawn if m.kind == "pending"), None)
    lang = as_lang(person.lang) if person is not None else hint
    result = TurnResult(messages, box, lang, pending)
    return turn_body(chat, environment, token, result, shown_box, begun=after > 0)


async def latest(request: Request) -> Response:
    """The page again at its newest message: the progress note's button without JavaScript.

    A link to ``/#latest`` from ``/#latest`` would only scroll; this is a new page load.
    """
    return RedirectResponse("/#latest", status_code=303)


async def poll(request: Request) -> Response:
    """What arrived after a message (the card made after the turn), for ``chat.js``."""
    chat = settings_of(request)
    token = chat.keys.read(request)
    after, note = request.query_params.get("after", ""), request.query_params.get("pending", "")
    if token is None or not after.isdigit() or not (note.isdigit() or note == ""):
        raise HTTPException(404)
    identity = identity_of(token)

    def read() -> tuple[list[WebMessage], bool, Lang]:
        messages, waiting = updates(chat, identity, int(after), int(note) if note else None)
        with chat.sessions() as session:
            person = webchat.page_person(session, identity, chat.service.now())
        return messages, waiting, _lang(request, person)

    messages, waiting, lang = await chat.run(read)
    drawn, _draft = shown.shown(messages)
    log = _log(request, lang, drawn)
    last = drawn[-1].id if drawn else int(after)
    return protect(JSONResponse({"messages": str(log), "last": last, "pending": waiting}))


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

    await chat.run(issue)
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
    return await chat.run(_resume_page, request, token, code, False, 200)


async def resume(request: Request) -> Response:
    """Continue here as the browser that made the code (the code is used up)."""
    chat = settings_of(request)
    token, form = await _checked_form(request)
    code = _normal_code(form_text(form, "code"))[:20]
    chat.limits.check_resume(client_address(request))

    def use() -> str | None:
        with chat.sessions.begin() as session:
            return webchat.use_resume_code(session, code, chat.service.now())

    identity = await chat.run(use)
    if identity is None or not identity.startswith("web:"):
        return await chat.run(_resume_page, request, token, code, True, 400)
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

    content = await chat.run(read)
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
    from bot.web.chat_upload import upload
    from bot.web.downloads import document

    return [
        Route("/", chat_page, methods=["GET"]),
        Route("/chat", send, methods=["POST"]),
        Route("/chat/upload", upload, methods=["POST"]),
        Route("/chat/resume", make_resume_code, methods=["POST"]),
        Route("/chat/updates", poll, methods=["GET"]),
        Route("/chat/latest", latest, methods=["GET"]),
        Route("/chat/img/{id}", image, methods=["GET"]),
        Route("/chat/static/{name}", asset, methods=["GET"]),
        Route("/resume", resume_page, methods=["GET"]),
        Route("/resume", resume, methods=["POST"]),
        Route("/d/{token}", document, methods=["GET"]),
    ]

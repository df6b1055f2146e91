"""``/d/TOKEN``: a document link, checked and counted, then the document rendered afresh."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.documents.links import RenderedDocument, attachment_header
from bot.engine.localized import Lang
from bot.web.chat import settings_of
from bot.web.chat_security import protect
from bot.web.chat_texts import text


async def document(request: Request) -> Response:
    """Send the linked document as a download, or say plainly that the link is spent."""
    chat = settings_of(request)
    links = chat.links
    token = str(request.path_params["token"])[:500]

    def fetch() -> RenderedDocument | None:
        if links is None:
            return None
        now = chat.service.now()
        with chat.sessions.begin() as session:
            link = links.take(session, token, now)
        if link is None:
            return None
        # Rendered outside the counting transaction: a PDF takes a second, no lock held.
        with chat.sessions() as session:
            return links.render(session, link, now)

    rendered = await run_in_threadpool(fetch)
    if rendered is None:
        english = request.headers.get("accept-language", "").startswith("en")
        lang: Lang = "en" if english else "ja"
        context = {"lang": lang, "t": lambda key, **params: text(key, lang, **params)}
        templates = request.app.state.templates
        response = templates.TemplateResponse(request, "chat_gone.html", context, status_code=410)
        return protect(response)
    headers = {
        "content-disposition": attachment_header(rendered.filename),
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
    }
    return protect(Response(rendered.content, media_type=rendered.media_type, headers=headers))

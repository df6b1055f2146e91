"""The dashboard's pages: login, queue, a submission, a diff, the approved card as PDF."""

from __future__ import annotations

from importlib import resources

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.review import queries
from bot.web.deps import require_counselor, submission_for, web
from bot.web.render import page
from bot.web.security import LOGIN_CSRF_COOKIE, current_login, login_csrf, set_cookie
from bot.web.views import diff_context, queue_context, submission_context

_CSS = resources.files("bot.web").joinpath("static/style.css").read_bytes()


async def home(request: Request) -> Response:
    """The queue is the start page."""
    return RedirectResponse("/queue", status_code=303)


async def stylesheet(request: Request) -> Response:
    """The one stylesheet (no build step, no external files)."""
    return Response(_CSS, media_type="text/css", headers={"cache-control": "max-age=3600"})


async def login_page(request: Request) -> Response:
    """The login form, with a token bound to a cookie (so a login cannot be forged)."""
    token = login_csrf(request)
    response = page(request, "login.html", {"csrf": token, "error": None, "login_id": ""})
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


async def queue(request: Request) -> Response:
    """Submissions of the account's centre, filtered by state."""
    state = web(request)
    key = request.query_params.get("state", "todo")

    def load() -> dict[str, object]:
        with state.sessions() as session:
            login = current_login(session, request, state.clock())
            return queue_context(session, login, key)

    return page(request, "queue.html", await run_in_threadpool(load))


async def submission(request: Request) -> Response:
    """One submission laid out like the card, with comments beside the fields."""
    state = web(request)
    public_id = request.path_params["public_id"]
    shown = request.query_params.get("v")

    def load() -> dict[str, object]:
        with state.sessions() as session:
            login = current_login(session, request, state.clock())
            row = submission_for(session, login, public_id)
            return submission_context(session, login, row, shown)

    return page(request, "submission.html", await run_in_threadpool(load))


async def diff(request: Request) -> Response:
    """What changed between two versions, field by field."""
    state = web(request)
    public_id = request.path_params["public_id"]
    old, new = request.query_params.get("from"), request.query_params.get("to")

    def load() -> dict[str, object]:
        with state.sessions() as session:
            login = current_login(session, request, state.clock())
            row = submission_for(session, login, public_id)
            require_counselor(login)
            return diff_context(session, login, row, old, new)

    return page(request, "diff.html", await run_in_threadpool(load))


async def approved_pdf(request: Request) -> Response:
    """The approved version as PDF, with the counselor's box filled in."""
    state = web(request)
    public_id = request.path_params["public_id"]

    def build() -> tuple[bytes, int]:
        with state.sessions() as session:
            login = current_login(session, request, state.clock())
            row = submission_for(session, login, public_id)
            require_counselor(login)
            card = queries.approved_card(session, row)
            if card is None or row.approved_version is None:
                raise HTTPException(404, "not approved")
            number = row.approved_version
        return state.pdf(card), number

    content, number = await run_in_threadpool(build)
    filename = f"jobcard-{public_id[:8]}-v{number}.pdf"
    return Response(
        content,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )

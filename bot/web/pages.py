"""The dashboard's pages: login, queue, a submission, a diff, the approved card as PDF."""

from __future__ import annotations

from importlib import resources

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.review import queries
from bot.web.access import Permission, allows
from bot.web.deps import authorize, log_access, submission_for, web
from bot.web.render import page
from bot.web.security import (
    LOGIN_FORM_LIFETIME,
    PRE_SESSION_COOKIE,
    login_token,
    pre_session,
    set_cookie,
)
from bot.web.views import diff_context, queue_context, submission_context

_CSS = resources.files("bot.web").joinpath("static/style.css").read_bytes()


async def home(request: Request) -> Response:
    """The queue is the start page."""
    return RedirectResponse("/queue", status_code=303)


async def stylesheet(request: Request) -> Response:
    """The one stylesheet (no build step, no external files)."""
    return Response(_CSS, media_type="text/css", headers={"cache-control": "max-age=3600"})


def login_form(
    request: Request,
    error: object = None,
    login_id: str = "",
    status_code: int = 200,
) -> Response:
    """The login form, with a token signed for this browser's pre-session cookie."""
    state = web(request)
    pre = pre_session(request)
    token = login_token(state.secret, pre, state.clock())
    context = {"csrf": token, "error": error, "login_id": login_id}
    response = page(request, "login.html", context, status_code=status_code)
    set_cookie(
        request, response, PRE_SESSION_COOKIE, pre, int(LOGIN_FORM_LIFETIME.total_seconds())
    )
    return response


async def login_page(request: Request) -> Response:
    """The login form (a login cannot be forged from another site)."""
    return login_form(request)


async def queue(request: Request) -> Response:
    """Submissions of the account's centre, filtered by state."""
    state = web(request)
    key = request.query_params.get("state", "todo")

    def load() -> dict[str, object]:
        with state.sessions() as session:
            login, _ = authorize(session, request, Permission.QUEUE)
            return queue_context(session, login, key)

    return page(request, "queue.html", await run_in_threadpool(load))


async def submission(request: Request) -> Response:
    """One submission laid out like the card, with comments beside the fields.

    Opening it is recorded in the audit trail (reading a card is an access).
    """
    state = web(request)
    public_id = request.path_params["public_id"]
    shown = request.query_params.get("v")

    def load() -> dict[str, object]:
        with state.sessions.begin() as session:
            login, now = authorize(session, request, Permission.QUEUE)
            row = submission_for(session, login, public_id)
            context = submission_context(session, login, row, shown)
            reads_card = allows(login.staff.role, Permission.CARD)
            log_access(
                session,
                request,
                login,
                now,
                "view_card" if reads_card else "view_submission",
                person_id=row.person_id,
                object_type="submission",
                object_id=public_id,
                detail=f"version {context['number']}" if reads_card else None,
            )
            return context

    return page(request, "submission.html", await run_in_threadpool(load))


async def diff(request: Request) -> Response:
    """What changed between two versions, field by field."""
    state = web(request)
    public_id = request.path_params["public_id"]
    old, new = request.query_params.get("from"), request.query_params.get("to")

    def load() -> dict[str, object]:
        with state.sessions.begin() as session:
            login, now = authorize(session, request, Permission.CARD)
            row = submission_for(session, login, public_id)
            context = diff_context(session, login, row, old, new)
            log_access(
                session,
                request,
                login,
                now,
                "view_diff",
                person_id=row.person_id,
                object_type="submission",
                object_id=public_id,
                detail=f"versions {context['old']}-{context['new']}",
            )
            return context

    return page(request, "diff.html", await run_in_threadpool(load))


async def approved_pdf(request: Request) -> Response:
    """The approved version as PDF, with the counselor's box filled in."""
    state = web(request)
    public_id = request.path_params["public_id"]

    def build() -> tuple[bytes, int]:
        with state.sessions.begin() as session:
            login, now = authorize(session, request, Permission.CARD)
            row = submission_for(session, login, public_id)
            card = queries.approved_card(session, row)
            if card is None or row.approved_version is None:
                raise HTTPException(404, "not approved")
            number = row.approved_version
            log_access(
                session,
                request,
                login,
                now,
                "download_pdf",
                person_id=row.person_id,
                object_type="submission",
                object_id=public_id,
                detail=f"version {number}",
            )
        return state.pdf(card), number

    content, number = await run_in_threadpool(build)
    filename = f"jobcard-{public_id[:8]}-v{number}.pdf"
    return Response(
        content,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )

"""The dashboard's forms: log in and out, and every review action (each needs a CSRF token)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.review import accounts, counselor
from bot.review.service import Actor, ReviewRefused, resolve
from bot.web.deps import back_to, form_text, require_counselor, submission_for, web
from bot.web.render import page
from bot.web.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_LIFETIME,
    check_csrf,
    close_session,
    current_login,
    open_session,
    set_cookie,
)
from storage.review import SubmissionRow


async def login(request: Request) -> Response:
    """Check the password; on success open a new session (a fresh id every login)."""
    state = web(request)
    form = await request.form()
    check_csrf(request, form, request.cookies.get(LOGIN_CSRF_COOKIE))
    login_id = form_text(form, "login")

    def attempt() -> str | accounts.LoginResult:
        now = state.clock()
        with state.sessions.begin() as session:
            result = accounts.authenticate(session, login_id, form_text(form, "password"), now)
            if result.staff is None:
                return result
            return open_session(session, result.staff, now)

    outcome = await run_in_threadpool(attempt)
    if isinstance(outcome, accounts.LoginResult):
        assert outcome.refusal is not None
        context = {
            "csrf": request.cookies.get(LOGIN_CSRF_COOKIE, ""),
            "error": outcome.refusal,
            "login_id": login_id,
        }
        return page(request, "login.html", context, status_code=401)
    response = RedirectResponse("/queue", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, outcome, int(SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


async def logout(request: Request) -> Response:
    """End the session on the server and in the browser."""
    state = web(request)
    form = await request.form()

    def end() -> None:
        with state.sessions.begin() as session:
            login = current_login(session, request, state.clock())
            check_csrf(request, form, login.csrf)
            close_session(session, request)

    await run_in_threadpool(end)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


ReviewStep = Callable[[Session, SubmissionRow, Actor, FormData, datetime], str]


def _review_form(step: ReviewStep) -> Callable[[Request], Awaitable[Response]]:
    """A review form: login, CSRF, this centre's submission (locked), counselor, then ``step``.

    ``step`` returns the anchor to go back to; a refusal shows its reason instead.
    """

    async def handle(request: Request) -> Response:
        state = web(request)
        form = await request.form()
        public_id = request.path_params["public_id"]

        def run() -> str | ReviewRefused:
            with state.sessions.begin() as session:
                now = state.clock()
                login = current_login(session, request, now)
                check_csrf(request, form, login.csrf)
                row = submission_for(session, login, public_id, lock=True)
                require_counselor(login)
                try:
                    with session.begin_nested():
                        return step(session, row, Actor.staff(login.staff), form, now)
                except ReviewRefused as refused:
                    return refused

        outcome = await run_in_threadpool(run)
        if isinstance(outcome, ReviewRefused):
            context = {"reason": outcome.reason, "back": f"/s/{public_id}"}
            return page(request, "refused.html", context, status_code=409)
        return back_to(public_id, outcome)

    return handle


def _start(
    session: Session, row: SubmissionRow, actor: Actor, form: FormData, now: datetime
) -> str:
    counselor.start_review(session, row, actor, now)
    return ""


def _comment(
    session: Session, row: SubmissionRow, actor: Actor, form: FormData, now: datetime
) -> str:
    target = form_text(form, "target")
    counselor.add_comment(session, row, actor, target, form_text(form, "body"), now)
    return target


def _resolve(
    session: Session, row: SubmissionRow, actor: Actor, form: FormData, now: datetime
) -> str:
    raw = form_text(form, "comment")
    if not raw.isdigit():
        raise HTTPException(400)
    comment = resolve(session, row, int(raw), actor, now)
    return comment.target


def _request_changes(
    session: Session, row: SubmissionRow, actor: Actor, form: FormData, now: datetime
) -> str:
    counselor.request_changes(session, row, actor, form_text(form, "note"), now)
    return ""


def _approve(
    session: Session, row: SubmissionRow, actor: Actor, form: FormData, now: datetime
) -> str:
    raw = form_text(form, "version")
    number = int(raw) if raw.isdigit() else 0
    counselor.approve(session, row, actor, number, now)
    return ""


def _entry(
    session: Session, row: SubmissionRow, actor: Actor, form: FormData, now: datetime
) -> str:
    agreed = form_text(form, "agreed") == "yes"
    text = form_text(form, "text")
    counselor.write_consultant_entry(session, row, actor, text, agreed, now)
    return "consultant"


start_review = _review_form(_start)
comment = _review_form(_comment)
resolve_comment = _review_form(_resolve)
request_changes = _review_form(_request_changes)
approve = _review_form(_approve)
consultant_entry = _review_form(_entry)

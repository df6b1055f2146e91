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

from bot.review import accounts, counselor, twofactor
from bot.review.service import Actor, ReviewRefused, resolve
from bot.review.states import Action, State
from bot.web.access import Permission
from bot.web.deps import (
    authorize,
    back_to,
    client_address,
    form_text,
    log_access,
    submission_for,
    web,
)
from bot.web.pages import login_form
from bot.web.render import page
from bot.web.security import (
    PRE_SESSION_COOKIE,
    SECOND_FACTOR,
    SECOND_FACTOR_LIFETIME,
    SESSION_COOKIE,
    SESSION_LIFETIME,
    Login,
    check_csrf,
    check_login_csrf,
    close_session,
    current_login,
    delete_cookie,
    open_session,
    set_cookie,
)
from storage import audit
from storage.review import StaffRow, SubmissionRow


def _audit_login(
    session: Session, request: Request, staff: StaffRow | None, login_id: str, action: str
) -> None:
    audit.record(
        session,
        at=web(request).clock(),
        staff_id=staff.id if staff is not None else None,
        actor=(staff.login if staff is not None else login_id.strip().lower())[:100],
        role=staff.role if staff is not None else "-",
        action=action,
        object_type="account",
        object_id=staff.login if staff is not None else None,
        address=client_address(request),
    )


async def login(request: Request) -> Response:
    """Check the password; on success open a new session (a fresh id every login).

    With two-factor login on, a right password opens only the code form (for 5 minutes).
    """
    state = web(request)
    form = await request.form()
    check_login_csrf(request, form, state.secret, state.clock())
    login_id = form_text(form, "login")
    state.limits.check_login(client_address(request), login_id)

    def attempt() -> tuple[str, str] | accounts.LoginResult:
        now = state.clock()
        with state.sessions.begin() as session:
            result = accounts.authenticate(session, login_id, form_text(form, "password"), now)
            if result.staff is None:
                failed = accounts.find_staff(session, login_id)
                _audit_login(session, request, failed, login_id, "login_failed")
                return result
            if result.staff.totp_enabled:
                stage = SECOND_FACTOR
                _audit_login(session, request, result.staff, login_id, "login_password_ok")
            else:
                stage = "full"
                _audit_login(session, request, result.staff, login_id, "login")
            return open_session(session, result.staff, now, stage), stage

    outcome = await run_in_threadpool(attempt)
    if isinstance(outcome, accounts.LoginResult):
        return login_form(request, outcome.refusal, login_id, status_code=401)
    token, stage = outcome
    lifetime = SESSION_LIFETIME if stage == "full" else SECOND_FACTOR_LIFETIME
    target = "/queue" if stage == "full" else "/login/code"
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, int(lifetime.total_seconds()))
    delete_cookie(request, response, PRE_SESSION_COOKIE)
    return response


async def login_code_page(request: Request) -> Response:
    """The second step of a two-factor login: the authenticator's code or a recovery code."""
    state = web(request)

    def load() -> Login:
        with state.sessions() as session:
            return current_login(session, request, state.clock(), stage=SECOND_FACTOR)

    pending = await run_in_threadpool(load)
    return page(request, "login_code.html", {"csrf": pending.csrf, "error": None})


async def login_code(request: Request) -> Response:
    """Check the code; a right one replaces the half-open session with a full one."""
    state = web(request)
    form = await request.form()

    def attempt() -> str | None:
        now = state.clock()
        with state.sessions.begin() as session:
            pending = current_login(session, request, now, stage=SECOND_FACTOR)
            check_csrf(request, form, pending.csrf)
            staff = pending.staff
            state.limits.check_login(client_address(request), staff.login)
            code = form_text(form, "code")
            locked = staff.locked_until is not None and accounts.aware(staff.locked_until) > now
            accepted = not locked and (
                twofactor.check_code(staff, code, now)
                or twofactor.use_recovery_code(session, staff, code, now)
            )
            if not accepted:
                if not locked:
                    accounts.record_failure(staff, now)
                _audit_login(session, request, staff, staff.login, "login_code_failed")
                return None
            staff.failed_attempts = 0
            close_session(session, request)
            _audit_login(session, request, staff, staff.login, "login")
            return open_session(session, staff, now)

    token = await run_in_threadpool(attempt)
    if token is None:
        context = {"csrf": form_text(form, "csrf_token"), "error": CODE_REFUSED}
        return page(request, "login_code.html", context, status_code=401)
    response = RedirectResponse("/queue", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, int(SESSION_LIFETIME.total_seconds()))
    return response


CODE_REFUSED = {
    "ja": "コードが違うか、有効期限が切れています。認証アプリに表示されている新しいコードを"
    "入力してください。",
    "en": "The code is not correct or has expired. Please type the new code your "
    "authenticator app shows.",
}


async def logout(request: Request) -> Response:
    """End the session on the server and in the browser."""
    state = web(request)
    form = await request.form()

    def end() -> None:
        with state.sessions.begin() as session:
            now = state.clock()
            login = current_login(session, request, now)
            check_csrf(request, form, login.csrf)
            close_session(session, request)
            log_access(session, request, login, now, "logout", object_type="account")

    await run_in_threadpool(end)
    response = RedirectResponse("/login", status_code=303)
    delete_cookie(request, response, SESSION_COOKIE)
    return response


ReviewStep = Callable[[Session, SubmissionRow, Actor, FormData, datetime], str]

# What the counselor typed, by form field, shown again on a refusal so nothing is lost.
_TYPED_FIELDS = {"body": "コメント", "note": "全体へのメモ", "text": "記入欄"}
# Review work on a resubmitted card needs no separate "start review" press: the
# counselor who opens it and acts on it is reviewing it.
_CONTINUES_REVIEW = frozenset(
    {Action.COMMENT, Action.REQUEST_CHANGES, Action.APPROVE, Action.WRITE_ENTRY}
)


def _review_form(step: ReviewStep, action: Action) -> Callable[[Request], Awaitable[Response]]:
    """A review form: login, CSRF, this centre's submission (locked), counselor, then ``step``.

    ``step`` returns the anchor to go back to; a refusal shows its reason instead, with
    what the counselor typed and the way back. Each action is recorded in the audit trail.
    """

    async def handle(request: Request) -> Response:
        state = web(request)
        form = await request.form()
        public_id = request.path_params["public_id"]

        def run() -> tuple[str | ReviewRefused, Login]:
            with state.sessions.begin() as session:
                login, now = authorize(session, request, Permission.REVIEW)
                check_csrf(request, form, login.csrf)
                row = submission_for(session, login, public_id, lock=True)
                actor = Actor.staff(login.staff)
                try:
                    with session.begin_nested():
                        if action in _CONTINUES_REVIEW and row.state == State.RESUBMITTED:
                            counselor.start_review(session, row, actor, now)
                        anchor = step(session, row, actor, form, now)
                except ReviewRefused as refused:
                    return refused, login
                log_access(
                    session,
                    request,
                    login,
                    now,
                    action.value,
                    person_id=row.person_id,
                    object_type="submission",
                    object_id=public_id,
                )
                return anchor, login

        outcome, login = await run_in_threadpool(run)
        if isinstance(outcome, ReviewRefused):
            typed = [
                (label, form_text(form, name))
                for name, label in _TYPED_FIELDS.items()
                if form_text(form, name).strip()
            ]
            context = {
                "login": login,
                "csrf": login.csrf,
                "reason": outcome.reason,
                "back": f"/s/{public_id}",
                "typed": typed,
            }
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


start_review = _review_form(_start, Action.START_REVIEW)
comment = _review_form(_comment, Action.COMMENT)
resolve_comment = _review_form(_resolve, Action.RESOLVE)
request_changes = _review_form(_request_changes, Action.REQUEST_CHANGES)
approve = _review_form(_approve, Action.APPROVE)
consultant_entry = _review_form(_entry, Action.WRITE_ENTRY)

"""What every dashboard handler needs: the database, the clock, a login with its permission."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from bot.jobcard import JobCard
from bot.review import queries
from bot.review.twofactor import required_for
from bot.web.access import Permission, allows
from bot.web.limits import RequestLimits
from bot.web.security import Login, current_login
from storage import audit
from storage.review import SubmissionRow

PdfRenderer = Callable[[JobCard], bytes]


@dataclass(frozen=True, slots=True)
class WebState:
    """The app's shared parts, built once by ``create_app``.

    ``secret`` signs the login form's token; ``require_2fa`` is ``""``, ``"admin"`` or
    ``"all"`` (``JOBCARD_REQUIRE_2FA``).
    """

    sessions: sessionmaker[Session]
    clock: Callable[[], datetime]
    pdf: PdfRenderer
    secret: bytes
    require_2fa: str = ""
    limits: RequestLimits = field(default_factory=RequestLimits)


class AccountSetupRequiredError(Exception):
    """The account must change its password or set up two-factor login before anything else."""


def web(request: Request) -> WebState:
    """The app's shared parts."""
    state: WebState = request.app.state.web
    return state


def setup_due(login: Login, require_2fa: str) -> bool:
    """Whether the account still has to change its password or turn on two-factor login."""
    staff = login.staff
    return staff.must_change_password or (
        required_for(staff.role, require_2fa) and not staff.totp_enabled
    )


def authorize(
    session: Session, request: Request, permission: Permission
) -> tuple[Login, datetime]:
    """The logged-in account, which must have ``permission``, and the time now.

    The only place a page or a form checks a role: every handler calls it with the
    permission it needs, as listed in ``bot.web.access.RULES``.

    Raises:
        LoginRequiredError: Not logged in (answered with a redirect to the login page).
        AccountSetupRequiredError: A password change or two-factor set-up is due first
            (answered with a redirect to the account page).
        HTTPException: 403 when the role lacks the permission.
        TooManyRequestsError: Too many forms from this address or account.
    """
    state = web(request)
    now = state.clock()
    login = current_login(session, request, now)
    if request.method == "POST":
        state.limits.check_post(client_address(request), login.staff.id)
    if permission != Permission.OWN_ACCOUNT and setup_due(login, state.require_2fa):
        raise AccountSetupRequiredError
    if not allows(login.staff.role, permission):
        raise HTTPException(403)
    return login, now


def can(login: Login | None, permission: str) -> bool:
    """For templates: whether the logged-in account has ``permission``."""
    return login is not None and allows(login.staff.role, Permission(permission))


def submission_for(
    session: Session, login: Login, public_id: str, *, lock: bool = False
) -> SubmissionRow:
    """The submission if this account may see it; another centre's is simply not found.

    Raises:
        HTTPException: 404, so nobody learns whether another centre's id exists.
    """
    submission = queries.for_staff(session, public_id, login.staff, lock=lock)
    if submission is None:
        raise HTTPException(404)
    return submission


def client_address(request: Request) -> str | None:
    """The browser's address (the proxy's client when ``--proxy-headers`` trusts it)."""
    return request.client.host if request.client is not None else None


def log_access(
    session: Session,
    request: Request,
    login: Login,
    now: datetime,
    action: str,
    *,
    person_id: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    detail: str | None = None,
) -> None:
    """Record in the audit trail, in the handler's own transaction, who did what to whom."""
    audit.record(
        session,
        at=now,
        staff_id=login.staff.id,
        actor=login.staff.login,
        role=login.staff.role,
        action=action,
        person_id=person_id,
        object_type=object_type,
        object_id=object_id,
        address=client_address(request),
        detail=detail,
    )


def back_to(public_id: str, anchor: str = "") -> RedirectResponse:
    """Post/redirect/get: back to the submission page after a form."""
    return RedirectResponse(f"/s/{public_id}{'#' + anchor if anchor else ''}", status_code=303)


def form_text(form: Any, name: str) -> str:
    """A text field of a posted form ('' when missing)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""

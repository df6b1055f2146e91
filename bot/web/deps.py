"""What every dashboard handler needs: the database, the clock, the PDF renderer, a login."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from bot.jobcard import JobCard
from bot.review import queries
from bot.review.states import Role
from bot.web.security import Login, current_login
from storage.review import SubmissionRow

PdfRenderer = Callable[[JobCard], bytes]

# Who may open which pages; the layout's navigation reads the same sets.
BOOKING_ROLES = frozenset({Role.COUNSELOR.value, Role.FACILITATOR.value, Role.ADMIN.value})
COHORT_ROLES = frozenset({Role.FACILITATOR.value, Role.ADMIN.value})  # not cards: cohorts


@dataclass(frozen=True, slots=True)
class WebState:
    """The app's shared parts, built once by ``create_app``."""

    sessions: sessionmaker[Session]
    clock: Callable[[], datetime]
    pdf: PdfRenderer


def web(request: Request) -> WebState:
    """The app's shared parts."""
    state: WebState = request.app.state.web
    return state


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


def has_role(login: Login | None, roles: Collection[str]) -> bool:
    """Whether someone is logged in with one of ``roles`` (templates check the same sets)."""
    return login is not None and login.staff.role in roles


def staff_with_role(
    session: Session, request: Request, roles: Collection[str]
) -> tuple[Login, datetime]:
    """The logged-in account, which must have one of ``roles``, and the time now.

    Raises:
        LoginRequiredError: Not logged in (answered with a redirect to the login page).
        HTTPException: 403 for any other role.
    """
    now = web(request).clock()
    login = current_login(session, request, now)
    if not has_role(login, roles):
        raise HTTPException(403)
    assert login is not None
    return login, now


def require_counselor(login: Login) -> None:
    """Card contents and review work are for counselors only.

    Raises:
        HTTPException: 403 for facilitators and admins.
    """
    if not queries.can_read_card(login.staff):
        raise HTTPException(403)


def back_to(public_id: str, anchor: str = "") -> RedirectResponse:
    """Post/redirect/get: back to the submission page after a form."""
    return RedirectResponse(f"/s/{public_id}{'#' + anchor if anchor else ''}", status_code=303)


def form_text(form: Any, name: str) -> str:
    """A text field of a posted form ('' when missing)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""

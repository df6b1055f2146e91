"""What every dashboard handler needs: the database, the clock, the PDF renderer, a login."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from bot.jobcard import JobCard
from bot.review import queries
from bot.web.security import Login
from storage.review import SubmissionRow

PdfRenderer = Callable[[JobCard], bytes]


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

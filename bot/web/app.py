"""The counselor dashboard as a Starlette app: routes, error pages and security middleware."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.booking.config import BookingConfig
from bot.jobcard import JobCard
from bot.service import Clock, utc_now
from bot.web import bookings, cohorts, forms, pages
from bot.web.deps import PdfRenderer, WebState
from bot.web.render import make_templates, page
from bot.web.security import LoginRequiredError, SecurityHeaders

_MESSAGES = {
    400: ("入力が正しくありません", "Bad request"),
    403: ("この操作は許可されていません", "Forbidden"),
    404: ("ページが見つかりません", "Not found"),
    405: ("この操作は許可されていません", "Method not allowed"),
}


def _default_pdf(card: JobCard) -> bytes:
    # Imported on first use: WeasyPrint and matplotlib are heavy and only needed here.
    from bot.documents import CardDocuments

    return CardDocuments().pdf(card)


async def _login_required(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/login", status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    ja, en = _MESSAGES.get(exc.status_code, ("エラーが発生しました", "Error"))
    context = {"status": exc.status_code, "title_ja": ja, "title_en": en}
    return page(request, "error.html", context, status_code=exc.status_code)


def create_app(
    sessions: sessionmaker[Session],
    *,
    clock: Clock = utc_now,
    pdf: PdfRenderer | None = None,
    booking_config: BookingConfig | None = None,
) -> Starlette:
    """Build the dashboard on ``sessions`` (the schema must be up to date).

    ``pdf`` renders the approved card; by default the Job Card documents' PDF renderer.
    ``booking_config`` names the bookings' places; by default it is loaded when needed.
    """
    routes = [
        Route("/", pages.home),
        Route("/static/style.css", pages.stylesheet),
        Route("/login", pages.login_page, methods=["GET"]),
        Route("/login", forms.login, methods=["POST"]),
        Route("/logout", forms.logout, methods=["POST"]),
        Route("/queue", pages.queue),
        Route("/s/{public_id}", pages.submission),
        Route("/s/{public_id}/diff", pages.diff),
        Route("/s/{public_id}/approved.pdf", pages.approved_pdf),
        Route("/s/{public_id}/start", forms.start_review, methods=["POST"]),
        Route("/s/{public_id}/comments", forms.comment, methods=["POST"]),
        Route("/s/{public_id}/resolve", forms.resolve_comment, methods=["POST"]),
        Route("/s/{public_id}/request-changes", forms.request_changes, methods=["POST"]),
        Route("/s/{public_id}/approve", forms.approve, methods=["POST"]),
        Route("/s/{public_id}/consultant", forms.consultant_entry, methods=["POST"]),
        Route("/bookings", bookings.booking_list),
        Route("/bookings/{id}/mark", bookings.mark_booking, methods=["POST"]),
        Route("/cohorts", cohorts.cohort_list),
        # The CSV route first: "{code}" alone would also match "K7M2QP.csv".
        Route("/cohorts/{code}.csv", cohorts.cohort_csv),
        Route("/cohorts/{code}", cohorts.cohort_table),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={LoginRequiredError: _login_required, HTTPException: _http_error},
    )
    app.state.web = WebState(sessions, clock, pdf or _default_pdf)
    app.state.templates = make_templates()
    app.state.booking_config = booking_config
    return app

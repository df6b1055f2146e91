"""The counselor dashboard as a Starlette app: routes, error pages and security middleware."""

from __future__ import annotations

import contextlib
import gc
import secrets
from collections.abc import AsyncIterator

from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.booking.config import BookingConfig
from bot.jobcard import JobCard
from bot.review.twofactor import ROLE_CHOICES
from bot.service import Clock, utc_now
from bot.web import account, admin, bookings, cohorts, forms, pages
from bot.web.chat import ChatSettings
from bot.web.chat import routes as chat_routes
from bot.web.chat_fetch import ChatTurns
from bot.web.deps import AccountSetupRequiredError, PdfRenderer, WebState
from bot.web.limits import BodyLimit, RequestLimits, TooManyRequestsError
from bot.web.render import make_templates, page
from bot.web.security import LoginRequiredError, SecurityHeaders

_MESSAGES = {
    400: ("入力が正しくありません", "Bad request"),
    403: ("この操作は許可されていません", "Forbidden"),
    404: ("ページが見つかりません", "Not found"),
    405: ("この操作は許可されていません", "Method not allowed"),
    413: ("送信された内容が大きすぎます", "Request too large"),
}


def _default_pdf(card: JobCard) -> bytes:
    # Imported on first use: WeasyPrint and matplotlib are heavy and only needed here.
    from bot.documents import CardDocuments

    return CardDocuments().pdf(card)


async def _login_required(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/login", status_code=303)


async def _setup_required(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/account", status_code=303)


async def _too_many(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TooManyRequestsError)
    minutes = max(1, (exc.retry_after + 59) // 60)
    response = page(request, "too_many.html", {"minutes": minutes}, status_code=429)
    response.headers["retry-after"] = str(exc.retry_after)
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    ja, en = _MESSAGES.get(exc.status_code, ("エラーが発生しました", "Error"))
    context = {"status": exc.status_code, "title_ja": ja, "title_en": en}
    return page(request, "error.html", context, status_code=exc.status_code)


YOUNG_OBJECTS = 10_000  # new objects between two passes of the garbage collector
# Drawn on every turn or page of the chat: compiled before the first person comes.
_CHAT_TEMPLATES = ("chat.html", "chat_log.html", "chat_box.html", "chat_layout.html")


@contextlib.asynccontextmanager
async def _serving(app: Starlette) -> AsyncIterator[None]:
    """While the server runs (``jobcard web``; the tests serve without a lifespan)."""
    if app.state.chat is not None:
        for name in _CHAT_TEMPLATES:
            app.state.templates.get_template(name)
    # What start-up built (dialogs, the catalog, SQLAlchemy's mappers, the templates) lives
    # as long as the server: kept out of the garbage collector's full passes, which would
    # otherwise walk all of it every few thousand requests (as ``jobcard line`` does).
    gc.collect()
    gc.freeze()
    # A turn makes a few thousand objects that reference counting frees when it ends: at
    # the default threshold (700) the collector ran several times a turn and found next to
    # nothing. They are still collected, less often.
    thresholds = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def create_app(
    sessions: sessionmaker[Session],
    *,
    clock: Clock = utc_now,
    pdf: PdfRenderer | None = None,
    booking_config: BookingConfig | None = None,
    secret_key: bytes | None = None,
    require_2fa: str = "",
    limits: RequestLimits | None = None,
    chat: ChatSettings | None = None,
) -> Starlette:
    """Build the dashboard on ``sessions`` (the schema must be up to date).

    ``pdf`` renders the approved card; by default the Job Card documents' PDF renderer.
    ``booking_config`` names the bookings' places; by default it is loaded when needed.
    ``secret_key`` signs login forms (``JOBCARD_SECRET_KEY``; random per process without
    it, so several workers need it set). ``require_2fa`` is ``""``, ``"admin"`` or ``"all"``.
    ``chat`` adds the person-facing chat at ``/`` (the dashboard then starts at ``/queue``).
    """
    if require_2fa not in ROLE_CHOICES:
        raise ValueError(f"JOBCARD_REQUIRE_2FA must be one of: admin, all (not {require_2fa!r})")
    limits = limits or RequestLimits()
    routes = [
        Route("/", pages.home),
        Route("/static/style.css", pages.stylesheet),
        Route("/login", pages.login_page, methods=["GET"]),
        Route("/login", forms.login, methods=["POST"]),
        Route("/login/code", forms.login_code_page, methods=["GET"]),
        Route("/login/code", forms.login_code, methods=["POST"]),
        Route("/logout", forms.logout, methods=["POST"]),
        Route("/account", account.account_page, methods=["GET"]),
        Route("/account/password", account.change_password, methods=["POST"]),
        Route("/account/2fa/start", account.totp_start, methods=["POST"]),
        Route("/account/2fa/confirm", account.totp_confirm, methods=["POST"]),
        Route("/account/2fa/disable", account.totp_disable, methods=["POST"]),
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
        Route("/admin/accounts", admin.accounts_page, methods=["GET"]),
        Route("/admin/accounts/reset", admin.reset_password, methods=["POST"]),
        Route("/admin/audit", admin.audit_page),
    ]
    if chat is not None:
        routes = [*chat_routes(), *(r for r in routes if getattr(r, "path", "") != "/")]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, max_body=limits.max_body),
    ]
    if chat is not None:
        # chat.js's turns first: they are nearly every request (see bot.web.chat_fetch).
        middleware.insert(0, Middleware(ChatTurns, max_body=limits.max_body))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            LoginRequiredError: _login_required,
            AccountSetupRequiredError: _setup_required,
            TooManyRequestsError: _too_many,
            HTTPException: _http_error,
        },
        lifespan=_serving,
    )
    app.state.web = WebState(
        sessions,
        clock,
        pdf or _default_pdf,
        secret_key or secrets.token_bytes(32),
        require_2fa,
        limits,
    )
    app.state.templates = make_templates()
    app.state.booking_config = booking_config
    app.state.chat = chat
    return app

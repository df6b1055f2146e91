"""Consultation bookings on the dashboard: the list, and marking a consultation held or missed.

The list shows the day's bookings (today unless another day or 「すべて」 is chosen): when,
who (for the roles that may see names), where, how, the purpose and the status; never the
note, the person's answers or the attached Job Card (only whether one is attached).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.booking import ledger
from bot.booking.calendar import at_jst, jst
from bot.booking.config import BookingConfig, BookingConfigError, load_config
from bot.booking.texts import PURPOSES
from bot.review.states import Role
from bot.web.access import Permission, allows
from bot.web.deps import authorize, form_text, log_access, web
from bot.web.render import page
from bot.web.security import Login, check_csrf
from storage.booking import BookingRow
from storage.models import AnswerRow
from storage.review import CentreRow

RECENT_DAYS = 14  # without a date filter: from two weeks ago on
MARKABLE = ("booked", "held", "no_show")
_OUTCOMES = {"held": "held", "no_show": "no_show"}
_MODES = {"in_person": "対面", "online": "オンライン"}
_STATUSES = {
    "booked": "予約済み",
    "held": "実施済み",
    "no_show": "来所なし",
    "cancelled": "キャンセル",
    "rescheduled": "日時変更",
}


def _staff(session: Session, request: Request) -> tuple[Login, datetime]:
    """The logged-in counselor, facilitator or admin, and now."""
    return authorize(session, request, Permission.BOOKINGS)


def _location_scope(session: Session, login: Login) -> str | None:
    """The one location id this account sees; None for an admin (every location).

    The review centre code is the booking location id (e.g. centre "yokohama" = location
    "yokohama"); staff without a centre see no bookings.
    """
    if login.staff.role == Role.ADMIN.value:
        return None
    centre = session.get(CentreRow, login.staff.centre_id) if login.staff.centre_id else None
    return centre.code if centre is not None else ""


def _visible(session: Session, login: Login, booking_id: int) -> BookingRow:
    """The booking locked for update if this account may see it.

    Raises:
        HTTPException: 404 for another location's booking, as for one that does not exist.
    """
    row = session.get(BookingRow, booking_id, with_for_update=True)
    scope = _location_scope(session, login)
    if row is None or (scope is not None and row.location_id != scope):
        raise HTTPException(404)
    return row


def _places(request: Request) -> dict[str, str]:
    """Location id → the place's short name (the id itself if the configuration is unusable)."""
    config: BookingConfig | None = getattr(request.app.state, "booking_config", None)
    if config is None:
        try:
            config = load_config()
        except BookingConfigError:
            return {}
    return {location.id: location.report_label for location in config.locations}


def _day(request: Request, today: date) -> date | None:
    """The day asked for: today by default, None for every day from two weeks ago on."""
    raw = request.query_params.get("date")
    if raw is None:
        return today
    if raw in ("", "all"):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise HTTPException(400) from None


def _names(session: Session, login: Login, rows: list[BookingRow]) -> dict[str, str]:
    """Person id → the name they gave, for roles that may see names (none for the others)."""
    if not allows(login.staff.role, Permission.NAMES) or not rows:
        return {}
    people = {row.person_id for row in rows}
    found = session.execute(
        select(AnswerRow.person_id, AnswerRow.value).where(
            AnswerRow.person_id.in_(people),
            AnswerRow.dialog_id == "profile",
            AnswerRow.field == "name",
            AnswerRow.is_current.is_(True),
        )
    )
    return {pid: value for pid, value in found if isinstance(value, str)}


def _item(row: BookingRow, places: dict[str, str], now: datetime) -> dict[str, Any]:
    start, end = jst(row.starts_at), jst(row.ends_at)
    purpose = PURPOSES[row.purpose].ja if row.purpose in PURPOSES else (row.purpose or "")
    return {
        "id": row.id,
        "when": f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}",
        "place": places.get(row.location_id, row.location_id),
        "mode": _MODES.get(row.mode, row.mode),
        "purpose": purpose,
        "status": row.status,
        "status_label": _STATUSES.get(row.status, row.status),
        "jobcard": row.jobcard is not None,
        "markable": row.status in MARKABLE and now >= row.starts_at,
    }


async def booking_list(request: Request) -> Response:
    """Upcoming and recent bookings at the account's location (every location for an admin)."""
    state = web(request)
    places = _places(request)
    marked = request.query_params.get("marked", "")

    def load() -> dict[str, object]:
        with state.sessions() as session:
            login, now = _staff(session, request)
            day = _day(request, jst(now).date())
            first = day or jst(now).date() - timedelta(days=RECENT_DAYS)
            query = (
                select(BookingRow)
                .where(BookingRow.starts_at >= at_jst(first, time(0)))
                .order_by(BookingRow.starts_at, BookingRow.location_id, BookingRow.id)
            )
            if day is not None:
                query = query.where(
                    BookingRow.starts_at < at_jst(day + timedelta(days=1), time(0))
                )
            scope = _location_scope(session, login)
            if scope is not None:
                query = query.where(BookingRow.location_id == scope)
            rows = list(session.scalars(query))
            names = _names(session, login, rows)
            items = [{**_item(row, places, now), "who": names.get(row.person_id)} for row in rows]
            return {
                "login": login,
                "csrf": login.csrf,
                "items": items,
                "show_names": allows(login.staff.role, Permission.NAMES),
                "day": day.isoformat() if day else "",
                "marked": marked if marked.isdigit() else "",
            }

    return page(request, "bookings.html", await run_in_threadpool(load))


async def mark_booking(request: Request) -> Response:
    """Record a consultation as held (which queues the survey) or as a no-show."""
    state = web(request)
    form = await request.form()
    raw_id = request.path_params["id"]

    def run() -> tuple[str | None, Login]:
        with state.sessions.begin() as session:
            login, now = _staff(session, request)
            check_csrf(request, form, login.csrf)  # before anything about the booking
            if not raw_id.isdigit():
                raise HTTPException(404)
            row = _visible(session, login, int(raw_id))
            outcome = _OUTCOMES.get(form_text(form, "outcome"))
            if outcome is None:
                raise HTTPException(400)
            if row.status not in MARKABLE:
                return "この予約は記録できません（キャンセルまたは日時変更済み）。", login
            if now < row.starts_at:
                return "開始時刻の後に記録してください。", login
            ledger.mark(session, row, outcome, now)
            log_access(
                session,
                request,
                login,
                now,
                "mark_booking",
                person_id=row.person_id,
                object_type="booking",
                object_id=str(row.id),
                detail=outcome,
            )
            return None, login

    refusal, login = await run_in_threadpool(run)
    if refusal is not None:
        reason = {"ja": refusal, "en": "This booking cannot be marked now."}
        context = {"login": login, "csrf": login.csrf, "reason": reason, "back": "/bookings"}
        return page(request, "refused.html", context, status_code=409)
    return RedirectResponse(f"/bookings?marked={raw_id}#b{raw_id}", status_code=303)

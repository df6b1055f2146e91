"""Service actions of the booking dialogs: review, book, show, cancel, reschedule, survey."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.booking import ics, ledger, texts
from bot.booking.calendar import jst, span_label
from bot.booking.config import BookingConfig, Mode
from bot.booking.slots import Opening
from bot.booking.sources import EARLIER, chosen_start
from bot.engine import Document, Outbound, Text, as_lang
from bot.jobcard import build_jobcard, card_json
from bot.service import Action, ActionResult, EffectContext
from storage import repositories as repo
from storage.booking import BookingRow, BookingSurveyRow

# Working answers are cleared once used, so a repeated booking starts clean: a stale 「はい」
# kept with 「そのまま」 would confirm without running the action again.
BOOKING_FIELDS = ("date", "date_later", "time", "note", "share_card", "confirm")
RETRY_FIELDS = ("time", "share_card", "confirm")
MANAGE_FIELDS = (
    "booking",
    "what",
    "cancel_confirm",
    "new_date",
    "new_date_later",
    "new_time",
    "reschedule_confirm",
)
SURVEY_FIELDS = ("purpose", "heard_from", "satisfaction")


def answers_of(ctx: EffectContext) -> dict[str, Any]:
    """The person's stored answers (this turn's included)."""
    return repo.current_answers(ctx.session, ctx.person_id)


def clear(ctx: EffectContext, dialog: str, fields: Sequence[str]) -> None:
    """Empty working answers of ``dialog`` (only those that hold something)."""
    answers = answers_of(ctx)
    for name in fields:
        if answers.get(f"{dialog}.{name}") is not None:
            repo.save_answer(ctx.session, ctx.person_id, dialog, name, None, ctx.now)


def remember_bookings(ctx: EffectContext) -> None:
    """Keep the ids of the person's upcoming bookings where the list source can read them."""
    ids = [row.id for row in ledger.upcoming(ctx.session, ctx.person_id, ctx.now)]
    repo.save_answer(ctx.session, ctx.person_id, "booking", "mine", ids, ctx.now)


def calendar_file(
    config: BookingConfig, booking: BookingRow, now: datetime, *, cancelled: bool = False
) -> Document:
    """The booking as an .ics attachment (a cancellation when ``cancelled``).

    LOCATION names the place, its address and phone (online: the centre and its contact).
    """
    location = config.location(booking.location_id)
    phone = texts.phone_line(config, location, "ja")
    if booking.mode == "online":
        where = f"オンライン（{location.name.ja}） {phone}"
    else:
        where = f"{location.name.ja} {location.address.ja} {phone}"
    event = ics.CalendarEvent(
        uid=booking.ical_uid,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary="キャリアコンサルティング（ジョブ・カード）",
        location=where,
        description=texts.details(config, booking, "ja"),
        stamp=now,
        sequence=booking.sequence + (1 if cancelled else 0),
        cancelled=cancelled,
        url=texts.meeting_url(config, booking),
    )
    name = f"consultation-{ledger.number_of(booking)}{'-cancelled' if cancelled else ''}.ics"
    return Document(name, "text/calendar", ics.render(event))


def _draft(config: BookingConfig, answers: dict[str, Any], ctx: EffectContext) -> BookingRow:
    """An unsaved booking built from the answers, for the review before confirming."""
    start = chosen_start(answers, "booking") or ctx.now
    mode = answers.get("booking.mode")
    location = answers.get("booking.place") if mode == "in_person" else config.locations[0].id
    return BookingRow(
        mode=mode,
        location_id=location,
        starts_at=start,
        ends_at=start + timedelta(minutes=config.slot_minutes),
        purpose=answers.get("booking.purpose"),
        note=answers.get("booking.note"),
        ical_uid="",
    )


def review(config: BookingConfig) -> Action:
    """``review_booking``: show what will be booked, just before the confirmation question."""

    def run(ctx: EffectContext) -> ActionResult:
        draft = _draft(config, answers_of(ctx), ctx)
        summary = texts.details(config, draft, ctx.lang)
        return ActionResult((Text(texts.message("review", ctx.lang, details=summary)),))

    return run


def matching_openings(
    ctx: EffectContext, config: BookingConfig, mode: Mode, location: str | None, start: datetime
) -> list[Opening]:
    """The free openings at exactly ``start`` (several places may offer one online time)."""
    found = ledger.find_openings(
        ctx.session, config, ctx.now, mode=mode, location_id=location, days=[jst(start).date()]
    )
    return [opening for opening in found if opening.starts_at == start]


def taken_reply(
    ctx: EffectContext, config: BookingConfig, mode: Mode, location: str | None, start: datetime
) -> tuple[list[Outbound], str]:
    """The apology with the next free slots, and which event to report (same day or not)."""
    upcoming = ledger.find_openings(ctx.session, config, ctx.now, mode=mode, location_id=location)
    # The nearest free times after the one that was taken, else the earliest ones.
    nearest = [o for o in upcoming if o.starts_at > start] or upcoming
    lines = [texts.message("taken", ctx.lang)]
    if upcoming:
        slots = "\n".join(
            "・" + span_label(o.starts_at, o.ends_at, ctx.lang, year=False) for o in nearest[:3]
        )
        lines.append(texts.message("next_free", ctx.lang, slots=slots))
    else:
        lines.append(
            texts.message("no_free", ctx.lang, contact=config.contact.get(as_lang(ctx.lang)))
        )
    same_day = any(jst(o.starts_at).date() == jst(start).date() for o in upcoming)
    return [Text("\n".join(lines))], "slot_taken" if same_day else "day_full"


def _jobcard(ctx: EffectContext, answers: dict[str, Any]) -> dict[str, Any]:
    return card_json(build_jobcard(answers, created_on=jst(ctx.now).date()))


def create(config: BookingConfig) -> Action:
    """``create_booking``: book the confirmed slot, or say it was just taken."""

    def run(ctx: EffectContext) -> ActionResult:
        answers = answers_of(ctx)
        if answers.get("booking.confirm") is not True:
            clear(ctx, "booking", BOOKING_FIELDS)
            return ActionResult((Text(texts.message("not_booked", ctx.lang)),))
        active = ledger.upcoming(ctx.session, ctx.person_id, ctx.now)
        if len(active) >= config.max_active_bookings:
            clear(ctx, "booking", BOOKING_FIELDS)
            count = len(active)
            return ActionResult((Text(texts.message("too_many", ctx.lang, count=count)),))
        mode: Mode = "online" if answers.get("booking.mode") == "online" else "in_person"
        location = None if mode == "online" else str(answers.get("booking.place"))
        start = chosen_start(answers, "booking")
        card = _jobcard(ctx, answers) if answers.get("booking.share_card") is True else None
        booking = None
        for opening in matching_openings(ctx, config, mode, location, start) if start else []:
            booking = ledger.book(
                ctx.session,
                config,
                opening,
                person_id=ctx.person_id,
                mode=mode,
                purpose=answers.get("booking.purpose"),
                note=answers.get("booking.note"),
                jobcard=card,
                now=ctx.now,
            )
            if booking is not None:
                break
        if booking is None:
            outbound, event = taken_reply(ctx, config, mode, location, start or ctx.now)
            clear(ctx, "booking", RETRY_FIELDS if event == "slot_taken" else BOOKING_FIELDS)
            return ActionResult(outbound, event=event)
        remember_bookings(ctx)
        clear(ctx, "booking", BOOKING_FIELDS)
        lines = [
            texts.message(
                "booked",
                ctx.lang,
                details=texts.details(config, booking, ctx.lang),
                cutoff=config.cancel_cutoff_hours,
            )
        ]
        if card is not None:
            lines.append(
                texts.message("card_attached", ctx.lang, date=card["person"]["created_on"])
            )
        return ActionResult((Text("\n".join(lines)), calendar_file(config, booking, ctx.now)))

    return run


def later_dates(dialog: str, prefix: str = "") -> Action:
    """``pick_later_date``: 「前の日付に戻る」 on the later page goes back to the first page."""

    def run(ctx: EffectContext) -> ActionResult:
        if answers_of(ctx).get(f"{dialog}.{prefix}date_later") != EARLIER:
            return ActionResult()
        clear(ctx, dialog, (f"{prefix}date", f"{prefix}date_later"))
        return ActionResult(event="earlier_dates")

    return run


def owned(ctx: EffectContext, value: Any) -> BookingRow | None:
    """The person's own booking with id ``value`` (another person's id finds nothing)."""
    if not str(value).isdigit():
        return None
    row = ctx.session.get(BookingRow, int(str(value)))
    return row if row is not None and row.person_id == ctx.person_id else None


def record_survey(ctx: EffectContext) -> ActionResult:
    """``record_survey``: keep the answers with the person's latest held consultation."""
    answers = answers_of(ctx)
    booking_id = ctx.session.scalars(
        select(BookingRow.id)
        .outerjoin(BookingSurveyRow, BookingSurveyRow.booking_id == BookingRow.id)
        .where(
            BookingRow.person_id == ctx.person_id,
            BookingRow.status == "held",
            BookingSurveyRow.booking_id.is_(None),
        )
        .order_by(BookingRow.starts_at.desc())
        .limit(1)
    ).first()
    if booking_id is not None:
        ctx.session.add(
            BookingSurveyRow(
                booking_id=booking_id,
                purpose=answers.get("consultation_survey.purpose"),
                heard_from=answers.get("consultation_survey.heard_from"),
                satisfaction=answers.get("consultation_survey.satisfaction"),
                answered_at=ctx.now,
            )
        )
    clear(ctx, "consultation_survey", SURVEY_FIELDS)
    return ActionResult((Text(texts.message("survey_thanks", ctx.lang)),))

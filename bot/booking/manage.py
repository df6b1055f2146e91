"""Service actions of ``my_bookings``: show a booking, then cancel it or move it atomically."""

from __future__ import annotations

from bot.booking import ledger, texts
from bot.booking.actions import (
    MANAGE_FIELDS,
    answers_of,
    calendar_file,
    clear,
    matching_openings,
    owned,
    remember_bookings,
    taken_reply,
)
from bot.booking.config import BookingConfig, Mode
from bot.booking.sources import chosen_start
from bot.engine import Text, as_lang
from bot.service import Action, ActionResult, EffectContext
from storage.booking import BookingRow

_DIALOG = "my_bookings"


def _chosen(ctx: EffectContext) -> BookingRow | None:
    return owned(ctx, answers_of(ctx).get(f"{_DIALOG}.booking"))


def _too_late(ctx: EffectContext, config: BookingConfig) -> Text:
    return Text(
        texts.message(
            "too_late",
            ctx.lang,
            cutoff=config.cancel_cutoff_hours,
            contact=config.contact.get(as_lang(ctx.lang)),
        )
    )


def show(config: BookingConfig) -> Action:
    """``show_booking``: the chosen booking's details and its calendar file."""

    def run(ctx: EffectContext) -> ActionResult:
        booking = _chosen(ctx)
        if booking is None:
            return ActionResult()
        details = texts.details(config, booking, ctx.lang)
        return ActionResult((Text(details), calendar_file(config, booking, ctx.now)))

    return run


def check_change(config: BookingConfig) -> Action:
    """``check_change``: refuse cancelling or moving after the cut-off, before asking more."""

    def run(ctx: EffectContext) -> ActionResult:
        booking = _chosen(ctx)
        what = answers_of(ctx).get(f"{_DIALOG}.what")
        if what == "keep" or booking is None:
            clear(ctx, _DIALOG, MANAGE_FIELDS)
            return ActionResult((Text(texts.message("kept", ctx.lang)),))
        if not ledger.can_change(config, booking, ctx.now):
            clear(ctx, _DIALOG, MANAGE_FIELDS)
            return ActionResult((_too_late(ctx, config),), event="too_late")
        return ActionResult()

    return run


def cancel(config: BookingConfig) -> Action:
    """``cancel_booking``: cancel before the cut-off; the reminders go with it."""

    def run(ctx: EffectContext) -> ActionResult:
        answers = answers_of(ctx)
        booking = _chosen(ctx)
        confirmed = answers.get(f"{_DIALOG}.cancel_confirm") is True
        clear(ctx, _DIALOG, MANAGE_FIELDS)
        if not confirmed or booking is None:
            return ActionResult((Text(texts.message("kept", ctx.lang)),))
        if not ledger.can_change(config, booking, ctx.now):
            return ActionResult((_too_late(ctx, config),))
        ledger.release(ctx.session, booking, "cancelled", ctx.now)
        remember_bookings(ctx)
        when = texts.short_label(config, booking, ctx.lang)
        document = calendar_file(config, booking, ctx.now, cancelled=True)
        return ActionResult((Text(texts.message("cancelled", ctx.lang, when=when)), document))

    return run


def review_change(config: BookingConfig) -> Action:
    """``review_change``: the old and the new time, just before 「この日時に変更しますか？」."""

    def run(ctx: EffectContext) -> ActionResult:
        booking = _chosen(ctx)
        start = chosen_start(answers_of(ctx), _DIALOG, "new_")
        if booking is None or start is None:
            return ActionResult()
        after = (start, start + (booking.ends_at - booking.starts_at))
        summary = texts.change_summary((booking.starts_at, booking.ends_at), after, ctx.lang)
        return ActionResult((Text(summary),))

    return run


def reschedule(config: BookingConfig) -> Action:
    """``reschedule_booking``: secure the new slot, then release the old one (one transaction)."""

    def run(ctx: EffectContext) -> ActionResult:
        answers = answers_of(ctx)
        booking = _chosen(ctx)
        if answers.get(f"{_DIALOG}.reschedule_confirm") is not True or booking is None:
            clear(ctx, _DIALOG, MANAGE_FIELDS)
            return ActionResult((Text(texts.message("kept", ctx.lang)),))
        if not ledger.can_change(config, booking, ctx.now):
            clear(ctx, _DIALOG, MANAGE_FIELDS)
            return ActionResult((_too_late(ctx, config),))
        mode: Mode = "online" if booking.mode == "online" else "in_person"
        location = None if mode == "online" else booking.location_id
        start = chosen_start(answers, _DIALOG, "new_")
        moved = None
        for opening in matching_openings(ctx, config, mode, location, start) if start else []:
            moved = ledger.reschedule(ctx.session, config, booking, opening, ctx.now)
            if moved is not None:
                break
        if moved is None:
            outbound, event = taken_reply(ctx, config, mode, location, start or ctx.now)
            retry = ("new_time", "reschedule_confirm")
            clear(ctx, _DIALOG, retry if event == "slot_taken" else (*retry, "new_date"))
            return ActionResult(outbound, event=event)
        remember_bookings(ctx)
        clear(ctx, _DIALOG, MANAGE_FIELDS)
        details = texts.details(config, moved, ctx.lang)
        reply = texts.message("rescheduled", ctx.lang, details=details)
        return ActionResult((Text(reply), calendar_file(config, moved, ctx.now)))

    return run

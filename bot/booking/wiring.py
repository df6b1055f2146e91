"""The booking feature's service actions and options sources, by the names dialogs use."""

from __future__ import annotations

from bot.booking import actions, manage, sources
from bot.booking.config import BookingConfig, load_config
from bot.service import Action, SourceProvider


def booking_actions(config: BookingConfig | None = None) -> dict[str, Action]:
    """The actions named by ``emit:`` in the booking, my_bookings and survey dialogs."""
    config = config or load_config()
    return {
        "review_booking": actions.review(config),
        "create_booking": actions.create(config),
        "show_booking": manage.show(config),
        "check_change": manage.check_change(config),
        "cancel_booking": manage.cancel(config),
        "reschedule_booking": manage.reschedule(config),
        "record_survey": actions.record_survey,
        "pick_later_date": actions.later_dates("booking"),
        "pick_later_new_date": actions.later_dates("my_bookings", "new_"),
        "review_change": manage.review_change(config),
    }


def booking_sources(config: BookingConfig | None = None) -> dict[str, SourceProvider]:
    """The sources named by ``options_from:`` in the booking dialogs."""
    config = config or load_config()
    return {
        "booking_places": sources.places(config),
        "booking_dates": sources.dates(config, later=False),
        "booking_dates_later": sources.dates(config, later=True),
        "booking_times": sources.times(config),
        "my_bookings": sources.my_bookings(config),
        "booking_new_dates": sources.dates(config, later=False, moving=True),
        "booking_new_dates_later": sources.dates(config, later=True, moving=True),
        "booking_new_times": sources.times(config, moving=True),
    }

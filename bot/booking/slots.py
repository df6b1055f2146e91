"""Free consultation slots, computed purely from the configuration, the time and busy periods.

Each counselor's weekly hours are cut into a fixed grid (slot length + buffer from the start
of each block), so one slot is identified by (counselor, start): exactly what the database's
unique index guards. A slot is offered when its day is open (no public holiday, no closed
date), it lies between the minimum notice and the horizon, and it does not come within the
buffer of a booking the counselor already has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.booking.calendar import add_business_days, at_jst, is_open_day, jst
from bot.booking.config import BookingConfig, Mode


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """One bookable consultation: a counselor's time at a location (times in UTC)."""

    starts_at: datetime
    ends_at: datetime
    counselor_id: str
    location_id: str
    modes: tuple[Mode, ...]


@dataclass(frozen=True, slots=True)
class Busy:
    """A period a counselor is already booked for (UTC)."""

    counselor_id: str
    starts_at: datetime
    ends_at: datetime


def bookable_days(config: BookingConfig, now: datetime) -> tuple[date, date]:
    """The first and last day that may be booked at ``now``.

    The first day is the ``minimum_notice_business_days``-th business day after today in
    Japan (so on a Friday, with one day of notice, the first day is Monday — or Tuesday if
    Monday is a holiday); the last is ``horizon_days`` calendar days after today.
    """
    today = jst(now).date()
    first = add_business_days(today, config.minimum_notice_business_days, config.closed_dates)
    return first, today + timedelta(days=config.horizon_days)


def grid(config: BookingConfig, day: date) -> list[Slot]:
    """Every slot the counselors' weekly hours give on ``day``, free or not."""
    if not is_open_day(day, config.closed_dates):
        return []
    length = timedelta(minutes=config.slot_minutes)
    step = length + timedelta(minutes=config.buffer_minutes)
    found: list[Slot] = []
    for counselor in config.counselors:
        for block in counselor.hours:
            if day.weekday() not in block.weekdays:
                continue
            start, end = at_jst(day, block.start), at_jst(day, block.end)
            while start + length <= end:
                found.append(
                    Slot(start, start + length, counselor.id, block.location, block.modes)
                )
                start += step
    return sorted(found)


_BusyIndex = dict[tuple[str, date], list[Busy]]


def _index(busy: Iterable[Busy]) -> _BusyIndex:
    # Consultations never cross midnight, so only the same counselor's same day can clash.
    index: _BusyIndex = {}
    for period in busy:
        index.setdefault((period.counselor_id, jst(period.starts_at).date()), []).append(period)
    return index


def _clashes(slot: Slot, index: _BusyIndex, buffer: timedelta) -> bool:
    same_day = index.get((slot.counselor_id, jst(slot.starts_at).date()), ())
    return any(
        period.starts_at < slot.ends_at + buffer and slot.starts_at < period.ends_at + buffer
        for period in same_day
    )


def free_slots(
    config: BookingConfig,
    now: datetime,
    busy: Iterable[Busy],
    *,
    mode: Mode,
    location_id: str | None = None,
    days: Iterable[date] | None = None,
) -> list[Slot]:
    """The free slots for ``mode`` (at ``location_id``, if given), earliest first.

    Args:
        days: Only these days (default: every day from the minimum notice to the horizon).
    """
    first, last = bookable_days(config, now)
    if days is None:
        wanted = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    else:
        wanted = sorted(day for day in days if first <= day <= last)
    taken = _index(busy)
    buffer = timedelta(minutes=config.buffer_minutes)
    result: list[Slot] = []
    for day in wanted:
        for slot in grid(config, day):
            if mode not in slot.modes or slot.starts_at <= now:
                continue
            if location_id is not None and slot.location_id != location_id:
                continue
            if not _clashes(slot, taken, buffer):
                result.append(slot)
    return result


@dataclass(frozen=True, slots=True)
class Opening:
    """A start time people can book at one location, with the counselors free then."""

    starts_at: datetime
    ends_at: datetime
    location_id: str
    counselor_ids: tuple[str, ...]


def openings(slots: Iterable[Slot]) -> list[Opening]:
    """Free slots merged per (location, start): people choose a time, not a counselor."""
    merged: dict[tuple[str, datetime], list[Slot]] = {}
    for slot in slots:
        merged.setdefault((slot.location_id, slot.starts_at), []).append(slot)
    return [
        Opening(start, group[0].ends_at, location, tuple(s.counselor_id for s in group))
        for (location, start), group in sorted(merged.items(), key=lambda item: item[0][1])
    ]


def days_with_openings(openings_: Iterable[Opening]) -> list[date]:
    """The Japan-time days that have at least one opening, in order."""
    return sorted({jst(opening.starts_at).date() for opening in openings_})

"""Run-time options for the booking dialogs: places, days with free slots, times, bookings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from bot.booking import ledger, texts
from bot.booking.calendar import JST, day_label, jst, span_label
from bot.booking.config import BookingConfig, Mode
from bot.booking.slots import Opening, days_with_openings
from bot.engine.choices import Option
from bot.engine.localized import Localized
from bot.service import SourceContext
from storage.booking import BookingRow

LATER = "later"
EARLIER = "earlier"
NONE = "none"
CLOSE = "close"
MINE = "booking.mine"  # the ids of the person's bookings, kept by the actions (see README)

Source = Callable[[SourceContext], Sequence[Option]]


def chosen_day(answers: Mapping[str, Any], dialog: str, prefix: str = "") -> date | None:
    """The day picked on the first page of dates or, after 「それより後」, on the second."""
    value = answers.get(f"{dialog}.{prefix}date")
    if value == LATER:
        value = answers.get(f"{dialog}.{prefix}date_later")
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def chosen_start(answers: Mapping[str, Any], dialog: str, prefix: str = "") -> datetime | None:
    """The chosen day and time as an aware UTC datetime."""
    day = chosen_day(answers, dialog, prefix)
    value = str(answers.get(f"{dialog}.{prefix}time") or "")
    try:
        hours, minutes = (int(part) for part in value.split(":"))
        return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=JST) if day else None
    except ValueError:
        return None


def booking_target(ctx: SourceContext, *, moving: bool) -> tuple[Mode, str | None] | None:
    """What is being booked: a new booking's mode and place, or the booking being moved."""
    answers = ctx.answers
    if moving:
        row = _booking(ctx, answers.get("my_bookings.booking"))
        return None if row is None else (row.mode, row.location_id)  # type: ignore[return-value]
    mode = answers.get("booking.mode")
    if mode not in ("in_person", "online"):
        return None
    place = answers.get("booking.place") if mode == "in_person" else None
    return mode, None if place is None else str(place)


def _booking(ctx: SourceContext, value: Any) -> BookingRow | None:
    if not str(value).isdigit():
        return None
    return ctx.session.get(BookingRow, int(str(value)))


def places(config: BookingConfig) -> Source:
    """The places offering in-person consultations (the 「横浜」-style short names work too)."""
    staffed = {block.location for c in config.counselors for block in c.hours}

    def provide(ctx: SourceContext) -> Sequence[Option]:
        return [
            Option(location.id, location.name, (location.report_label,))
            for location in config.locations
            if "in_person" in location.modes and location.id in staffed
        ]

    return provide


def _openings(
    ctx: SourceContext, config: BookingConfig, *, moving: bool, day: date | None = None
) -> list[Opening]:
    target = booking_target(ctx, moving=moving)
    if target is None:
        return []
    mode, location = target
    days = [day] if day is not None else None
    return ledger.find_openings(
        ctx.session, config, ctx.now, mode=mode, location_id=location, days=days
    )


def _day_option(day: date, *, listed: bool = True) -> Option:
    aliases = (
        f"{day.month}/{day.day}",
        day.isoformat(),
        f"{day.month}月{day.day}日",
        f"{day.year}年{day.month}月{day.day}日",
    )
    label = Localized(day_label(day, "ja"), day_label(day, "en"))
    return Option(day.isoformat(), label, listed=listed, whole_words=aliases)


def dates(config: BookingConfig, *, later: bool, moving: bool = False) -> Source:
    """Days with free slots: the first ``date_choices`` of them, or (``later``) the rest.

    A later day typed on the first page (「12月9日」) is taken too: it is an option that is
    not shown as a button. The later page offers a way back to the first. With ``moving``,
    for the booking being rescheduled (its place and mode).
    """

    def provide(ctx: SourceContext) -> Sequence[Option]:
        days = days_with_openings(_openings(ctx, config, moving=moving))
        first = config.date_choices
        if later:
            back = Option(
                EARLIER, Localized("前の日付に戻る", "Back to earlier dates"), ("前", "戻る")
            )
            return [*(_day_option(day) for day in days[first:]), back]
        if not days:
            return [Option(NONE, Localized("空いている日がありません", "No free days"))]
        options = [_day_option(day) for day in days[:first]]
        if len(days) > first:
            more = Localized("それより後の日付を見る", "Show later dates")
            options.append(Option(LATER, more, ("後", "later", "もっと先")))
            options.extend(_day_option(day, listed=False) for day in days[first:])
        return options

    return provide


def time_words(hour: int, minute: int) -> tuple[str, ...]:
    """The ways people type a start time: 「10時半」「10:30」「13時30分」「午後1時半」「1時半」."""
    words = [f"{hour}:{minute:02d}", f"{hour}時{minute:02d}分", f"{hour}時{minute}分"]
    half = "半" if minute == 30 else f"{minute}分" if minute else ""
    words.append(f"{hour}時{half}")
    if hour < 12:
        words.append(f"午前{hour}時{half}")
    else:
        twelve = hour - 12 or 12
        words += [f"午後{twelve}時{half}", f"午後{twelve}時{minute}分", f"{twelve}時{half}"]
        if minute:
            words.append(f"{twelve}:{minute:02d}")
    return tuple(dict.fromkeys(words))


def times(config: BookingConfig, *, moving: bool = False) -> Source:
    """The free start times of the chosen day, each taken as people type it (「10時半」)."""
    dialog, prefix = ("my_bookings", "new_") if moving else ("booking", "")

    def provide(ctx: SourceContext) -> Sequence[Option]:
        day = chosen_day(ctx.answers, dialog, prefix)
        if day is None:
            return []
        options: dict[str, tuple[Localized, tuple[str, ...]]] = {}
        for opening in _openings(ctx, config, moving=moving, day=day):
            start = jst(opening.starts_at)
            value = f"{start:%H:%M}"
            label = Localized(
                span_label(opening.starts_at, opening.ends_at, "ja", year=False),
                span_label(opening.starts_at, opening.ends_at, "en", year=False),
            )
            options.setdefault(value, (label, time_words(start.hour, start.minute)))
        # A word that could mean two offered times (「1時」 for 13:00 when 1:00 were offered)
        # names neither: it is dropped, so no time is ever guessed.
        counts = Counter(word for _, words in options.values() for word in words)
        return [
            Option(value, label, whole_words=tuple(w for w in words if counts[w] == 1))
            for value, (label, words) in options.items()
        ]

    return provide


def my_bookings(config: BookingConfig) -> Source:
    """The person's upcoming bookings, then 「閉じる」 (or a single option when there are none)."""

    def provide(ctx: SourceContext) -> Sequence[Option]:
        ids = [int(i) for i in ctx.answers.get(MINE) or [] if str(i).isdigit()]
        rows = ctx.session.scalars(
            select(BookingRow)
            .where(
                BookingRow.id.in_(ids),
                BookingRow.status == "booked",
                BookingRow.ends_at > ctx.now,
            )
            .order_by(BookingRow.starts_at)
        ).all()
        if not rows:
            return [Option(NONE, Localized("予約はありません", "No bookings"))]
        options = [
            Option(
                str(row.id),
                Localized(
                    texts.short_label(config, row, "ja"), texts.short_label(config, row, "en")
                ),
            )
            for row in rows
        ]
        return [*options, Option(CLOSE, Localized("閉じる", "Close"), ("とじる",))]

    return provide

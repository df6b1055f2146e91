"""iCalendar (RFC 5545) files for bookings, written by hand: one event, Japan time zone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.booking.calendar import jst

PRODID = "-//jobcard-coach//booking//JA"
# Japan has kept +09:00 without daylight saving since 1951, so one STANDARD block is exact.
_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Tokyo",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0900",
    "TZOFFSETTO:+0900",
    "TZNAME:JST",
    "END:STANDARD",
    "END:VTIMEZONE",
)


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """What goes into the file; ``sequence`` rises with each change of the same event."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    description: str
    stamp: datetime
    sequence: int = 0
    cancelled: bool = False
    url: str | None = None


def escape(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    parts: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = " "
            limit = 75  # the leading space of a continuation counts toward its 75 octets
        current += char
    parts.append(current)
    return "\r\n".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime) -> str:
    return jst(moment).strftime("%Y%m%dT%H%M%S")


def render(event: CalendarEvent) -> bytes:
    """The .ics file: METHOD PUBLISH (REQUEST semantics need an organizer mailbox)."""
    lines: list[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:" + ("CANCEL" if event.cancelled else "PUBLISH"),
        *_VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{_utc(event.stamp)}",
        f"DTSTART;TZID=Asia/Tokyo:{_local(event.starts_at)}",
        f"DTEND;TZID=Asia/Tokyo:{_local(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        "STATUS:" + ("CANCELLED" if event.cancelled else "CONFIRMED"),
        f"SUMMARY:{escape(event.summary)}",
        f"LOCATION:{escape(event.location)}",
        f"DESCRIPTION:{escape(event.description)}",
    ]
    if event.url:
        lines.append(f"URL:{event.url}")
    if not event.cancelled:
        lines.extend(_alarm())
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode()


def _alarm() -> Iterable[str]:
    return (
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:キャリアコンサルティング",
        "TRIGGER:-PT1H",
        "END:VALARM",
    )

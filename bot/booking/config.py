"""The booking configuration: places, counselors' weekly hours and the rules, from YAML."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from bot.engine.localized import Localized

Mode = Literal["in_person", "online"]
MODES: tuple[Mode, ...] = ("in_person", "online")
DEFAULT_CONFIG = Path(__file__).with_name("default_config.yaml")
CONFIG_ENV = "JOBCARD_BOOKING_CONFIG"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BookingConfigError(ValueError):
    """The booking configuration is invalid; the message says where."""


@dataclass(frozen=True, slots=True)
class Location:
    """A place where consultations happen (the centre, a Hello Work corner).

    Attributes:
        address: Where to go, as shown to people (「所在地はハローワーク横浜内」).
        report_label: The row of this place in the monthly report (「横浜」「センター」).
        phone: The number people call about a booking here; without one, the
            configuration's ``contact`` is given instead.
    """

    id: str
    name: Localized
    address: Localized
    modes: tuple[Mode, ...]
    report_label: str
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Hours:
    """A weekly block of a counselor's time at one location (``weekdays``: Monday is 0)."""

    location: str
    weekdays: frozenset[int]
    start: time
    end: time
    modes: tuple[Mode, ...]


@dataclass(frozen=True, slots=True)
class Counselor:
    """A counselor; ``id`` is a plain string so the review feature can map it to an account."""

    id: str
    name: str
    hours: tuple[Hours, ...]


@dataclass(frozen=True, slots=True)
class OnlineInfo:
    """How online consultations work; ``meeting_url`` may hold ``{uid}``."""

    instructions: Localized
    meeting_url: str | None = None


@dataclass(frozen=True, slots=True)
class BookingConfig:
    """Everything the booking feature is configured with (see ``default_config.yaml``)."""

    locations: tuple[Location, ...]
    counselors: tuple[Counselor, ...]
    contact: Localized
    online: OnlineInfo
    slot_minutes: int = 50
    buffer_minutes: int = 10
    minimum_notice_business_days: int = 1
    horizon_days: int = 60
    cancel_cutoff_hours: int = 24
    max_active_bookings: int = 2
    date_choices: int = 10
    day_before_at: time = time(10, 0)
    hour_before_minutes: int = 60
    closed_dates: frozenset[date] = field(default_factory=frozenset)

    def location(self, location_id: str) -> Location:
        """The location ``location_id``."""
        for location in self.locations:
            if location.id == location_id:
                return location
        raise KeyError(location_id)

    def counselor(self, counselor_id: str) -> Counselor:
        """The counselor ``counselor_id``."""
        for counselor in self.counselors:
            if counselor.id == counselor_id:
                return counselor
        raise KeyError(counselor_id)


def load_config(environ: Mapping[str, str] | None = None) -> BookingConfig:
    """The file named by ``JOBCARD_BOOKING_CONFIG``, else the built-in default."""
    env = os.environ if environ is None else environ
    path = env.get(CONFIG_ENV, "").strip()
    return read_config(Path(path) if path else DEFAULT_CONFIG)


def read_config(path: Path) -> BookingConfig:
    """Read and check one configuration file.

    Raises:
        BookingConfigError: Naming the file and what is wrong.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return parse_config(raw)
    except (OSError, yaml.YAMLError, BookingConfigError) as exc:
        raise BookingConfigError(f"{path}: {exc}") from None


def _text(raw: Any, where: str) -> Localized:
    if not isinstance(raw, dict) or not raw.get("ja") or not raw.get("en"):
        raise BookingConfigError(f"{where}: needs both ja and en texts")
    return Localized(str(raw["ja"]), str(raw["en"]))


def _time(raw: Any, where: str) -> time:
    try:
        hours, minutes = str(raw).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise BookingConfigError(f"{where}: {raw!r} is not a time like 09:30") from None


def _modes(raw: Any, where: str) -> tuple[Mode, ...]:
    modes = tuple(raw or ())
    if not modes or any(mode not in MODES for mode in modes):
        raise BookingConfigError(f"{where}: modes must be some of {list(MODES)}")
    return cast(tuple[Mode, ...], modes)


def _hours(raw: Mapping[str, Any], where: str, locations: Mapping[str, Location]) -> Hours:
    location = locations.get(str(raw.get("location")))
    if location is None:
        raise BookingConfigError(f"{where}: unknown location {raw.get('location')!r}")
    days = raw.get("days") or []
    if not days or any(day not in _DAYS for day in days):
        raise BookingConfigError(f"{where}: days must be some of {list(_DAYS)}")
    start, end = _time(raw.get("from"), where), _time(raw.get("to"), where)
    if start >= end:
        raise BookingConfigError(f"{where}: 'from' must be before 'to'")
    modes = _modes(raw["modes"], where) if "modes" in raw else location.modes
    if not set(modes) <= set(location.modes):
        raise BookingConfigError(f"{where}: {location.id} does not offer all of {list(modes)}")
    return Hours(location.id, frozenset(_DAYS.index(d) for d in days), start, end, modes)


def _closed(raw: Any) -> frozenset[date]:
    try:
        return frozenset(d if isinstance(d, date) else date.fromisoformat(d) for d in raw or ())
    except (TypeError, ValueError):
        raise BookingConfigError("closed_dates: give dates like 2026-12-29") from None


def parse_config(raw: Any) -> BookingConfig:
    """Build the configuration from parsed YAML.

    Raises:
        BookingConfigError: On the first problem found.
    """
    if not isinstance(raw, dict):
        raise BookingConfigError("the configuration must be a mapping")
    locations: dict[str, Location] = {}
    for index, item in enumerate(raw.get("locations") or []):
        where = f"locations[{index}]"
        location_id = str(item.get("id", ""))
        if not location_id or location_id in locations:
            raise BookingConfigError(f"{where}: a unique id is required")
        locations[location_id] = Location(
            location_id,
            _text(item.get("name"), f"{where}.name"),
            _text(item.get("address"), f"{where}.address"),
            _modes(item.get("modes"), where),
            str(item.get("report_label") or location_id),
            str(item["phone"]).strip() if item.get("phone") else None,
        )
    if not locations:
        raise BookingConfigError("locations: at least one location is required")
    counselors: list[Counselor] = []
    for index, item in enumerate(raw.get("counselors") or []):
        where = f"counselors[{index}]"
        if not item.get("id") or any(c.id == str(item["id"]) for c in counselors):
            raise BookingConfigError(f"{where}: a unique id is required")
        hours = tuple(
            _hours(block, f"{where}.hours[{n}]", locations)
            for n, block in enumerate(item.get("hours") or [])
        )
        counselors.append(Counselor(str(item["id"]), str(item.get("name") or item["id"]), hours))
    numbers = {
        name: int(raw.get(name, default))
        for name, default in (
            ("slot_minutes", 50),
            ("buffer_minutes", 10),
            ("minimum_notice_business_days", 1),
            ("horizon_days", 60),
            ("cancel_cutoff_hours", 24),
            ("max_active_bookings", 2),
            ("date_choices", 10),
            ("hour_before_minutes", 60),
        )
    }
    if numbers["slot_minutes"] < 10 or min(numbers.values()) < 0 or numbers["date_choices"] < 1:
        raise BookingConfigError("slot_minutes must be ≥ 10 and the other numbers ≥ 0")
    online = raw.get("online") or {}
    return BookingConfig(
        locations=tuple(locations.values()),
        counselors=tuple(counselors),
        contact=_text(raw.get("contact"), "contact"),
        online=OnlineInfo(
            _text(online.get("instructions"), "online.instructions"), online.get("meeting_url")
        ),
        day_before_at=_time(raw.get("day_before_at", "10:00"), "day_before_at"),
        closed_dates=_closed(raw.get("closed_dates")),
        **numbers,
    )

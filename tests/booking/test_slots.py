"""Free slots, computed purely: holidays, closed dates, notice, horizon, buffers, JST vs UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from bot.booking.calendar import add_business_days, at_jst, holiday_name, is_business_day, jst
from bot.booking.config import BookingConfig, BookingConfigError, load_config, parse_config
from bot.booking.slots import Busy, bookable_days, days_with_openings, free_slots, grid, openings
from tests.conftest import NOW  # Sunday 2026-11-22, 12:00 in Japan

TEXT = {"ja": "テキスト", "en": "text"}


def small(**overrides: Any) -> BookingConfig:
    raw: dict[str, Any] = {
        "contact": TEXT,
        "online": {"instructions": TEXT},
        "horizon_days": 14,
        "closed_dates": ["2026-11-27"],
        "locations": [
            {"id": "center", "name": TEXT, "address": TEXT, "modes": ["in_person", "online"]},
            {"id": "hw_a", "name": TEXT, "address": TEXT, "modes": ["in_person"]},
        ],
        "counselors": [
            {
                "id": "a",
                "hours": [
                    {
                        "location": "hw_a",
                        "days": ["mon", "tue", "wed", "thu", "fri"],
                        "from": "09:30",
                        "to": "12:00",
                    }
                ],
            },
            {
                "id": "b",
                "hours": [
                    {
                        "location": "center",
                        "days": ["mon", "wed"],
                        "from": "13:00",
                        "to": "15:00",
                        "modes": ["online"],
                    }
                ],
            },
        ],
    }
    raw.update(overrides)
    return parse_config(raw)


def starts(slots: list[Any]) -> list[str]:
    return [f"{jst(slot.starts_at):%m-%d %H:%M}" for slot in slots]


def test_weekly_hours_are_cut_into_slots_with_the_buffer() -> None:
    # 09:30–12:00 with 50 minutes + 10 minutes buffer: 09:30 and 10:30 (11:30 would end late).
    assert starts(grid(small(), date(2026, 11, 24))) == ["11-24 09:30", "11-24 10:30"]
    assert starts(grid(small(buffer_minutes=0), date(2026, 11, 24))) == [
        "11-24 09:30",
        "11-24 10:20",
        "11-24 11:10",
    ]
    assert grid(small(), date(2026, 11, 28)) == []  # Saturday: nobody works


def test_no_slots_on_public_holidays_or_closed_dates() -> None:
    assert holiday_name(date(2026, 11, 23)) == "勤労感謝の日"
    assert grid(small(), date(2026, 11, 23)) == []  # a Monday, but 勤労感謝の日
    assert grid(small(), date(2026, 11, 30)) != []  # the next Monday is an ordinary one
    assert grid(small(), date(2026, 11, 27)) == []  # configured as closed
    assert holiday_name(date(2026, 5, 6)) == "振替休日"  # 憲法記念日 fell on a Sunday
    assert grid(small(), date(2026, 5, 6)) == []


def test_minimum_notice_is_counted_in_business_days() -> None:
    # Sunday noon: Monday is a holiday, so the first bookable day is Tuesday.
    assert bookable_days(small(), NOW)[0] == date(2026, 11, 24)
    free = free_slots(small(), NOW, [], mode="in_person")
    assert starts(free)[0] == "11-24 09:30"
    # Thursday evening: Friday is the next business day, whatever the hour.
    thursday = at_jst(date(2026, 11, 19), time(18, 0))
    assert bookable_days(small(), thursday)[0] == date(2026, 11, 20)
    assert add_business_days(date(2026, 11, 20), 1, ()) == date(2026, 11, 24)
    assert bookable_days(small(minimum_notice_business_days=2), NOW)[0] == date(2026, 11, 25)
    assert not is_business_day(date(2026, 11, 27), small().closed_dates)


def test_the_horizon_ends_the_offer() -> None:
    days = days_with_openings(openings(free_slots(small(), NOW, [], mode="in_person")))
    assert days[-1] == date(2026, 12, 4)  # 12-06 is the horizon, but a Sunday; 12-05 Saturday
    shorter = days_with_openings(
        openings(free_slots(small(horizon_days=3), NOW, [], mode="in_person"))
    )
    assert shorter == [date(2026, 11, 24), date(2026, 11, 25)]


def test_busy_periods_block_their_slot_and_the_buffer_around_it() -> None:
    day = date(2026, 11, 24)

    def free(busy: list[Busy], buffer: int = 10) -> list[str]:
        config = small(buffer_minutes=buffer)
        return starts(free_slots(config, NOW, busy, mode="in_person", days=[day]))

    booked = Busy("a", at_jst(day, time(10, 30)), at_jst(day, time(11, 20)))
    assert free([booked]) == ["11-24 09:30"]
    early = Busy("a", at_jst(day, time(9, 0)), at_jst(day, time(9, 25)))
    assert free([early]) == ["11-24 10:30"]  # ends 09:25: the 10-minute buffer reaches 09:35
    assert free([early], buffer=0) == ["11-24 09:30", "11-24 10:20", "11-24 11:10"]
    other = Busy("b", at_jst(day, time(9, 30)), at_jst(day, time(10, 20)))
    assert free([other]) == ["11-24 09:30", "11-24 10:30"]  # another counselor's booking


def test_modes_and_places_filter_the_slots() -> None:
    online = free_slots(small(), NOW, [], mode="online", days=[date(2026, 11, 25)])
    assert starts(online) == ["11-25 13:00", "11-25 14:00"]
    assert {slot.location_id for slot in online} == {"center"}
    centre = free_slots(small(), NOW, [], mode="in_person", location_id="center")
    assert centre == []  # counselor b works online only


def test_times_are_japan_time_and_stored_as_utc() -> None:
    [first, *_] = grid(small(), date(2026, 11, 24))
    assert first.starts_at == datetime(2026, 11, 24, 0, 30, tzinfo=UTC)
    assert first.starts_at.utcoffset() is not None and first.starts_at.tzinfo == UTC
    assert jst(first.starts_at).hour == 9
    # A day starting before 09:00 in Japan is the previous day in UTC: no off-by-one.
    late = Busy(
        "a", datetime(2026, 11, 23, 23, 0, tzinfo=UTC), datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    )
    free = free_slots(small(), NOW, [late], mode="in_person", days=[date(2026, 11, 24)])
    assert starts(free) == ["11-24 10:30"]  # 08:00–10:00 JST (a UTC "23rd") blocks 09:30


def test_openings_merge_counselors_at_one_place_and_time() -> None:
    config = load_config({})
    merged = openings(free_slots(config, NOW, [], mode="in_person", location_id="center"))
    first = merged[0]
    assert jst(first.starts_at).strftime("%H:%M") == "09:30"
    assert set(first.counselor_ids) == {"cc01", "cc02"}  # two counselors at the centre


def test_the_default_configuration_has_the_centre_and_fourteen_corners() -> None:
    config = load_config({})
    labels = [location.report_label for location in config.locations]
    assert labels[0] == "センター"
    corners = ["横浜", "港北", "川崎", "川崎北", "相模原", "厚木", "藤沢", "平塚", "戸塚"]
    assert labels[1:] == [*corners, "横浜南", "横須賀", "大和", "小田原", "松田"]
    assert "横浜市神奈川区鶴屋町2-23-2 TSプラザビルディング16F" in config.locations[0].address.ja
    assert config.location("hw_kohoku").address.ja == "所在地はハローワーク港北内"
    assert (config.slot_minutes, config.minimum_notice_business_days, config.horizon_days) == (
        50,
        1,
        60,
    )
    staffed = {block.location for counselor in config.counselors for block in counselor.hours}
    assert staffed == {location.id for location in config.locations}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"locations": []}, "at least one location"),
        ({"slot_minutes": 5}, "slot_minutes"),
        ({"closed_dates": ["tomorrow"]}, "closed_dates"),
        ({"counselors": [{"id": "x", "hours": [{"location": "nowhere"}]}]}, "unknown location"),
    ],
)
def test_bad_configurations_are_refused_with_the_place(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(BookingConfigError, match=message):
        small(**change)


def test_the_config_file_comes_from_the_environment(tmp_path: Any) -> None:
    path = tmp_path / "booking.yaml"
    path.write_text(
        "contact: {ja: 電話, en: phone}\nonline: {instructions: {ja: 案内, en: info}}\n"
        "slot_minutes: 45\nlocations:\n"
        "  - {id: x, name: {ja: X, en: X}, address: {ja: A, en: A}, modes: [online]}\n",
        encoding="utf-8",
    )
    config = load_config({"JOBCARD_BOOKING_CONFIG": str(path)})
    assert config.slot_minutes == 45 and config.locations[0].id == "x"
    path.write_text("locations: [", encoding="utf-8")
    with pytest.raises(BookingConfigError, match=str(path)):
        load_config({"JOBCARD_BOOKING_CONFIG": str(path)})

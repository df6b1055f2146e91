"""Consultation bookings on the dashboard: who sees which, marking, CSRF and logins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from storage import outbox, repositories
from storage.booking import BookingRow
from storage.models import OutboxRow
from tests.conftest import NOW
from tests.review.helpers import PERSON
from tests.web.conftest import OTHER, Dashboard, csrf_of, login

NOTE = "ひみつのメモ"


def _booking(person: str, location: str, counselor: str, hours: int, **extra: Any) -> BookingRow:
    start = NOW + timedelta(hours=hours)
    return BookingRow(
        person_id=person,
        counselor_id=counselor,
        location_id=location,
        mode="in_person",
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        purpose="current_job",
        note=NOTE,
        status="booked",
        ical_uid=f"{location}-{hours}@test",
        sequence=0,
        created_at=NOW - timedelta(days=3),
        updated_at=NOW - timedelta(days=3),
        **extra,
    )


@pytest.fixture
def booked(dashboard: Dashboard) -> tuple[Dashboard, int, int, int]:
    """Past bookings at yokohama (Job Card attached) and kawasaki, and a later one at yokohama."""
    with dashboard.sessions.begin() as session:
        mine = _booking(PERSON, "yokohama", "c1", -2, jobcard={"name": "山田"})
        theirs = _booking(OTHER, "kawasaki", "c2", -2)
        later = _booking(PERSON, "yokohama", "c1", 24)
        session.add_all([mine, theirs, later])
        session.flush()
        ids = mine.id, theirs.id, later.id
    return dashboard, *ids


def test_a_counselor_sees_only_their_location(booked: tuple[Dashboard, int, int, int]) -> None:
    board, mine, theirs, later = booked
    with httpx.Client(base_url=board.url) as client:
        login(client, "sato")
        assert 'href="/bookings"' in client.get("/queue").text
        today = client.get("/bookings").text  # today's bookings by default
        assert f'id="b{mine}"' in today and f'id="b{later}"' not in today
        page = client.get("/bookings?date=all")
        assert page.status_code == 200
        text = page.text
        assert f'id="b{mine}"' in text and f'id="b{later}"' in text
        assert f'id="b{theirs}"' not in text
        assert "2026-11-22 10:00–10:50" in text  # Japan time
        assert "対面" in text and "現在の勤務先" in text and "✓ 添付あり" in text
        assert NOTE not in text  # the note and the attached card are never on the list
        assert "<script>window.__pwned" not in text  # the name is shown, escaped
        assert f'action="/bookings/{mine}/mark"' in text
        assert f'action="/bookings/{later}/mark"' not in text  # not started yet
        one_day = client.get("/bookings?date=2026-11-23").text
        assert f'id="b{later}"' in one_day and f'id="b{mine}"' not in one_day
        assert client.get("/bookings?date=nope").status_code == 400
    with httpx.Client(base_url=board.url) as client:
        login(client, "admin")
        text = client.get("/bookings").text
        assert f'id="b{mine}"' in text and f'id="b{theirs}"' in text


def test_staff_who_may_see_names_see_who_booked(
    booked: tuple[Dashboard, int, int, int],
) -> None:
    board, mine, _, _ = booked
    with board.sessions.begin() as session:
        repositories.save_answer(session, PERSON, "profile", "name", "予約 花子", NOW)
    with httpx.Client(base_url=board.url) as client:
        login(client, "sato")  # a counselor of the centre
        row = client.get("/bookings").text.split(f'id="b{mine}"')[1].split("</tr>")[0]
        assert "予約 花子" in row
    with httpx.Client(base_url=board.url) as client:
        login(client, "admin")  # admins see progress, never names
        assert "予約 花子" not in client.get("/bookings").text


def test_marking_held_queues_the_survey(booked: tuple[Dashboard, int, int, int]) -> None:
    board, mine, _, later = booked
    with httpx.Client(base_url=board.url) as client:
        login(client, "sato")
        token = csrf_of(client, "/bookings")
        done = client.post(f"/bookings/{mine}/mark", data={"csrf_token": token, "outcome": "held"})
        assert done.status_code == 303
        assert done.headers["location"].startswith("/bookings")
        assert "記録しました" in client.get(done.headers["location"]).text
        early = client.post(
            f"/bookings/{later}/mark", data={"csrf_token": token, "outcome": "held"}
        )
        assert early.status_code == 409
    with board.sessions() as session:
        row = session.get(BookingRow, mine)
        assert row is not None and row.status == "held"
        assert [key for key, _ in outbox.pending(session, f"booking:{mine}:")] == [
            f"booking:{mine}:survey"
        ]
        survey = session.scalars(
            select(OutboxRow).where(OutboxRow.key == f"booking:{mine}:survey")
        ).one()
        assert survey.kind == "inbound" and survey.payload == "m|consultation_survey"
        assert survey.person_id == PERSON
        untouched = session.get(BookingRow, later)
        assert untouched is not None and untouched.status == "booked"


def test_marking_needs_csrf_and_the_right_location(
    booked: tuple[Dashboard, int, int, int],
) -> None:
    board, mine, theirs, _ = booked
    with httpx.Client(base_url=board.url) as client:
        login(client, "sato")
        token = csrf_of(client, "/bookings")
        assert client.post(f"/bookings/{mine}/mark", data={"outcome": "held"}).status_code == 403
        other = client.post(
            f"/bookings/{theirs}/mark", data={"csrf_token": token, "outcome": "no_show"}
        )
        assert other.status_code == 404
        missing = client.post(
            "/bookings/99999/mark", data={"csrf_token": token, "outcome": "held"}
        )
        assert missing.status_code == 404
    with board.sessions() as session:
        for booking_id in (mine, theirs):
            row = session.get(BookingRow, booking_id)
            assert row is not None and row.status == "booked"


def test_login_required(booked: tuple[Dashboard, int, int, int]) -> None:
    board, mine, _, _ = booked
    with httpx.Client(base_url=board.url) as client:
        for response in (
            client.get("/bookings"),
            client.post(f"/bookings/{mine}/mark", data={"outcome": "held"}),
        ):
            assert response.status_code == 303 and response.headers["location"] == "/login"

"""Shared set-up for review tests: centres, accounts and a person with a few answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.review import accounts
from bot.review.service import Actor
from bot.review.states import Role
from storage import repositories
from storage.review import StaffRow

PASSWORD = "correct horse battery"
PERSON = "console:hanako"


def seed_accounts(session: Session, now: datetime) -> dict[str, StaffRow]:
    """Two centres, a counselor at each, a facilitator and an admin."""
    accounts.add_centre(session, "yokohama", "ハローワーク横浜 相談コーナー", now)
    accounts.add_centre(session, "kawasaki", "ハローワーク川崎 相談コーナー", now)
    staff = {
        "sato": accounts.add_staff(
            session,
            login="sato",
            name="佐藤",
            role=Role.COUNSELOR,
            centre_code="yokohama",
            password=PASSWORD,
            now=now,
        ),
        "kato": accounts.add_staff(
            session,
            login="kato",
            name="加藤",
            role=Role.COUNSELOR,
            centre_code="kawasaki",
            password=PASSWORD,
            now=now,
        ),
        "ito": accounts.add_staff(
            session,
            login="ito",
            name="伊藤",
            role=Role.FACILITATOR,
            centre_code="yokohama",
            password=PASSWORD,
            now=now,
        ),
        "admin": accounts.add_staff(
            session,
            login="admin",
            name="管理者",
            role=Role.ADMIN,
            centre_code=None,
            password=PASSWORD,
            now=now,
        ),
    }
    return staff


def answer(session: Session, person_id: str, now: datetime, **values: Any) -> None:
    """Store answers given as ``dialog__field=value``."""
    repositories.lock_conversation(session, person_id, now)
    for key, value in values.items():
        dialog, field = key.split("__")
        repositories.save_answer(session, person_id, dialog, field, value, now)


def fill_card(session: Session, person_id: str, now: datetime, name: str = "山田 花子") -> None:
    """A small but real card: a name, one job and two career-plan boxes."""
    answer(
        session,
        person_id,
        now,
        profile__name=name,
        profile__has_experience=True,
        work_history__jobs=[
            {
                "period": {"start": "2015-04", "end": None},
                "employer": "みなと商事",
                "employment_type": "regular",
                "duties": "法人営業",
                "learned": "顧客の話を聞く力",
            }
        ],
        career_plan__strengths="粘り強い",
        career_plan__future_work="人事の仕事",
    )


def staff_actor(sessions: sessionmaker[Session], login: str) -> Actor:
    """An actor for the account ``login``."""
    from sqlalchemy import select

    with sessions() as session:
        row = session.scalar(select(StaffRow).where(StaffRow.login == login))
        assert row is not None
        return Actor.staff(row)

"""Dashboard accounts: centres, staff, argon2 passwords and the login lockout."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.engine.localized import Localized
from bot.review.states import STAFF_ROLES, Role
from storage.review import CentreRow, StaffRow

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")

# argon2id with the library's defaults (RFC 9106, low-memory profile). Tests swap in a
# cheaper hasher; a hash keeps its own parameters, so verifying works either way.
HASHER = PasswordHasher()

WRONG = Localized(
    "ログインIDまたはパスワードが違います。", "The login or the password is not correct."
)
LOCKED = Localized(
    f"ログインの失敗が続いたため、このアカウントは{LOCK_FOR.seconds // 60}分間ロックされています。"
    "時間をおいてからお試しください。",
    f"Too many failed logins: this account is locked for {LOCK_FOR.seconds // 60} minutes. "
    "Please try again later.",
)


class AccountError(ValueError):
    """A centre or an account cannot be created as asked; the message says why."""


def aware(moment: datetime) -> datetime:
    """A stored time as UTC-aware (SQLite gives naive values back)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``, after checking the password rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    return HASHER.hash(password)


def add_centre(session: Session, code: str, name: str, now: datetime) -> CentreRow:
    """Create a centre with a short code (``yokohama``) and its name (横浜相談コーナー)."""
    if not _CODE.match(code):
        raise AccountError("a centre code is 1-40 lowercase letters, digits, '-' or '_'")
    if not name.strip():
        raise AccountError("a centre needs a name")
    if session.scalar(select(CentreRow).where(CentreRow.code == code)) is not None:
        raise AccountError(f"there is already a centre '{code}'")
    centre = CentreRow(code=code, name=name.strip(), created_at=now)
    session.add(centre)
    session.flush()
    return centre


def centres(session: Session) -> list[CentreRow]:
    """Every centre, by code."""
    return list(session.scalars(select(CentreRow).order_by(CentreRow.code)))


def add_staff(
    session: Session,
    *,
    login: str,
    name: str,
    role: Role | str,
    centre_code: str | None,
    password: str,
    now: datetime,
) -> StaffRow:
    """Create a dashboard account; counselors and facilitators belong to one centre."""
    login = login.strip().lower()
    if not _LOGIN.match(login):
        raise AccountError("a login is 2-100 lowercase letters, digits, '.', '_', '@' or '-'")
    if role not in [r.value for r in STAFF_ROLES]:
        raise AccountError(f"a dashboard account is one of {', '.join(STAFF_ROLES)}")
    role = Role(role)
    if session.scalar(select(StaffRow).where(StaffRow.login == login)) is not None:
        raise AccountError(f"there is already an account '{login}'")
    centre = None
    if centre_code is not None:
        centre = session.scalar(select(CentreRow).where(CentreRow.code == centre_code))
        if centre is None:
            raise AccountError(f"there is no centre '{centre_code}'")
    if centre is None and role != Role.ADMIN:
        raise AccountError(f"a {role} account needs --centre")
    staff = StaffRow(
        login=login,
        name=name.strip() or login,
        role=role.value,
        centre_id=centre.id if centre is not None else None,
        password_hash=hash_password(password),
        failed_attempts=0,
        locked_until=None,
        disabled=False,
        created_at=now,
    )
    session.add(staff)
    session.flush()
    return staff


def staff_list(session: Session) -> list[tuple[StaffRow, CentreRow | None]]:
    """Every account with its centre, by login."""
    rows = session.execute(
        select(StaffRow, CentreRow)
        .outerjoin(CentreRow, CentreRow.id == StaffRow.centre_id)
        .order_by(StaffRow.login)
    )
    return [(row[0], row[1]) for row in rows]


def set_disabled(session: Session, login: str, disabled: bool = True) -> bool:
    """Disable (or enable) an account; False if there is no such login."""
    staff = session.scalar(select(StaffRow).where(StaffRow.login == login.strip().lower()))
    if staff is None:
        return False
    staff.disabled = disabled
    return True


@dataclass(frozen=True, slots=True)
class LoginResult:
    """The account that logged in, or why the login failed."""

    staff: StaffRow | None
    refusal: Localized | None = None


def authenticate(session: Session, login: str, password: str, now: datetime) -> LoginResult:
    """Check a login; after ``MAX_FAILURES`` wrong passwords the account is locked a while.

    The caller commits, so failed attempts are counted even though the login fails.
    """
    staff = session.scalar(
        select(StaffRow).where(StaffRow.login == login.strip().lower()).with_for_update()
    )
    if staff is None or staff.disabled:
        _verify(_dummy_hash(), password)
        return LoginResult(None, WRONG)
    if staff.locked_until is not None and aware(staff.locked_until) > now:
        return LoginResult(None, LOCKED)
    if not _verify(staff.password_hash, password):
        staff.failed_attempts += 1
        if staff.failed_attempts >= MAX_FAILURES:
            staff.failed_attempts = 0
            staff.locked_until = now + LOCK_FOR
            return LoginResult(None, LOCKED)
        return LoginResult(None, WRONG)
    staff.failed_attempts = 0
    staff.locked_until = None
    if HASHER.check_needs_rehash(staff.password_hash):
        staff.password_hash = HASHER.hash(password)
    return LoginResult(staff)


@functools.cache
def _dummy_hash() -> str:
    """Verified when the login is unknown, so a wrong login takes as long as a wrong password."""
    return HASHER.hash("not a real password, only for timing")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False

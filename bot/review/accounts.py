"""Dashboard accounts: centres, staff, argon2 passwords and the login lockout."""

from __future__ import annotations

import functools
import re
import secrets
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
MIN_PASSWORD_LENGTH = 12  # OWASP ASVS L1: at least 12 characters
MAX_PASSWORD_LENGTH = 256  # long passphrases welcome; argon2 hashes any length
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")

# argon2id with the library's defaults (RFC 9106, low-memory profile). Tests swap in a
# cheaper hasher; a hash keeps its own parameters, so verifying works either way.
HASHER = PasswordHasher()

# One answer for every failed login — unknown login, wrong password, locked or disabled
# account — so the page never tells whether a login exists or is locked.
WRONG = Localized(
    "ログインできませんでした。ログインIDとパスワードをお確かめください。"
    f"続けて{MAX_FAILURES}回まちがえると、{LOCK_FOR.seconds // 60}分間ログインできなくなります。",
    "We could not log you in. Please check the login and the password. After "
    f"{MAX_FAILURES} failed tries in a row, logging in is blocked for "
    f"{LOCK_FOR.seconds // 60} minutes.",
)


class AccountError(ValueError):
    """A centre or an account cannot be created as asked; the message says why."""


class PasswordRuleError(AccountError):
    """A new password is refused; ``reason`` says why in Japanese and English."""

    def __init__(self, reason: Localized) -> None:
        super().__init__(reason.en)
        self.reason = reason


@functools.cache
def _common_passwords() -> frozenset[str]:
    """zxcvbn's list of the 30,000 most used passwords (shipped with it; no network)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.casefold() for word in FREQUENCY_LISTS["passwords"])


def check_password(password: str, *, login: str = "", name: str = "") -> None:
    """Refuse a password that is too short, too long, common or easy to guess.

    Any characters are allowed (Japanese, spaces, symbols): a long passphrase is the best.

    Raises:
        PasswordRuleError: Why it is refused.
    """
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRuleError(
            Localized(
                f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。"
                "覚えやすい言葉をいくつか組み合わせると、長くても覚えやすくなります。",
                f"the password needs at least {MIN_PASSWORD_LENGTH} characters "
                "(a few words together are long and easy to remember)",
            )
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRuleError(
            Localized(
                f"パスワードは{MAX_PASSWORD_LENGTH}文字以内にしてください。",
                f"the password can have at most {MAX_PASSWORD_LENGTH} characters",
            )
        )
    folded = password.casefold()
    inputs = [part for part in (login, name, *login.split("."), *name.split()) if part]
    # zxcvbn looks at the first 72 characters; a longer password is checked by its start.
    weak = folded in _common_passwords() or zxcvbn(password[:72], user_inputs=inputs)["score"] < 3
    if weak:
        raise PasswordRuleError(
            Localized(
                "このパスワードはよく使われているか、推測されやすいため使えません。"
                "ほかの人が思いつかない言葉を組み合わせてください。",
                "this password is too common or too easy to guess: "
                "combine words others would not think of",
            )
        )


def aware(moment: datetime) -> datetime:
    """A stored time as UTC-aware (SQLite gives naive values back)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def hash_password(password: str, *, login: str = "", name: str = "") -> str:
    """An argon2id hash of ``password``, after checking the password rules."""
    check_password(password, login=login, name=name)
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
        password_hash=hash_password(password, login=login, name=name),
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

    Every failure — unknown login, wrong password, locked or disabled account — costs the
    same argon2 work and gets the same answer, so neither the page nor its timing tells
    which it was. The caller commits, so failed attempts are counted.
    """
    staff = session.scalar(
        select(StaffRow).where(StaffRow.login == login.strip().lower()).with_for_update()
    )
    matches = _verify(staff.password_hash if staff is not None else _dummy_hash(), password)
    if staff is None or staff.disabled:
        return LoginResult(None, WRONG)
    if staff.locked_until is not None and aware(staff.locked_until) > now:
        return LoginResult(None, WRONG)
    if not matches:
        record_failure(staff, now)
        return LoginResult(None, WRONG)
    staff.failed_attempts = 0
    staff.locked_until = None
    if HASHER.check_needs_rehash(staff.password_hash):
        staff.password_hash = HASHER.hash(password)
    return LoginResult(staff)


def record_failure(staff: StaffRow, now: datetime) -> None:
    """Count a failed password or code; the ``MAX_FAILURES``th locks the account a while."""
    staff.failed_attempts += 1
    if staff.failed_attempts >= MAX_FAILURES:
        staff.failed_attempts = 0
        staff.locked_until = now + LOCK_FOR


def verify_password(staff: StaffRow, password: str) -> bool:
    """Whether ``password`` is the account's current password."""
    return _verify(staff.password_hash, password)


def change_password(staff: StaffRow, new_password: str, now: datetime) -> None:
    """Set a password the person chose (after the rules); no change is pending any more."""
    staff.password_hash = hash_password(new_password, login=staff.login, name=staff.name)
    staff.must_change_password = False
    staff.password_changed_at = now


def find_staff(session: Session, login: str) -> StaffRow | None:
    """The account with this login (any letter case)."""
    return session.scalar(select(StaffRow).where(StaffRow.login == login.strip().lower()))


def reset_password(
    session: Session, login: str, now: datetime, password: str | None = None
) -> tuple[StaffRow, str]:
    """An admin's reset: a new password that must be changed at the next login.

    Without ``password`` a random one is made (shown once to the admin). The lock is lifted.

    Raises:
        AccountError: There is no such account, or the given password breaks the rules.
    """
    staff = find_staff(session, login)
    if staff is None:
        raise AccountError(f"there is no account '{login}'")
    if password is None:
        password = secrets.token_urlsafe(12)  # 16 random characters, given out once
        staff.password_hash = HASHER.hash(password)
    else:
        staff.password_hash = hash_password(password, login=staff.login, name=staff.name)
    staff.must_change_password = True
    staff.password_changed_at = now
    staff.failed_attempts = 0
    staff.locked_until = None
    return staff, password


@functools.cache
def _dummy_hash() -> str:
    """Verified when the login is unknown, so a wrong login takes as long as a wrong password."""
    return HASHER.hash("not a real password, only for timing")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False

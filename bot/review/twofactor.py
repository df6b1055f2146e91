"""Two-factor login for dashboard accounts: TOTP codes from an app, and recovery codes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.review import RecoveryCodeRow, StaffRow

ISSUER = "jobcard-coach"
RECOVERY_CODES = 10
_STEP = 30  # seconds per TOTP code (RFC 6238)
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read from paper

ROLE_CHOICES = ("", "admin", "all")


def required_for(role: str, setting: str) -> bool:
    """Whether ``JOBCARD_REQUIRE_2FA`` (``admin`` or ``all``) makes 2FA compulsory for ``role``."""
    return setting == "all" or (setting == "admin" and role == "admin")


def start_enrolment(staff: StaffRow) -> str:
    """A new secret for the account (not active until a code from it is confirmed)."""
    staff.totp_secret = pyotp.random_base32()
    staff.totp_enabled = False
    staff.totp_last_step = None
    return staff.totp_secret


def provisioning_uri(staff: StaffRow) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    assert staff.totp_secret is not None
    return pyotp.TOTP(staff.totp_secret).provisioning_uri(name=staff.login, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG markup (no script, no external image)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, dark="#1f2328", light="#ffffff"))


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def check_code(staff: StaffRow, code: str, now: datetime) -> bool:
    """Whether ``code`` is the account's current TOTP code (±30 s), never used before.

    A code's time step is remembered, so an overheard code cannot be replayed.
    """
    if staff.totp_secret is None:
        return False
    digits = _normalized(code)
    if not (digits.isdigit() and len(digits) == 6):
        return False
    totp = pyotp.TOTP(staff.totp_secret)
    current = int(now.timestamp()) // _STEP
    for step in (current - 1, current, current + 1):
        if staff.totp_last_step is not None and step <= staff.totp_last_step:
            continue
        if secrets.compare_digest(totp.at(step * _STEP), digits):
            staff.totp_last_step = step
            return True
    return False


def current_code(secret: str, now: datetime) -> str:
    """The code an authenticator app shows at ``now`` (for tests and set-up checks)."""
    return str(pyotp.TOTP(secret).at(int(now.timestamp())))


def _hash(code: str) -> str:
    return hashlib.sha256(_normalized(code).encode()).hexdigest()


def new_recovery_codes(session: Session, staff: StaffRow) -> list[str]:
    """Ten fresh one-time codes (the old ones stop working); shown once, stored hashed."""
    session.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.staff_id == staff.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCodeRow(staff_id=staff.id, code_hash=_hash(raw)))
    session.flush()
    return codes


def use_recovery_code(session: Session, staff: StaffRow, code: str, now: datetime) -> bool:
    """Accept an unused recovery code once."""
    row = session.scalar(
        select(RecoveryCodeRow).where(
            RecoveryCodeRow.staff_id == staff.id,
            RecoveryCodeRow.code_hash == _hash(code),
            RecoveryCodeRow.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = now
    return True


def unused_recovery_codes(session: Session, staff: StaffRow) -> int:
    """How many recovery codes are left."""
    return len(
        session.scalars(
            select(RecoveryCodeRow).where(
                RecoveryCodeRow.staff_id == staff.id, RecoveryCodeRow.used_at.is_(None)
            )
        ).all()
    )


def disable(session: Session, staff: StaffRow) -> None:
    """Turn two-factor login off and forget the secret and the recovery codes."""
    staff.totp_secret = None
    staff.totp_enabled = False
    staff.totp_last_step = None
    session.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.staff_id == staff.id))

"""Who may do what on the dashboard: one table of permissions by role, checked in one place.

Every handler asks :func:`bot.web.deps.authorize` for the permission it needs, and the
templates ask :func:`can` before showing a link, a name or a button; both read ``RULES``.
"""

from __future__ import annotations

from enum import StrEnum

from bot.review.states import Role


class Permission(StrEnum):
    """Something a dashboard account may see or do."""

    QUEUE = "queue"  # the queue, and a submission's status and history
    NAMES = "names"  # people's names (queue, submission, cohort table and CSV)
    CARD = "card"  # a card's contents, its versions and diff, the approved PDF
    REVIEW = "review"  # start, comment, resolve, request changes, approve, the box
    REVIEW_NOTES = "review_notes"  # the counselor's free-text notes in the history
    BOOKINGS = "bookings"  # the centre's bookings, and marking one held or missed
    COHORTS = "cohorts"  # juku cohorts and their homework progress
    AUDIT = "audit"  # the audit trail
    ACCOUNTS = "accounts"  # every account; reset a password
    OWN_ACCOUNT = "own_account"  # one's own password and two-factor login


_EVERY_STAFF = frozenset({Role.COUNSELOR, Role.FACILITATOR, Role.ADMIN})

# Counselors work on their centre's cards. Facilitators see their centre's queue and
# history and the juku progress, never card contents. Admins see every centre's progress
# without names, run the accounts and read the audit trail.
RULES: dict[Permission, frozenset[Role]] = {
    Permission.QUEUE: _EVERY_STAFF,
    Permission.NAMES: frozenset({Role.COUNSELOR, Role.FACILITATOR}),
    Permission.CARD: frozenset({Role.COUNSELOR}),
    Permission.REVIEW: frozenset({Role.COUNSELOR}),
    Permission.REVIEW_NOTES: frozenset({Role.COUNSELOR}),
    Permission.BOOKINGS: _EVERY_STAFF,
    Permission.COHORTS: frozenset({Role.FACILITATOR, Role.ADMIN}),
    Permission.AUDIT: frozenset({Role.ADMIN}),
    Permission.ACCOUNTS: frozenset({Role.ADMIN}),
    Permission.OWN_ACCOUNT: _EVERY_STAFF,
}


def allows(role: str, permission: Permission) -> bool:
    """Whether an account of ``role`` has ``permission``."""
    return role in {r.value for r in RULES[permission]}

"""Template contexts for the queue, a submission and a diff (plain values, no database rows)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.review import layout, queries
from bot.review.diff import Change, diff_cards
from bot.review.states import STATE_LABELS, Action, Role, State, allowed_actions
from bot.web.access import Permission, allows
from bot.web.security import Login
from storage.review import CentreRow, StaffRow, SubmissionRow

# Queue filters: what is waiting for a counselor first, then each state, then everything.
FILTERS: dict[str, tuple[str, list[State] | None]] = {
    "todo": ("要対応", [State.SUBMITTED, State.RESUBMITTED, State.IN_REVIEW]),
    **{state.value: ("", [state]) for state in State if state != State.DRAFT},
    "all": ("すべて", None),
}


@dataclass(frozen=True, slots=True)
class CommentView:
    """A comment as shown beside the field it is about."""

    id: int
    target: str
    where: str
    body: str
    author: str
    version: int
    resolved: bool
    resolved_by: str | None
    created_at: datetime


def queue_context(session: Session, login: Login, key: str) -> dict[str, Any]:
    """The queue page: the submissions this account may see, filtered by state."""
    key = key if key in FILTERS else "todo"
    items = queries.queue(session, login.staff, FILTERS[key][1])
    if not allows(login.staff.role, Permission.NAMES):
        items = [replace(item, name=None) for item in items]
    return {
        "login": login,
        "csrf": login.csrf,
        "items": items,
        "filters": [
            (name, label or STATE_LABELS[State(name)].ja) for name, (label, _) in FILTERS.items()
        ],
        "active": key,
        "show_centre": login.staff.role == Role.ADMIN.value,
    }


def _name(card: dict[str, Any], login: Login) -> str | None:
    """The person's name, for the centre's own staff (an admin sees progress only)."""
    if not allows(login.staff.role, Permission.NAMES):
        return None
    name = (card.get("person") or {}).get("name")
    return name if isinstance(name, str) else None


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One line of a submission's history, as shown to this account."""

    created_at: datetime
    action: str
    from_state: str
    to_state: str
    version_number: int | None
    who: str
    note: str | None


def _history(session: Session, login: Login, submission: SubmissionRow) -> list[HistoryLine]:
    """The history with staff shown by name; the counselor's notes only to counselors."""
    moves = queries.history(session, submission)
    logins = {t.actor for t in moves if t.actor_role != Role.PERSON.value}
    rows = session.execute(
        select(StaffRow.login, StaffRow.name).where(StaffRow.login.in_(logins))
    ).all()
    names = {row[0]: row[1] for row in rows}
    notes = allows(login.staff.role, Permission.REVIEW_NOTES)
    return [
        HistoryLine(
            t.created_at,
            t.action,
            t.from_state,
            t.to_state,
            t.version_number,
            "ご本人" if t.actor_role == Role.PERSON.value else names.get(t.actor, t.actor),
            t.note if notes else None,
        )
        for t in moves
    ]


def _counselor_actions(state: State) -> set[str]:
    """The review buttons to show; a resubmitted card is worked on directly (no start)."""
    if state == State.RESUBMITTED:
        shown = set(allowed_actions(State.IN_REVIEW, Role.COUNSELOR))
        shown |= set(allowed_actions(state, Role.COUNSELOR)) - {Action.START_REVIEW}
        return {action.value for action in shown}
    return {action.value for action in allowed_actions(state, Role.COUNSELOR)}


def _number(raw: str | None, latest: int) -> int:
    return int(raw) if raw is not None and raw.isdigit() and 1 <= int(raw) <= latest else latest


def submission_context(
    session: Session, login: Login, submission: SubmissionRow, shown: str | None
) -> dict[str, Any]:
    """The submission page: header, history and, for counselors, the card with comments."""
    latest = queries.latest_version(session, submission)
    latest_number = latest.number if latest is not None else 0
    number = _number(shown, latest_number)
    version = queries.version(session, submission, number) if number else None
    card: dict[str, Any] = version.card if version is not None else {}
    centre = session.get(CentreRow, submission.centre_id)
    can_read = allows(login.staff.role, Permission.CARD)
    actions = (
        _counselor_actions(State(submission.state))
        if allows(login.staff.role, Permission.REVIEW)
        else set()
    )
    comments = [
        CommentView(
            c.id,
            c.target,
            layout.describe(c.target, card, "ja"),
            c.body,
            c.author_name,
            c.version_number,
            c.resolved,
            c.resolved_by,
            c.created_at,
        )
        for c in queries.comments(session, submission)
    ]
    keys = layout.targets(card)
    by_key: dict[str, list[CommentView]] = {}
    for comment in comments:
        by_key.setdefault(comment.target, []).append(comment)
    entry = queries.consultant_entry(session, submission)
    return {
        "login": login,
        "csrf": login.csrf,
        "sub": submission,
        "centre": centre.name if centre is not None else "",
        "name": _name(latest.card if latest is not None else {}, login),
        "can_read": can_read,
        "actions": actions if can_read else set(),
        "number": number,
        "latest": latest_number,
        "is_latest": number == latest_number,
        "sections": layout.layout(card, "ja") if can_read else [],
        "by_key": by_key if can_read else {},
        "orphans": [c for c in comments if c.target not in keys] if can_read else [],
        "open_count": sum(1 for c in comments if not c.resolved),
        "entry": entry if can_read else None,
        "history": _history(session, login, submission),
    }


def diff_context(
    session: Session, login: Login, submission: SubmissionRow, old: str | None, new: str | None
) -> dict[str, Any]:
    """The changes between two versions (by default the previous and the newest)."""
    latest = queries.latest_version(session, submission)
    latest_number = latest.number if latest is not None else 0
    to_number = _number(new, latest_number)
    from_number = _number(old, max(to_number - 1, 1))
    before = queries.version(session, submission, from_number)
    after = queries.version(session, submission, to_number)
    changes: list[Change] = []
    if before is not None and after is not None:
        changes = diff_cards(before.card, after.card, "ja")
    return {
        "login": login,
        "csrf": login.csrf,
        "sub": submission,
        "old": from_number,
        "new": to_number,
        "numbers": list(range(1, latest_number + 1)),
        "changes": changes,
    }

"""The review state machine: which action moves a submission where, and who may do it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.engine.localized import Lang, Localized


class State(StrEnum):
    """Where a submission is in its review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    """What someone does to a submission; comments and the consultant box keep the state."""

    SUBMIT = "submit"
    START_REVIEW = "start_review"
    REQUEST_CHANGES = "request_changes"
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    WITHDRAW = "withdraw"
    COMMENT = "comment"
    WRITE_ENTRY = "write_entry"
    RESOLVE = "resolve"


class Role(StrEnum):
    """Who acts: the person in chat, or a dashboard account."""

    PERSON = "person"
    COUNSELOR = "counselor"
    FACILITATOR = "facilitator"
    ADMIN = "admin"


STAFF_ROLES = (Role.COUNSELOR, Role.FACILITATOR, Role.ADMIN)

# Only the person decides to submit, resubmit or withdraw their card; only a counselor
# reviews it. Facilitators and admins see progress, never take part in a review.
ROLES: dict[Action, frozenset[Role]] = {
    Action.SUBMIT: frozenset({Role.PERSON}),
    Action.RESUBMIT: frozenset({Role.PERSON}),
    Action.WITHDRAW: frozenset({Role.PERSON}),
    Action.START_REVIEW: frozenset({Role.COUNSELOR}),
    Action.REQUEST_CHANGES: frozenset({Role.COUNSELOR}),
    Action.APPROVE: frozenset({Role.COUNSELOR}),
    Action.COMMENT: frozenset({Role.COUNSELOR}),
    Action.WRITE_ENTRY: frozenset({Role.COUNSELOR}),
    Action.RESOLVE: frozenset({Role.COUNSELOR, Role.PERSON}),
}

_OPEN = (State.SUBMITTED, State.IN_REVIEW, State.CHANGES_REQUESTED, State.RESUBMITTED)

TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.DRAFT, Action.SUBMIT): State.SUBMITTED,
    (State.WITHDRAWN, Action.SUBMIT): State.SUBMITTED,
    # A new version after approval starts a new round; the old approval is then stale.
    (State.APPROVED, Action.SUBMIT): State.SUBMITTED,
    (State.SUBMITTED, Action.START_REVIEW): State.IN_REVIEW,
    (State.RESUBMITTED, Action.START_REVIEW): State.IN_REVIEW,
    (State.IN_REVIEW, Action.REQUEST_CHANGES): State.CHANGES_REQUESTED,
    (State.IN_REVIEW, Action.APPROVE): State.APPROVED,
    (State.CHANGES_REQUESTED, Action.RESUBMIT): State.RESUBMITTED,
    **{(state, Action.WITHDRAW): State.WITHDRAWN for state in _OPEN},
    (State.IN_REVIEW, Action.COMMENT): State.IN_REVIEW,
    (State.IN_REVIEW, Action.WRITE_ENTRY): State.IN_REVIEW,
    **{(state, Action.RESOLVE): state for state in _OPEN},
}

STATE_LABELS: dict[State, Localized] = {
    State.DRAFT: Localized("未提出", "Not submitted"),
    State.SUBMITTED: Localized("提出済み", "Submitted"),
    State.IN_REVIEW: Localized("確認中", "In review"),
    State.CHANGES_REQUESTED: Localized("修正依頼中", "Changes requested"),
    State.RESUBMITTED: Localized("再提出済み", "Resubmitted"),
    State.APPROVED: Localized("承認済み", "Approved"),
    State.WITHDRAWN: Localized("取り下げ", "Withdrawn"),
}

ACTION_LABELS: dict[Action, Localized] = {
    Action.SUBMIT: Localized("提出", "submit"),
    Action.START_REVIEW: Localized("確認の開始", "start review"),
    Action.REQUEST_CHANGES: Localized("修正の依頼", "request changes"),
    Action.RESUBMIT: Localized("再提出", "resubmit"),
    Action.APPROVE: Localized("承認", "approve"),
    Action.WITHDRAW: Localized("取り下げ", "withdraw"),
    Action.COMMENT: Localized("コメント", "comment"),
    Action.WRITE_ENTRY: Localized("記入欄の記入", "writing the counselor's box"),
    Action.RESOLVE: Localized("コメントの解決", "resolving a comment"),
}

_PERSON_ONLY = Localized(
    "提出・再提出・取り下げは、ご本人だけが行えます。",
    "Only the person can submit, resubmit or withdraw their card.",
)
_COUNSELOR_ONLY = Localized(
    "確認・コメント・承認・記入欄の記入は、提出先センターのキャリアコンサルタントだけが行えます。",
    "Only a career consultant of the centre can review, comment, approve or write the box.",
)
_ROLE_REASONS: dict[Action, Localized] = {
    **{action: _PERSON_ONLY for action in (Action.SUBMIT, Action.RESUBMIT, Action.WITHDRAW)},
    **{
        action: _COUNSELOR_ONLY
        for action in (
            Action.START_REVIEW,
            Action.REQUEST_CHANGES,
            Action.APPROVE,
            Action.COMMENT,
            Action.WRITE_ENTRY,
        )
    },
    Action.RESOLVE: Localized(
        "コメントを解決済みにできるのは、ご本人と担当のキャリアコンサルタントだけです。",
        "Only the person and the counselor can resolve a comment.",
    ),
}

# Refusals people actually meet get their own explanation; the rest share a general one.
_STATE_REASONS: dict[tuple[Action, State], Localized] = {
    **{
        (Action.SUBMIT, state): Localized(
            "すでに提出済みで、カウンセラーの確認を待っています。",
            "Your card is already submitted and waiting for the counselor.",
        )
        for state in (State.SUBMITTED, State.IN_REVIEW, State.RESUBMITTED)
    },
    (Action.SUBMIT, State.CHANGES_REQUESTED): Localized(
        "修正の依頼が届いています。直してから再提出してください。",
        "Changes were requested: please revise your card and resubmit it.",
    ),
    (Action.START_REVIEW, State.IN_REVIEW): Localized(
        "すでに確認中です。", "The review has already started."
    ),
    (Action.APPROVE, State.APPROVED): Localized("すでに承認済みです。", "It is already approved."),
}
_ACTION_REASONS: dict[Action, Localized] = {
    Action.SUBMIT: Localized("今は提出できません。", "You cannot submit now."),
    Action.RESUBMIT: Localized(
        "再提出できるのは、カウンセラーから修正の依頼が届いているときだけです。",
        "You can resubmit only after the counselor has requested changes.",
    ),
    Action.WITHDRAW: Localized(
        "取り下げられるのは、提出中（承認前）のものだけです。",
        "Only a submission that is still under review can be withdrawn.",
    ),
    Action.START_REVIEW: Localized(
        "確認を始められるのは、提出または再提出されたときだけです。",
        "A review can start only after the card is submitted or resubmitted.",
    ),
    Action.REQUEST_CHANGES: Localized(
        "修正の依頼は、確認中の提出にだけ行えます。先に確認を開始してください。",
        "Changes can be requested only during a review: start the review first.",
    ),
    Action.APPROVE: Localized(
        "承認は、確認中の提出にだけ行えます。先に確認を開始してください。",
        "Only a submission in review can be approved: start the review first.",
    ),
    Action.COMMENT: Localized(
        "コメントは、確認中の提出にだけ書けます。", "Comments can be written only during a review."
    ),
    Action.WRITE_ENTRY: Localized(
        "記入欄は、確認中の提出にだけ書けます。",
        "The counselor's box can be written only during a review.",
    ),
    Action.RESOLVE: Localized(
        "この提出のコメントは、もう解決済みにできません。",
        "Comments of this submission can no longer be resolved.",
    ),
}


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an action is not allowed; ``code`` is ``role`` or ``state``."""

    code: str
    reason: Localized

    def text(self, lang: Lang) -> str:
        """The reason in ``lang``."""
        return self.reason.get(lang)


def transition(state: State, action: Action, role: Role) -> State | Refusal:
    """The state after ``action`` by ``role``, or why it is refused."""
    if role not in ROLES[action]:
        return Refusal("role", _ROLE_REASONS[action])
    target = TRANSITIONS.get((state, action))
    if target is None:
        reason = _STATE_REASONS.get((action, state), _ACTION_REASONS[action])
        label = STATE_LABELS[state]
        return Refusal(
            "state",
            Localized(f"{reason.ja}（現在の状態：{label.ja}）", f"{reason.en} (now: {label.en})"),
        )
    return target


def allowed_actions(state: State, role: Role) -> list[Action]:
    """The actions ``role`` may take now, in declaration order (for buttons)."""
    return [action for action in Action if isinstance(transition(state, action, role), State)]

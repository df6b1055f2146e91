"""The review state machine: every allowed transition, and every refused one with its reason."""

from __future__ import annotations

import itertools

import pytest

from bot.review.states import (
    STATE_LABELS,
    Action,
    Refusal,
    Role,
    State,
    allowed_actions,
    transition,
)

S, A, R = State, Action, Role
PERSON, COUNSELOR = frozenset({R.PERSON}), frozenset({R.COUNSELOR})
OPEN = (S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.RESUBMITTED)

# Written out by hand (not derived from the module), so a change to the table shows here.
ALLOWED: dict[tuple[State, Action], tuple[frozenset[Role], State]] = {
    (S.DRAFT, A.SUBMIT): (PERSON, S.SUBMITTED),
    (S.WITHDRAWN, A.SUBMIT): (PERSON, S.SUBMITTED),
    (S.APPROVED, A.SUBMIT): (PERSON, S.SUBMITTED),
    (S.SUBMITTED, A.START_REVIEW): (COUNSELOR, S.IN_REVIEW),
    (S.RESUBMITTED, A.START_REVIEW): (COUNSELOR, S.IN_REVIEW),
    (S.IN_REVIEW, A.REQUEST_CHANGES): (COUNSELOR, S.CHANGES_REQUESTED),
    (S.IN_REVIEW, A.APPROVE): (COUNSELOR, S.APPROVED),
    (S.CHANGES_REQUESTED, A.RESUBMIT): (PERSON, S.RESUBMITTED),
    (S.SUBMITTED, A.WITHDRAW): (PERSON, S.WITHDRAWN),
    (S.IN_REVIEW, A.WITHDRAW): (PERSON, S.WITHDRAWN),
    (S.CHANGES_REQUESTED, A.WITHDRAW): (PERSON, S.WITHDRAWN),
    (S.RESUBMITTED, A.WITHDRAW): (PERSON, S.WITHDRAWN),
    (S.IN_REVIEW, A.COMMENT): (COUNSELOR, S.IN_REVIEW),
    (S.IN_REVIEW, A.WRITE_ENTRY): (COUNSELOR, S.IN_REVIEW),
    **{(state, A.RESOLVE): (frozenset({R.PERSON, R.COUNSELOR}), state) for state in OPEN},
}
ROLES_OF = {
    A.SUBMIT: PERSON,
    A.RESUBMIT: PERSON,
    A.WITHDRAW: PERSON,
    A.START_REVIEW: COUNSELOR,
    A.REQUEST_CHANGES: COUNSELOR,
    A.APPROVE: COUNSELOR,
    A.COMMENT: COUNSELOR,
    A.WRITE_ENTRY: COUNSELOR,
    A.RESOLVE: frozenset({R.PERSON, R.COUNSELOR}),
}
CASES = list(itertools.product(State, Action, Role))


def test_every_combination_is_covered() -> None:
    assert len(CASES) == 7 * 9 * 4


@pytest.mark.parametrize(("state", "action", "role"), CASES, ids=lambda v: str(v))
def test_transition(state: State, action: Action, role: Role) -> None:
    result = transition(state, action, role)
    allowed = ALLOWED.get((state, action))
    if allowed is not None and role in allowed[0]:
        assert result == allowed[1]
        return
    assert isinstance(result, Refusal), f"{role} may not {action} a {state} submission"
    assert result.text("ja") and result.text("en")
    if role not in ROLES_OF[action]:
        # Refused for who is asking, whatever the state.
        assert result.code == "role"
        assert "だけ" in result.text("ja") and "only" in result.text("en").lower()
    else:
        assert result.code == "state"
        assert f"現在の状態：{STATE_LABELS[state].ja}" in result.text("ja")
        assert f"now: {STATE_LABELS[state].en}" in result.text("en")


@pytest.mark.parametrize(
    ("state", "action", "role", "words"),
    [
        (S.IN_REVIEW, A.SUBMIT, R.PERSON, "すでに提出済み"),
        (S.CHANGES_REQUESTED, A.SUBMIT, R.PERSON, "直してから再提出"),
        (S.SUBMITTED, A.RESUBMIT, R.PERSON, "修正の依頼が届いているときだけ"),
        (S.SUBMITTED, A.APPROVE, R.COUNSELOR, "先に確認を開始"),
        (S.APPROVED, A.APPROVE, R.COUNSELOR, "すでに承認済み"),
        (S.APPROVED, A.WITHDRAW, R.PERSON, "承認前"),
        (S.CHANGES_REQUESTED, A.COMMENT, R.COUNSELOR, "確認中の提出にだけ"),
        (S.IN_REVIEW, A.APPROVE, R.FACILITATOR, "キャリアコンサルタントだけ"),
        (S.IN_REVIEW, A.APPROVE, R.ADMIN, "キャリアコンサルタントだけ"),
        (S.DRAFT, A.SUBMIT, R.COUNSELOR, "ご本人だけ"),
        (S.IN_REVIEW, A.RESOLVE, R.FACILITATOR, "ご本人と担当のキャリアコンサルタントだけ"),
    ],
)
def test_reasons_people_meet_are_specific(
    state: State, action: Action, role: Role, words: str
) -> None:
    result = transition(state, action, role)
    assert isinstance(result, Refusal)
    assert words in result.text("ja")


def test_allowed_actions_list_the_buttons_to_show() -> None:
    assert allowed_actions(S.SUBMITTED, R.COUNSELOR) == [A.START_REVIEW, A.RESOLVE]
    assert allowed_actions(S.IN_REVIEW, R.COUNSELOR) == [
        A.REQUEST_CHANGES,
        A.APPROVE,
        A.COMMENT,
        A.WRITE_ENTRY,
        A.RESOLVE,
    ]
    assert allowed_actions(S.CHANGES_REQUESTED, R.PERSON) == [A.RESUBMIT, A.WITHDRAW, A.RESOLVE]
    assert allowed_actions(S.IN_REVIEW, R.FACILITATOR) == []
    assert allowed_actions(S.APPROVED, R.PERSON) == [A.SUBMIT]

"""Review use-cases on SQLite and PostgreSQL: versions, transitions, comments, approval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.review import accounts, counselor, queries
from bot.review.service import Actor, ReviewRefused, resolve, submit, withdraw
from bot.review.states import State
from storage import outbox
from storage import repositories as repo
from storage.review import SubmissionRow, TransitionRow, VersionRow
from tests.conftest import NOW, RuntimeFactory
from tests.review.helpers import PERSON, answer, fill_card, seed_accounts, staff_actor


@pytest.fixture(params=["sqlite", "postgres"])
def sessions(
    request: pytest.FixtureRequest, make_runtime: RuntimeFactory
) -> sessionmaker[Session]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    runtime = make_runtime(url)
    with runtime.sessions.begin() as session:
        seed_accounts(session, NOW)
    return runtime.sessions


def _refused(sessions: sessionmaker[Session], call: object) -> str:
    with pytest.raises(ReviewRefused) as refused, sessions.begin() as session:
        call(session)  # type: ignore[operator]
    return refused.value.reason.ja


def _submission(session: Session) -> SubmissionRow:
    row = session.scalar(select(SubmissionRow).where(SubmissionRow.person_id == PERSON))
    assert row is not None
    return row


def test_a_full_review_round_is_recorded(sessions: sessionmaker[Session]) -> None:
    sato = staff_actor(sessions, "sato")
    assert "まだ提出できる内容がありません" in _refused(
        sessions,
        lambda s: (
            answer(s, PERSON, NOW, profile__name="花子"),
            submit(s, PERSON, "yokohama", NOW),
        ),
    )
    with sessions.begin() as session:
        fill_card(session, PERSON, NOW)
        first = submit(session, PERSON, "yokohama", NOW)
        assert (first.number, first.resubmitted) == (1, False)
        # The working copy stays editable; the frozen version does not change.
        answer(session, PERSON, NOW, career_plan__strengths="書き直し中")
    with sessions() as session:
        frozen = queries.version(session, _submission(session), 1)
        assert frozen is not None and frozen.card["career_plan"]["strengths"] == "粘り強い"
    assert "すでに提出済み" in _refused(sessions, lambda s: submit(s, PERSON, "yokohama", NOW))
    assert "「ハローワーク横浜 相談コーナー」に提出中" in _refused(
        sessions, lambda s: submit(s, PERSON, "kawasaki", NOW)
    )
    assert "先に確認を開始" in _refused(
        sessions, lambda s: counselor.approve(s, _submission(s), sato, 1, NOW)
    )
    with sessions.begin() as session:
        counselor.start_review(session, _submission(session), sato, NOW)
    assert "コメントする項目を選んでください" in _refused(
        sessions,
        lambda s: counselor.add_comment(
            s, _submission(s), sato, "work_history.5.duties", "x", NOW
        ),
    )
    assert "1つ以上" in _refused(
        sessions, lambda s: counselor.request_changes(s, _submission(s), sato, "", NOW)
    )
    later = NOW + timedelta(hours=1)
    with sessions.begin() as session:
        row = _submission(session)
        comment = counselor.add_comment(
            session, row, sato, "career_plan.strengths", "エピソードを添えてください。", NOW
        )
        counselor.request_changes(session, row, sato, "全体的によく書けています。", later)
        key = f"review:{row.public_id}:changes:1"
        assert [k for k, _ in outbox.pending(session, "review:")] == [key]
    with sessions.begin() as session:
        answer(session, PERSON, later, career_plan__strengths="粘り強い。3年間改善を続けた。")
        resolve(session, _submission(session), comment.id, Actor.person(PERSON), later)
        second = submit(session, PERSON, "yokohama", later)
        assert (second.number, second.resubmitted) == (2, True)
        assert _submission(session).state == State.RESUBMITTED
    with sessions.begin() as session:
        row = _submission(session)
        counselor.start_review(session, row, sato, later)
        assert "ご本人の同意" in _refused_inline(
            lambda: counselor.write_consultant_entry(session, row, sato, "簿記2級へ", False, later)
        )
        counselor.write_consultant_entry(
            session, row, sato, "簿記2級の取得を目指す。", True, later
        )
        assert "新しい版が届いています" in _refused_inline(
            lambda: counselor.approve(session, row, sato, 1, later)
        )
        counselor.approve(session, row, sato, 2, later)
    with sessions() as session:
        row = _submission(session)
        steps = [
            (t.action, t.from_state, t.to_state, t.actor_role, t.actor, t.version_number)
            for t in queries.history(session, row)
        ]
        card = queries.approved_card(session, row)
        assert queries.comments(session, row)[0].resolved_by == PERSON
    assert steps == [
        ("submit", "draft", "submitted", "person", PERSON, 1),
        ("start_review", "submitted", "in_review", "counselor", "sato", 1),
        ("request_changes", "in_review", "changes_requested", "counselor", "sato", 1),
        ("resubmit", "changes_requested", "resubmitted", "person", PERSON, 2),
        ("start_review", "resubmitted", "in_review", "counselor", "sato", 2),
        ("approve", "in_review", "approved", "counselor", "sato", 2),
    ]
    assert card is not None
    assert card.career_plan.consultant_entry == "簿記2級の取得を目指す。"
    assert card.career_plan.strengths == "粘り強い。3年間改善を続けた。"
    assert card.person.created_on == "2026-11-22"


def _refused_inline(call: object) -> str:
    with pytest.raises(ReviewRefused) as refused:
        call()  # type: ignore[operator]
    return refused.value.reason.ja


def test_roles_are_enforced_by_the_use_cases(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        fill_card(session, PERSON, NOW)
        submit(session, PERSON, "yokohama", NOW)
    for login in ("ito", "admin"):
        actor = staff_actor(sessions, login)
        assert "キャリアコンサルタントだけ" in _refused(
            sessions, lambda s, a=actor: counselor.start_review(s, _submission(s), a, NOW)
        )
    with sessions() as session:
        assert queries.history(session, _submission(session))[-1].action == "submit"


def test_withdraw_then_submit_elsewhere_and_approval_goes_stale(
    sessions: sessionmaker[Session],
) -> None:
    kato = staff_actor(sessions, "kato")
    with sessions.begin() as session:
        fill_card(session, PERSON, NOW)
        submit(session, PERSON, "yokohama", NOW)
        withdraw(session, PERSON, NOW)
        assert _submission(session).state == State.WITHDRAWN
        moved = submit(session, PERSON, "kawasaki", NOW + timedelta(minutes=1)).submission
        counselor.start_review(session, moved, kato, NOW)
        counselor.approve(session, moved, kato, 1, NOW)
        assert moved.approved_version == 1
        again = submit(session, PERSON, "kawasaki", NOW + timedelta(minutes=2))
        assert again.submission.id == moved.id and again.number == 2
        assert moved.state == State.SUBMITTED and moved.approved_version is None
        assert queries.approved_card(session, moved) is None
    assert "承認前" in _refused(
        sessions, lambda s: (withdraw(s, PERSON, NOW), withdraw(s, PERSON, NOW))
    )


def test_queue_shows_a_counselor_only_their_centre(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        fill_card(session, PERSON, NOW)
        fill_card(session, "console:taro", NOW, name="鈴木 太郎")
        submit(session, PERSON, "yokohama", NOW)
        submit(session, "console:taro", "kawasaki", NOW)
    with sessions() as session:
        staff = {row.login: row for row, _centre in accounts.staff_list(session)}
        names = {
            login: [item.name for item in queries.queue(session, staff[login], None)]
            for login in ("sato", "kato", "ito", "admin")
        }
        assert queries.for_staff(session, _submission(session).public_id, staff["kato"]) is None
    assert names == {
        "sato": ["山田 花子"],
        "kato": ["鈴木 太郎"],
        "ito": ["山田 花子"],
        "admin": [None, None],  # an admin sees progress, not who
    }


def test_deleting_the_person_deletes_their_submissions(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        fill_card(session, PERSON, NOW)
        submit(session, PERSON, "yokohama", NOW)
    with sessions.begin() as session:
        repo.delete_person(session, PERSON)
    with sessions() as session:
        assert session.scalars(select(SubmissionRow)).all() == []
        assert session.scalars(select(VersionRow)).all() == []
        assert session.scalars(select(TransitionRow)).all() == []

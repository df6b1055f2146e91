"""New submissions are announced once per channel, only for the centres asked about."""

from __future__ import annotations

from bot.bootstrap import Runtime
from bot.review.notices import claim_new_submissions
from bot.review.service import submit
from tests.conftest import NOW
from tests.review.helpers import fill_card, seed_accounts


def test_each_new_submission_is_claimed_once_per_channel(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        seed_accounts(session, NOW)
        fill_card(session, "console:hanako", NOW)
        fill_card(session, "console:taro", NOW, name="山田 太郎")
        submit(session, "console:hanako", "yokohama", NOW)
        submit(session, "console:taro", "kawasaki", NOW)
    with runtime.sessions.begin() as session:
        yokohama = claim_new_submissions(session, "slack", NOW, {"yokohama"})
        assert [(n.centre_code, n.state, n.version) for n in yokohama] == [
            ("yokohama", "submitted", 1)
        ]
        assert claim_new_submissions(session, "slack", NOW, {"yokohama"}) == []
        assert [n.centre_code for n in claim_new_submissions(session, "slack", NOW)] == [
            "kawasaki"
        ]
        # Another channel keeps its own record.
        assert len(claim_new_submissions(session, "teams", NOW)) == 2

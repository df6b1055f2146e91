"""The chat side of a review through the real service: submit, notice, revise, resubmit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.bootstrap import Runtime
from bot.engine import Text
from bot.review import counselor, queries
from bot.review.wiring import review_actions, review_sources
from bot.service import ConversationService
from storage.review import SubmissionRow
from tests.chat import Chat, text_of
from tests.conftest import NOW
from tests.review.helpers import answer, fill_card, seed_accounts, staff_actor

PERSON = "console:hanako"
NOTICE = "カウンセラーからコメントが届きました。「コメント」と送ると確認できます。"


@pytest.fixture
def chat(runtime: Runtime) -> Chat:
    service = ConversationService(
        runtime.sessions,
        runtime.dialogs.catalog,
        runtime.dialogs.specs,
        clock=lambda: NOW,
        actions=review_actions(),
        sources=review_sources(),
    )
    with runtime.sessions.begin() as session:
        seed_accounts(session, NOW)
    person = Chat(service, PERSON)
    person.start_profile()
    return person


def _complete_card(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        fill_card(session, PERSON, NOW)
        answer(
            session,
            PERSON,
            NOW,
            career_plan__values_interests="人の役に立つこと",
            career_plan__next_steps="キャリアコンサルタントの勉強",
            career_plan___completed=True,
        )


def _submission(runtime: Runtime) -> SubmissionRow:
    with runtime.sessions() as session:
        row = session.scalar(select(SubmissionRow).where(SubmissionRow.person_id == PERSON))
        assert row is not None
        return row


def test_nothing_to_submit_is_refused_with_a_reason(chat: Chat) -> None:
    reply = chat.send("提出")
    assert "ハローワーク横浜 相談コーナー" in reply and "ハローワーク川崎 相談コーナー" in reply
    chat.press("横浜")
    reply = chat.press("はい")
    assert "まだ提出できる内容がありません" in reply
    assert "コメント" in chat.send("コメント") and "まだ提出していません" in chat.text


def test_a_revision_round_trip(runtime: Runtime, chat: Chat) -> None:
    _complete_card(runtime)
    chat.send("提出する")
    chat.press("横浜")
    reply = chat.press("はい")
    assert "「ハローワーク横浜 相談コーナー」に提出しました（第1版）" in reply
    chat.send("submit")
    chat.press("横浜")
    assert "すでに提出済み" in chat.press("はい")

    sato = staff_actor(runtime.sessions, "sato")
    with runtime.sessions.begin() as session:
        row = session.get(SubmissionRow, _submission(runtime).id)
        assert row is not None
        counselor.start_review(session, row, sato, NOW)
        counselor.add_comment(
            session,
            row,
            sato,
            "career_plan.strengths",
            "具体的なエピソードを添えてください。",
            NOW,
        )
        counselor.request_changes(session, row, sato, "", NOW)
    assert [(p, text_of(out)) for p, out in chat.service.deliver_due("console")] == [
        (PERSON, NOTICE)
    ]
    assert chat.service.deliver_due("console") == []  # told once

    reply = chat.send("コメント")
    assert "強みなど：具体的なエピソードを添えてください。" in reply
    assert "修正を終えて再提出する" in reply
    reply = chat.press("強みなど")
    # The comment, next to the answer it is about.
    assert (
        "【カウンセラーのコメント】" in reply and "具体的なエピソードを添えてください。" in reply
    )
    assert "（佐藤さん・第1版へのコメント）" in reply
    assert reply.index("具体的なエピソード") < reply.index("【いまの回答】\n粘り強い")
    reply = chat.press("この回答を直す")
    # Taken straight to that answer, with the old one offered.
    assert "＜強みなど＞" in reply and "前回の回答：粘り強い" in reply
    reply = chat.send("粘り強いことです。前職では3年間、顧客対応の改善を続けました。")
    assert "前職では3年間" in reply and "確定する" in reply  # back at the section summary
    chat.press("確定する")

    reply = chat.send("コメント")
    reply = chat.press("強みなど")
    assert "【いまの回答】\n粘り強いことです。前職では3年間" in reply
    reply = chat.press("対応済みにする")
    assert "このコメントを「対応済み」にしました。" in reply
    assert "閉じる（未対応のコメントはありません）" in reply and "強みなど：" not in reply
    chat.press("再提出する")
    reply = chat.press("はい")
    assert "再提出しました（第2版）。前の版から1か所が変わっています。" in reply

    with runtime.sessions.begin() as session:
        row = session.get(SubmissionRow, _submission(runtime).id)
        assert row is not None and row.state == "resubmitted"
        counselor.start_review(session, row, sato, NOW)
        counselor.write_consultant_entry(
            session, row, sato, "3年間の改善経験を強みとして整理した。", True, NOW
        )
        counselor.approve(session, row, sato, 2, NOW)
    (person, messages), *_ = chat.service.deliver_due("console")
    assert person == PERSON and isinstance(messages[0], Text)
    assert "承認しました" in messages[0].text and "3年間の改善経験" in messages[0].text
    with runtime.sessions() as session:
        card = queries.approved_card(session, _submission(runtime))
    assert card is not None
    assert card.career_plan.consultant_entry == "3年間の改善経験を強みとして整理した。"
    assert card.career_plan.strengths is not None and "前職では3年間" in card.career_plan.strengths


def test_withdrawing_from_chat(runtime: Runtime, chat: Chat) -> None:
    _complete_card(runtime)
    chat.send("提出")
    chat.press("川崎")
    chat.press("はい")
    chat.send("コメント")
    chat.press("提出を取り下げる")
    reply = chat.press("はい")
    assert "提出を取り下げました" in reply
    assert _submission(runtime).state == "withdrawn"
    chat.send("コメント")
    assert "提出を取り下げる" not in chat.text


def test_the_notice_comes_in_the_persons_language(runtime: Runtime, chat: Chat) -> None:
    _complete_card(runtime)
    chat.send("/lang en")
    chat.send("submit")
    chat.press("横浜")
    assert "Submitted to ハローワーク横浜 相談コーナー (version 1)" in chat.press("Yes")
    sato = staff_actor(runtime.sessions, "sato")
    with runtime.sessions.begin() as session:
        row = session.get(SubmissionRow, _submission(runtime).id)
        assert row is not None
        counselor.start_review(session, row, sato, NOW)
        counselor.request_changes(session, row, sato, "Please add dates.", NOW)
    (_, messages), *_ = chat.service.deliver_due("console")
    assert text_of(messages) == (
        "Your counselor has sent comments. Send “comments” to read them.\n\n"
        "Overall note:\nPlease add dates."
    )

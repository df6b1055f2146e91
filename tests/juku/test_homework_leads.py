"""Juku homework that leads: the next session's homework, partial progress, late after joining."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.service import ConversationService
from tests.chat import Chat
from tests.juku.conftest import Clock, MakeCohort, join, seed
from tests.juku.test_cohort_cli import run

BEFORE_COURSE = datetime(2026, 9, 25, 3, 0, tzinfo=UTC)
BETWEEN_2_AND_3 = datetime(2026, 10, 20, 3, 0, tzinfo=UTC)  # session 1 was due on 15 Oct
BEFORE_DUE = datetime(2026, 10, 10, 3, 0, tzinfo=UTC)


def test_the_next_sessions_homework_is_offered_and_opened_by_name(
    juku_service: ConversationService, make_cohort: MakeCohort, juku_clock: Clock
) -> None:
    make_cohort()
    juku_clock.now = BEFORE_COURSE
    chat = Chat(juku_service)
    join(chat)
    seed(chat, {d: True for d in ("lifeline._completed", "will_can_must._completed")})
    juku_clock.now = BETWEEN_2_AND_3
    reply = chat.send("塾")
    assert "次回の宿題：マネープラン（第3回 11月5日）" in reply
    assert "遅れている宿題：職務経歴シート（様式2）" in reply  # joined before: really late
    assert "ライフラインチャート" not in reply  # done: no button …
    reply = chat.send("マネープラン")  # … and typing a name opens the homework
    assert "【マネープラン】" in reply and "今の年齢を教えてください" in reply
    chat.send("/menu")
    chat.send("塾")
    reply = chat.send("ライフラインチャート")  # done, without a button, still opens
    assert "ライフラインチャート" in reply and "メニューに戻る" not in reply


def test_partial_progress_shows_how_much_is_done(
    juku_service: ConversationService, make_cohort: MakeCohort, juku_clock: Clock
) -> None:
    make_cohort()
    juku_clock.now = BEFORE_COURSE
    chat = Chat(juku_service)
    join(chat)
    seed(chat, {"lifeline._completed": True, "work_history.jobs": [{"employer": "A社"}]})
    juku_clock.now = BEFORE_DUE
    reply = chat.send("塾")
    reply = chat.press("日程と宿題の一覧（次回 10月15日）")
    assert "宿題（10月15日（木）まで）：途中 (1/4)" in reply
    assert "・ライフラインチャート：✓ 済" in reply
    assert "・職務経歴シート（様式2）：途中" in reply
    assert "・免許・資格（様式3-1）：未着手" in reply
    juku_clock.now = BETWEEN_2_AND_3
    chat.send("/menu")
    chat.send("塾")
    reply = chat.press("日程と宿題の一覧（次回 11月5日）")
    assert "宿題（10月15日（木）まで）：期限を過ぎています (1/4)" in reply


def test_joining_after_a_due_date_is_not_late(
    juku_service: ConversationService, make_cohort: MakeCohort, juku_clock: Clock
) -> None:
    make_cohort()
    juku_clock.now = BETWEEN_2_AND_3  # joins after session 1's homework was due
    chat = Chat(juku_service)
    reply = join(chat)
    assert "期限を過ぎています" not in reply and "遅れ" not in reply
    assert "宿題：ライフラインチャート（前の回の分）" in reply
    assert "宿題：Will・Can・Must（11月5日まで）" in reply


def test_cohort_show_lists_participants_with_their_status(
    juku_service: ConversationService,
    make_cohort: MakeCohort,
    juku_clock: Clock,
    sqlite_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_cohort()
    juku_clock.now = BEFORE_COURSE
    early = Chat(juku_service, "telegram:1")
    join(early, name="山田　花子")  # as she gave it, full-width space and all
    seed(early, {"lifeline._completed": True})
    juku_clock.now = BETWEEN_2_AND_3
    late_comer = Chat(juku_service, "telegram:2")
    join(late_comer, name="=HYPERLINK(1)")
    assert run(sqlite_url, "cohort", "show", "K7M2QP") == 0
    out = capsys.readouterr().out
    assert "| 参加者 | 参加日 | 第1回 | 第2回 | 第3回 | 第4回 |" in out
    assert re.search(
        r"\| 山田 花子 \| 2026-09-25 \| 遅れ \(1/4\) \| 遅れ \| 未着手 \| 未着手 \|", out
    )
    # Joined after session 1 was due (not late for it), before session 2 was (late).
    assert "| =HYPERLINK(1) | 2026-10-20 | 未着手 | 遅れ | 未着手 | 未着手 |" in out

"""The juku in chat, through the real service on SQLite: join, homework, reminders, leave."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.bootstrap import Runtime
from bot.engine import OpenSection
from bot.juku import chat as juku_chat
from bot.juku import cohorts
from bot.service import ConversationService, EffectContext
from storage import outbox
from tests.chat import Chat
from tests.juku.conftest import NOW, UPCOMING, Clock, MakeCohort, join, seed


def membership_name(runtime: Runtime, person_id: str) -> str | None:
    with runtime.sessions() as session:
        membership = cohorts.membership_of(session, person_id)
        return None if membership is None else membership.display_name or ""


def pending(runtime: Runtime, prefix: str = "juku:") -> list[str]:
    with runtime.sessions() as session:
        return [key for key, _ in outbox.pending(session, prefix)]


def test_a_bad_code_is_asked_again_and_a_good_one_joins(
    juku_service: ConversationService, make_cohort: MakeCohort, runtime: Runtime
) -> None:
    make_cohort()
    chat = Chat(juku_service)
    chat.start_profile()
    assert "講師の進み具合の一覧に表示するお名前" in chat.send("塾")
    assert "参加コード" in chat.send("やまだ")
    reply = chat.send("ZZZZ99")
    assert "そのコードの塾は見つかりませんでした" in reply and "参加コードを入力" in reply
    assert "参加しました" not in reply
    assert membership_name(runtime, chat.person_id) is None
    assert chat.answers().get("juku.code") is None
    # Lower case and full-width are the same code.
    reply = chat.send("ｋ７ｍ２ｑｐ")
    assert "「神奈川 2026年秋（秋・オンライン）」に参加しました" in reply
    assert "次回：第4回 11月26日（木） 多様なキャリアデザイン" in reply
    assert "日程と宿題の一覧（次回 11月26日）" in reply  # the homework list follows
    assert chat.answers()["juku.code"] == "K7M2QP"
    assert membership_name(runtime, chat.person_id) == "やまだ"


def test_members_see_open_homework_and_open_it_from_the_list(
    juku_service: ConversationService, make_cohort: MakeCohort
) -> None:
    make_cohort()
    chat = Chat(juku_service)
    join(chat)
    seed(chat, {"lifeline._completed": True, "will_can_must._completed": True})
    reply = chat.send("塾")
    # Joined on 22 Nov, after session 1's homework was due: to catch up on, not late.
    assert "宿題：職務経歴シート（様式2）（前の回の分）" in reply and "遅れ" not in reply
    assert "ライフラインチャート" not in reply and "Will・Can・Must" not in reply
    assert "宿題：マネープラン（11月26日まで）" in reply
    assert "次回の宿題：多様なキャリアデザイン（第4回 11月26日）" in reply
    assert "参加コード" not in reply  # members are not asked again
    reply = chat.press("マネープラン")
    assert "【マネープラン】" in reply and "今の年齢を教えてください" in reply


def test_the_schedule_view_shows_what_is_done(
    juku_service: ConversationService, make_cohort: MakeCohort
) -> None:
    make_cohort()
    chat = Chat(juku_service)
    join(chat)
    seed(chat, {"will_can_must._completed": True, "money_plan.age": 58})
    reply = chat.press("日程と宿題の一覧")
    assert "・Will・Can・Must：✓ 済" in reply and "・マネープラン：途中" in reply
    assert "ほかに何かしますか？" in reply
    assert "前回の回答" not in reply  # the choice is not offered back as an old answer


def test_booking_is_offered_between_sessions_2_and_3(
    juku_service: ConversationService,
    make_cohort: MakeCohort,
    juku_clock: Clock,
    runtime: Runtime,
) -> None:
    make_cohort()
    chat = Chat(juku_service)
    assert "個別相談を予約する" not in join(chat)  # 22 Nov: after session 3, before 4
    juku_clock.now = datetime(2026, 10, 20, 3, 0, tzinfo=UTC)
    assert "個別相談を予約する" in chat.send("塾")
    # Choosing it opens the booking dialog by its payload alone.
    seed(chat, {"juku.todo": "booking"})
    with runtime.sessions.begin() as session:
        result = juku_chat.juku_go(EffectContext(session, chat.person_id, "ja", NOW))
    assert result.follow == OpenSection("booking") and result.event is None


def test_reminders_are_scheduled_with_keys_and_cancelled_on_leaving(
    juku_service: ConversationService, make_cohort: MakeCohort, runtime: Runtime
) -> None:
    make_cohort(dates=UPCOMING)
    chat = Chat(juku_service)
    join(chat)
    with runtime.sessions() as session:
        membership = cohorts.membership_of(session, chat.person_id)
        assert membership is not None
        prefix = cohorts.reminder_prefix(membership.id)
        keys = dict(outbox.pending(session, prefix))
    assert [key.removeprefix(prefix) for key in keys] == [
        "s1:d3",
        "s1:d1",
        "book2",
        "s2:d3",
        "s2:d1",
        "s3:d3",
        "s3:d1",
        "book4",
        "s4:d3",
        "s4:d1",
    ]
    # Stored in UTC: 14 Dec 10:00 in Japan is 01:00 UTC.
    assert keys[prefix + "s1:d3"].replace(tzinfo=None) == datetime(2026, 12, 14, 1, 0)
    chat.send("塾")
    assert "やめますか" in chat.press("塾への参加をやめる")
    assert "参加をやめました" in chat.press("はい")
    assert pending(runtime) == []
    assert membership_name(runtime, chat.person_id) is None
    # Joining again starts with the name (the old one offered) and the code.
    reply = chat.send("塾")
    assert "前回の回答：やまだ" in reply
    chat.press("そのまま")
    assert "参加しました" in chat.send("K7M2QP")
    assert len(pending(runtime)) == 10  # fresh reminders, not the cancelled ones


def test_saying_no_to_leaving_keeps_the_membership(
    juku_service: ConversationService, make_cohort: MakeCohort, runtime: Runtime
) -> None:
    make_cohort(dates=UPCOMING)
    chat = Chat(juku_service)
    join(chat)
    chat.send("塾")
    chat.press("塾への参加をやめる")
    assert "引き続き" in chat.press("いいえ")
    assert membership_name(runtime, chat.person_id) == "やまだ"
    assert len(pending(runtime)) == 10


def test_finished_homework_has_its_reminders_cancelled(
    juku_service: ConversationService, make_cohort: MakeCohort, runtime: Runtime
) -> None:
    make_cohort(dates=UPCOMING)
    chat = Chat(juku_service)
    join(chat)
    seed(
        chat,
        {
            "lifeline._completed": True,
            "work_history._completed": True,
            "licenses._completed": True,
            "education_training._completed": True,
        },
    )
    chat.send("塾")
    chat.press("メニューに戻る")  # any visit to the juku list catches up
    keys = pending(runtime)
    assert not any(":s1:" in key for key in keys)
    assert any(key.endswith(":s2:d3") for key in keys) and len(keys) == 8


def test_a_due_reminder_runs_through_the_conversation(
    juku_service: ConversationService, make_cohort: MakeCohort, juku_clock: Clock
) -> None:
    make_cohort(dates=UPCOMING)
    chat = Chat(juku_service, "telegram:42")
    join(chat)
    chat.send("/menu")
    juku_clock.now = datetime(2026, 12, 14, 1, 0, tzinfo=UTC)  # 10:00 in Japan
    [(person, messages)] = juku_service.deliver_due("telegram")
    chat.last = messages
    assert person == "telegram:42"
    assert "次回の塾が近づいています" in chat.text
    assert "宿題：ライフラインチャート（12月17日まで）" in chat.text
    assert juku_service.deliver_due("telegram") == []  # sent once
    juku_clock.now = datetime(2026, 12, 16, 1, 0, tzinfo=UTC)  # the day before
    assert len(juku_service.deliver_due("telegram")) == 1
    juku_clock.now = datetime(2026, 12, 18, 1, 0, tzinfo=UTC)  # the day after session 2
    [(_, messages)] = juku_service.deliver_due("telegram")
    chat.last = messages
    assert "個別相談（無料）を受けられます" in chat.text and "個別相談を予約する" in chat.text


def test_english_participants_read_english(
    juku_service: ConversationService, make_cohort: MakeCohort
) -> None:
    make_cohort()
    chat = Chat(juku_service)
    chat.start_profile()
    chat.send("English")
    chat.send("juku")
    chat.send("Hanako")
    reply = chat.send("K7M2QP")
    assert "You have joined" in reply and "Next: Session 4" in reply
    assert "Schedule and homework (next: 26 Nov)" in reply

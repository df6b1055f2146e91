"""The service on SQLite: serialization, crash safety, dialog version pinning."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.bootstrap import Runtime
from bot.engine import load_dialogs
from bot.engine.messages import InboundKind
from bot.engine.texts import t
from dialogs import DIALOGS_DIR
from storage import repositories
from tests import odd_input_cases, service_cases
from tests.chat import Chat
from tests.conftest import FIXTURES, NOW, RuntimeFactory


def test_round_trip_with_redelivery(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    service_cases.conversation_round_trip(lambda: make_runtime(sqlite_url))


def test_simultaneous_messages(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    service_cases.simultaneous_messages_are_serialized(lambda: make_runtime(sqlite_url))


def test_simultaneous_messages_in_one_process(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = make_runtime(sqlite_url)
    service_cases.simultaneous_messages_are_serialized(lambda: runtime)


def test_crash_mid_turn(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    service_cases.crash_mid_turn_keeps_everything(lambda: make_runtime(sqlite_url))


def test_running_conversation_stays_on_its_dialog_version(
    make_runtime: RuntimeFactory, sqlite_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "dialogs"
    shutil.copytree(DIALOGS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copy(FIXTURES / "dialogs" / "kinds.yaml", folder)
    old = Chat(make_runtime(sqlite_url, load_dialogs([folder])).service)
    old.start_profile()
    old.payload("m|kinds")
    old.send("たろう")
    # Someone edits the dialog file: removes the age question and rewords the next one.
    kinds = folder / "kinds.yaml"
    text = kinds.read_text(encoding="utf-8")
    start = text.index("  - id: age")
    end = text.index("  - id: mood")
    text = text[:start] + text[end:]
    text = text.replace("いまの満足度は？", "新しい満足度の質問").replace(
        "version: 1", "version: 2"
    )
    kinds.write_text(text, encoding="utf-8")
    restarted = make_runtime(sqlite_url, load_dialogs([folder]))
    old = Chat(restarted.service)
    assert "年齢" in old.send("/start")  # still the version it started on
    assert "いまの満足度" in old.send("40")
    new = Chat(restarted.service, "console:newcomer")
    new.start_profile()
    new.payload("m|kinds")
    new.send("はなこ")
    assert "新しい満足度の質問" in new.text


def test_overview_reports_progress_per_section(chat: Chat) -> None:
    overview = chat.service.overview(chat.person_id)
    assert overview.consented is None and {s.status for s in overview.sections} == {"todo"}
    chat.start_profile()
    chat.send("山田 太郎")
    overview = chat.service.overview(chat.person_id)
    statuses = {section.dialog_id: section.status for section in overview.sections}
    assert overview.consented is True
    assert statuses["profile"] == "partial" and statuses["kinds"] == "todo"


def test_unreadable_characters_are_replaced_and_said(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    odd_input_cases.unreadable_characters_are_replaced_and_said(
        lambda: make_runtime(sqlite_url), sqlite_url
    )


def test_deleting_a_person_leaves_no_trace(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    odd_input_cases.deleting_a_person_leaves_no_trace(lambda: make_runtime(sqlite_url))


def test_stickers_files_and_edits_are_answered_and_never_count_as_attempts(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 太郎")
    chat.send("やまだ たろう")
    assert "年代" in chat.text
    arrivals: list[tuple[InboundKind, str]] = [("unsupported", "unsupported_message")] * 3
    for kind, message in [*arrivals, ("edited", "edited_message")]:
        reply = chat.arrive(kind)
        assert reply.startswith(t(message, "ja"))
        assert "年代" in reply and "50代" in reply  # the question, with its buttons
    assert "「戻る」" in t("edited_message", "ja") and "「まとめ」" in t("edited_message", "ja")
    # Only typed mistakes count: the third one brings the help, not the stickers before.
    for _ in range(2):
        assert "50代" in chat.send("xyz") and t("stuck", "ja") not in chat.text
    assert t("stuck", "ja") in chat.send("xyz")
    assert "profile.age_band" not in chat.answers()
    chat.press("50代")
    assert chat.answers()["profile.age_band"] == "50s"


def test_a_sticker_as_the_very_first_message_starts_the_conversation(chat: Chat) -> None:
    reply = chat.arrive("unsupported")
    assert reply.startswith(t("unsupported_message", "ja")) and "使う言語" in reply
    chat.arrive("edited")
    assert t("edited_message", "ja") in chat.text and "使う言語" in chat.text


def test_answers_given_to_another_worker_are_seen(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    service_cases.answers_given_to_another_worker_are_seen(lambda: make_runtime(sqlite_url))


def test_someone_deleted_who_comes_back_starts_with_no_answers(chat: Chat) -> None:
    chat.start_profile()
    chat.send("山田 太郎")
    chat.send("やまだ たろう")
    chat.send("/delete")
    assert "削除しました" in chat.press("はい")
    chat.start_profile()
    # However many turns the new conversation takes, none shows the deleted answers.
    for _ in range(12):
        assert "山田 太郎" not in chat.send("/summary")
    assert "profile.name" not in chat.answers()


def test_an_answer_stored_outside_a_turn_is_seen_at_the_next_one(
    chat: Chat, runtime: Runtime
) -> None:
    chat.start_profile()
    chat.send("山田 太郎")  # the service now keeps this person's answers between turns
    with runtime.sessions.begin() as session:  # a tool corrects the name directly
        repositories.save_answer(session, chat.person_id, "profile", "name", "佐藤 花子", NOW)
    summary = chat.send("/summary")
    assert "佐藤 花子" in summary and "山田 太郎" not in summary


def test_one_current_answer_per_field_whoever_wrote(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    service_cases.one_current_answer_per_field(lambda: make_runtime(sqlite_url))


def test_a_new_person_writing_to_two_workers_at_once(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    service_cases.a_new_person_writing_to_two_workers_at_once(lambda: make_runtime(sqlite_url))


def test_deleted_on_another_worker_and_back(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    service_cases.deleted_on_another_worker_and_back(lambda: make_runtime(sqlite_url))


def test_a_reply_lost_at_commit_is_told(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    service_cases.reply_lost_at_commit_is_told(lambda: make_runtime(sqlite_url))

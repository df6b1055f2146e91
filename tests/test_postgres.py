"""The same service behaviours on a real, throwaway PostgreSQL server."""

from __future__ import annotations

from tests import odd_input_cases, service_cases
from tests.conftest import RuntimeFactory


def test_round_trip_with_redelivery(make_runtime: RuntimeFactory, pg_url: str) -> None:
    service_cases.conversation_round_trip(lambda: make_runtime(pg_url))


def test_simultaneous_messages_use_row_locks(make_runtime: RuntimeFactory, pg_url: str) -> None:
    service_cases.simultaneous_messages_are_serialized(lambda: make_runtime(pg_url), rounds=8)


def test_crash_mid_turn(make_runtime: RuntimeFactory, pg_url: str) -> None:
    service_cases.crash_mid_turn_keeps_everything(lambda: make_runtime(pg_url))


def test_unreadable_characters_are_replaced_and_said(
    make_runtime: RuntimeFactory, pg_url: str
) -> None:
    odd_input_cases.unreadable_characters_are_replaced_and_said(
        lambda: make_runtime(pg_url), pg_url
    )


def test_deleting_a_person_leaves_no_trace(make_runtime: RuntimeFactory, pg_url: str) -> None:
    odd_input_cases.deleting_a_person_leaves_no_trace(lambda: make_runtime(pg_url))


def test_answers_given_to_another_worker_are_seen(
    make_runtime: RuntimeFactory, pg_url: str
) -> None:
    service_cases.answers_given_to_another_worker_are_seen(lambda: make_runtime(pg_url))


def test_a_connection_the_server_dropped_costs_nothing_but_a_retry(
    make_runtime: RuntimeFactory, pg_url: str
) -> None:
    import sqlalchemy as sa

    from tests.chat import Chat

    chat = Chat(make_runtime(pg_url).service)
    chat.start_profile()
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        # The server restarts, a proxy times out: the worker's pooled connection is gone.
        dropped = connection.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    admin.dispose()
    assert dropped
    assert "ふりがな" in chat.send("山田 太郎")
    assert chat.answers()["profile.name"] == "山田 太郎"


def test_one_current_answer_per_field_whoever_wrote(
    make_runtime: RuntimeFactory, pg_url: str
) -> None:
    service_cases.one_current_answer_per_field(lambda: make_runtime(pg_url))


def test_a_new_person_writing_to_two_workers_at_once(
    make_runtime: RuntimeFactory, pg_url: str
) -> None:
    service_cases.a_new_person_writing_to_two_workers_at_once(lambda: make_runtime(pg_url))


def test_deleted_on_another_worker_and_back(make_runtime: RuntimeFactory, pg_url: str) -> None:
    service_cases.deleted_on_another_worker_and_back(lambda: make_runtime(pg_url))


def test_a_reply_lost_at_commit_is_told(make_runtime: RuntimeFactory, pg_url: str) -> None:
    service_cases.reply_lost_at_commit_is_told(lambda: make_runtime(pg_url))

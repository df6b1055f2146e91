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

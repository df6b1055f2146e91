"""The pure engine: transitions, purity, and robustness against any input."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import ConversationState, Inbound, LoadedDialogs, SaveAnswer, TurnContext, advance
from bot.engine.commands import parse_command
from bot.engine.controls import dialog_for_command
from tests.chat import text_of
from tests.engine.driver import TODAY, EngineDriver

KINDS_ANSWERS = [
    "たろう",
    "40",
    "0",
    "2010年4月",
    "2015/4-2020/3",
    "2026/12/1",
    "1,2",
    "はい",
    "ポチ",
    "新人5名の指導を担当し、半年で全員が独り立ちしました。",
    "株式会社テスト",
    "1",
    "課長",
]


_AT: dict[int, EngineDriver] = {}


def kinds_at(test_dialogs: LoadedDialogs, index: int) -> EngineDriver:
    """A driver standing at question ``index`` of the kinds dialog (a fresh copy each time)."""
    if index not in _AT:
        _AT[index] = _drive_to(test_dialogs, index)
    cached = _AT[index]
    driver = EngineDriver(cached.catalog)
    driver.state = cached.state.clone()
    driver.answers = copy.deepcopy(cached.answers)
    driver.lang, driver.consented, driver.last = cached.lang, cached.consented, list(cached.last)
    return driver


def _drive_to(test_dialogs: LoadedDialogs, index: int) -> EngineDriver:
    driver = EngineDriver(test_dialogs.catalog)
    driver.send("/start")
    driver.press("日本語")
    driver.press("はい")
    driver.deliver(Inbound("test:1", payload="m|kinds"))
    for answer in KINDS_ANSWERS[:index]:
        driver.send(answer)
    return driver


def test_advance_does_not_change_its_input(test_dialogs: LoadedDialogs) -> None:
    driver = kinds_at(test_dialogs, 2)
    before = copy.deepcopy(driver.state)
    answers = dict(driver.answers)
    transition = advance(
        test_dialogs.catalog,
        driver.state,
        driver.person(),
        Inbound("t", text="5"),
        TurnContext(TODAY),
    )
    assert driver.state == before and driver.answers == answers
    assert transition.state != before
    assert transition.effects == (SaveAnswer("kinds", "mood", 5),)


def test_state_survives_json(test_dialogs: LoadedDialogs) -> None:
    driver = kinds_at(test_dialogs, 11)
    assert ConversationState.from_json(driver.state.to_json()) == driver.state


def test_whole_kinds_dialog_without_a_database(test_dialogs: LoadedDialogs) -> None:
    driver = kinds_at(test_dialogs, len(KINDS_ANSWERS))
    assert "ほかの勤務先" in text_of(driver.last)
    assert "確定する" in driver.press("これで全部")
    driver.press("確定する")
    assert driver.answers["kinds._completed"] is True
    assert driver.answers["kinds.colors"] == ["red", "blue"]


@pytest.mark.parametrize("index", range(len(KINDS_ANSWERS)))
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.one_of(
        st.text(max_size=50),
        # Long pastes: a random chunk repeated up to 10,000 characters (cheap to generate).
        st.builds(
            lambda chunk, n: (chunk * n)[:10_000],
            st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
            st.integers(200, 10_000),
        ),
        st.sampled_from(
            ["\x00\x01\x02", "\u200b", "<script>alert(1)</script>", "=HYPERLINK()", "😀" * 500]
        ),
    )
)
def test_any_text_at_any_question_never_crashes(
    test_dialogs: LoadedDialogs, index: int, text: str
) -> None:
    driver = kinds_at(test_dialogs, index)
    position = copy.deepcopy(driver.state.active.pos if driver.state.active else None)
    entry = copy.deepcopy(driver.state.active.entry if driver.state.active else None)
    answers = dict(driver.answers)
    reply = driver.send(text)
    assert reply.strip(), "the person is always told something"
    assert "{" not in reply or "{" in text, "no unfilled placeholder"
    is_command = (
        parse_command(text) is not None
        or dialog_for_command(test_dialogs.catalog, text) is not None  # e.g. 予約, booking
    )
    active = driver.state.active
    accepted = driver.answers != answers or (active is not None and active.entry != entry)
    if not is_command and not accepted and active is not None:
        # Nothing was accepted: the person is still at the same question.
        same = driver.state.active.pos == position or driver.state.partial is not None
        assert same or driver.state.mode in ("followup", "paused", "confirm_cancel", "menu")
    # Every earlier answer is still there.
    for key, value in answers.items():
        if key not in ("kinds.story",):
            assert driver.answers.get(key) == value or key.endswith(("._completed",))

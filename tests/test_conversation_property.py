"""Property: from any reachable state of the shipped dialogs, any text or payload leaves the
conversation answerable — the next valid answer is taken and nothing stored before changes."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import Runtime, build_runtime
from bot.config import Settings
from bot.engine import (
    Choices,
    ConversationState,
    Group,
    Inbound,
    LoadedDialogs,
    Question,
    load_dialogs,
)
from bot.engine.answers import (
    DateAnswer,
    LongTextAnswer,
    MultiChoiceAnswer,
    NumberAnswer,
    PeriodAnswer,
    ScaleAnswer,
    TextAnswer,
    YearMonthAnswer,
)
from dialogs import DIALOGS_DIR
from storage import repositories
from tests.chat import Chat
from tests.conftest import NOW

FAILED = "うまく処理できませんでした"
_people = itertools.count()
# Buttons a random walk must not press: the card renders a PDF (slow), delete ends it all.
_AVOID = ("c|card", "c|delete")


@pytest.fixture(scope="module")
def shipped() -> LoadedDialogs:
    return load_dialogs([DIALOGS_DIR])


@pytest.fixture(scope="module")
def runtime(shipped: LoadedDialogs, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    url = f"sqlite:///{tmp_path_factory.mktemp('prop') / 'jobcard.sqlite3'}"
    built = build_runtime(Settings(database_url=url), dialogs=shipped, clock=lambda: NOW)
    yield built
    built.engine.dispose()


def _state(chat: Chat) -> ConversationState:
    with chat.service._sessions() as session:
        record = repositories.find_person(session, chat.person_id)
    return ConversationState.from_json(record.state if record else None)


def _buttons(chat: Chat) -> list[tuple[str, str]]:
    found = []
    for message in chat.last:
        if isinstance(message, Choices):
            found += [(b.label, b.payload) for b in message.options + message.actions]
    return [(label, payload) for label, payload in found if payload not in _AVOID]


def _open_question(chat: Chat, state: ConversationState) -> Question | None:
    cursor = state.active
    if state.mode != "ask" or cursor is None or cursor.pos is None:
        return None
    dialog = chat.service.catalog.get(cursor.dialog, cursor.digest)
    step = dialog.step(cursor.pos.step)
    if isinstance(step, Group):
        return step.sub(cursor.pos.sub) if cursor.pos.sub else None
    return step if isinstance(step, Question) else None


def _typed_answer(question: Question) -> str | None:
    """A valid typed answer for the open question, or None when it is answered by a button."""
    spec = question.answer
    if question.options_from is not None:
        return None
    if isinstance(spec, TextAnswer) and question.check == "reading":
        return "てすと たろう"  # a reading in kana (ふりがな)
    if isinstance(spec, TextAnswer):
        return "テスト"[: spec.max_length] if spec.max_length < 20 else "テスト株式会社の回答です"
    if isinstance(spec, LongTextAnswer):
        sentence = "お客さま40社を担当し、毎月300件の受注を正確に処理して、売上を1割伸ばしました。"
        need = max(spec.min_length, 60)
        return (sentence * (need // len(sentence) + 1))[: max(need, min(spec.max_length, 120))]
    if isinstance(spec, NumberAnswer | ScaleAnswer):
        low = spec.minimum
        return str(int(low)) if low is not None else "0"
    if isinstance(spec, YearMonthAnswer):
        return "2015年4月"
    if isinstance(spec, PeriodAnswer):
        return "2015年4月～2020年3月"
    if isinstance(spec, DateAnswer):
        return "2026年12月10日"
    if isinstance(spec, MultiChoiceAnswer):
        return "1"
    return None


def _valid_move(chat: Chat, data: st.DataObject) -> str:
    """Answer what is open the way a person would: a typed answer, or one of the buttons."""
    state = _state(chat)
    question = _open_question(chat, state)
    typed = _typed_answer(question) if question is not None else None
    buttons = _buttons(chat)
    must_type = question is not None and isinstance(question.answer, MultiChoiceAnswer)
    if typed is not None and (
        must_type or not buttons or data.draw(st.booleans(), label="type it")
    ):
        return chat.send(typed)
    if state.mode in ("followup", "merge"):
        return chat.send("このまま")
    if not buttons:
        return chat.send("メニュー")
    # Buttons that only show something (examples, help, a language switch …) answer nothing.
    moves = [
        (label, payload)
        for label, payload in buttons
        if not payload.startswith("c|")
        and not payload.endswith(("|x|examples", "|x|help", "|x|pause", "|x|show_held"))
        and "|t|" not in payload  # a tick in a multiple choice only selects
    ]
    if not moves:
        return chat.send("メニュー")
    _label, payload = data.draw(st.sampled_from(moves), label="button")
    return chat.payload(payload)


def _junk(shipped: LoadedDialogs, seq: int) -> st.SearchStrategy[tuple[str, str]]:
    dialogs = sorted(shipped.catalog.latest)
    steps = [(d.id, s.id) for d in shipped.catalog.latest.values() for s in d.steps]
    events = [(d.id, e) for d in shipped.catalog.latest.values() for e in d.events]
    payloads = st.one_of(
        st.sampled_from(steps).map(lambda p: f"f|{p[0]}|{p[1]}"),
        st.sampled_from(events or [("booking", "slot_taken")]).map(lambda p: f"e|{p[0]}|{p[1]}"),
        st.sampled_from(dialogs).map(lambda d: f"m|{d}"),
        st.sampled_from(["c|nonsense", "c|", "|||", "x", "", "m|", "f|a", "e|x|y|z"]),
        st.tuples(
            st.integers(seq - 2, seq + 2), st.sampled_from("atxegrz"), st.text(max_size=8)
        ).map(lambda p: f"{p[0]}|{p[1]}|{p[2]}"),
        st.text(max_size=30),
    )
    texts = st.one_of(
        st.text(max_size=40),
        st.sampled_from(["\ud800", "a\udfffb", "\x00\x01", "戻る", "1", "わからない", "特になし"]),
        st.sampled_from(["=HYPERLINK(1)", "<b>x</b>", "😀" * 30, "あ" * 5000]),
    )
    return st.one_of(payloads.map(lambda p: ("payload", p)), texts.map(lambda t: ("text", t)))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_input_leaves_the_conversation_answerable(
    runtime: Runtime, shipped: LoadedDialogs, data: st.DataObject
) -> None:
    # Consultation slots are shared by everyone on the runtime: free those an earlier example
    # booked, so an example replayed by Hypothesis is offered the same slots as before.
    with runtime.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM bookings")
    chat = Chat(runtime.service, person_id=f"prop:{next(_people)}")
    chat.send("/start")
    chat.press("日本語")
    chat.press("はい")
    for _ in range(data.draw(st.integers(3, 15), label="steps")):
        state = _state(chat)
        before = chat.answers()
        kind, junk = data.draw(_junk(shipped, state.seq), label="junk")
        reply = chat.payload(junk) if kind == "payload" else chat.send(junk)
        assert reply.strip(), "the person is always told something"
        assert FAILED not in reply
        after = chat.answers()
        active = state.active.dialog if state.active else None
        for key, value in before.items():
            if kind == "payload" or not key.startswith(f"{active}."):
                assert after.get(key) == value, f"{key} changed by {junk!r}"
        if kind == "payload":
            assert set(after) == set(before) or all(
                k.startswith(f"{active}.") for k in set(after) - set(before)
            )
        seq = _state(chat).seq
        reply = _valid_move(chat, data)
        assert FAILED not in reply
        assert _state(chat).seq != seq or chat.answers() != after, "the valid move was taken"


def test_lone_surrogates_never_reach_storage_or_break_exports(runtime: Runtime) -> None:
    chat = Chat(runtime.service, person_id="prop:surrogate")
    chat.start_profile()
    reply = chat.send("山田\ud800太郎")
    assert FAILED not in reply
    data: dict[str, Any] = {}
    with runtime.service._sessions() as session:
        data = repositories.export_person(session, chat.person_id) or {}
    text = repr(data)
    assert "\\ud800" not in text
    Inbound(chat.person_id, text="x")  # the boundary type itself stays plain

"""Conversation state: a clone is an equal, fully independent copy."""

from __future__ import annotations

from bot.engine.state import ConversationState, Cursor, Position


def _state() -> ConversationState:
    cursor = Cursor(
        dialog="work_history",
        digest="abc",
        pos=Position("jobs", 1, "duties"),
        back=[Position("intro"), Position("jobs", 0, "employer")],
        entry={"employer": "株式会社みなと", "period": {"start": "2015-04", "end": None}},
        edit_return=True,
        coached=["jobs.0.duties"],
        held={"at": "jobs.1.duties", "why": "thin", "value": "旋盤の仕事です", "extra": [1, 2]},
    )
    paused = Cursor(dialog="profile", digest="def", pos=Position("name"))
    return ConversationState(
        mode="followup",
        active=cursor,
        suspended={"profile": paused},
        seq=7,
        attempts=2,
        partial={"year": 1996, "months": [4, 5]},
        selection=["money"],
        resume="ask",
        target="jobs",
    )


def test_a_clone_equals_the_state_and_shares_nothing_with_it() -> None:
    state = _state()
    clone = state.clone()
    assert clone == state == ConversationState.from_json(state.to_json())
    assert clone.to_json() == state.to_json()
    assert clone.active is not None and state.active is not None
    clone.active.pos.item = 9  # type: ignore[union-attr]
    clone.active.back.append(Position("extra"))
    clone.active.entry["period"]["end"] = "2020-03"  # type: ignore[index]
    clone.active.held["extra"].append(3)  # type: ignore[index]
    clone.active.coached.append("more")
    clone.suspended["profile"].pos = None
    clone.partial["months"].append(6)
    clone.selection.append("age")
    assert state == _state()  # the original is untouched

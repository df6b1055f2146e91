"""The memo screens: the list of memos, one memo, and "delete it?", over whatever was open.

「メモから入れる」 at a question that takes text lists the memos, and the one picked answers
that question through the usual answer path (limits, coaching, text kept when too long).
「メモ」 anywhere lists them to read and delete. While a screen is shown the mode is ``memos``
and ``state.memo`` says which screen and what to go back to; each screen bumps the question
number, so a button pressed twice or from an earlier screen is stale and acts once.
"""

from __future__ import annotations

from typing import Any

from bot.engine import memos, prompting, views
from bot.engine.choices import YesNoAnswer
from bot.engine.messages import Button, Choices
from bot.engine.results import Accepted, ParseContext
from bot.engine.turn import Turn

_YES_NO = YesNoAnswer()


def open_list(turn: Turn, *, use: bool) -> None:
    """Show the memos (``use``: the one picked answers the open question)."""
    state = turn.state
    if not memos.has_memos(turn):
        turn.say(turn.t("memo_none"))
        prompting.reprompt(turn)
        return
    if state.mode == "memos" and state.memo is not None:
        back = state.memo["back"]  # 「メモ」 again on a memo screen: back to the list
        use = use or bool(state.memo.get("use"))
    else:
        back = state.mode
    state.memo = {"back": back, "use": use, "view": "list", "id": None}
    state.mode = "memos"
    _show(turn, "list")


def _show(turn: Turn, view: str, number: int | None = None) -> None:
    """Go to a memo screen: earlier buttons become stale, nothing the question had is reset."""
    assert turn.state.memo is not None
    turn.state.memo = {**turn.state.memo, "view": view, "id": number}
    turn.state.seq += 1
    render(turn)


def leave(turn: Turn) -> None:
    """Back to what was open before the memos (its partial answer and ticks kept)."""
    state = turn.state
    back = (state.memo or {}).get("back")
    state.memo = None
    state.mode = back if back not in (None, "memos") else "ask" if state.active else "menu"
    if state.mode == "ask" and (state.active is None or state.active.pos is None):
        state.mode = "menu"
    state.seq += 1


def render(turn: Turn) -> None:
    """The memo screen shown now."""
    memo = turn.state.memo or {}
    found = memos.items(turn.answers)
    number = memo.get("id")
    chosen = memos.find(turn, number) if isinstance(number, int) else None
    close = turn.button("memo_btn_close", "x", "close")
    if memo.get("view") == "delete" and chosen is not None:
        text = turn.t("memo_confirm_delete", first=memos.first_line(chosen["text"], 40))
        yes_no = (turn.button("yes", "a", "yes"), turn.button("no", "a", "no"))
        turn.out.append(Choices(text, yes_no))
    elif memo.get("view") == "one" and chosen is not None:
        text = turn.t("memo_show", count=len(chosen["text"]), text=chosen["text"])
        actions = [turn.button("memo_btn_use_this", "x", "use")] if _usable(turn) else []
        actions += [
            turn.button("memo_btn_delete", "x", "delete"),
            turn.button("memo_btn_list", "x", "list"),
            close,
        ]
        turn.out.append(Choices(text, (), tuple(actions)))
    else:
        key = "memo_list_use" if memo.get("use") else "memo_list"
        options = tuple(Button(_label(turn, item), turn.payload("a", str(n))) for n, item in found)
        turn.out.append(Choices(turn.t(key, count=len(found)), options, (close,)))


def _label(turn: Turn, memo: dict[str, Any]) -> str:
    return turn.t("memo_item", first=memos.first_line(memo["text"]), count=len(memo["text"]))


def _usable(turn: Turn) -> bool:
    """Whether the question under the memo screens takes text (so a memo can answer it)."""
    memo = turn.state.memo or {}
    active = turn.state.active
    if memo.get("back") != "ask" or active is None or active.pos is None:
        return False
    question, _group = views.current_question(turn)
    return memos.takes_text(turn.spec(question))


def press(turn: Turn, kind: str, value: str) -> None:
    """A button of a memo screen (already checked to belong to the screen shown now)."""
    memo = turn.state.memo or {}
    view = memo.get("view")
    number = memo.get("id")
    if view == "list" and kind == "a" and value.isdigit() and memos.find(turn, int(value)):
        if memo.get("use") and _usable(turn):
            use(turn, int(value))
        else:
            _show(turn, "one", int(value))
    elif view == "one" and kind == "x" and value == "use" and isinstance(number, int):
        use(turn, number)
    elif view == "one" and kind == "x" and value == "delete" and isinstance(number, int):
        _show(turn, "delete", number)
    elif view == "delete" and kind == "a" and isinstance(number, int):
        _delete(turn, number, value == "yes")
    elif kind == "x" and value == "list":
        _show(turn, "list")
    elif kind == "x" and value == "close":
        leave(turn)
        prompting.reprompt(turn)
    else:
        prompting.reprompt(turn)


def back(turn: Turn) -> None:
    """「戻る」 on a memo screen: one screen back (from the list, to the question)."""
    memo = turn.state.memo or {}
    if memo.get("view") == "delete" and isinstance(memo.get("id"), int):
        _show(turn, "one", memo["id"])
    elif memo.get("view") == "one":
        _show(turn, "list")
    else:
        leave(turn)
        prompting.reprompt(turn)


def typed(turn: Turn, text: str) -> None:
    """Typed text on a memo screen that is none of its buttons."""
    memo = turn.state.memo or {}
    if memo.get("view") == "delete" and isinstance(memo.get("id"), int):
        result = _YES_NO.parse(text, ParseContext(turn.ctx.today, turn.lang))
        if isinstance(result, Accepted):
            _delete(turn, memo["id"], bool(result.value))
            return
        turn.say(turn.t("yes_no_please"))
        render(turn)
        return
    if memo.get("view") == "list" and memo.get("use") and _usable(turn) and not _number(text):
        # Typed instead of picking: that is the answer to the question after all.
        from bot.engine import answering  # (the answer parsers, loaded with the first answer)

        leave(turn)
        answering.answer_text(turn, text)
        return
    if memos.kept_at_buttons(turn, text):
        return
    turn.say(prompting.choose_please(turn, text))
    render(turn)


def _number(text: str) -> bool:
    folded = prompting.fold(text)
    return folded.isdigit() and len(folded) <= 3


def use(turn: Turn, number: int) -> None:
    """Answer the open question with memo ``number``, as if its text had been typed there."""
    from bot.engine import answering  # (the answer parsers, loaded with the first answer)

    chosen = memos.find(turn, number)
    leave(turn)
    if chosen is None or turn.state.mode != "ask":
        prompting.reprompt(turn)
        return
    turn.say(turn.t("memo_used"))
    # The memo is whole: never taken for the first part of a paste still arriving.
    turn.sent_at = None
    answering.answer_text(turn, str(chosen["text"]))


def _delete(turn: Turn, number: int, confirmed: bool) -> None:
    if not confirmed:
        turn.say(turn.t("memo_not_deleted"))
        _show(turn, "one", number)
        return
    memos.forget(turn, number)
    turn.say(turn.t("memo_deleted"))
    if memos.has_memos(turn):
        _show(turn, "list")
    else:
        leave(turn)
        prompting.reprompt(turn)

"""Memos: text a person sent that could not answer the question it was sent to, kept for later.

A paste of a work history at a yes/no question is the person's work, not a wrong answer: it
is kept as a memo (メモ) and can be put into a question that takes text later. Memos are the
person's answers of a hidden dialog (``memos.m1``, ``memos.m2`` …), so they are stored,
exported, deleted and linked with the rest of the person's data; no card or sheet reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

from bot.engine import prompting
from bot.engine.answers import (
    ChoiceAnswer,
    LongTextAnswer,
    MultiChoiceAnswer,
    TextAnswer,
    YesNoAnswer,
)
from bot.engine.effects import ForgetAnswer
from bot.engine.holding import SPLIT_AT, SPLIT_WINDOW
from bot.engine.model import Question
from bot.engine.normalize import normalize_text
from bot.engine.turn import Turn, answer_key

MEMO_DIALOG: Final = "memos"
"""The hidden dialog whose answers are the memos: no dialog file may take this id."""
MEMO_LIMIT: Final = 30
"""How many memos a person keeps at most: a list longer than this is no help to read."""

# Kana, kanji and half-width katakana (compared by code point: a pattern of these ranges
# took milliseconds to compile, at every start of `jobcard chat`).
_CJK_RANGES: Final = ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F))
# A sentence: 20 characters of Japanese already say something (「以前は工場で十年働いていました」),
# and English needs about twice as many letters for it. A mistyped option is about as long as
# the option, so the bar is also at least twice the longest option: 「ざいしょくちゅう」 for
# 在職中 still gets the list of options, a pasted work history becomes a memo.
_SENTENCE_JA: Final = 20
_SENTENCE_EN: Final = 40
# Two lines of something (not 「はい」 and 「です」 on two lines) are written, not chosen.
_LINES_AT_LEAST: Final = 10


def items(answers: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The memos among a person's answers, as (number, memo), oldest first."""
    prefix = MEMO_DIALOG + "."
    found = []
    for key, value in answers.items():
        if not key.startswith(prefix) or not isinstance(value, dict):
            continue
        name = key[len(prefix) :]
        if name[:1] == "m" and name[1:].isdigit() and isinstance(value.get("text"), str):
            found.append((int(name[1:]), value))
    return sorted(found, key=lambda item: item[0])


def field(number: int) -> str:
    """The answer field of memo ``number``."""
    return f"m{number}"


def has_memos(turn: Turn) -> bool:
    """Whether the person has any memo."""
    return bool(items(turn.answers))


def find(turn: Turn, number: int) -> dict[str, Any] | None:
    """Memo ``number``, if the person has it."""
    return dict(items(turn.answers)).get(number)


def may_store(turn: Turn) -> bool:
    """Whether anything may be stored: not before the person agreed to it."""
    return prompting.consent_dialog(turn.catalog) is None or turn.consented is True


def looks_like_content(text: str, labels: Iterable[str] = ()) -> bool:
    """Whether ``text`` was written rather than chosen: several lines, or clearly longer
    than any option (see the limits above). A short slip is not: it gets the options again."""
    body = " ".join(text.split())
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) >= 2 and len(body) >= _LINES_AT_LEAST:
        return True
    floor = _SENTENCE_JA if _has_cjk(body) else _SENTENCE_EN
    longest = max((len(label) for label in labels), default=0)
    return len(body) >= max(floor, 2 * longest)


def _has_cjk(text: str) -> bool:
    return any(low <= ord(ch) <= high for ch in text for low, high in _CJK_RANGES)


def labels(turn: Turn, spec: object) -> tuple[str, ...]:
    """The wordings a person picks from at a question (none for a number or a date)."""
    if isinstance(spec, ChoiceAnswer | MultiChoiceAnswer):
        return tuple(option.label.get(turn.lang) for option in spec.options)
    if isinstance(spec, YesNoAnswer):
        return (turn.t("yes"), turn.t("no"))
    return ()


def takes_text(spec: object) -> bool:
    """Whether a question's answer is free text (where a memo can be put in)."""
    return isinstance(spec, TextAnswer | LongTextAnswer)


Kept = Literal["kept", "already", "full", "not_stored"]


def keep(turn: Turn, text: str) -> tuple[Kept, int]:
    """Keep ``text`` as a memo when that is allowed: what happened, and the memo's length."""
    if not may_store(turn):
        return "not_stored", 0
    value = normalize_text(text)
    memos = items(turn.answers)
    if any(memo["text"] == value for _, memo in memos):
        return "already", len(value)
    last = memos[-1] if memos else None
    if last is not None and _continues(turn, last[1]):
        # The second part of one paste a platform split (Telegram: 4,096 characters).
        joined = {**last[1], "text": last[1]["text"] + value, "sent_at": turn.sent_at}
        turn.save(MEMO_DIALOG, field(last[0]), joined)
        return "kept", len(joined["text"])
    if len(memos) >= MEMO_LIMIT:
        return "full", len(value)
    number = max((n for n, _ in memos), default=0) + 1
    memo: dict[str, Any] = {"text": value, "saved_on": turn.ctx.today.isoformat()}
    if turn.sent_at is not None:
        memo["sent_at"] = turn.sent_at
    turn.save(MEMO_DIALOG, field(number), memo)
    return "kept", len(value)


def notice(turn: Turn, text: str, kept_key: str = "memo_kept") -> str:
    """Keep ``text`` as a memo and say what became of it (``kept_key`` when it was kept)."""
    what, count = keep(turn, text)
    if what == "kept":
        return turn.t(kept_key, count=count)
    if what == "full":
        return turn.t("memo_full", limit=MEMO_LIMIT)
    return turn.t("memo_" + what)


def _continues(turn: Turn, last: Mapping[str, Any]) -> bool:
    sent = last.get("sent_at")
    if turn.sent_at is None or not isinstance(sent, int | float):
        return False
    return len(str(last["text"])) >= SPLIT_AT and 0 <= turn.sent_at - sent <= SPLIT_WINDOW


def forget(turn: Turn, number: int) -> None:
    """Delete memo ``number`` for good (its earlier versions too)."""
    turn.answers.pop(answer_key(MEMO_DIALOG, field(number)), None)
    turn.emit(ForgetAnswer(MEMO_DIALOG, field(number)))


def first_line(text: str, limit: int = 16) -> str:
    """The beginning of a memo, to name it on a button."""
    line = next((" ".join(line.split()) for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def kept_at_question(turn: Turn, question: Question, spec: object, text: str) -> bool:
    """Text the open question could not take, and that was written rather than chosen: keep
    it as a memo, say so, and ask the question again. False when it is a slip to correct."""
    if takes_text(spec) or not looks_like_content(text, labels(turn, spec)):
        return False
    from bot.engine import views  # (views shows the memo button: imported when needed)

    said = notice(turn, text)
    if isinstance(spec, YesNoAnswer):
        wanted = turn.t("yes_no_please")
    elif isinstance(spec, ChoiceAnswer | MultiChoiceAnswer):
        wanted = prompting.choose_please(turn, text)
    else:
        hint = getattr(spec, "hint", None)
        wanted = turn.t("memo_answer_as", hint=hint(turn.lang)) if callable(hint) else ""
    views.ask(turn, notice="\n".join(part for part in (said, wanted) if part))
    return True


def kept_at_buttons(turn: Turn, text: str) -> bool:
    """Written text sent where the buttons are the answer (the menu, a summary, "another?"):
    keep it as a memo, say so, and show the buttons again. False for a slip."""
    shown = [button.label for button in prompting.shown_buttons(turn)]
    if not looks_like_content(text, shown):
        return False
    turn.say(notice(turn, text, "memo_kept_here"))
    prompting.reprompt(turn)
    return True


def say_not_stored(turn: Turn, text: str) -> None:
    """Before consent: say that written text was not stored (it is still on their screen)."""
    if text and not may_store(turn) and looks_like_content(text):
        turn.say(turn.t("memo_not_stored"))


def kept_with_answer(turn: Turn, question: Question, spec: object, text: str) -> None:
    """A yes or no with writing after it (「はい」 and then a work history): the answer is
    taken, and the writing is kept as a memo too."""
    if not isinstance(spec, YesNoAnswer) or question.action is not None or not may_store(turn):
        return
    rest = text.strip()
    first = next((i for i, ch in enumerate(rest) if ch.isspace() or ch in "、。,.!?！？"), None)
    rest = "" if first is None else rest[first:]
    if looks_like_content(rest):
        turn.say(notice(turn, text, "memo_kept_too"))

"""Taking answers: parsing, storing, coaching follow-ups, drafts and group entries."""

from __future__ import annotations

import re
from typing import Any

from bot.engine import coaching, flow, holding, prompting, reading_check, views
from bot.engine.answer_texts import ANSWER_MESSAGES
from bot.engine.answers import (
    Accepted,
    ChoiceAnswer,
    LongTextAnswer,
    MultiChoiceAnswer,
    NeedMore,
    ParseContext,
    Rejected,
    TextAnswer,
    YesNoAnswer,
    readback,
)
from bot.engine.commands import did_you_mean
from bot.engine.effects import Emit, SetConsent, SetLanguage
from bot.engine.model import Group, Question
from bot.engine.normalize import fold, normalize_text, single_line
from bot.engine.payloads import Payload, Reply
from bot.engine.results import Params
from bot.engine.suggestions import official_name, suggestion
from bot.engine.turn import Turn

_STUCK_AFTER = 3
_YES_NO = YesNoAnswer()


def parse_context(turn: Turn) -> ParseContext:
    """The context answer parsers need: today and the language."""
    return ParseContext(today=turn.ctx.today, lang=turn.lang)


def yes_no(turn: Turn, text: str, payload: Payload | None = None) -> bool | None:
    """A yes/no decision from a button or typed words (None if neither)."""
    if isinstance(payload, Reply) and payload.kind == "a" and payload.value in ("yes", "no"):
        return payload.value == "yes"
    result = _YES_NO.parse(text, parse_context(turn))
    return bool(result.value) if isinstance(result, Accepted) else None


def move_on(turn: Turn) -> None:
    """Go on after the open question (inside a group entry or in the dialog)."""
    question, group = views.current_question(turn)
    if group is not None:
        flow.advance_sub(turn, group, question)
    else:
        flow.advance_from(turn, question.id)


def text(turn: Turn, text: str) -> None:
    """Typed text that is not a command: what it means depends on the mode."""
    from bot.engine import memo_screens, memos  # (text written where it can't go is kept)

    mode = turn.state.mode
    if mode == "memos":
        memo_screens.typed(turn, text)
    elif mode == "ask":
        answer_text(turn, text)
    elif mode == "followup":
        followup(turn, text)
    elif mode == "no_consent":
        memos.say_not_stored(turn, text)
        gate = prompting.consent_dialog(turn.catalog)
        if gate is not None:
            prompting.ask_consent(turn, gate)
        else:
            prompting.begin(turn)
    elif mode == "more" and isinstance(yes := _YES_NO.parse(text, parse_context(turn)), Accepted):
        more(turn, bool(yes.value))
    elif mode == "confirm_cancel" and yes_no(turn, text) is not None:
        answer_confirm_cancel(turn, text)
    # The other screens take buttons: text written there rather than chosen is kept as a memo.
    elif memos.kept_at_buttons(turn, text):
        pass
    elif mode == "more":
        turn.say(prompting.choose_please(turn, text))  # names the buttons shown
        prompting.reprompt(turn)
    elif mode == "confirm_cancel":
        answer_confirm_cancel(turn, text)
    elif mode == "menu":
        turn.say(prompting.choose_please(turn, text, "menu_unknown"))
        prompting.reprompt(turn)
    elif mode in ("summary", "group_edit", "group_remove"):
        usual = "summary_hint" if mode == "summary" else None
        turn.say(prompting.choose_please(turn, text, usual))
        prompting.reprompt(turn)
    else:
        prompting.reprompt(turn)


def answer_text(turn: Turn, text: str) -> None:
    """Parse typed text as the answer to the open question."""
    question, group = views.current_question(turn)
    spec = turn.spec(question)
    part, text = text, holding.continued(turn, text)
    if _document(question, spec) and holding.may_continue(turn, part):
        # A document pasted on a platform that splits long messages (Telegram: 4,096
        # characters): read it once the rest has come, or when the person says that was all.
        holding.hold(turn, text, "paste")
        views.ask(turn)
        return
    if isinstance(spec, TextAnswer | LongTextAnswer) and holding.is_unknown(text):
        unknown(turn, question, group)
        return
    if (
        isinstance(spec, TextAnswer | LongTextAnswer)
        and question.optional
        and question.coach is None
        and holding.is_placeholder(text)
        and normalize_text(text)
    ):
        # 「特になし」 to an optional question: nothing to print, so the box stays empty.
        turn.say(turn.t("placeholder_optional", label=views.label(turn, question)))
        left_blank(turn, question)
        move_on(turn)
        return
    result = spec.parse(text, parse_context(turn), turn.state.partial)
    if isinstance(result, Rejected) and (word := did_you_mean(text)) is not None:
        # Not an answer, but one slip from a command word (「ヘプル」): ask, don't count it.
        views.ask(turn, notice=turn.t("did_you_mean", word=word))
        return
    from bot.engine import memos  # (see text())

    if isinstance(result, Rejected) and memos.kept_at_question(turn, question, spec, text):
        return  # written, not chosen (a work history pasted at yes/no): kept as a memo
    if isinstance(result, Rejected) and _keep_instead(turn, question, result, text):
        return
    if isinstance(result, Accepted) and reading_check.held_unless_reading(
        turn, question, result.value
    ):
        return
    if isinstance(result, Accepted) and _offer_official(turn, question, group, result.value):
        return
    if isinstance(result, Accepted):
        memos.kept_with_answer(turn, question, spec, text)  # 「はい」 and a work history
    take(turn, result)


def _document(question: Question, spec: object) -> bool:
    """A pasted document handed to an action and not stored (a 職務経歴書 to read)."""
    return isinstance(spec, LongTextAnswer) and not question.store and question.emit is not None


def _offer_official(turn: Turn, question: Question, group: Group | None, value: Any) -> bool:
    """A licence typed by its short name: offer the official one, keeping what was typed."""
    if group is None or not isinstance(value, str):
        return False
    official = official_name(turn.dialog.id, question.field, value)
    if official is None or holding.held(turn, "suggest") is not None:
        return False
    holding.hold(turn, official, "suggest", value)
    views.ask(turn, notice=turn.t("official_name", typed=value, official=official))
    return True


def use_typed(turn: Turn) -> None:
    """Keep the name as typed rather than the official one offered, or a reading not in kana."""
    kept = holding.held(turn, "suggest", "reading")
    if kept is None or not kept.get("extra"):
        prompting.reprompt(turn)
        return
    accept(turn, str(kept["extra"]))


def _keep_instead(turn: Turn, question: Question, result: Rejected, text: str) -> bool:
    """Keep text that can't be taken as it is (too long, or thin): the person decides."""
    spec = turn.spec(question)
    if not isinstance(spec, TextAnswer | LongTextAnswer):
        return False
    value = normalize_text(text)
    if not isinstance(spec, LongTextAnswer) and not spec.multiline:
        value = single_line(value)
    if result.reason == "too_long":
        holding.hold(turn, value, "long")
        views.ask(turn, notice=over_long_notice(turn, value, spec.max_length))
        return True
    if result.reason == "too_short" and question.coach is not None and value:
        coach(turn, value)
        return True
    return False


def over_long_notice(turn: Turn, value: str, limit: int) -> str:
    """What happened to an over-long answer, and what the person can do."""
    return turn.t("over_long", count=len(value), max=limit, excess=len(value) - limit)


def unknown(turn: Turn, question: Question, group: Group | None) -> None:
    """「わからない」 is not an answer to print: leave it open, suggesting what we can."""
    entry = turn.cursor.entry if group is not None else None
    suggested = suggestion(question.field, entry)
    if suggested is not None:
        holding.hold(turn, suggested.get(turn.lang), "suggest")
        views.ask(turn, notice=turn.t("unknown_suggest", suggestion=suggested.get(turn.lang)))
        return
    if question.optional:
        turn.say(turn.t("unknown_optional", label=views.label(turn, question)))
        left_blank(turn, question)
        move_on(turn)
        return
    views.ask(turn, notice=turn.t("unknown_required"))
    if question.examples:
        views.examples(turn)


def left_blank(turn: Turn, question: Question) -> None:
    """An optional question left blank: an action that takes its answer is told (no value)."""
    if question.emit is not None and not question.store:
        turn.emit(Emit(question.emit, turn.dialog.id))


def take(turn: Turn, result: Accepted | Rejected | NeedMore) -> None:
    """Act on a parse result: accept it, ask for the missing part, or explain the problem."""
    state = turn.state
    if isinstance(result, Accepted):
        accept(turn, result.value, note=result.note, note_params=result.note_params)
    elif isinstance(result, NeedMore):
        state.partial = result.partial
        turn.say(result.message(turn.lang))
    else:
        state.attempts += 1
        message = result.message(turn.lang)
        if state.attempts >= _STUCK_AFTER:
            views.stuck(turn, message)
        else:
            views.ask(turn, notice=message)


def accept(
    turn: Turn,
    value: Any,
    *,
    confirmed: bool = False,
    note: str | None = None,
    note_params: Params = (),
) -> None:
    """Store an accepted answer, run its action, coach once if thin, and move on.

    A thin answer (too short, vague, or a placeholder such as 「特になし」) is kept aside, not
    stored, while one follow-up asks for more; ``confirmed`` stores it as it is. ``note``
    (the parse result's) says how the answer was taken, once it is stored.
    """
    question, group = views.current_question(turn)
    if question.action == "set_language":
        turn.lang = "en" if value == "en" else "ja"
        turn.emit(SetLanguage(turn.lang))
        move_on(turn)
        return
    if question.action == "consent":
        turn.consented = bool(value)
        turn.emit(SetConsent(bool(value)))
        if not value:
            turn.state.active = None
            turn.state.mode = "no_consent"
            turn.say(turn.t("no_consent"))
            return
        move_on(turn)
        return
    if not confirmed and _thin(turn, question, value):
        coach(turn, value)
        return
    holding.release(turn)
    if question.store:
        store(turn, value)
    if (read := readback(turn.spec(question), value, turn.lang)) is not None:
        turn.say(read)  # how a date was read, e.g. 「1988年4月～1995年3月として記録しました。」
    if note is not None:
        turn.say(ANSWER_MESSAGES[note].format(turn.lang, **dict(note_params)))
    if question.options_from is not None and group is None and question.store:
        spec = turn.spec(question)
        assert isinstance(spec, ChoiceAnswer)
        label = {lang: spec.display(value, lang) for lang in ("ja", "en")}
        turn.save(turn.dialog.id, f"{question.field}{views.LABEL_SUFFIX}", label)
    if question.emit is not None:
        # An answer that is not stored travels with the action instead (a pasted document).
        carried = None if question.store else value
        turn.emit(Emit(question.emit, turn.dialog.id, carried))
    if question.after is not None:
        turn.say(question.after.get(turn.lang))
    move_on(turn)


def _thin(turn: Turn, question: Question, value: Any) -> bool:
    """Whether an answer gets the question's one follow-up (once per question and entry)."""
    rule = question.coach
    pos = turn.cursor.pos
    if rule is None or not isinstance(value, str) or pos is None:
        return False
    if holding.position_key(pos) in turn.cursor.coached:
        return False
    return coaching.assess(value, rule) is not None


def coach(turn: Turn, value: str) -> None:
    """Keep a thin answer aside and ask the question's follow-up."""
    cursor = turn.cursor
    assert cursor.pos is not None
    key = holding.position_key(cursor.pos)
    if key not in cursor.coached:
        cursor.coached.append(key)
    holding.hold(turn, value, "thin")
    turn.state.mode = "followup"
    turn.new_question()
    views.followup(turn)


def store(turn: Turn, value: Any) -> None:
    """Keep an answer: in the group entry being filled in, or as a stored answer."""
    question, group = views.current_question(turn)
    if group is not None:
        cursor = turn.cursor
        entry = cursor.entry if cursor.entry is not None else {}
        entry[question.field] = value
        cursor.entry = entry
    else:
        turn.save(turn.dialog.id, question.field, value)


def use_draft(turn: Turn, *, extend: bool) -> None:
    """Take the proposed draft as the answer; with ``extend``, ask what to add to it."""
    question, group = views.current_question(turn)
    entry = turn.cursor.entry if group is not None else None
    draft = turn.draft(question.draft, entry) if question.draft is not None else None
    if draft is None:
        prompting.reprompt(turn)
        return
    result = turn.spec(question).parse(draft, parse_context(turn))
    if not isinstance(result, Accepted) or not extend:
        take(turn, result)
        return
    store(turn, result.value)
    turn.state.mode = "followup"
    turn.new_question()
    turn.state.partial = "extend"
    views.followup(turn)


def followup(turn: Turn, text: str) -> None:
    """The answer to a follow-up: a fuller answer replaces a thin one, more is added to it.

    When it is unclear which is meant (「1」 typed for a button that isn't there), ask.
    """
    addition = normalize_text(text)
    if not addition:
        views.followup(turn)
        return
    kept = holding.held(turn, "thin")
    if turn.state.partial == "extend" or kept is None:
        # Adding to a draft just taken (or to an answer already stored).
        base = views.existing_value(turn)
        combine(turn, f"{base or ''}\n{addition}".strip(), "coach_added")
        return
    base = str(kept["value"])
    question, _group = views.current_question(turn)
    if holding.unclear_addition(addition) and holding.is_placeholder(base):
        # 「1」 after 「色々」: neither is an answer yet; say so and keep asking.
        turn.say(turn.t("coach_unclear", text=addition))
        views.followup(turn)
    elif holding.unclear_addition(addition) and not _restates(base, addition):
        holding.hold(turn, base, "merge", addition)
        turn.state.mode = "merge"
        turn.new_question()
        views.merge(turn)
    elif _replaces(base, addition, question):
        combine(turn, addition, "coach_replaced")
    else:
        combine(turn, f"{base}\n{addition}", "coach_added")


def _replaces(base: str, addition: str, question: Question) -> bool:
    """Whether a fuller answer takes the place of a thin one rather than adding to it.

    A placeholder, or a short answer on a vague word (「事務全般を担当」「いろいろ学んだ」),
    says nothing the fuller answer needs; nor does an answer the new one repeats.
    """
    if holding.is_placeholder(base) or fold(base) in fold(addition):
        return True
    rule = question.coach
    short = rule is not None and len(base) < rule.min_length
    vague = rule is not None and any(word in base for word in rule.vague)
    if short and vague and not holding.continues(addition):
        return True
    return _restates(base, addition)


def _restates(base: str, addition: str) -> bool:
    """Whether the addition restates the answer (「旋盤の仕事です」 → 「…部品を旋盤で削り…」)."""
    words = _content_words(base)
    return bool(words) and all(word in addition for word in words)


_CONTENT_WORD = re.compile(r"[\u4e00-\u9fff々\u30a0-\u30ffー]{2,}|[A-Za-z0-9]{2,}")
# Words every answer about work uses: they say nothing about which answer is restated.
_COMMON_WORDS = frozenset({"仕事", "担当", "業務", "作業", "関係", "全般", "職場", "会社", "毎日"})


def _content_words(text: str) -> list[str]:
    """The words that carry an answer's content (kanji and katakana runs, names, numbers)."""
    return [w for w in _CONTENT_WORD.findall(text) if w not in _COMMON_WORDS]


def combine(turn: Turn, value: str, said: str) -> None:
    """Take ``value`` (a replaced or extended answer) whatever it is: the follow-up was asked."""
    question, _group = views.current_question(turn)
    spec = turn.spec(question)
    result = spec.parse(value, parse_context(turn))
    if isinstance(result, Accepted):
        turn.say(turn.t(said))
        accept(turn, result.value, confirmed=True)
        return
    if result.reason == "too_long" and isinstance(spec, TextAnswer | LongTextAnswer):
        holding.hold(turn, value, "long")
        turn.state.mode = "ask"
        turn.new_question()
        views.ask(turn, notice=over_long_notice(turn, value, spec.max_length))
        return
    # Still too short (or otherwise not usable): keep it, and let the person keep it as it is.
    holding.hold(turn, value, "thin")
    turn.say(turn.t("coach_still_thin"))
    views.followup(turn)


def merge(turn: Turn, *, append: bool) -> None:
    """The person said whether the unclear addition replaces their answer or is added to it."""
    kept = holding.held(turn, "merge")
    if kept is None:
        prompting.reprompt(turn)
        return
    base, addition = str(kept["value"]), str(kept["extra"] or "")
    turn.state.mode = "followup"
    if append:
        combine(turn, f"{base}\n{addition}", "coach_added")
    else:
        combine(turn, addition, "coach_replaced")


def use_held(turn: Turn) -> None:
    """Take the text kept at this question as the answer (a thin one confirmed, a suggestion)."""
    kept = holding.held(turn, "thin", "merge", "suggest", "paste")
    if kept is None:
        prompting.reprompt(turn)
        return
    question, _group = views.current_question(turn)
    value = str(kept["value"])
    result = turn.spec(question).parse(value, parse_context(turn))
    turn.state.mode = "ask"
    if isinstance(result, Accepted):
        accept(turn, result.value, confirmed=True)
    else:
        # A confirmed thin answer may be shorter than the question asks: it is the person's.
        accept(turn, value, confirmed=True)


def _over_long(turn: Turn) -> tuple[str, TextAnswer | LongTextAnswer] | None:
    """The over-long text kept at the open question, and the question's text spec."""
    kept = holding.held(turn, "long")
    question, _group = views.current_question(turn)
    spec = turn.spec(question)
    if kept is None or not isinstance(spec, TextAnswer | LongTextAnswer):
        return None
    return str(kept["value"]), spec


def use_head(turn: Turn) -> None:
    """Use the beginning of an over-long answer; the rest is shown, so nothing is lost."""
    found = _over_long(turn)
    if found is None:
        prompting.reprompt(turn)
        return
    value, spec = found
    first = holding.head(value, spec.max_length)
    rest = value[len(first) :].strip()
    turn.say(turn.t("used_head", count=len(first)))
    if rest:
        turn.say(rest)
    result = spec.parse(first, parse_context(turn))
    if isinstance(result, Accepted):
        accept(turn, result.value, confirmed=True)
    else:
        take(turn, result)


def show_held(turn: Turn) -> None:
    """Give the kept over-long text back, to shorten and send again."""
    found = _over_long(turn)
    if found is None:
        prompting.reprompt(turn)
        return
    value, spec = found
    turn.say(turn.t("shorten_it", max=spec.max_length))
    turn.say(value)
    prompting.reprompt(turn)


def more(turn: Turn, add: bool) -> None:
    """Answer "is there another entry?": start one, insist on the minimum, or leave."""
    cursor = turn.cursor
    assert cursor.pos is not None
    group = turn.dialog.step(cursor.pos.step)
    assert isinstance(group, Group)
    entries = turn.answer(turn.dialog.id, group.field) or []
    # An entry begun and left by going back is picked up again, answers and all.
    begun = cursor.entry or {}
    if add and len(entries) < group.max_count:
        cursor.back.append(cursor.pos)
        flow.start_entry(turn, group, len(entries), begun)
    elif len(entries) < group.min_count:
        turn.say(turn.t("group_more_min", item=group.item.get(turn.lang), min=group.min_count))
        flow.start_entry(turn, group, len(entries), begun)
    else:
        cursor.entry = None
        if not add:
            cursor.back.append(cursor.pos)
        if not entries and turn.answer(turn.dialog.id, group.field) is None:
            # "None" is an answer too (e.g. no licences): record it as an empty list.
            turn.save(turn.dialog.id, group.field, [])
        flow.leave_group(turn, group)


def answer_confirm_cancel(turn: Turn, text: str, payload: Payload | None = None) -> None:
    """Answer "really stop this section?"."""
    decision = yes_no(turn, text, payload)
    if decision is None:
        turn.say(turn.t("yes_no_please"))
        prompting.reprompt(turn)
    elif decision:
        turn.state.resume = None
        turn.say(turn.t("cancelled"))
        flow.show_menu(turn)
    else:
        turn.say(turn.t("not_cancelled"))
        prompting.resume(turn)


def answer_button(turn: Turn, kind: str, value: str) -> None:
    """A pressed answer button: a choice, yes/no, or a tick in a multiple choice."""
    question, _ = views.current_question(turn)
    answer = turn.spec(question)
    if kind == "t" and isinstance(answer, MultiChoiceAnswer):
        if value in {option.value for option in answer.options}:
            selection = turn.state.selection
            if value in selection:
                selection.remove(value)
            else:
                selection.append(value)
        views.ask(turn)
        return
    if isinstance(answer, YesNoAnswer):
        accept(turn, value == "yes")
        return
    options = getattr(answer, "options", ())
    if kind == "a" and value in {option.value for option in options}:
        accept(turn, value)
        return
    prompting.reprompt(turn)

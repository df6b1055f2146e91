"""The juku in chat: joining with a code, the homework list, opening homework, leaving.

These are the service actions and the options source that dialogs/juku.yaml names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date
from typing import Any

from bot.engine import OpenSection, Text, as_lang
from bot.engine.choices import Option
from bot.engine.localized import Localized
from bot.juku import cohorts
from bot.juku.schedule import (
    HOMEWORK,
    JST,
    Cohort,
    booking_offer,
    homework_progress,
    next_session,
    session_statuses,
)
from bot.juku.texts import HOMEWORK_TITLES, cohort_title, short_date, status_report
from bot.service import ActionResult, EffectContext, SourceContext
from storage import repositories as repo

DIALOG = "juku"
L = Localized

_TEXTS = {
    "joined": L(
        "「{title}」に参加しました。宿題の期限が近づくと、このチャットでお知らせします。"
        "「塾」と送ると、いつでも日程と宿題を確かめられます。",
        "You have joined “{title}”. I'll remind you here when homework is due soon. "
        "Send “juku” (塾) at any time to see the schedule and your homework.",
    ),
    "left": L(
        "塾への参加をやめました。お知らせも止まります。また参加するときは「塾」と送ってください。",
        "You have left the course and the reminders have stopped. Send “juku” to join again.",
    ),
    "stay": L("引き続き、よろしくお願いします。", "Good — see you at the next session."),
}
_OPTIONS = {
    "schedule": L("日程と宿題の一覧（次回 {date}）", "Schedule and homework (next: {date})"),
    "schedule_over": L("日程と宿題の一覧", "Schedule and homework"),
    "homework": L("宿題：{title}（{date}まで）", "Homework: {title} (due {date})"),
    "started": L("宿題：{title}（途中・{date}まで）", "Homework: {title} (started, due {date})"),
    "late": L("遅れている宿題：{title}", "Overdue homework: {title}"),
    "catch_up": L("宿題：{title}（前の回の分）", "Homework: {title} (from an earlier session)"),
    "next": L(
        "次回の宿題：{title}（第{number}回 {date}）",
        "Next homework: {title} (session {number}, {date})",
    ),
    "booking": L("個別相談を予約する", "Book a consultation"),
    "menu": L("メニューに戻る", "Back to the menu"),
    "leave": L("塾への参加をやめる", "Leave the course"),
    "rejoin": L("参加コードを入れ直す", "Enter the course code again"),
}


def _answer(answers: Mapping[str, Any], field: str) -> Any:
    return answers.get(f"{DIALOG}.{field}")


def _clear(ctx: EffectContext, answers: Mapping[str, Any], *fields: str) -> None:
    """Forget one-off answers, so the next visit does not offer them as 「前回の回答」."""
    for field in fields:
        if _answer(answers, field) is not None:
            repo.save_answer(ctx.session, ctx.person_id, DIALOG, field, None, ctx.now)


def join_cohort(ctx: EffectContext) -> ActionResult:
    """Join the cohort whose code was just typed; an unknown code asks again (``bad_code``)."""
    answers = repo.current_answers(ctx.session, ctx.person_id)
    name = _answer(answers, "nickname")
    display = " ".join(name.split())[:40] if isinstance(name, str) and name.strip() else None
    membership = cohorts.join(
        ctx.session,
        ctx.person_id,
        str(_answer(answers, "code") or ""),
        display_name=display,
        answers=answers,
        now=ctx.now,
    )
    if membership is None:
        _clear(ctx, answers, "code")
        return ActionResult(event="bad_code")
    # Keep the code as the cohort has it, however it was typed: the options source finds
    # the cohort by it.
    cohort = membership.cohort
    repo.save_answer(ctx.session, ctx.person_id, DIALOG, "code", cohort.code, ctx.now)
    lang = as_lang(ctx.lang)
    today = ctx.now.astimezone(JST).date()
    joined = _TEXTS["joined"].format(lang, title=cohort_title(cohort, lang))
    report = status_report(cohort, answers, today, lang, _joined_on(membership))
    return ActionResult((Text(joined), Text(report)))


def _joined_on(membership: cohorts.Membership) -> date:
    joined = membership.joined_at
    # SQLite hands timestamps back without a zone; they were stored in UTC.
    aware = joined if joined.tzinfo is not None else joined.replace(tzinfo=UTC)
    return aware.astimezone(JST).date()


def juku_todo(ctx: SourceContext) -> Sequence[Option]:
    """The options of the juku's "what next" question: schedule, open homework, booking."""
    code = _answer(ctx.answers, "code")
    cohort = cohorts.find_cohort(ctx.session, str(code)) if code else None
    if cohort is None:
        return [_option("rejoin"), _option("menu")]
    today = ctx.now.astimezone(JST).date()
    membership = cohorts.membership_of(ctx.session, ctx.person_id)
    # The options of the joining turn are asked for before the join is stored: it is today.
    joined_on = _joined_on(membership) if membership is not None else today
    return todo_options(cohort, ctx.answers, today, joined_on)


def todo_options(
    cohort: Cohort, answers: Mapping[str, Any], today: date, joined_on: date | None = None
) -> list[Option]:
    """The schedule, the open homework so far and the next session's, booking, menu, leave.

    Every homework can also be opened by typing its name (「マネープラン」), even one that
    is done or not given yet: those are options without a button. Labels carry both
    languages, so the list is right whatever language the person uses.
    """
    upcoming = next_session(cohort, today)
    options = [
        _option("schedule_over", value="schedule")
        if upcoming is None
        else _option("schedule", value="schedule", dates=_dates(upcoming.held_on))
    ]
    offered: set[str] = set()
    for status in session_statuses(cohort, answers, today, joined_on):
        given = status.session.held_on <= today
        is_next = upcoming is not None and status.session.number == upcoming.number
        if status.status == "done" or not (given or is_next):
            continue
        for dialog_id, progress in status.dialogs:
            if progress == "done":
                continue
            kind = _homework_kind(status.status, progress, given, status.due, joined_on)
            title = HOMEWORK_TITLES[dialog_id]
            when = _dates(status.session.held_on if kind == "next" else status.due)
            label = L(
                _OPTIONS[kind].format(
                    "ja", title=title.ja, date=when["ja"], number=status.session.number
                ),
                _OPTIONS[kind].format(
                    "en", title=title.en, date=when["en"], number=status.session.number
                ),
            )
            options.append(Option(f"hw.{dialog_id}", label, (title.ja, title.en)))
            offered.add(dialog_id)
    if booking_offer(cohort, today) is not None:
        options.append(_option("booking"))
    options.extend([_option("menu"), _option("leave")])
    for dialog_id in (d for dialogs in HOMEWORK.values() for d in dialogs):
        if dialog_id not in offered:
            title = HOMEWORK_TITLES[dialog_id]
            label = L(f"宿題：{title.ja}", f"Homework: {title.en}")
            options.append(Option(f"hw.{dialog_id}", label, (title.ja, title.en), listed=False))
    return options


def _homework_kind(
    status: str, progress: str, given: bool, due: date, joined_on: date | None
) -> str:
    """Which wording a homework option gets: late, catching up, started, next or due."""
    if not given:
        return "next"
    if status == "late":
        return "late"
    if joined_on is not None and due <= joined_on:
        return "catch_up"  # due before the person joined: not late, just to catch up on
    return "started" if progress == "in_progress" else "homework"


def _dates(day: date) -> Mapping[str, str]:
    return {"ja": short_date(day, "ja"), "en": short_date(day, "en")}


def _option(
    key: str, *, value: str | None = None, dates: Mapping[str, str] | None = None
) -> Option:
    text = _OPTIONS[key]
    if dates is not None:
        text = L(text.format("ja", date=dates["ja"]), text.format("en", date=dates["en"]))
    return Option(value or key, text)


def juku_go(ctx: EffectContext) -> ActionResult:
    """Do what was chosen in the homework list: show the schedule, open homework or booking."""
    answers = repo.current_answers(ctx.session, ctx.person_id)
    choice = _answer(answers, "todo")
    _clear(ctx, answers, "todo", "todo__label")
    membership = cohorts.membership_of(ctx.session, ctx.person_id)
    if membership is not None:
        # Each visit is a chance to call off reminders of homework finished since.
        progress = homework_progress(answers)
        cohorts.schedule_reminders(ctx.session, membership, progress, ctx.now)
    if choice == "schedule" and membership is not None:
        lang = as_lang(ctx.lang)
        today = ctx.now.astimezone(JST).date()
        report = status_report(membership.cohort, answers, today, lang, _joined_on(membership))
        return ActionResult((Text(report),), event="again")
    homework = {d for dialogs in HOMEWORK.values() for d in dialogs}
    if isinstance(choice, str) and choice.startswith("hw.") and choice[3:] in homework:
        return ActionResult(follow=OpenSection(choice[3:]))
    if choice == "booking":
        # The booking dialog is opened by its payload only: nothing here depends on its code.
        return ActionResult(follow=OpenSection("booking"))
    if choice == "rejoin" or (choice == "schedule" and membership is None):
        _clear(ctx, answers, "code")
        return ActionResult(follow=OpenSection(DIALOG))
    return ActionResult()


def leave_cohort(ctx: EffectContext) -> ActionResult:
    """Leave the cohort after a yes (its reminders are cancelled), or stay after a no."""
    answers = repo.current_answers(ctx.session, ctx.person_id)
    lang = as_lang(ctx.lang)
    if _answer(answers, "leave") is not True:
        _clear(ctx, answers, "leave")
        return ActionResult((Text(_TEXTS["stay"].get(lang)),))
    cohorts.leave(ctx.session, ctx.person_id)
    _clear(ctx, answers, "leave", "code")
    return ActionResult((Text(_TEXTS["left"].get(lang)),))

"""The juku in chat: joining with a code, the homework list, opening homework, leaving.

These are the service actions and the options source that dialogs/juku.yaml names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
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
    return ActionResult((Text(joined), Text(status_report(cohort, answers, today, lang))))


def juku_todo(ctx: SourceContext) -> Sequence[Option]:
    """The options of the juku's "what next" question: schedule, open homework, booking."""
    code = _answer(ctx.answers, "code")
    cohort = cohorts.find_cohort(ctx.session, str(code)) if code else None
    if cohort is None:
        return [_option("rejoin"), _option("menu")]
    return todo_options(cohort, ctx.answers, ctx.now.astimezone(JST).date())


def todo_options(cohort: Cohort, answers: Mapping[str, Any], today: date) -> list[Option]:
    """The schedule, each open homework of sessions held so far, booking, menu, leave.

    Labels carry both languages, so the list is right whatever language the person uses.
    """
    upcoming = next_session(cohort, today)
    options = [
        _option("schedule_over", value="schedule")
        if upcoming is None
        else _option("schedule", value="schedule", dates=_dates(upcoming.held_on))
    ]
    for status in session_statuses(cohort, answers, today):
        if status.session.held_on > today or status.status == "done":
            continue
        for dialog_id, progress in status.dialogs:
            if progress == "done":
                continue
            kind = "late" if status.status == "late" else "homework"
            if kind == "homework" and progress == "in_progress":
                kind = "started"
            title, due = HOMEWORK_TITLES[dialog_id], _dates(status.due)
            label = L(
                _OPTIONS[kind].format("ja", title=title.ja, date=due["ja"]),
                _OPTIONS[kind].format("en", title=title.en, date=due["en"]),
            )
            options.append(Option(f"hw.{dialog_id}", label))
    if booking_offer(cohort, today) is not None:
        options.append(_option("booking"))
    options.extend([_option("menu"), _option("leave")])
    return options


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
        report = status_report(membership.cohort, answers, today, lang)
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

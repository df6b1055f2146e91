"""What juku participants and facilitators read: names, dates, statuses and the status report."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.engine.localized import Lang, Localized
from bot.juku.schedule import (
    Cohort,
    CohortSession,
    Progress,
    Status,
    booking_offer,
    next_session,
    session_statuses,
)

L = Localized

HOMEWORK_TITLES: Mapping[str, Localized] = {
    "lifeline": L("ライフラインチャート", "Life-line chart"),
    "work_history": L("職務経歴シート（様式2）", "Work history (sheet 2)"),
    "licenses": L("免許・資格（様式3-1）", "Licences and qualifications (sheet 3-1)"),
    "education_training": L("学習歴・訓練歴（様式3-2）", "Education and training (sheet 3-2)"),
    "will_can_must": L("Will・Can・Must", "Will, Can, Must"),
    "money_plan": L("マネープラン", "Money plan"),
    "career_design": L("多様なキャリアデザイン", "Career design options"),
    "career_plan": L("キャリア・プランシート（様式1）", "Career plan sheet (sheet 1)"),
}
THEMES: Mapping[int, Localized] = {
    1: L("キャリアの振り返り", "Looking back on your career"),
    2: L("リスキリングの方向性", "Your reskilling direction"),
    3: L("マネープランについて学ぶ", "Planning your money"),
    4: L("多様なキャリアデザイン", "Diverse career designs"),
}
SEASONS: Mapping[str, Localized] = {
    "spring": L("春", "spring"),
    "summer": L("夏", "summer"),
    "autumn": L("秋", "autumn"),
    "winter": L("冬", "winter"),
}
MODES: Mapping[str, Localized] = {
    "in_person": L("対面", "in person"),
    "online": L("オンライン", "online"),
}
STATUS_LABELS: Mapping[Status, Localized] = {
    "done": L("済", "done"),
    "in_progress": L("途中", "in progress"),
    "not_started": L("未着手", "not started"),
    "late": L("遅れ", "late"),
}
# What participants read about their own homework: gentler than the facilitator's words.
OWN_STATUS: Mapping[Status, Localized] = {
    "done": L("✓ 済", "✓ done"),
    "in_progress": L("途中", "in progress"),
    "not_started": L("まだ", "not yet"),
    "late": L("期限を過ぎています", "past the due date"),
}
PROGRESS_MARKS: Mapping[Progress, Localized] = {
    "done": L("✓ 済", "✓ done"),
    "in_progress": L("途中", "in progress"),
    "not_started": L("未着手", "not started"),
}
_WEEKDAYS_JA = "月火水木金土日"


def status_text(
    status: Status,
    done: int,
    total: int,
    lang: Lang,
    labels: Mapping[Status, Localized] = STATUS_LABELS,
) -> str:
    """A session's status with how much is done when it has several items: 「途中 (1/4)」."""
    label = labels[status].get(lang)
    if total > 1 and status in ("in_progress", "late"):
        return f"{label} ({done}/{total})"
    return label


def format_date(day: date, lang: Lang, today: date | None = None) -> str:
    """A date as people write it: 「11月26日（木）」, with the year when it is not this year."""
    same_year = today is not None and today.year == day.year
    if lang == "en":
        text = f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"
        return text if same_year else f"{text} {day.year}"
    text = f"{day.month}月{day.day}日（{_WEEKDAYS_JA[day.weekday()]}）"
    return text if same_year else f"{day.year}年{text}"


def short_date(day: date, lang: Lang) -> str:
    """A date without weekday or year, for button labels: 「11月26日」."""
    return f"{day.day} {day.strftime('%b')}" if lang == "en" else f"{day.month}月{day.day}日"


def theme(session: CohortSession, lang: Lang) -> str:
    """The session's theme: the facilitator's own, else the standard one."""
    return session.theme or THEMES[session.number].get(lang)


def session_title(session: CohortSession, lang: Lang, today: date | None = None) -> str:
    """「第2回 10月15日（木）リスキリングの方向性」."""
    when = format_date(session.held_on, lang, today)
    if lang == "en":
        return f"Session {session.number}, {when}: {theme(session, lang)}"
    return f"第{session.number}回 {when} {theme(session, lang)}"


def cohort_title(cohort: Cohort, lang: Lang) -> str:
    """「神奈川 2026年秋（秋・オンライン）」."""
    season, mode = SEASONS[cohort.season].get(lang), MODES[cohort.mode].get(lang)
    if lang == "en":
        return f"{cohort.name} ({season}, {mode})"
    return f"{cohort.name}（{season}・{mode}）"


_REPORT = {
    "next": L("次回：{title}", "Next: {title}"),
    "over": L(
        "全4回が終わりました。おつかれさまでした。", "All four sessions are over. Well done."
    ),
    "homework": L("　宿題（{due}まで）：{status}", "  Homework (due {due}): {status}"),
    "booking2": L(
        "第2回が終わりました。第3回までの間に、キャリアコンサルタントとの個別相談（無料）を"
        "受けられます。「予約」と送ると予約できます。",
        "Session 2 is over. Before session 3 you can have a free one-to-one consultation "
        "with a career consultant. Send “book” to book one.",
    ),
    "booking4": L(
        "第4回が終わりました。仕上げに、キャリアコンサルタントとの個別相談（無料）を受けられます。"
        "「予約」と送ると予約できます。",
        "Session 4 is over. To round off, you can have a free one-to-one consultation with a "
        "career consultant. Send “book” to book one.",
    ),
}


def status_report(
    cohort: Cohort,
    answers: Mapping[str, Any],
    today: date,
    lang: Lang,
    joined_on: date | None = None,
) -> str:
    """The participant's view: the next session, each session's homework and what is done."""
    title = cohort_title(cohort, lang)
    lines = [f"【{title}】" if lang == "ja" else f"[{title}]"]
    upcoming = next_session(cohort, today)
    if upcoming is None:
        lines.append(_REPORT["over"].get(lang))
    else:
        lines.append(_REPORT["next"].format(lang, title=session_title(upcoming, lang, today)))
    for status in session_statuses(cohort, answers, today, joined_on):
        lines.append("")
        lines.append(session_title(status.session, lang, today))
        label = status_text(status.status, status.done, len(status.dialogs), lang, OWN_STATUS)
        due = format_date(status.due, lang, today)
        lines.append(_REPORT["homework"].format(lang, due=due, status=label))
        for dialog_id, progress in status.dialogs:
            title = HOMEWORK_TITLES[dialog_id].get(lang)
            bullet = "    - " if lang == "en" else "　　・"
            separator = ": " if lang == "en" else "："
            lines.append(f"{bullet}{title}{separator}{PROGRESS_MARKS[progress].get(lang)}")
    offered = booking_offer(cohort, today)
    if offered is not None:
        lines.extend(["", _REPORT[f"booking{offered}"].get(lang)])
    return "\n".join(lines)

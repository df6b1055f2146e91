"""What people read about bookings: the purposes, details, confirmations and reminders."""

from __future__ import annotations

from datetime import datetime

from bot.booking.calendar import span_label
from bot.booking.config import BookingConfig, Location
from bot.engine.localized import Localized, as_lang
from storage.booking import BookingRow

L = Localized
# The five options of the centre's real post-consultation survey (seed 000), verbatim.
PURPOSES: dict[str, Localized] = {
    "current_job": L(
        "現在の勤務先におけるキャリアについて考える。",
        "To think about my career at my current workplace.",
    ),
    "career_change": L(
        "転職も視野に入れて今後のキャリアについて考える。",
        "To think about my future career, including changing jobs.",
    ),
    "later_life": L(
        "高齢期を見据えたキャリア・プランニングを行いたい。",
        "To plan my career with my later years in mind.",
    ),
    "training": L(
        "訓練の受講にあたって、実施したい。",
        "Because I am about to take vocational training.",
    ),
    "referred": L(
        "職業相談窓口や訓練担当窓口から相談コーナーの利用を勧奨された。",
        "A job or training counter recommended the consultation corner to me.",
    ),
}
# The other two questions of the survey (consultation_survey.yaml; a test keeps them equal).
HEARD_FROM: dict[str, str] = {
    "hellowork": "ハローワーク",
    "website": "ホームページ・インターネット",
    "employer": "勤務先",
    "school": "学校・訓練施設",
    "leaflet": "チラシ・ポスター",
    "acquaintance": "家族・知人の紹介",
    "other": "その他",
}
SATISFACTION: dict[str, str] = {
    "very_satisfied": "大変満足",
    "satisfied": "満足",
    "neutral": "どちらともいえない",
    "dissatisfied": "やや不満",
    "very_dissatisfied": "不満",
}
SURVEY_QUESTIONS: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        "相談コーナーにおけるキャリアコンサルティングの目的",
        "purpose",
        {key: text.ja for key, text in PURPOSES.items()},
    ),
    ("本事業をどこで知りましたか", "heard_from", HEARD_FROM),
    ("今回のキャリアコンサルティングの満足度", "satisfaction", SATISFACTION),
)
MODE_LABELS = {"in_person": L("対面", "In person"), "online": L("オンライン", "Online")}

MESSAGES: dict[str, Localized] = {
    "review": L("ご予約内容の確認です。\n{details}", "Please check your booking.\n{details}"),
    "booked": L(
        "ご予約を承りました。\n{details}\n"
        "前日と1時間前に、このチャットでお知らせします。カレンダー用のファイルも"
        "お送りします。\n変更・キャンセルは「予約確認」と送ってください"
        "（開始{cutoff}時間前まで）。",
        "Your consultation is booked.\n{details}\n"
        "We will remind you here the day before and one hour before. A calendar file "
        "is attached.\nTo change or cancel, send “my bookings” (until {cutoff} hours before "
        "the start).",
    ),
    "not_booked": L(
        "予約はしませんでした。また必要なときに「予約」と送ってください。",
        "Nothing was booked. Send “book” whenever you need a consultation.",
    ),
    "taken": L(
        "申し訳ありません。お選びの枠は、たった今ほかの方の予約で埋まりました。",
        "Sorry — that slot was just taken by someone else.",
    ),
    "next_free": L("近い空き枠：\n{slots}", "The next free slots:\n{slots}"),
    "no_free": L(
        "この場所には、いま空いている枠がありません。お手数ですが {contact} にご相談ください。",
        "There are no free slots here at the moment. Please contact {contact}.",
    ),
    "too_many": L(
        "すでに{count}件のご予約があります。新しく予約するには、先に「予約確認」から"
        "どれかをキャンセルしてください。",
        "You already have {count} upcoming bookings. To book another, first cancel one "
        "under “my bookings”.",
    ),
    "cancelled": L(
        "ご予約（{when}）をキャンセルしました。リマインダーも止めました。",
        "Your booking ({when}) is cancelled, and its reminders are stopped.",
    ),
    "kept": L("ご予約はそのままです。", "Your booking stays as it is."),
    "too_late": L(
        "開始{cutoff}時間前を過ぎたため、チャットでは変更・キャンセルができません。"
        "お手数ですが {contact} にご連絡ください。",
        "It is less than {cutoff} hours before the start, so the booking can no longer be "
        "changed here. Please contact {contact}.",
    ),
    "gone": L(
        "このご予約は、すでに終了したかキャンセルされています。",
        "This booking has already ended or been cancelled.",
    ),
    "rescheduled": L(
        "ご予約を変更しました（予約番号は変わりません）。\n{details}\n"
        "新しい日時でリマインダーをお送りします。",
        "Your booking is moved (the booking number stays the same).\n{details}\n"
        "Reminders will come for the new time.",
    ),
    "reminder_day": L(
        "【明日のご予約】\n{details}\n変更・キャンセルはお早めに {contact} へご連絡ください。",
        "[Your consultation tomorrow]\n{details}\n"
        "To change or cancel, please contact {contact} soon.",
    ),
    "reminder_hour": L(
        "【まもなくご予約の時間です】\n{details}", "[Your consultation starts soon]\n{details}"
    ),
    "survey_thanks": L(
        "ご回答ありがとうございました。今後のサービス改善に活用します。",
        "Thank you for your answers. They help us improve the service.",
    ),
    "card_attached": L(
        "作成中のジョブ・カード（{date}時点）を予約に添付しました。",
        "Your Job Card draft (as of {date}) is attached to the booking.",
    ),
}


def message(key: str, lang: str, **params: object) -> str:
    """A booking message in ``lang`` with its parameters filled in."""
    return MESSAGES[key].get(as_lang(lang)).format(**params)


def _ja(lang: str) -> bool:
    return as_lang(lang) == "ja"


def phone_line(config: BookingConfig, location: Location, lang: str) -> str:
    """「電話：045-311-5601」 for the place, else whom to contact about the booking."""
    if location.phone:
        return ("電話：" if _ja(lang) else "Phone: ") + location.phone
    return ("お問い合わせ：" if _ja(lang) else "Contact: ") + config.contact.get(as_lang(lang))


def place_lines(config: BookingConfig, booking: BookingRow, lang: str) -> list[str]:
    """Where to go (name, address, phone), or who holds the online consultation and how.

    Online, the person learns which centre it is, how to reach it and how the link comes.
    """
    location = config.location(booking.location_id)
    name = location.name.get(as_lang(lang))
    if booking.mode == "online":
        lines = [
            ("方法：オンライン相談" if _ja(lang) else "How: online consultation"),
            ("相談先：" if _ja(lang) else "With: ") + name,
            phone_line(config, location, lang),
            config.online.instructions.get(as_lang(lang)),
        ]
        url = meeting_url(config, booking)
        if url:
            lines.append(("参加用URL：" if _ja(lang) else "Link: ") + url)
        return lines
    label = "場所：" if _ja(lang) else "Place: "
    address = location.address.get(as_lang(lang))
    return [label + name, "　" + address, phone_line(config, location, lang)]


def meeting_url(config: BookingConfig, booking: BookingRow) -> str | None:
    """The online meeting link, if the configuration gives one."""
    template = config.online.meeting_url
    return template.replace("{uid}", booking.ical_uid) if template else None


def number_of(booking: BookingRow) -> int | None:
    """The booking number people are told (kept across reschedules); None before booking."""
    return booking.number or booking.id


def details(config: BookingConfig, booking: BookingRow, lang: str) -> str:
    """A booking as several lines: number, when, where or how, the purpose and the note."""
    when = ("日時：" if _ja(lang) else "When: ") + span_label(
        booking.starts_at, booking.ends_at, lang
    )
    lines = [when, *place_lines(config, booking, lang)]
    number = number_of(booking)
    if number is not None:
        lines.insert(0, ("予約番号：" if _ja(lang) else "Booking no.: ") + str(number))
    if booking.purpose in PURPOSES:
        label = "ご相談の目的：" if _ja(lang) else "Purpose: "
        lines.append(label + PURPOSES[booking.purpose].get(as_lang(lang)))
    if booking.note:
        lines.append(("ご連絡事項：" if _ja(lang) else "Note: ") + booking.note)
    return "\n".join(lines)


def change_summary(
    before: tuple[datetime, datetime], after: tuple[datetime, datetime], lang: str
) -> str:
    """「変更前：…／変更後：…」, so the person confirms knowing both times."""
    old, new = span_label(*before, lang), span_label(*after, lang)
    if _ja(lang):
        return f"ご予約の日時を次のとおり変更します。\n変更前：{old}\n変更後：{new}"
    return f"Your booking would move:\nFrom: {old}\nTo: {new}"


def short_label(config: BookingConfig, booking: BookingRow, lang: str) -> str:
    """One line for lists: 「11月25日（水）10:00〜10:50 ハローワーク横浜 相談コーナー」."""
    when = span_label(booking.starts_at, booking.ends_at, lang, year=False)
    if booking.mode == "online":
        return f"{when} {MODE_LABELS['online'].get(as_lang(lang))}"
    return f"{when} {config.location(booking.location_id).name.get(as_lang(lang))}"


def reminder(config: BookingConfig, booking: BookingRow, which: str) -> dict[str, str]:
    """An outbox ``message`` payload: both languages, chosen when it is sent."""
    key = "reminder_day" if which == "day_before" else "reminder_hour"
    return {
        lang: message(
            key,
            lang,
            details=details(config, booking, lang),
            contact=config.contact.get(as_lang(lang)),
        )
        for lang in ("ja", "en")
    }

"""What linking says to the person, in Japanese and English."""

from __future__ import annotations

from bot.engine.localized import Lang, Localized

L = Localized

TEXTS: dict[str, Localized] = {
    "code": L(
        "連携コードは {code} です（{minutes}分間有効、1回だけ使えます）。\n"
        "続けたい別の端末やアプリ（ブラウザ、Telegram、Slack）で「連携 {code}」と送ってください。"
        "同じジョブ・カードを、どちらからでも続けられるようになります。"
        "このコードはほかの人には教えないでください。",
        "Your link code is {code} (it works once, for {minutes} minutes).\n"
        "In the other app or browser you want to use (web, Telegram, Slack), send “link "
        "{code}”. You can then continue the same Job Card from either. Please keep this code "
        "to yourself.",
    ),
    "wrong": L(
        "この連携コードは見つからないか、有効期限（10分）が過ぎています。"
        "もとの端末で「連携」と送ると、新しいコードが出ます。（あと{left}回まちがえると、"
        "10分間お試しいただけなくなります）",
        "That link code wasn't found or has expired (codes work for 10 minutes). Send “link” "
        "on your other device for a new one. ({left} more wrong tries and linking pauses "
        "for 10 minutes.)",
    ),
    "locked": L(
        "連携コードのまちがいが続いたため、安全のため{until}まで連携をお休みしています。"
        "時間をおいて、もとの端末で新しいコードを出してからお試しください。",
        "There were too many wrong link codes, so for your safety linking is paused until "
        "{until}. Please try again later with a new code from your other device.",
    ),
    "own": L(
        "このコードは、この端末で出したものです。連携したい別の端末やアプリで送ってください。",
        "This code was made here. Please send it from the other device or app you want to link.",
    ),
    "already": L(
        "この端末はすでに連携されています。同じジョブ・カードを続けられます。",
        "This device is already linked: you're on the same Job Card.",
    ),
    "which": L(
        "どちらにもジョブ・カードの回答があります。どちらのカードを使い続けるか選んでください。"
        "使わないほうの回答は消えずに、ファイルでお渡しして記録にも残します。\n"
        "・こちらのカード：{here}\n・もう一方のカード：{there}",
        "Both have Job Card answers. Please choose which card to keep. The other one's "
        "answers are not thrown away: you'll get them as a file and they stay in your records.\n"
        "- This card: {here}\n- The other card: {there}",
    ),
    "keep_here": L("こちらのカードを使う", "Keep this card"),
    "keep_there": L("もう一方のカードを使う", "Keep the other card"),
    "card_summary": L("{name}、回答{count}件", "{name}, {count} answers"),
    "no_name": L("お名前なし", "no name"),
    "linked": L(
        "連携しました。これからは、どちらの端末やアプリからでも同じジョブ・カードを続けられます。"
        "お知らせは、最後に使った方にお送りします。やめるときは「連携解除」と送ってください。",
        "Linked. You can now continue the same Job Card from either device or app. Reminders "
        "go to the one you used last. To undo this, send “unlink”.",
    ),
    "exported": L(
        "使わなかったほうのカードの回答です。念のため保存しておいてください"
        "（「マイデータ」の記録にも残っています）。",
        "Here are the answers of the card you didn't keep, to save just in case (they also "
        "stay in your records under “my data”).",
    ),
    "unlinked": L(
        "この端末の連携を解除しました。ジョブ・カードはもう一方に残っています。"
        "ここでは新しく始められます。",
        "This device is no longer linked. Your Job Card stays with the other one; here you "
        "can start afresh.",
    ),
    "not_linked": L(
        "この端末は、ほかの端末やアプリと連携されていません。",
        "This device isn't linked to any other device or app.",
    ),
}


def say(key: str, lang: Lang, **params: object) -> str:
    """A linking text in ``lang``, placeholders filled."""
    return TEXTS[key].format(lang, **params)

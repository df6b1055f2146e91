"""The browser chat's own words (the conversation's come from the engine), Japanese and English."""

from __future__ import annotations

from bot.engine.localized import Lang, Localized

L = Localized

TEXTS: dict[str, Localized] = {
    "title": L("ジョブ・カード作成サポート", "Job Card coach"),
    "intro": L(
        "ようこそ。ここでは、質問にお答えいただきながら、ジョブ・カードを一緒に作っていきます。"
        "途中でやめても、このブラウザで開けば続きから再開できます。\n"
        "この画面の会話は、このブラウザに保存された番号でだけあなたのものと分かるようになっています。"
        "ブラウザの履歴やデータを消すと、最初からになります。別の端末やブラウザで続けたいときは、"
        "下の「別の端末で続ける」でコードを出しておいてください。",
        "Welcome. Here we'll make your Job Card together, one question at a time. You can stop "
        "at any point: open this page in the same browser and you'll continue where you left "
        "off.\nThis chat is known to be yours only by a number kept in this browser. If you "
        "clear the browser's data, you'll start from the beginning. To continue on another "
        "device or browser, get a code first with “Continue on another device” below.",
    ),
    "start": L("はじめる", "Start"),
    "have_code": L("別の端末で始めた方", "Started on another device?"),
    "resume_label": L("続けるためのコード", "Your code to continue"),
    "resume_button": L("この端末で続ける", "Continue here"),
    "resume_hint": L("例：K7QM-4TXP", "e.g. K7QM-4TXP"),
    "your_answer": L("回答を入力", "Your answer"),
    "send": L("送信", "Send"),
    "upload_label": L(
        "職務経歴書・履歴書のファイル（Word・PDF・テキスト、2MBまで）",
        "Your CV as a file (Word, PDF or text, up to 2 MB)",
    ),
    "upload": L("ファイルを送る", "Send the file"),
    "sending": L("送信しています…", "Sending…"),
    "working": L("作成しています。少しお待ちください…", "Working on it, one moment…"),
    "refresh_hint": L(
        "数秒でできあがります。表示が変わらないときは、下のボタンを押してください。",
        "This takes a few seconds. If nothing changes, press the button below.",
    ),
    "refresh": L("表示を新しくする", "Refresh"),
    "limit": L("{count} / {limit}文字", "{count} / {limit} characters"),
    "limit_static": L("{limit}文字まで", "Up to {limit} characters"),
    "newline_hint": L(
        "改行はそのまま送れます。「送信」で送ります。",
        "Line breaks are kept. Press “Send” to send.",
    ),
    # A one-line question's box: what the reply says too if line breaks are sent anyway.
    "one_line_hint": L(
        "この欄は1行で記録します（改行はスペースになります）。「送信」で送ります。",
        "This box is kept on one line (line breaks become spaces). Press “Send” to send.",
    ),
    "commands": L("操作", "Actions"),
    "cmd_back": L("戻る", "Back"),
    "cmd_skip": L("スキップ", "Skip"),
    "cmd_summary": L("まとめ", "Summary"),
    "cmd_menu": L("メニュー", "Menu"),
    "cmd_help": L("ヘルプ", "Help"),
    "cmd_card": L("ジョブ・カードを作成", "Make my Job Card"),
    "cmd_link": L("連携", "Link"),
    "cmd_resume": L("別の端末で続ける", "Continue on another device"),
    "you": L("あなた", "You"),
    "coach": L("コーチ", "Coach"),
    "download": L("{name} をダウンロード", "Download {name}"),
    "link_note": L(
        "リンクの有効期限は{hours}時間です。期限が過ぎたら、もう一度お申し付けください。",
        "The link works for {hours} hours. After that, just ask again.",
    ),
    "document_read": L(
        "（職務経歴書・履歴書の文章 {count:,}文字を送りました。"
        "読み取りに使い、文章そのものは保存していません）",
        "(You sent the text of your CV, {count:,} characters. It was read, and the text itself "
        "is not kept.)",
    ),
    "no_link": L(
        "このファイルは、この画面ではお渡しできません。Telegram や Slack でお受け取りください。",
        "This file can't be handed over on this page. Please get it on Telegram or Slack.",
    ),
    "resume_code": L(
        "別の端末で続けるためのコードです：{code}\n"
        "{minutes}分間、1回だけ使えます。別の端末でこのページを開き、"
        "「別の端末で始めた方」にこのコードを入力してください。次のリンクを開いても続けられます。\n"
        "{url}\n"
        "このコードを知っている人は、あなたの回答を見ることができます。ほかの人には教えないでください。",
        "Your code to continue on another device: {code}\n"
        "It works once, for {minutes} minutes. Open this page on the other device and enter "
        "the code under “Started on another device?”, or open this link:\n"
        "{url}\n"
        "Anyone with this code can see your answers, so please keep it to yourself.",
    ),
    "resume_title": L("この端末で続ける", "Continue on this device"),
    "resume_explain": L(
        "コードを確かめて「この端末で続ける」を押すと、別の端末での続きから再開します。",
        "Check the code and press “Continue here” to pick up where you left off.",
    ),
    "resume_wrong": L(
        "このコードでは続けられませんでした。コードが正しいか、有効期限（発行から{minutes}分）"
        "が過ぎていないかをお確かめください。もとの端末で「別の端末で続ける」を押すと、"
        "新しいコードが出ます。",
        "That code didn't work. Please check it, and that it was made less than {minutes} "
        "minutes ago. On your first device, “Continue on another device” gives a new code.",
    ),
    "back_to_chat": L("チャットに戻る", "Back to the chat"),
    "slow_down": L(
        "続けて送られたため、少しお休みしています。{seconds}秒ほど待ってから、"
        "もう一度「送信」を押してください。入力した内容はそのまま残しています。",
        "That was a lot of messages at once, so we've paused briefly. Please wait about "
        "{seconds} seconds and press “Send” again. What you typed is still here.",
    ),
    "expired_title": L("このリンクは使えません", "This link no longer works"),
    "expired": L(
        "このリンクは有効期限が切れたか、使える回数を超えました。チャットで"
        "「ジョブ・カードを作成」などとお送りいただくと、新しいリンクをお渡しします。",
        "This link has expired or has been used too many times. Ask again in the chat "
        "(for example “Make my Job Card”) and you'll get a new link.",
    ),
    "error_title": L("もう一度お試しください", "Please try again"),
    "forbidden": L(
        "この送信は受け付けられませんでした。ページを読み込み直してから、もう一度お送りください。"
        "入力した内容は、送る前にコピーしておくと安心です。",
        "We couldn't accept this form. Please reload the page and send it again (copy what "
        "you typed first, to be safe).",
    ),
    "language": L("English", "日本語"),
}


def text(key: str, lang: Lang, **params: object) -> str:
    """A text of the browser chat in ``lang``, placeholders filled."""
    return TEXTS[key].format(lang, **params)

"""What the memos say (see ``bot.engine.memos``), in Japanese and English."""

from __future__ import annotations

from typing import Final

from bot.engine.localized import Localized

L = Localized

MEMO_MESSAGES: Final[dict[str, Localized]] = {
    "memo_kept": L(
        "お送りいただいた文章（{count}文字）は、この質問の答えにはできませんでしたが、"
        "消さずに「メモ」に残しました。あとで文章で答える質問のときに「メモから入れる」を"
        "押すと、そのまま使えます。",
        "I couldn't take what you sent ({count} characters) as the answer to this question, "
        "but it isn't lost: I've kept it as a memo. At a question that asks for text, choose "
        "“Use a memo” to put it in as it is.",
    ),
    "memo_kept_here": L(
        "お送りいただいた文章（{count}文字）は、ここでは使えませんでしたが、消さずに"
        "「メモ」に残しました。文章で答える質問のときに「メモから入れる」を押すと使えます。",
        "I couldn't use what you sent ({count} characters) here, but it isn't lost: I've kept "
        "it as a memo. At a question that asks for text, choose “Use a memo” to put it in.",
    ),
    "memo_kept_too": L(
        "書いてくださった文章（{count}文字）は「メモ」にも残しました。あとで文章で答える質問の"
        "ときに「メモから入れる」で使えます。",
        "I've also kept what you wrote ({count} characters) as a memo, so you can use it later "
        "at a question that asks for text (“Use a memo”).",
    ),
    "memo_already": L(
        "お送りいただいた文章と同じものが、すでに「メモ」に残っています。文章で答える質問の"
        "ときに「メモから入れる」で使えます。",
        "The same text is already kept as a memo. At a question that asks for text, choose "
        "“Use a memo” to put it in.",
    ),
    "memo_full": L(
        "お送りいただいた文章は、「メモ」がいっぱい（{limit}件）のため残せませんでした。"
        "文章はお手元の画面に残っています。「メモ」と送ると、要らなくなったメモを削除できます。",
        "I couldn't keep what you sent, because you already have {limit} memos, the most I "
        "keep. Your text is still on your screen. Send “memo” to delete memos you no longer need.",
    ),
    "memo_not_stored": L(
        "お送りいただいた文章は、まだ保存していません。保存する前に、同意をいただく必要が"
        "あるためです（文章はお手元の画面に残っています）。",
        "I haven't stored what you sent: I need your agreement before I store anything "
        "(your text is still on your screen).",
    ),
    "memo_answer_as": L("この質問には、{hint}でお答えください。", "Please answer with {hint}."),
    "memo_btn_use": L("メモから入れる", "Use a memo"),
    "memo_none": L(
        "メモはまだありません。選んで答える質問に文章を送ったときなど、答えにできなかった"
        "文章は「メモ」に残ります。",
        "You have no memos yet. When you send writing that can't answer a question (at a "
        "question with options, for example), it is kept here as a memo.",
    ),
    "memo_list": L(
        "保存しているメモです（{count}件）。読みたいメモを選んでください。"
        "メモはジョブ・カードには載りません。",
        "Your memos ({count}). Choose one to read it. Memos never appear on your Job Card.",
    ),
    "memo_list_use": L(
        "この質問の答えに使うメモを選んでください（{count}件）。メモの文章が、そのまま答えに"
        "なります。",
        "Choose the memo to use as your answer ({count}). Its text goes in exactly as it is.",
    ),
    "memo_item": L("{first}（{count}文字）", "{first} ({count} characters)"),
    "memo_show": L("メモ（{count}文字）：\n{text}", "Memo ({count} characters):\n{text}"),
    "memo_btn_use_this": L("この質問の答えにする", "Use it for this question"),
    "memo_btn_delete": L("このメモを削除", "Delete this memo"),
    "memo_btn_list": L("メモの一覧へ", "All my memos"),
    "memo_btn_close": L("メモを閉じる", "Close memos"),
    "memo_confirm_delete": L(
        "このメモを削除しますか？削除すると元に戻せません。\n「{first}」",
        "Delete this memo? This can't be undone.\n“{first}”",
    ),
    "memo_deleted": L("メモを削除しました。", "The memo is deleted."),
    "memo_not_deleted": L(
        "削除しませんでした。メモはそのまま残っています。",
        "Nothing was deleted: the memo is still there.",
    ),
    "memo_used": L(
        "メモの文章を答えとして入れます。メモは消さずに残していますので、要らなくなったら"
        "「メモ」と送って削除できます。",
        "I'll put the memo's text in as your answer. The memo stays; send “memo” to delete it "
        "when you no longer need it.",
    ),
}

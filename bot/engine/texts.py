"""The engine's own messages (commands, menus, summaries), in Japanese and English."""

from __future__ import annotations

from bot.engine.localized import Lang, Localized
from bot.engine.memo_texts import MEMO_MESSAGES

L = Localized

MESSAGES: dict[str, Localized] = {
    # Welcome, resume, menu
    "welcome_back": L(
        "おかえりなさい。前回の続きから再開します。",
        "Welcome back. Let's continue where you left off.",
    ),
    "menu_title": L("メニュー：取り組む項目を選んでください。", "Menu: choose what to work on."),
    "menu_suggest": L("次のおすすめ：{title}", "Suggested next: {title}"),
    "menu_progress": L(
        "ジョブ・カードの進み具合：{done}/{total}項目が完了",
        "Job Card progress: {done} of {total} sections complete",
    ),
    "menu_all_done": L(
        "すべての項目が完了しています。内容の見直しもいつでもできます。",
        "Every section is complete. You can review any of them at any time.",
    ),
    "menu_unknown": L(
        "メニューの番号か項目名を送ってください。",
        "Please send the number or the name of a menu item.",
    ),
    "menu_item": L("{title}（{status}）", "{title} ({status})"),
    "status_done": L("完了", "done"),
    "status_partial": L("途中", "in progress"),
    "status_todo": L("未着手", "not started"),
    "section_start": L("【{title}】", "[{title}]"),
    "section_saved": L(
        "「{title}」を保存しました。お疲れさまでした。",
        "“{title}” is saved. Well done.",
    ),
    # Questions
    "progress": L("（{index}/{total}）", " ({index}/{total})"),
    "previous_answer": L(
        "前回の回答：{value}\n変えない場合は「そのまま」を押してください。",
        "Your previous answer: {value}\nPress “Keep” to leave it as it is.",
    ),
    "encourage_half": L("半分まで来ました。その調子です。", "You're halfway there. Keep going."),
    "encourage_half_2": L(
        "ここまでで半分です。ひとつずつ、言葉にできていますね。",
        "That's half of this section done. You're putting things into words one by one.",
    ),
    "encourage_half_3": L(
        "折り返しです。思い出しながら、ゆっくりで大丈夫です。",
        "Halfway. Take your time as you remember.",
    ),
    "encourage_last": L("これが最後の質問です。", "This is the last question."),
    "examples_title": L("記入例：", "Examples:"),
    "bullet": L("・", "• "),
    "no_examples": L(
        "この質問には記入例がありません。思いつくままに書いてみてください。",
        "There are no examples for this question. Just write what comes to mind.",
    ),
    "stuck": L(
        "うまく読み取れないようです。記入例を見る、ヘルプを見る、"
        "または「一時停止」してあとで続けることもできます。",
        "That still didn't work. You can look at examples, read the help, "
        "or pause and continue later.",
    ),
    "stuck_skip": L("この質問は「スキップ」もできます。", "You can also skip this question."),
    "cannot_skip": L(
        "この質問は飛ばせません。わからない場合は「ヘルプ」を送ってください。",
        "This question can't be skipped. Send “help” if you are unsure.",
    ),
    "skipped": L(
        "スキップしました。あとでまとめ画面から回答できます。",
        "Skipped. You can answer it later from the summary.",
    ),
    "skipped_plain": L("スキップしました。", "Skipped."),
    "kept": L("前回の回答のままにしました。", "Kept your previous answer."),
    "no_previous": L(
        "これが最初の質問です。これより前には戻れません。",
        "This is the first question; there is nothing before it.",
    ),
    "stale_button": L(
        "そのボタンの質問はすでに終わっています。いまの質問はこちらです。",
        "That button belongs to a question that is already closed. Here is the current one.",
    ),
    "unknown_command": L(
        "「{command}」というコマンドはありません。使えるコマンドは「ヘルプ」で確認できます。",
        "There is no command “{command}”. Send “help” to see the commands.",
    ),
    # What arrived was not plain text
    "unsupported_message": L(
        "申し訳ありません。スタンプや写真、音声、ファイルは読み取ることができません。"
        "文字で入力するか、ボタンを押してお答えください。",
        "Sorry, I can't read stickers, photos, voice messages or files. "
        "Please type your answer or press a button.",
    ),
    "edited_message": L(
        "送信したメッセージを編集しても、その内容は読み取られません。"
        "回答を直したいときは、「戻る」で前の質問に戻るか、「まとめ」から直したい項目を選んでください。",
        "I don't read edits to messages you have already sent. To change an answer, send "
        "“back” to return to the previous question, or “summary” to choose the one to change.",
    ),
    "unreadable_chars": L(
        "送っていただいたメッセージの中に、読み取れない文字がありました。"
        "その文字は「\ufffd」に置き換え、ほかはそのまま受け取っています。"
        "直したいときは、「戻る」か「まとめ」から入力し直してください。",
        "Some characters in your message could not be read. I've put “\ufffd” in their place "
        "and kept the rest as you wrote it. To correct it, use “back” or “summary” and "
        "type it again.",
    ),
    "coach_keep": L("このままで次へ", "Keep it and go on"),
    "draft_offer": L(
        "これまでの回答から下書きを作りました：\n――――\n{draft}\n――――\n"
        "このまま使う、書き足す、または自分の言葉で書き直して送ることができます。",
        "Here is a draft made from your earlier answers:\n――――\n{draft}\n――――\n"
        "Use it as it is, add to it, or send your own version instead.",
    ),
    "draft_offer_from": L(
        "{sources}をもとに、下書きを作りました：\n――――\n{draft}\n――――\n"
        "このまま使う、書き足す、または自分の言葉で書き直して送ることができます。",
        "I've drafted this from {sources}:\n――――\n{draft}\n――――\n"
        "Use it as it is, add to it, or send your own words instead.",
    ),
    "draft_extend": L(
        "書き足したいことを送ってください。下書きの後ろに付け加えます。",
        "Send what you'd like to add; it goes after the draft.",
    ),
    "coach_added": L("ありがとうございます。書き足しました。", "Thank you. I've added that."),
    "coach_replaced": L(
        "ありがとうございます。いまのお答えで置き換えました。",
        "Thank you. I've put that in place of your first answer.",
    ),
    "coach_unclear": L(
        "「{text}」だけでは、お答えとして受け取れませんでした。思い当たることを、短くても文で"
        "書いてみてください。書き足すことがなければ「このままで次へ」を押してください。",
        "I couldn't take “{text}” on its own as an answer. Try a short sentence about it; if "
        "there's nothing to add, press “Keep it and go on”.",
    ),
    "coach_still_thin": L(
        "ありがとうございます。もう少しだけ書き足していただけると、読む人によく伝わります。"
        "このままでよければ「このままで次へ」を押してください。",
        "Thank you. A little more would help a reader; if you'd rather keep it as it is, "
        "press “Keep it and go on”.",
    ),
    "merge_question": L(
        "「{addition}」は、さきほどのお答え「{answer}」に書き足しますか？それとも置き換えますか？",
        "Should “{addition}” be added to your answer “{answer}”, or replace it?",
    ),
    "btn_merge_append": L("書き足す", "Add it"),
    "btn_merge_replace": L("置き換える", "Replace it"),
    "held_answer": L(
        "お預かりしているお答え：{value}\n（まだ記録していません。よければ「この答えにする」を押してください）",
        "The answer I'm keeping for you: {value}\n(Not recorded yet: press “Use this answer” "
        "if it's right.)",
    ),
    "btn_use_held": L("この答えにする", "Use this answer"),
    "paste_more": L(
        "長い文章を受け取りました（ここまで{count}文字）。長いメッセージは、アプリが自動で"
        "いくつかに分けて送ることがあります。続きがあれば、そのまま送ってください。"
        "これで全部でしたら「これで全部です」を押してください。",
        "I've received a long text ({count} characters so far). Apps sometimes send a long "
        "message in several parts: if there is more, just send it. If that was all, press "
        "“That's all”.",
    ),
    "btn_paste_done": L("これで全部です", "That's all"),
    "btn_use_typed": L("入力したとおりにする", "Keep what I typed"),
    # A reading (ふりがな) that is not in kana: kept, and the person asked (check: reading).
    "reading_kana": L(
        "ふりがなは、ひらがなで入力していただけますか？{example}外国のお名前などで、いまの入力のままで"
        "よろしければ「入力したとおりにする」を押してください。",
        "Could you type the reading of your name in hiragana{example}? If your name is "
        "written in Latin letters, press “Keep what I typed”.",
    ),
    "reading_example": L("（例: {example}）", ", e.g. “{example}”"),
    "hint_reading": L(
        "ひらがなの読み（{max}文字以内）", "the reading in hiragana (up to {max} characters)"
    ),
    "reading_not_date": L(
        "生年月日は、ここではお聞きしていません。", "Your date of birth isn't asked here."
    ),
    "held_typed": L(
        "お預かりしている入力：{value}（まだ記録していません）",
        "What you typed, kept for you: “{value}” (not recorded yet)",
    ),
    "official_name": L(
        "「{typed}」は、正式には「{official}」という名称です。シートには正式な名称を書くと伝わりやすく"
        "なります。正式な名称でよければ「この答えにする」を、入力したままでよければ「入力したとおりにする」を"
        "押してください。",
        "The official name of “{typed}” is “{official}”, which reads best on the sheet. Press "
        "“Use this answer” for the official name, or “Keep what I typed”.",
    ),
    "over_long": L(
        "お送りいただいた文章は{count}文字あります。この欄には{max}文字まで書けるので、"
        "{excess}文字ほど短くする必要があります。文章は消さずにお預かりしています。\n"
        "「前半だけ使う」を押すと、{max}文字までの前半（文の切れ目まで）を使い、残りはこちらにお見せします。"
        "「自分で短くする」を押すと、文章をそのままお返ししますので、短くしてもう一度送ってください。",
        "Your text is {count} characters long; this box holds {max}, so about {excess} "
        "characters need to go. I've kept your text. “Use the first part” takes the beginning, "
        "up to {max} characters (to the end of a sentence), and shows you the rest. "
        "“Shorten it myself” gives your text back to shorten and send again.",
    ),
    "btn_use_head": L("前半だけ使う", "Use the first part"),
    "btn_show_held": L("自分で短くする", "Shorten it myself"),
    "used_head": L(
        "前半の{count}文字を記録しました。使わなかった残りの部分は次のとおりです"
        "（あとで「まとめ」から書き直すときにお使いください）。",
        "I've recorded the first {count} characters. Here is the rest, which I didn't use "
        "(you can work it in later from the summary):",
    ),
    "shorten_it": L(
        "お送りいただいた文章をそのままお返しします。{max}文字以内に短くして、もう一度送ってください。",
        "Here is your text as you sent it. Please shorten it to {max} characters or fewer and "
        "send it again.",
    ),
    "unknown_optional": L(
        "わからなければ、空欄のままで大丈夫です。「{label}」は未記入にしておきます。"
        "わかったときに「まとめ」から書き足せます。",
        "That's fine: I'll leave “{label}” blank. You can fill it in from the summary when "
        "you know.",
    ),
    "placeholder_optional": L(
        "承知しました。「{label}」は空欄にしておきます。あとで思いついたら「まとめ」から書き足せます。",
        "All right, I'll leave “{label}” blank. You can add to it later from the summary.",
    ),
    "unknown_required": L(
        "わからなくても大丈夫です。覚えている範囲で、だいたいのことを書いていただければ十分です。",
        "That's all right. Write what you remember, roughly; that is enough.",
    ),
    "unknown_suggest": L(
        "この資格でしたら、ふつうは「{suggestion}」です。よければ「この答えにする」を押してください。"
        "違う場合は正しい名称を送るか、「スキップ」で空欄のままにできます。",
        "For this qualification it is usually {suggestion}. Press “Use this answer” if that's "
        "right; otherwise send the correct name, or “skip” to leave it blank.",
    ),
    "btn_drop_entry": L("この項目の追加をやめる", "Stop adding this entry"),
    "entry_dropped": L(
        "追加しかけていた{item}を取り消しました。それまでに入力した{item}はそのまま残っています。",
        "I've dropped the {item} you were adding. The ones you finished before are kept.",
    ),
    "cannot_skip_entry": L(
        "この質問は飛ばせません。この項目の追加をやめる場合は「この項目の追加をやめる」を押してください。",
        "This question can't be skipped. To stop adding this entry, press “Stop adding this "
        "entry”.",
    ),
    "multi_hint": L(
        "当てはまるものを押して、最後に「決定」を押してください（番号を「1,3」のように送っても選べます）。",
        "Tick the ones that apply, then press “Done” (or send numbers such as “1,3”).",
    ),
    "multi_selected": L("選択中：{labels}", "Selected: {labels}"),
    "multi_none": L("まだ何も選ばれていません。", "Nothing is selected yet."),
    # Groups
    "group_entry": L("{item} {number}件目", " {item} #{number}"),
    "group_more_min": L(
        "{item}は少なくとも{min}件必要です。続けて次の{item}を入力してください。",
        "At least {min} {item} entries are needed. Please enter the next one.",
    ),
    "group_full": L(
        "{item}は{max}件まで入力できます。", "You can enter up to {max} {item} entries."
    ),
    "group_add": L("追加する", "Add another"),
    "group_done": L("これで全部", "That's all"),
    "group_edit_title": L("「{item}」の入力内容：", "Your {item} entries:"),
    "group_edit_entry": L("{number}件目を直す", "Edit #{number}"),
    "group_remove": L("削除する", "Remove one"),
    "group_remove_which": L("削除する{item}を選んでください。", "Which {item} should be removed?"),
    "group_removed": L("{number}件目を削除しました。", "Removed entry #{number}."),
    "group_empty": L("（まだありません）", "(none yet)"),
    # Summary
    "summary_title": L(
        "【{title}】の回答です。内容を確認してください。",
        "Your answers for [{title}]. Please check them.",
    ),
    "summary_hint": L(
        "よければ「確定する」を、直したい項目があればその番号を送ってください。",
        "If everything is right press “Confirm”; to change an item, send its number.",
    ),
    "summary_current": L(
        "これまでの回答です（いまの質問は続きから再開します）。",
        "Your answers so far (we'll carry on with the current question).",
    ),
    "unanswered": L("（未回答）", "(not answered)"),
    "confirm": L("確定する", "Confirm"),
    "edit_item": L("✏️ {label}", "✏️ {label}"),
    "summary_line": L("{number}. {label}：{value}", "{number}. {label}: {value}"),
    # Commands
    "help": L(
        "使えるコマンド：\n"
        "・戻る（/back）…前の質問に戻ります\n"
        "・スキップ（/skip）…任意の質問を飛ばします\n"
        "・例（/example）…記入例を見ます\n"
        "・まとめ（/summary）…ここまでの回答を見ます\n"
        "・一時停止（/pause）…中断して、あとで続きから再開します\n"
        "・中止（/cancel）…この項目をやめてメニューに戻ります（回答は残ります）\n"
        "・メニュー（/menu）…メニューを開きます\n"
        "・English / 日本語（/lang）…言語を切り替えます\n"
        "・ジョブ・カードを作成（/card）…いまの回答でジョブ・カードを作ります\n"
        "・連携（/link）…ほかのアプリやブラウザでも、同じジョブ・カードを続けられるようにします\n"
        "・メモ（/memo）…答えにできなかった文章を残した「メモ」を見たり、削除したりします\n"
        "・マイデータ（/mydata）…保存されたデータを受け取ります\n"
        "・データ削除（/delete）…保存されたデータをすべて削除します",
        "Commands:\n"
        "• back (/back) – go to the previous question\n"
        "• skip (/skip) – skip an optional question\n"
        "• example (/example) – see examples\n"
        "• summary (/summary) – see your answers so far\n"
        "• pause (/pause) – stop now and continue later\n"
        "• cancel (/cancel) – leave this section for the menu (answers are kept)\n"
        "• menu (/menu) – open the menu\n"
        "• “日本語” (Japanese) / “English” (/lang) – switch language\n"
        "• card (/card) – make your Job Card from your answers so far\n"
        "• link (/link) – continue the same Job Card from another app or the browser\n"
        "• memo (/memo) – read or delete your memos (writing kept when it couldn't answer)\n"
        "• my data (/mydata) – receive the data stored about you\n"
        "• delete (/delete) – delete everything stored about you",
    ),
    "paused": L(
        "ここまでの回答は保存しました。続けるときは、何かメッセージを送ってください。",
        "Your answers so far are saved. Send any message when you want to continue.",
    ),
    "confirm_cancel": L(
        "「{title}」を中止してメニューに戻りますか？ここまでの回答は残ります。",
        "Leave “{title}” and go back to the menu? Your answers so far are kept.",
    ),
    "cancelled": L("中止しました。回答は保存されています。", "Stopped. Your answers are saved."),
    "not_cancelled": L("では、続けましょう。", "All right, let's continue."),
    "yes": L("はい", "Yes"),
    "no": L("いいえ", "No"),
    "confirm_delete": L(
        "保存されているあなたのデータ（回答・履歴・設定）をすべて削除します。元に戻せません。よろしいですか？",
        "This deletes all data stored about you (answers, history, settings). "
        "It cannot be undone. Are you sure?",
    ),
    "deleted": L(
        "すべてのデータを削除しました。ご利用ありがとうございました。"
        "またいつでも /start で始められます。",
        "All your data has been deleted. Thank you for using the service. "
        "Send /start to begin again at any time.",
    ),
    "not_deleted": L("削除を取りやめました。データはそのままです。", "Nothing was deleted."),
    "language_set": L("日本語で続けます。", "I'll continue in English."),
    "making_card": L(
        "いまの回答でジョブ・カードを作成しています。少しお待ちください。",
        "Making your Job Card from your answers so far. This takes a moment.",
    ),
    "btn_card": L("ジョブ・カードを作成", "Make my Job Card"),
    "mydata": L(
        "保存されているあなたのデータをお送りします。",
        "Here is the data stored about you.",
    ),
    "yes_no_please": L("「はい」か「いいえ」でお答えください。", "Please answer “Yes” or “No”."),
    # Re-prompts that name the buttons actually shown ({a}, {labels}: already quoted).
    "choose_two": L("{a}か{b}を選んでください。", "Please choose {a} or {b}."),
    "choose_labels": L("{labels}のどれかを選んでください。", "Please choose {labels}."),
    "choose_number": L(
        "1〜{count}の番号で選んでください。", "Please send a number from 1 to {count}."
    ),
    "choose_number_or": L(
        "1〜{count}の番号か、{labels}のどれかを選んでください。",
        "Please send a number from 1 to {count}, or choose {labels}.",
    ),
    "choose_which": L(
        "「{typed}」に当てはまるものが複数あります。{labels}のどれですか？",
        "“{typed}” matches more than one. Which do you mean: {labels}?",
    ),
    "did_you_mean": L(
        "もしかして「{word}」ですか？ そうでしたら、「{word}」と送ってください。",
        "Did you mean “{word}”? If so, please send “{word}”.",
    ),
    # Consent
    "no_consent": L(
        "同意いただけなかったため、回答は保存しません。このまま閉じていただいて大丈夫です。"
        "気が変わったら、何かメッセージを送ってください。",
        "Since you did not agree, nothing you type will be stored. "
        "You can simply close this chat. "
        "If you change your mind, send any message.",
    ),
    # Buttons
    "btn_keep": L("そのまま", "Keep"),
    "btn_use_draft": L("この下書きを使う", "Use this draft"),
    "btn_extend_draft": L("下書きに書き足す", "Add to the draft"),
    "btn_skip": L("スキップ", "Skip"),
    "btn_examples": L("例を見る", "Examples"),
    "btn_help": L("ヘルプ", "Help"),
    "btn_pause": L("一時停止", "Pause"),
    "btn_done": L("決定", "Done"),
    "btn_menu": L("メニュー", "Menu"),
    "btn_back": L("戻る", "Back"),
    "btn_language": L("English", "日本語"),
    "btn_mydata": L("マイデータ", "My data"),
    "reply_lost": L(
        "通信が一時的に途切れたため、さきほどのお返事が届いていないかもしれません。"
        "お答えは記録しています。続きはこちらです。",
        "The connection dropped for a moment, so my last reply may not have reached you. "
        "Your answer was saved; here is where we are.",
    ),
    "error": L(
        "申し訳ありません。うまく処理できませんでした。もう一度送ってください。これまでの回答は保存されています。",
        "Sorry, something went wrong on our side. Please send that again; "
        "your earlier answers are safe.",
    ),
    **MEMO_MESSAGES,
}


def t(key: str, lang: Lang, **params: object) -> str:
    """The built-in message ``key`` in ``lang``, with placeholders filled in."""
    text = MESSAGES[key].get(lang)
    # Most messages (every button's label) have nothing to fill in: formatting would copy.
    if not params and "{" not in text and "}" not in text:
        return text
    return text.format(**params)

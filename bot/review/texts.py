"""What the chat says about a review, in polite Japanese and in English."""

from __future__ import annotations

from bot.engine.localized import Localized

L = Localized

NOT_SUBMITTED = L(
    "提出しませんでした。準備ができたら、いつでも「提出」と送ってください。",
    "Not submitted. Send “submit” whenever you are ready.",
)
NOT_RESUBMITTED = L("再提出しませんでした。", "Not resubmitted.")
NOT_WITHDRAWN = L("取り下げませんでした。", "Nothing was withdrawn.")
WITHDRAWN = L(
    "提出を取り下げました。また提出するときは「提出」と送ってください。",
    "Your submission is withdrawn. Send “submit” to submit again.",
)
SUBMITTED = L(
    "「{centre}」に提出しました（第{number}版）。"
    "カウンセラーからコメントが届いたら、チャットでお知らせします。\n"
    "提出したあとも回答は直せます。カウンセラーが見るのは、提出した時点の版です。",
    "Submitted to {centre} (version {number}). You will be told here when your counselor "
    "comments.\nYou can keep editing your answers; the counselor sees the version you "
    "submitted.",
)
RESUBMITTED = L(
    "再提出しました（第{number}版）。前の版から{changed}か所が変わっています。"
    "カウンセラーの確認をお待ちください。",
    "Resubmitted (version {number}); {changed} field(s) changed since the last version. "
    "Your counselor will review it.",
)
NO_COMMENT = L("そのコメントは見つかりません。", "That comment no longer exists.")
REVISE = L(
    "この回答を直しましょう。直し終えたら、もう一度「コメント」と送ってください。"
    "次のコメントや再提出に進めます。",
    "Let's revise this answer. When you are done, send “comments” again for the next "
    "comment or to resubmit.",
)
RESOLVED = L("このコメントを「対応済み」にしました。", "This comment is marked as done.")
OPEN_LEFT = L(
    "まだ「対応済み」になっていないコメントが{count}件あります。"
    "直し終えていれば、このまま再提出できます。",
    "{count} comment(s) are not marked as done yet. If you have revised those answers, "
    "you can resubmit now.",
)
STATUS = L("提出の状況：{state}（第{number}版）", "Your submission: {state} (version {number})")
COMMENT = L(
    "【カウンセラーのコメント】{where}\n{body}\n（{author}さん・第{number}版へのコメント）\n\n"
    "【いまの回答】\n{current}",
    "[Counselor's comment] {where}\n{body}\n({author}, on version {number})\n\n"
    "[Your answer now]\n{current}",
)
UNANSWERED = L("（未記入）", "(not answered)")

CLOSE = L("閉じる", "Close")
CLOSE_NONE = L("閉じる（未対応のコメントはありません）", "Close (no open comments)")
CLOSE_NOT_SUBMITTED = L("閉じる（まだ提出していません）", "Close (not submitted yet)")
OPTION_RESUBMIT = L("修正を終えて再提出する", "Resubmit my revised card")
OPTION_WITHDRAW = L("提出を取り下げる", "Withdraw my submission")
NO_CENTRES = L("提出先がまだ登録されていません（閉じる）", "No centre is set up yet (close)")

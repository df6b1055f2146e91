"""What the console itself says (its keys, goodbye, a file it can't find), in both languages."""

from __future__ import annotations

from bot.engine.localized import Localized

# Shown once when an interactive chat starts: how to send, break a line and quit.
KEYS_HINT = Localized(
    ja=(
        "（Enter で送信します。改行は Alt+Enter（または Esc のあと Enter）です。"
        "貼り付けた文章は改行ごと1つの回答になります。終了は Ctrl+D か Ctrl+C です）"
    ),
    en=(
        "(Enter sends. For a line break press Alt+Enter, or Esc then Enter. "
        "A pasted text stays one answer, line breaks and all. Ctrl+D or Ctrl+C quits.)"
    ),
)
GOODBYE = Localized(
    ja=(
        "おつかれさまでした。回答は保存されています。"
        "もう一度 jobcard chat を起動すると、続きから再開できます。"
    ),
    en="Goodbye. Your answers are saved: run jobcard chat again to pick up where you left off.",
)
UNSENT = Localized(
    ja="入力中だった文章は送信していません（上に表示されたままです）。",
    en="The text you were typing was not sent (it is still shown above).",
)
STOPPED = Localized(
    ja="コンソールを続けられなくなりました",
    en="The console could not go on",
)
# 「/import 職務経歴書.docx」: a file on this computer is read as if it had been sent.
IMPORT_COMMAND = "/import "
NO_FILE = Localized(
    ja=(
        "ファイル「{path}」が見つかりません。"
        "場所と名前を確かめて、もう一度「/import ファイル名」と送ってください。"
    ),
    en="There is no file “{path}”. Check its place and name, then send “/import FILE” again.",
)

"""Recognise commands typed as words or slashes (「戻る」, /back, back …) in either language."""

from __future__ import annotations

import unicodedata
from typing import Literal

Command = Literal[
    "start",
    "back",
    "skip",
    "keep",
    "examples",
    "summary",
    "pause",
    "cancel",
    "help",
    "menu",
    "lang",
    "lang_ja",
    "lang_en",
    "mydata",
    "delete",
    "card",
]

_WORDS: dict[str, Command] = {}
for _command, _words in {
    "start": ("start", "はじめる", "始める", "スタート"),
    "back": ("back", "戻る", "もどる", "前へ", "前に戻る", "ひとつ前", "一つ前"),
    "skip": ("skip", "スキップ", "とばす", "飛ばす", "パス"),
    "keep": ("keep", "そのまま", "このまま", "変更なし"),
    "examples": ("example", "examples", "例", "例を見る", "記入例", "れい"),
    "summary": ("summary", "まとめ", "回答を確認", "回答一覧"),
    "pause": ("pause", "一時停止", "中断", "あとで", "後で", "休憩"),
    "cancel": ("cancel", "中止", "やめる", "キャンセル"),
    "help": ("help", "ヘルプ", "使い方", "?", "たすけて", "助けて"),
    "menu": ("menu", "メニュー", "めにゅー"),
    "lang": ("lang", "language", "言語"),
    "lang_ja": ("日本語", "japanese"),
    "lang_en": ("english", "英語"),
    "mydata": ("mydata", "my data", "マイデータ", "私のデータ"),
    "delete": ("delete", "delete my data", "データ削除", "データを削除"),
    "card": (
        "card",
        "ジョブ・カードを作成",
        "ジョブカードを作成",
        "ジョブ・カード",
        "ジョブカード",
        "カード作成",
    ),
}.items():
    for _word in _words:
        _WORDS[unicodedata.normalize("NFKC", _word).casefold()] = _command  # type: ignore[assignment]


def parse_command(text: str) -> Command | str | None:
    """Return the command a message stands for, the unknown ``/word`` typed, or None.

    Only a whole message is a command word, so an answer that merely contains 「戻る」
    is still an answer. Anything starting with ``/`` is never an answer.
    """
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    slashed = folded.startswith("/")
    words = folded.lstrip("/").split("@", 1)[0].split()
    if len(words) == 2 and _WORDS.get(words[0]) == "lang" and words[1] in ("ja", "en"):
        return "lang_ja" if words[1] == "ja" else "lang_en"
    if slashed:
        command = _WORDS.get(words[0]) if len(words) == 1 else None
        return command if command is not None else folded.split(maxsplit=1)[0]
    return _WORDS.get(folded.rstrip("。.!！"))

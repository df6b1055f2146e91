"""Recognise commands typed as words or slashes (「戻る」, /back, back …) in either language."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from bot.engine.readings import kana_fold

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
    "link",
    "unlink",
    "memo",
]


def _fold(text: str) -> str:
    """Width, case and katakana/hiragana folded: 「へるぷ」 and 「ヘルプ」 are one word."""
    return kana_fold(unicodedata.normalize("NFKC", text).strip().casefold())


_WORDS: dict[str, Command] = {}
# How each command word is written, by its folded form (to name it in a suggestion).
_SPELLING: dict[str, str] = {}
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
        "make my job card",
        "job card",
        "ジョブ・カードを作成",
        "ジョブカードを作成",
        "ジョブ・カード",
        "ジョブカード",
        "カード作成",
    ),
    "link": ("link", "連携", "れんけい", "アカウント連携"),
    "unlink": ("unlink", "連携解除", "連携を解除"),
    "memo": ("memo", "memos", "メモ", "めも", "メモ一覧", "メモを見る"),
}.items():
    for _word in _words:
        _WORDS[_fold(_word)] = _command  # type: ignore[assignment]
        _SPELLING.setdefault(_fold(_word), _word)


def parse_command(text: str) -> Command | str | None:
    """Return the command a message stands for, the unknown ``/word`` typed, or None.

    Only a whole message is a command word, so an answer that merely contains 「戻る」
    is still an answer. Anything starting with ``/`` is never an answer.
    """
    folded = _fold(text)
    slashed = folded.startswith("/")
    words = folded.lstrip("/").split("@", 1)[0].split()
    if len(words) == 2 and _WORDS.get(words[0]) == "lang" and words[1] in ("ja", "en"):
        return "lang_ja" if words[1] == "ja" else "lang_en"
    if slashed:
        command = _WORDS.get(words[0]) if len(words) == 1 else None
        return command if command is not None else folded.split(maxsplit=1)[0]
    return _WORDS.get(folded.rstrip("。.!！"))


# Near-misses are looked for only among words long enough that one slip still leaves them
# recognisable (「ヘプル」 for ヘルプ, "hlep" for help); 「例」 or "?" have no near-miss.
_SUGGEST_FROM: Final = 3
_SUGGEST_UP_TO: Final = 12


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of two neighbours as one edit; stops early past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


def did_you_mean(text: str) -> str | None:
    """The command word ``text`` looks like a slip of (「ヘプル」→「ヘルプ」), if just one command.

    Only short messages that are no command themselves; one slip is allowed, two in words of
    six letters or more. Returns the word as it is usually written, to show the person.
    """
    folded = _fold(text).lstrip("/").rstrip("。.!！?？")
    if not _SUGGEST_FROM <= len(folded) <= _SUGGEST_UP_TO or folded in _WORDS:
        return None
    best: dict[Command, tuple[int, str]] = {}
    for word, command in _WORDS.items():
        if len(word) < _SUGGEST_FROM:
            continue
        limit = 2 if min(len(word), len(folded)) >= 6 else 1
        distance = _distance(folded, word, limit)
        if distance <= limit and (command not in best or distance < best[command][0]):
            best[command] = (distance, word)
    if not best:
        return None
    closest = min(distance for distance, _ in best.values())
    found = [word for distance, word in best.values() if distance == closest]
    return _SPELLING[found[0]] if len(found) == 1 else None


_HERE = ("here", "こちら", "この端末", "このカード")
_THERE = ("there", "other", "相手", "あちら", "もう一方")


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """「連携」 (a new code), 「連携 123456」 (join with a code, ``keep`` which card when
    both have answers: ``here`` this identity's, ``there`` the other's) or 「連携解除」."""

    code: str | None = None
    keep: Literal["here", "there"] | None = None
    unlink: bool = False


def parse_link(text: str) -> LinkRequest | None:
    """The linking request a whole message makes, or None (「連携 123 456」 is one code).

    Only the command word alone or followed by digits asks anything: other text that
    starts with 「連携」 is an answer.
    """
    words = _fold(text).lstrip("/").rstrip("。.!！").split()
    command = _WORDS.get(words[0]) if words else None
    if command == "unlink":
        return LinkRequest(unlink=True) if len(words) == 1 else None
    if command != "link":
        return None
    keep: Literal["here", "there"] | None = None
    if len(words) > 2 and words[-1] in _HERE + _THERE:
        keep = "here" if words[-1] in _HERE else "there"
        words = words[:-1]
    code = "".join(words[1:]).replace("-", "")
    if code and not (code.isascii() and code.isdigit() and len(code) <= 10):
        return None  # 「連携して働いた」 is an answer, never a code
    return LinkRequest(code or None, keep)

"""Sentences in one voice: plain endings (「〜した。」「〜と思う。」) made polite (です・ます).

Only the last word of a sentence changes, and only where the polite form is certain; anything
else is left exactly as the person wrote it. Nouns are never touched.
"""

from __future__ import annotations

import re

# Whole last words whose polite form is known (godan verbs can't be told apart by their ending).
_WORDS: dict[str, str] = {
    "なった": "なりました",
    "行った": "行いました",
    "おこなった": "おこないました",
    "言った": "言いました",
    "使った": "使いました",
    "作った": "作りました",
    "持った": "持ちました",
    "取った": "取りました",
    "知った": "知りました",
    "思った": "思いました",
    "頑張った": "頑張りました",
    "がんばった": "がんばりました",
    "関わった": "関わりました",
    "携わった": "携わりました",
    "変わった": "変わりました",
    "向き合った": "向き合いました",
    "手伝った": "手伝いました",
    "学んだ": "学びました",
    "取り組んだ": "取り組みました",
    "読んだ": "読みました",
    "進んだ": "進みました",
    "選んだ": "選びました",
    "楽しんだ": "楽しみました",
    "ついた": "つきました",
    "付いた": "付きました",
    "働いた": "働きました",
    "気づいた": "気づきました",
    "気付いた": "気付きました",
    "書いた": "書きました",
    "聞いた": "聞きました",
    "聴いた": "聴きました",
    "わかった": "わかりました",
    "分かった": "分かりました",
    "思う": "思います",
    "考える": "考えます",
    "続ける": "続けます",
    "感じる": "感じます",
    "覚える": "覚えます",
    "働く": "働きます",
    "行う": "行います",
    "学ぶ": "学びます",
    "目指す": "目指します",
    "取り組む": "取り組みます",
    "活かす": "活かします",
    "生かす": "生かします",
    "増やす": "増やします",
    "伸ばす": "伸ばします",
    "深める": "深めます",
    "高める": "高めます",
    "身につける": "身につけます",
    "身に付ける": "身に付けます",
    "支える": "支えます",
    "伝える": "伝えます",
    "持つ": "持ちます",
    "取る": "取ります",
    "かかる": "かかります",
    "わかる": "わかります",
    "分かる": "分かります",
    "終わる": "終わります",
    "頑張る": "頑張ります",
    "がんばる": "がんばります",
    "困る": "困ります",
    "助かる": "助かります",
    "残る": "残ります",
    "送る": "送ります",
    "守る": "守ります",
    "登る": "登ります",
    "受ける": "受けます",
    "なる": "なります",
    "やる": "やります",
    "使う": "使います",
    "関わる": "関わります",
    "しまう": "しまいます",
    "しまった": "しまいました",
    "ある": "あります",
    "あった": "ありました",
    "いる": "います",
    "いた": "いました",
    "だ": "です",
    "だった": "でした",
    "である": "です",
    "であった": "でした",
}
# Endings whose polite form follows from the ending itself, longest first.
_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ている", "ています"),
    ("ていた", "ていました"),
    ("てきた", "てきました"),
    ("ていく", "ていきます"),
    ("ていきたい", "ていきたいです"),
    ("でいる", "でいます"),
    ("でいた", "でいました"),
    ("できる", "できます"),
    ("できた", "できました"),
    ("したい", "したいです"),
    ("たい", "たいです"),
    ("した", "しました"),
    ("する", "します"),
    ("じた", "じました"),
    ("じる", "じます"),
    ("かった", "かったです"),
    ("苦手", "苦手です"),
    ("得意", "得意です"),
    ("不安", "不安です"),
    ("好き", "好きです"),
    ("嫌い", "嫌いです"),
    ("心配", "心配です"),
    ("大切", "大切です"),
    ("必要", "必要です"),
    ("同じ", "同じです"),
    ("ていない", "ていません"),
    ("できない", "できません"),
    ("わからない", "わかりません"),
    ("分からない", "分かりません"),
    ("がない", "がありません"),
    ("はない", "はありません"),
    ("もない", "もありません"),
    ("たくない", "たくないです"),
    ("がいい", "がいいです"),
    ("がよい", "がよいです"),
    ("しい", "しいです"),
)
_POLITE_ALREADY = re.compile(r"(?:です|ます|ました|ません|でした|ましょう|ください)$")
_E_ROW_PAST = re.compile(r"[えけげせぜてでねへべぺめれ]た$")
_WORD_BEFORE = re.compile(r"[ぁ-ゖ]+$")


# A closing note in brackets (「…身についた（計画の立案）。」) follows the sentence's ending.
_TRAILING_NOTE = re.compile(r"(?:[（(][^（）()]*[）)])+$")


def _polite_end(sentence: str) -> str:
    note = _TRAILING_NOTE.search(sentence)
    if note is not None and note.start() > 0:
        return _polite_end(sentence[: note.start()]) + note.group(0)
    if _POLITE_ALREADY.search(sentence):
        return sentence
    for plain, polite in sorted(_WORDS.items(), key=lambda item: -len(item[0])):
        if sentence.endswith(plain) and _word_boundary(sentence, plain):
            return sentence[: -len(plain)] + polite
    for plain, polite in _ENDINGS:
        if sentence.endswith(plain):
            return sentence[: -len(plain)] + polite
    if _E_ROW_PAST.search(sentence):
        # 〜えた (続けた, 覚えた, 身につけた): an ichidan verb's past, always 〜えました.
        return sentence[:-1] + "ました"
    return sentence


def _word_boundary(sentence: str, word: str) -> bool:
    """Whether ``word`` at the end of ``sentence`` is a whole word, not the tail of another."""
    head = sentence[: -len(word)]
    if not head:
        return True
    # 「楽だ」 ends in だ, but 「ただ」 or 「まだ」 would not be a copula: require a non-kana
    # (kanji, punctuation …) or a particle-like kana before one-kana words.
    if len(word) == 1:
        return not _WORD_BEFORE.search(head) or head.endswith(("の", "な"))
    return True


_SENTENCE = re.compile(r"([^。！？!?\n]+)([。！？!?]?)")


def polite(text: str) -> str:
    """``text`` with each sentence's plain ending in the polite form, where that is certain."""
    parts: list[str] = []
    for line in text.split("\n"):
        pieces = []
        for match in _SENTENCE.finditer(line):
            body, mark = match.group(1), match.group(2)
            stripped = body.rstrip()
            pieces.append(_polite_end(stripped) + body[len(stripped) :] + mark)
        parts.append("".join(pieces))
    return "\n".join(parts)

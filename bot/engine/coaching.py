"""One coaching policy for every free-text answer: when is an answer thin, and what to ask.

An answer is thin when it is a placeholder (特になし, 色々 …), shorter than the question's
minimum, uses one of its vague words, or has none of the concrete elements the question
expects (a number, who it was for, a result, a "by when"). The follow-up quotes the
person's words and asks only for what is missing — never for what the answer already has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.localized import Lang, Localized
from bot.engine.model import Coaching
from bot.engine.thin import VAGUE_WORDS, is_placeholder

# Every long free-text question without a rule of its own gets this one.
DEFAULT = Coaching(min_length=10, vague=VAGUE_WORDS, followup=None)

ELEMENTS: dict[str, re.Pattern[str]] = {
    "number": re.compile(
        r"[0-9０-９]|[一二三四五六七八九十百千万]+(?:人|名|件|社|台|個|年|か月|ヶ月|円|割|回|店)"
        r"|数(?:十|百|千)|\b(?:one|two|three|four|five|ten|hundred)\b",
        re.IGNORECASE,
    ),
    "whom": re.compile(
        r"お客|顧客|利用者|患者|入居者|取引先|社内|部署|チーム|上司|部下|後輩|新人|生徒|学生|子ども"
        r"|地域|住民|メーカー|店舗|向け|のため|相手|ユーザー|家族"
        r"|customer|client|patient|resident|team|colleague|user|for\s",
        re.IGNORECASE,
    ),
    "result": re.compile(
        r"達成|改善|削減|短縮|向上|増加|増え|伸び|伸ば|成果|結果|貢献|表彰|評価|減ら|下げ|上げ|売上"
        r"|目標|成功|喜ば|感謝|ありがとう|improv|increas|reduc|result|achiev|award|thank",
        re.IGNORECASE,
    ),
    "when": re.compile(
        r"[0-9０-９]+\s*(?:年|月|歳)|年度|までに|以内|来年|今年|半年|か月|ヶ月|春|夏|秋|冬|今月|来月"
        r"|\bby\b|within|\b(?:19|20)\d{2}\b|\bnext\s+(?:year|month|week|spring|summer|autumn"
        r"|fall|winter)\b|this year|months?\b|january|february|march|april|may\b|june|july"
        r"|august|september|october|november|december|spring|summer|autumn|winter",
        re.IGNORECASE,
    ),
}
_ASK: dict[str, Localized] = {
    "number": Localized(
        "件数・人数・金額・期間など、数字で表せることはありますか？",
        "Is there anything you can put in numbers — cases, people, amounts, how long?",
    ),
    "whom": Localized(
        "誰に向けた（誰のための）仕事でしたか？",
        "Who was it for (customers, a department, residents …)?",
    ),
    "result": Localized(
        "その結果、どんな成果や変化がありましたか？",
        "What came of it — a result, or something that changed?",
    ),
    "when": Localized(
        "いつまでに取り組むかも書けると、より具体的になります。",
        "Adding by when makes it more concrete.",
    ),
}
_QUOTE_LIMIT = 30
_VAGUE_WITHIN = 40


@dataclass(frozen=True, slots=True)
class Assessment:
    """Why an answer is thin, and which expected elements it lacks."""

    placeholder: bool
    short: bool
    vague: bool
    missing: tuple[str, ...]


def assess(value: str, rule: Coaching) -> Assessment | None:
    """Whether ``value`` is thin under ``rule`` (None when it is not)."""
    placeholder = is_placeholder(value)
    short = len(value) < rule.min_length
    # A vague word thins a short answer; in a long, concrete one it is just a word.
    vague = len(value) < max(2 * rule.min_length, _VAGUE_WITHIN) and any(
        word in value for word in rule.vague
    )
    missing = tuple(name for name in rule.expects if not ELEMENTS[name].search(value))
    lacking = bool(rule.expects) and len(missing) == len(rule.expects)
    if not (placeholder or short or vague or lacking):
        return None
    return Assessment(placeholder, short, vague, missing)


def quote(value: str) -> str:
    """The person's words to quote back: the first sentence, shortened for a question."""
    first = re.split(r"[。\n!?！？]", value.strip(), maxsplit=1)[0].strip()
    if len(first) > _QUOTE_LIMIT:
        first = first[: _QUOTE_LIMIT - 1] + "…"
    return first


def followup(value: str, rule: Coaching, lang: Lang, own: str | None) -> str:
    """The one follow-up question for a thin answer; ``own`` is the question's own follow-up."""
    found = assess(value, rule) or Assessment(False, False, False, ())
    words = quote(value)
    if found.placeholder or not words:
        if own is not None:
            return own
        return Localized(
            "大丈夫です。小さなことでも構いませんので、思い当たることを一つ教えていただけますか？",
            "That's all right. Even something small will do: could you tell me one thing "
            "that comes to mind?",
        ).get(lang)
    lead = Localized(f"「{words}」ですね。", f"“{words}”: thank you.").get(lang)
    if found.missing:
        asks = " ".join(_ASK[name].get(lang) for name in found.missing)
        return f"{lead}{'' if lang == 'ja' else ' '}{asks}"
    rest = own or Localized(
        "もう少し詳しく教えていただけますか？", "Could you tell me a little more?"
    ).get(lang)
    return f"{lead}{'' if lang == 'ja' else ' '}{rest}"

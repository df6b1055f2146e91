"""Drafts of the career-plan boxes, composed from the person's own answers in one voice.

Pure and deterministic. A draft never invents a fact: it is made only of the person's own
phrases (their sentences, with plain endings put in the polite form) and the fixed connecting
words in :data:`CONNECTORS`. Each draft also says which answers it was made from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.engine.localized import Lang, Localized
from bot.engine.normalize import fold
from bot.engine.polite import polite
from bot.engine.thin import is_placeholder, is_vague

# The words a draft may add around the person's phrases, per language (the test checks this).
CONNECTORS: dict[Lang, tuple[str, ...]] = {
    "ja": (
        "を大切にしています。",
        "のころの",
        "は、満足度の高い経験でした。",
        "が得意です。",
        "があります。",
        "が苦手です。",
        "を身につけたいと考えています。",
        "これから、",
        "満足度が高かった時期を振り返ると、",
        "満足度が高かった時期に共通するのは、",
        "が強みです。",
        "での経験から、",
        "では、",
        "を身につけました。",
        "一方で、",
        "が課題です。",
        "そのために、",
        "やりたいこと・できること・求められていることが重なるのは、",
        "です。",
        "までに",
        "の取得を目指します。",
        "から",
        "の",
        "を受講します。",
        "を身につけるための学び直しを考えています。",
        "を身につけるために、",
        "「",
        "」",
        "、",
        "。",
        "\n",
    ),
    "en": (
        " was a high point.",
        "I'm good at ",
        "I'm not so good at ",
        "Next I want to learn ",
        "I value ",
        "Looking back at my high points: ",
        "My strengths: ",
        "At ",
        ", ",
        "On the other hand: ",
        "To work on this: ",
        "Where what I want, can do and am asked to do overlap: ",
        "By ",
        ", I aim to obtain ",
        "From ",
        ", I will take ",
        " at ",
        "I want to learn ",
        "To learn ",
        ".",
        ". ",
        "\n",
    ),
}
_MAX_JOBS = 3
# An answer about the high points together (「どちらも…」 "In both …"), which needs them named.
_BOTH = re.compile(r"\s*(?:どちらも|どれも|いずれも|両方とも|(?:in )?both\b|each time\b)", re.I)
_SENTENCES = re.compile(r"[^。！？!?\n]+[。！？!?]?")
# A phrase ending in a noun (「〜こと」「〜力」「粘り強さ」) reads as a list item, not a sentence.
_NOUN_END = re.compile(
    r"(?:こと|事|力|さ|性|感|心|姿勢|経験|知識|技術|技能|環境|もの|点|ところ|資格|スキル|能力|方法|習慣"
    r"|職|業務|役割|立場)"
    r"[。]?$"
)


@dataclass(frozen=True, slots=True)
class Draft:
    """A composed draft and the answers it came from."""

    text: str
    sources: tuple[Localized, ...]


def _text(answers: Mapping[str, Any], key: str) -> str | None:
    value = answers.get(key)
    if not isinstance(value, str) or not value.strip() or is_placeholder(value):
        return None
    return value.strip()


def _sentences(text: str) -> list[str]:
    """The sentences of an answer, bullets and spaces at their edges removed."""
    found = []
    for match in _SENTENCES.finditer(text):
        sentence = match.group(0).strip().lstrip("・-*●○ ").strip()
        if sentence:
            found.append(sentence)
    return found


def _ended(sentence: str, lang: Lang) -> str:
    if lang == "en":
        return sentence if sentence.endswith((".", "!", "?", "。")) else sentence + "."
    return sentence if sentence.endswith(("。", "！", "？", "!", "?")) else sentence + "。"


def _nouns(sentences: Sequence[str]) -> bool:
    return bool(sentences) and all(_NOUN_END.search(s) for s in sentences)


def _list(sentences: Sequence[str]) -> str:
    """Noun phrases joined as one list: 「Aこと、Bこと」."""
    return "、".join(s.rstrip("。") for s in sentences)


def _prose(text: str, lang: Lang) -> str:
    """An answer as sentences in the polite form."""
    sentences = _sentences(text)
    if lang == "en":
        return " ".join(_ended(s, lang) for s in sentences)
    return "".join(_ended(polite(s), lang) for s in sentences)


def _as(text: str, lang: Lang, *, noun_suffix: str, en_prefix: str) -> str:
    """Noun phrases as one sentence with ``noun_suffix``; full sentences as polite prose."""
    sentences = _sentences(text)
    if lang == "ja":
        # Each run of noun phrases becomes one sentence, so an answer mixing a sentence and a
        # phrase (「実感があった。居場所があったこと。」) never leaves a fragment.
        out: list[str] = []
        run: list[str] = []
        for sentence in [*sentences, ""]:
            if sentence and _nouns([sentence]):
                run.append(sentence)
                continue
            if run:
                suffix = noun_suffix
                if suffix == "が得意です。" and _ABILITY.search(run[-1]):
                    # 「まとめる力が得意です」 reads oddly: an ability is had.
                    suffix = "があります。"
                out.append(_list(run) + suffix)
                run = []
            if sentence:
                out.append(_ended(polite(sentence), lang))
        return "".join(out)
    if lang == "en" and len(sentences) == 1 and en_prefix:
        phrase = sentences[0].rstrip(".")
        if not sentences[0].endswith(".") or len(phrase.split()) <= _EN_PHRASE_WORDS:
            # A short phrase ("Pulling ideas together.") says what, not yet whether good or not.
            return en_prefix + phrase[:1].lower() + phrase[1:] + "."
    return _prose(text, lang)


_ABILITY = re.compile(r"(?:力|能力|スキル)。?$")
_EN_PHRASE_WORDS = 5


def _fit(parts: list[str], limit: int, lang: Lang) -> str:
    """Join parts in order, leaving out later ones that would not fit the box."""
    joined = ""
    sep = "" if lang == "ja" else " "
    for part in parts:
        candidate = f"{joined}{sep}{part}" if joined else part
        if len(candidate) <= limit:
            joined = candidate
    return joined


L = Localized
_SRC_VALUES = L("ライフラインの「大切にしている価値観」", "your values (life-line)")
_SRC_PEAKS = L("ライフラインの「高い時期の共通点」", "what your high points share (life-line)")
_SRC_STRENGTHS = L("ライフラインの「強み」", "your strengths (life-line)")
_SRC_LEARNED = L("職務経歴の「学んだこと」", "what each job taught you (work history)")
_SRC_WEAKNESS = L("ライフラインの「弱み」", "your weaknesses (life-line)")
_SRC_WILL = L("Will・Can・Mustの「Will」", "your Will")
_SRC_OVERLAP = L("Will・Can・Mustの「重なるところ」", "where Will, Can and Must overlap")
_SRC_DIRECTION = L(
    "Will・Can・Mustの「これから学ぶこと」", "what you will learn next (Will/Can/Must)"
)
_SRC_GAP = L("Will・Can・Mustの「足りないもの」", "the gap (Will/Can/Must)")
_SRC_PLANNED = L("免許・資格の「取得予定」", "planned qualifications")
_SRC_TRAINING = L("学習歴・訓練歴の「訓練歴」", "your training plans")
_SRC_DESIGN = L("キャリアデザインのまとめ", "your career design summary")


def values_interests(answers: Mapping[str, Any], lang: Lang, limit: int = 800) -> Draft | None:
    """＜価値観、興味、関心事項など＞ from the life-line's values and what its peaks share."""
    parts: list[str] = []
    sources: list[Localized] = []
    lead = _lead(lang, "満足度が高かった時期を振り返ると、")
    values = _text(answers, "lifeline.values")
    if values:
        value = _as(values, lang, noun_suffix="を大切にしています。", en_prefix="I value ")
        # Values drafted from the peaks say 「どちらも…」: name the high points it refers to.
        parts.append(lead + value if _BOTH.match(values) else value)
        sources.append(_SRC_VALUES)
    common = _text(answers, "lifeline.peak_common")
    if common and values and (common in values or values in common):
        common = None  # the values were drafted from the peaks: say it once
    if common:
        shared = _sentences(common)
        if lang == "ja" and _nouns(shared):
            # 「任されていたこと。」 alone is a fragment: say what the high points share.
            parts.append("満足度が高かった時期に共通するのは、" + _list(shared) + "です。")
        elif lang == "ja":
            parts.append(
                lead + _as(common, lang, noun_suffix="を大切にしています。", en_prefix="")
            )
        else:
            parts.append(lead + _prose(common, lang))
        sources.append(_SRC_PEAKS)
    return _draft(parts, sources, limit, lang)


def strengths(answers: Mapping[str, Any], lang: Lang, limit: int = 800) -> Draft | None:
    """＜強みなど＞ from the life-line's strengths, what each job taught, and the weaknesses."""
    parts: list[str] = []
    sources: list[Localized] = []
    own = _text(answers, "lifeline.strengths")
    if own:
        parts.append(_as(own, lang, noun_suffix="が強みです。", en_prefix="My strengths: "))
        sources.append(_SRC_STRENGTHS)
    learned = _job_lessons(answers, lang)
    if learned:
        parts.extend(learned)
        sources.append(_SRC_LEARNED)
    weakness = _text(answers, "lifeline.weakness")
    if weakness:
        weak = _as(weakness, lang, noun_suffix="が課題です。", en_prefix="")
        parts.append(_lead(lang, "一方で、") + weak)
        effort = _text(answers, "lifeline.weakness_effort")
        if effort:
            parts.append(_lead(lang, "そのために、") + _prose(effort, lang))
        sources.append(_SRC_WEAKNESS)
    return _draft(parts, sources, limit, lang)


def _job_lessons(answers: Mapping[str, Any], lang: Lang) -> list[str]:
    """The first sentence of what each job taught (latest jobs first), summarised per job."""
    jobs = [job for job in answers.get("work_history.jobs") or [] if isinstance(job, dict)]

    def started(job: dict[str, Any]) -> str:
        period = job.get("period")
        start = period.get("start") if isinstance(period, dict) else None
        return start if isinstance(start, str) else ""

    lessons = []
    for job in sorted(jobs, key=started, reverse=True)[:_MAX_JOBS]:
        learned = job.get("learned")
        employer = job.get("employer")
        if not isinstance(learned, str) or is_placeholder(learned):
            continue
        # The first sentence that says something (「いろいろ学んだ」 says nothing yet).
        first = [s for s in _sentences(learned) if not is_vague(s)][:1]
        if not first:
            continue
        name = employer.strip() if isinstance(employer, str) else ""
        lessons.append(_lesson(first[0], name, lang))
    return lessons


def _lesson(sentence: str, employer: str, lang: Lang) -> str:
    """One job's lesson: 「A社では、Bを身につけました。」 or 「A社での経験から、B。」."""
    if lang == "en":
        return (f"At {employer}, " if employer else "") + _ended(sentence, lang)
    if _nouns([sentence]):
        body = sentence.rstrip("。") + "を身につけました。"
        return f"{employer}では、{body}" if employer else body
    body = _ended(polite(sentence), lang)
    return f"{employer}での経験から、{body}" if employer else body


def future_work(answers: Mapping[str, Any], lang: Lang, limit: int = 800) -> Draft | None:
    """＜将来取り組みたい仕事や働き方など＞ from Will and where Will, Can and Must overlap."""
    parts: list[str] = []
    sources: list[Localized] = []
    will = _text(answers, "will_can_must.will")
    if will:
        parts.append(_prose(will, lang))
        sources.append(_SRC_WILL)
    overlap = _text(answers, "will_can_must.overlap")
    if overlap:
        if lang == "ja":
            sentences = _sentences(overlap)
            if _nouns(sentences):
                lead = "やりたいこと・できること・求められていることが重なるのは、"
                parts.append(lead + _list(sentences) + "です。")
            else:
                parts.append(_prose(overlap, lang))
        else:
            lead = "Where what I want, can do and am asked to do overlap: "
            parts.append(lead + _prose(overlap, lang))
        sources.append(_SRC_OVERLAP)
    return _draft(parts, sources, limit, lang)


def next_steps(
    answers: Mapping[str, Any], lang: Lang, today: date | None = None, limit: int = 800
) -> Draft | None:
    """＜これから取り組むこと＞ from the direction, planned qualifications and training."""
    parts: list[str] = []
    sources: list[Localized] = []
    direction = _text(answers, "will_can_must.direction")
    if direction:
        parts.append(_prose(direction, lang))
        sources.append(_SRC_DIRECTION)
    # A plan the direction already names (「CAD利用技術者試験2級を受ける」) is not said twice.
    said = fold("".join(parts))
    planned = _planned_licences(answers, lang, said)
    if planned:
        parts.extend(planned)
        sources.append(_SRC_PLANNED)
    training = _planned_training(answers, lang, today, said)
    if training:
        parts.extend(training)
        sources.append(_SRC_TRAINING)
    design = _text(answers, "career_design.summary")
    if design:
        parts.append(_prose(design, lang))
        sources.append(_SRC_DESIGN)
    return _draft(parts, sources, limit, lang)


def _planned_licences(answers: Mapping[str, Any], lang: Lang, said: str = "") -> list[str]:
    """Planned licences as aims, leaving out those already named in ``said`` (folded)."""
    from bot.engine.dates import format_year_month  # not at start: the first prompt needs no dates

    lines = []
    for row in answers.get("licenses.licenses") or []:
        if not isinstance(row, dict) or row.get("status") != "planned":
            continue
        name = row.get("name")
        if not isinstance(name, str) or not name.strip() or fold(name) in said:
            continue
        when = row.get("planned_on")
        month = format_year_month(when, lang) if isinstance(when, str) else None
        if lang == "ja":
            lines.append(
                f"{month}までに" * bool(month) + f"「{name.strip()}」の取得を目指します。"
            )
        else:
            lines.append((f"By {month}, I" if month else "I") + f" aim to obtain {name.strip()}.")
    return lines


def _planned_training(
    answers: Mapping[str, Any], lang: Lang, today: date | None, said: str = ""
) -> list[str]:
    """Training that starts after today (a plan, not a record), unless ``said`` names it."""
    from bot.engine.dates import format_year_month  # not at start: the first prompt needs no dates

    if today is None:
        return []
    now = f"{today.year:04d}-{today.month:02d}"
    lines = []
    for row in answers.get("education_training.training") or []:
        if not isinstance(row, dict):
            continue
        period = row.get("period")
        start = period.get("start") if isinstance(period, dict) else None
        course, provider = row.get("course"), row.get("provider")
        if not isinstance(start, str) or start <= now or not isinstance(course, str):
            continue
        if fold(course) in said:
            continue
        month = format_year_month(start, lang)
        where = provider.strip() if isinstance(provider, str) and provider.strip() else ""
        if lang == "ja":
            lines.append(
                f"{month}から"
                + (f"{where}の" if where else "")
                + f"「{course.strip()}」を受講します。"
            )
        else:
            at = f" at {where}" if where else ""
            lines.append(f"From {month}, I will take {course.strip()}{at}.")
    return lines


def direction(answers: Mapping[str, Any], lang: Lang, today: date | None = None) -> Draft | None:
    """「これから学ぶこと」 (Will/Can/Must) from the gap and any planned learning."""
    gap = _text(answers, "will_can_must.gap")
    if gap is None:
        return None
    plans = _planned_licences(answers, lang) + _planned_training(answers, lang, today)
    sentences = _sentences(gap)
    if lang == "ja":
        target = _list(sentences) if _nouns(sentences) else None
        if target is None:
            return None  # a gap told as sentences can't be turned into an aim without guessing
        lead = target + (
            "を身につけるために、" if plans else "を身につけるための学び直しを考えています。"
        )
        text = lead + "".join(plans) if plans else lead
    else:
        body = " ".join(s.rstrip(".") for s in sentences)
        text = (f"To learn {body}: " + " ".join(plans)) if plans else f"I want to learn {body}."
    sources = (_SRC_GAP, _SRC_PLANNED) if plans else (_SRC_GAP,)
    return Draft(text, sources)


def can(answers: Mapping[str, Any], lang: Lang, limit: int = 800) -> Draft | None:
    """「Can」 material: what each job taught (first sentence each) and the life-line strengths."""
    parts = _job_lessons(answers, lang)
    sources = [_SRC_LEARNED] if parts else []
    own = _text(answers, "lifeline.strengths")
    if own:
        parts.append(_as(own, lang, noun_suffix="が強みです。", en_prefix="My strengths: "))
        sources.append(_SRC_STRENGTHS)
    return _draft(parts, sources, limit, lang)


_EN_LEADS = {
    "満足度が高かった時期を振り返ると、": "Looking back at my high points: ",
    "そのために、": "To work on this: ",
    "一方で、": "On the other hand: ",
}


def _lead(lang: Lang, ja: str) -> str:
    """A connecting phrase at the start of a sentence, in ``lang``."""
    return ja if lang == "ja" else _EN_LEADS[ja]


def _draft(parts: list[str], sources: list[Localized], limit: int, lang: Lang) -> Draft | None:
    kept: list[str] = []
    for part in parts:
        # Answers often repeat each other (a value drafted from the peaks): say it once.
        core = part.rstrip("。.")
        if part and not any(core in earlier for earlier in kept):
            kept.append(part)
    text = _fit(kept, limit, lang)
    return Draft(text, tuple(sources)) if text else None


Composer = Callable[[Mapping[str, Any], Lang, date | None], Draft | None]


def school_activities(answers: Mapping[str, Any], lang: Lang, limit: int = 800) -> Draft | None:
    """様式1-2 ＜学校生活…＞ from what each school taught and the life-line's high points."""
    parts: list[str] = []
    sources: list[Localized] = []
    for row in answers.get("education_training.education") or []:
        content = row.get("content") if isinstance(row, dict) else None
        if not isinstance(content, str) or is_placeholder(content):
            continue
        where = " ".join(str(row[k]).strip() for k in ("school", "department") if row.get(k))
        body = _prose(content, lang)
        if where:
            body = (f"{where}では、" if lang == "ja" else f"At {where}, ") + body
        parts.append(body)
        if _SRC_SCHOOL not in sources:
            sources.append(_SRC_SCHOOL)
    highs = sorted(
        (p for p in answers.get("lifeline.points") or [] if _high(p)),
        key=lambda p: p.get("age") or 0,
    )
    for point in highs[:3]:
        event, age = str(point["event"]).strip(), point.get("age")
        if lang == "ja":
            when = f"{age}歳のころの" if isinstance(age, int) else ""
            parts.append(f"{when}「{event}」は、満足度の高い経験でした。")
        else:
            when = f"At {age}, " if isinstance(age, int) else ""
            parts.append(f"{when}{event} was a high point.")
        if _SRC_LIFELINE not in sources:
            sources.append(_SRC_LIFELINE)
    return _draft(parts, sources, limit, lang)


def _high(point: Any) -> bool:
    if not isinstance(point, dict) or not str(point.get("event") or "").strip():
        return False
    score = point.get("score")
    return isinstance(score, int | float) and score > 0


def good_at(answers: Mapping[str, Any], lang: Lang, limit: int = 800) -> Draft | None:
    """様式1-2 ＜得意なこと・苦手なこと＞ from the strengths, the weakness and the gap."""
    parts: list[str] = []
    sources: list[Localized] = []
    own = _text(answers, "lifeline.strengths")
    if own:
        parts.append(_as(own, lang, noun_suffix="が得意です。", en_prefix="I'm good at "))
        sources.append(_SRC_STRENGTHS)
    weakness = _text(answers, "lifeline.weakness")
    if weakness:
        parts.append(
            _as(weakness, lang, noun_suffix="が苦手です。", en_prefix="I'm not so good at ")
        )
        effort = _text(answers, "lifeline.weakness_effort")
        if effort:
            parts.append(_lead(lang, "そのために、") + _prose(effort, lang))
        sources.append(_SRC_WEAKNESS)
    gap = _text(answers, "will_can_must.gap")
    if gap:
        sentences = _sentences(gap)
        if lang == "ja" and _nouns(sentences):
            parts.append("これから、" + _list(sentences) + "を身につけたいと考えています。")
        elif lang == "en":
            parts.append(
                "Next I want to learn " + " ".join(s.rstrip(".") for s in sentences) + "."
            )
        else:
            parts.append(_prose(gap, lang))
        sources.append(_SRC_GAP)
    return _draft(parts, sources, limit, lang)


_SRC_SCHOOL = L("学習歴の「主な学習内容」", "what you studied (education)")
_SRC_LIFELINE = L("ライフラインの満足度が高い出来事", "the high points of your life-line")


COMPOSERS: dict[str, Composer] = {
    "school_activities": lambda a, lang, today: school_activities(a, lang),
    "good_at": lambda a, lang, today: good_at(a, lang),
    "values_interests": lambda a, lang, today: values_interests(a, lang),
    "strengths": lambda a, lang, today: strengths(a, lang),
    "future_work": lambda a, lang, today: future_work(a, lang),
    "next_steps": lambda a, lang, today: next_steps(a, lang, today),
    "direction": lambda a, lang, today: direction(a, lang, today),
    "can": lambda a, lang, today: can(a, lang),
}

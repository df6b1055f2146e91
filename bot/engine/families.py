"""Which occupation family a person's examples come from, read from their own answers.

Pure and deterministic: the same answers always give the same family. The family chooses
among a question's examples (``examples: {default: …, manufacturing: …}`` in a dialog), so a
press operator is shown examples from a factory floor, not from a sales office.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Final

DEFAULT: Final = "default"
STUDENT: Final = "student"

# Keywords per family, looked for in what the person wrote about a job (company name,
# duties, what they learned) and in their licences. Latin-letter words match whole words
# only ("bus" is no part of "business"), and words in capitals only in capitals ("IT", not
# the "it" of a sentence); Japanese words match anywhere.
KEYWORDS: Final[Mapping[str, tuple[str, ...]]] = {
    "manufacturing": (
        "製造",
        "工場",
        "製作所",
        "生産ライン",
        "製造ライン",
        "ライン作業",
        "組立",
        "組み立て",
        "加工",
        "プレス",
        "旋盤",
        "溶接",
        "検品",
        "品質管理",
        "品質保証",
        "成形",
        "金型",
        "鋳造",
        "板金",
        "研削",
        "マシニング",
        "NC",
        "生産",
        "部品",
        "機械オペレーター",
        "技能検定",
        "食品工場",
        "印刷",
        "整備",
        "factory",
        "manufacturing",
        "assembly",
        "machining",
        "welding",
        "lathe",
        "production line",
        "press operator",
        "quality control",
        "mechanic",
    ),
    "office": (
        "事務",
        "営業事務",
        "経理",
        "総務",
        "人事",
        "庶務",
        "会計",
        "給与",
        "請求書",
        "伝票",
        "受付",
        "データ入力",
        "秘書",
        "労務",
        "財務",
        "簿記",
        "決算",
        "MOS",
        "office work",
        "clerk",
        "clerical",
        "accounting",
        "bookkeeping",
        "payroll",
        "administration",
        "administrative",
        "receptionist",
        "data entry",
    ),
    "sales_service": (
        "営業",
        "販売",
        "接客",
        "店長",
        "店舗",
        "レジ",
        "飲食",
        "ホールスタッフ",
        "小売",
        "スーパー",
        "コンビニ",
        "アパレル",
        "ホテル",
        "旅館",
        "美容",
        "理容",
        "調理",
        "カフェ",
        "レストラン",
        "コールセンター",
        "販売士",
        "sales",
        "salesperson",
        "retail",
        "shop",
        "store",
        "customer service",
        "restaurant",
        "hotel",
        "cashier",
        "call centre",
        "call center",
        "waiter",
        "waitress",
    ),
    "care": (
        "介護",
        "福祉",
        "ヘルパー",
        "看護",
        "保育",
        "デイサービス",
        "訪問介護",
        "特養",
        "老人ホーム",
        "グループホーム",
        "ケアマネ",
        "利用者",
        "入居者",
        "障害者支援",
        "初任者研修",
        "実務者研修",
        "介護福祉士",
        "社会福祉士",
        "care worker",
        "caregiver",
        "care home",
        "nursing",
        "nurse",
        "welfare",
        "childcare",
        "nursery",
        "elderly care",
    ),
    "it": (
        "システム開発",
        "システム運用",
        "システム保守",
        "システムエンジニア",
        "プログラマ",
        "プログラミング",
        "ソフトウェア",
        "ネットワーク",
        "サーバ",
        "インフラ",
        "ウェブ",
        "アプリ開発",
        "ヘルプデスク",
        "データベース",
        "情報処理",
        "基本情報技術者",
        "応用情報技術者",
        "ITパスポート",
        "IT",
        "SE",
        "web",
        "java",
        "python",
        "software",
        "developer",
        "programmer",
        "programming",
        "network",
        "server",
        "database",
        "help desk",
        "helpdesk",
        "system engineer",
    ),
    "construction": (
        "建設",
        "建築",
        "土木",
        "施工",
        "現場監督",
        "工事",
        "大工",
        "左官",
        "内装",
        "設備工事",
        "電気工事",
        "配管",
        "足場",
        "解体",
        "測量",
        "型枠",
        "鉄筋",
        "重機",
        "施工管理",
        "工務店",
        "construction",
        "building site",
        "carpenter",
        "civil engineering",
        "plumber",
        "plumbing",
        "electrician",
        "site manager",
        "scaffolding",
    ),
    "transport": (
        "運輸",
        "運送",
        "配送",
        "物流",
        "ドライバー",
        "運転手",
        "トラック",
        "タクシー",
        "路線バス",
        "バスの運転",
        "倉庫",
        "配達",
        "宅配",
        "引っ越し",
        "引越",
        "フォークリフト",
        "ピッキング",
        "運行管理",
        "大型自動車",
        "中型自動車",
        "第二種",
        "driver",
        "delivery",
        "logistics",
        "warehouse",
        "truck",
        "lorry",
        "taxi",
        "bus",
        "courier",
        "forklift",
        "transport",
    ),
}
FAMILIES: Final[tuple[str, ...]] = (*KEYWORDS, STUDENT)
"""Every family a dialog may give examples for (besides ``default``)."""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _pattern(words: Sequence[str]) -> re.Pattern[str]:
    parts = []
    for word in words:
        if word.isascii() and word.isupper():
            # An acronym: matched as written, and never inside a longer word.
            parts.append(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])")
        elif word.isascii():
            parts.append(rf"(?i:(?<![a-z0-9]){re.escape(_fold(word))}(?![a-z0-9]))")
        else:
            parts.append(rf"(?i:{re.escape(unicodedata.normalize('NFKC', word))})")
    return re.compile("|".join(parts))


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Each family's keywords as one pattern, compiled on first use (tens of milliseconds,
    so not while `jobcard chat` starts)."""
    return {family: _pattern(words) for family, words in KEYWORDS.items()}


def _score(texts: Sequence[str]) -> str | None:
    """The family whose keywords the texts name most often (distinct words), if any.

    A tie goes to the family listed first in :data:`KEYWORDS`, so the result is stable.
    """
    # Width-folded but not case-folded, so acronyms keep their capitals.
    folded = "\n".join(unicodedata.normalize("NFKC", text) for text in texts)
    best: tuple[int, str] | None = None
    for family, pattern in _patterns().items():
        hits = len({_fold(word) for word in pattern.findall(folded)})
        if hits and (best is None or hits > best[0]):
            best = (hits, family)
    return None if best is None else best[1]


def _job_texts(job: Mapping[str, Any]) -> list[str]:
    return [str(job[key]) for key in ("employer", "duties", "learned") if job.get(key)]


def _latest_first(jobs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Jobs from the most recent: an open end (still there) first, then by end, then start."""

    def key(job: Mapping[str, Any]) -> tuple[int, str, str]:
        period = job.get("period") if isinstance(job.get("period"), Mapping) else {}
        assert isinstance(period, Mapping)
        end, start = period.get("end"), period.get("start")
        return (1 if end is None and start else 0, str(end or ""), str(start or ""))

    # sorted is stable: jobs without dates keep the order the person entered them in.
    return sorted(jobs, key=key, reverse=True)


def family(answers: Mapping[str, Any]) -> str:
    """The person's occupation family, or ``default`` when their answers don't tell.

    Someone without work experience is a ``student`` (the 様式1-2 path). Otherwise the latest
    job decides, then all jobs together, then the licences; a student who has worked but
    wrote no job is a ``student`` too.
    """
    if answers.get("profile.has_experience") is False:
        return STUDENT
    raw_jobs = answers.get("work_history.jobs")
    jobs = (
        [job for job in raw_jobs if isinstance(job, Mapping)] if isinstance(raw_jobs, list) else []
    )
    ordered = _latest_first(jobs)
    if ordered and (found := _score(_job_texts(ordered[0]))) is not None:
        return found
    if (found := _score([text for job in ordered for text in _job_texts(job)])) is not None:
        return found
    raw_licences = answers.get("licenses.licenses")
    licences = raw_licences if isinstance(raw_licences, list) else []
    names = [
        str(item.get("name"))
        for item in licences
        if isinstance(item, Mapping) and item.get("name")
    ]
    if (found := _score(names)) is not None:
        return found
    student = "student" in (
        answers.get("profile.employment_status"),
        answers.get("profile.purpose"),
    )
    return STUDENT if student else DEFAULT

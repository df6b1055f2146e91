"""Answers the engine can suggest when a person doesn't know one (e.g. a licence's issuer)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.engine.localized import Localized
from bot.engine.normalize import fold

# The usual issuing or certifying body of well-known licences, found by a word of the
# licence's name. Where a national exam and the issuing of the licence differ, both are named.
_LICENCE_ISSUERS: tuple[tuple[tuple[str, ...], Localized], ...] = (
    (
        ("フォークリフト", "玉掛", "クレーン", "技能講習", "高所作業車", "車両系建設機械"),
        Localized(
            "登録教習機関（講習を受けた教習所）",
            "the registered training institution where you took the course",
        ),
    ),
    (
        ("運転免許", "自動車免許", "普通免許", "大型免許", "中型免許", "二種免許", "普通自動車"),
        Localized("都道府県公安委員会", "the Prefectural Public Safety Commission"),
    ),
    (
        ("危険物",),
        Localized(
            "消防試験研究センター（免状の交付は都道府県知事）",
            "the Fire Defense Examination Research Center (the licence is issued by the "
            "prefectural governor)",
        ),
    ),
    (
        ("電気工事士", "電験", "電気主任技術者"),
        Localized(
            "電気技術者試験センター（免状の交付は都道府県知事または経済産業大臣）",
            "the Electrical Technician Examination Center (the licence is issued by the "
            "prefectural governor or the Minister of Economy, Trade and Industry)",
        ),
    ),
    (
        ("介護福祉士", "社会福祉士", "精神保健福祉士"),
        Localized(
            "厚生労働大臣（試験・登録は社会福祉振興・試験センター）",
            "the Minister of Health, Labour and Welfare (exam and registration: the Social "
            "Welfare Promotion and National Examination Center)",
        ),
    ),
    (
        ("初任者研修", "実務者研修", "ヘルパー"),
        Localized(
            "都道府県の指定を受けた研修機関（研修を受けた学校など）",
            "the training provider designated by the prefecture",
        ),
    ),
    (
        ("看護師", "准看護師", "薬剤師", "理学療法士", "作業療法士"),
        Localized(
            "厚生労働大臣（准看護師は都道府県知事）", "the Minister of Health, Labour and Welfare"
        ),
    ),
    (
        ("保育士",),
        Localized(
            "都道府県知事（試験は全国保育士養成協議会）",
            "the prefectural governor (exam: the National Council of Childcare Training Schools)",
        ),
    ),
    (("調理師", "登録販売者"), Localized("都道府県知事", "the prefectural governor")),
    (("簿記",), Localized("日本商工会議所", "the Japan Chamber of Commerce and Industry")),
    (
        ("基本情報", "応用情報", "itパスポート", "情報処理", "情報セキュリティ"),
        Localized(
            "情報処理推進機構（IPA）",
            "the Information-technology Promotion Agency (IPA)",
        ),
    ),
    (
        ("toeic",),
        Localized(
            "国際ビジネスコミュニケーション協会（IIBC）",
            "the Institute for International Business Communication (IIBC)",
        ),
    ),
    (
        ("英検", "実用英語技能検定"),
        Localized("日本英語検定協会", "the Eiken Foundation of Japan"),
    ),
    (
        ("mos", "マイクロソフトオフィス", "microsoft office specialist"),
        Localized(
            "マイクロソフト（試験の運営はオデッセイコミュニケーションズ）",
            "Microsoft (exams run by Odyssey Communications)",
        ),
    ),
    (
        ("宅建", "宅地建物取引"),
        Localized(
            "不動産適正取引推進機構（登録は都道府県知事）",
            "the Real Estate Transaction Improvement Organization (registration: the "
            "prefectural governor)",
        ),
    ),
    (
        ("衛生管理者", "ボイラー"),
        Localized(
            "安全衛生技術試験協会（免許の交付は都道府県労働局長）",
            "the Japan Safety and Health Examination Association (the licence is issued by "
            "the prefectural labour bureau)",
        ),
    ),
    (
        ("社会保険労務士", "社労士"),
        Localized(
            "全国社会保険労務士会連合会（試験センター）",
            "the Japan Federation of Labor and Social Security Attorney's Associations",
        ),
    ),
    (
        ("ファイナンシャル", "fp技能士", "fp2級", "fp3級", "fp1級"),
        Localized(
            "日本FP協会または金融財政事情研究会（受けた試験の団体）",
            "the Japan FP Association or the Kinzai Institute (whichever held your exam)",
        ),
    ),
    (("秘書検定",), Localized("実務技能検定協会", "the Business Skills Examination Association")),
    (
        ("漢検", "漢字検定", "漢字能力検定"),
        Localized("日本漢字能力検定協会", "the Japan Kanji Aptitude Testing Foundation"),
    ),
    (
        ("キャリアコンサルタント",),
        Localized(
            "厚生労働大臣（登録はキャリアコンサルティング協議会）",
            "the Minister of Health, Labour and Welfare (registration: the Career "
            "Consulting Council)",
        ),
    ),
)

# Which suggestion a question gets, by the field it stores.
_BY_FIELD = {"issuer": "licence_issuer"}


def suggestion(field: str, entry: Mapping[str, Any] | None) -> Localized | None:
    """A likely answer for ``field`` given the rest of the entry, or None."""
    if _BY_FIELD.get(field) != "licence_issuer" or not entry:
        return None
    name = entry.get("name")
    if not isinstance(name, str):
        return None
    folded = fold(name)
    for words, issuer in _LICENCE_ISSUERS:
        if any(fold(word) in folded for word in words):
            return issuer
    return None

"""The licence dictionary: big enough, well-formed, sourced, and naming the usual issuers."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.engine.licences import find, key, licences, usual_issuer

FULL_WIDTH = re.compile(
    r"[\u3000-\u303f\u30fb\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
)
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def test_at_least_150_licences_each_with_an_issuer_and_a_source() -> None:
    found = licences()
    assert len(found) >= 150
    names = Counter(key(licence.name) for licence in found)
    assert [name for name, count in names.items() if count > 1] == []
    for licence in found:
        assert licence.issuer.ja and licence.issuer.en, licence.name
        assert licence.source.strip(), licence.name
        english = licence.issuer.en
        assert not FULL_WIDTH.search(english) and not JAPANESE.search(english), english


def test_a_short_name_never_means_two_licences() -> None:
    owners: dict[str, set[str]] = {}
    for licence in licences():
        for name in (licence.name, *licence.aka):
            owners.setdefault(key(name), set()).add(licence.name)
    assert {name: sorted(o) for name, o in owners.items() if len(o) > 1} == {}


@pytest.mark.parametrize(
    ("written", "official", "issuer"),
    [
        ("フォークリフト", "フォークリフト運転技能講習", "登録教習機関"),
        ("普通免許（AT限定）", "普通自動車第一種運転免許", "都道府県公安委員会"),
        ("大型二種", "大型自動車第二種運転免許", "都道府県公安委員会"),
        ("玉掛け", "玉掛け技能講習", "登録教習機関"),
        ("乙４", "危険物取扱者乙種第4類", "消防試験研究センター"),
        ("危険物取扱者丙種", "危険物取扱者丙種", "消防試験研究センター"),
        ("介護福祉士", "介護福祉士", "社会福祉振興・試験センター"),
        ("准看護師", "准看護師", "都道府県知事"),
        ("看護師免許", "看護師", "厚生労働大臣"),
        ("日商簿記２級", "日商簿記検定", "日本商工会議所"),
        ("全経簿記1級", "全経簿記能力検定", "全国経理教育協会"),
        ("基本情報技術者試験", "基本情報技術者試験", "情報処理推進機構"),
        ("TOEIC 800点", "TOEIC Listening & Reading Test", "国際ビジネスコミュニケーション協会"),
        ("MOS Excel 365", "マイクロソフトオフィススペシャリスト（MOS）", "マイクロソフト"),
        ("電験三種", "第三種電気主任技術者", "経済産業大臣"),
        ("第一種電気工事士", "第一種電気工事士", "都道府県知事"),
        ("２級土木施工管理技士", "2級土木施工管理技士", "全国建設研修センター"),
        ("宅建", "宅地建物取引士", "不動産適正取引推進機構"),
        ("ケアマネ", "介護支援専門員", "都道府県知事"),
        ("初任者研修", "介護職員初任者研修", "都道府県の指定を受けた研修機関"),
        ("FP2級", "ファイナンシャル・プランニング技能士", "日本FP協会"),
        ("衛生管理者1種", "第一種衛生管理者免許", "安全衛生技術試験協会"),
        ("保育士", "保育士", "全国保育士養成協議会"),
        ("英検準2級", "実用英語技能検定", "日本英語検定協会"),
    ],
)
def test_what_people_write_finds_the_official_name_and_issuer(
    written: str, official: str, issuer: str
) -> None:
    licence = find(written)
    assert licence is not None and licence.name == official
    found = usual_issuer(written)
    assert found is not None and issuer in found.ja


def test_latin_short_names_match_whole_words_only() -> None:
    assert find("cosmos") is None
    assert find("社内の安全講習修了") is None

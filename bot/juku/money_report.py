"""The money plan in words: the conclusion, the what-if comparison and the values assumed."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.localized import Lang, Localized
from bot.juku.money import (
    DEFAULTS,
    LOWER_COSTS,
    MAX_RETIRE_AGE,
    RETIRE_LATER_YEARS,
    SIDE_INCOME,
    MoneyPlan,
    Projection,
    Variant,
)

L = Localized


def man(value: float, lang: Lang) -> str:
    """An amount in 万円 as people read it: 「1,234万円」「−300万円」."""
    rounded = round(value)
    sign = "−" if rounded < 0 else ""
    if lang == "en":
        return f"{sign}{abs(rounded) * 10_000:,} yen"
    return f"{sign}{abs(rounded):,}万円"


def variant_label(key: str, plan: MoneyPlan, lang: Lang) -> str:
    """The name of a what-if, in plain words."""
    later = min(plan.retire_age + RETIRE_LATER_YEARS, MAX_RETIRE_AGE)
    cut = round((1 - LOWER_COSTS) * 100)
    monthly = round(SIDE_INCOME / 12)
    labels = {
        "base": L("今のまま", "As it is"),
        "retire_later": L(f"{later}歳まで働く", f"Work until {later}"),
        "lower_costs": L(f"生活費を{cut}％減らす", f"Spend {cut}% less"),
        "side_income": L(
            f"副収入 月{monthly}万円（75歳まで）",
            f"Side income of {monthly * 10_000:,} yen a month (to 75)",
        ),
    }
    return labels[key].get(lang)


def conclusion(projection: Projection, lang: Lang) -> str:
    """One sentence: the age the money runs out, or that it lasts to 100."""
    age = projection.depletion_age
    if age is not None:
        return L(
            f"このままだと、{age}歳で資金が不足する見込みです。",
            f"As things stand, your money is likely to run out at age {age}.",
        ).get(lang)
    left = man(projection.final_assets, lang)
    return L(
        f"100歳まで資金が続く見込みです（100歳の時点で約{left}）。",
        f"Your money is likely to last to age 100 (about {left} left at 100).",
    ).get(lang)


def comparison(variants: Sequence[Variant], lang: Lang) -> str:
    """The what-ifs side by side: when the money runs out in each, or what is left at 100."""
    plan = variants[0].projection.plan
    lines = [L("【もしもの比較】", "[What if…]").get(lang)]
    for variant in variants:
        projection = variant.projection
        if projection.depletion_age is not None:
            outcome = L(
                f"{projection.depletion_age}歳で不足",
                f"runs out at {projection.depletion_age}",
            ).get(lang)
        else:
            left = man(projection.final_assets, lang)
            outcome = L(f"100歳まで続く（残り約{left}）", f"lasts to 100 ({left} left)").get(lang)
        separator = "：" if lang == "ja" else ": "
        lines.append(f"・{variant_label(variant.key, plan, lang)}{separator}{outcome}")
    return "\n".join(lines)


_ASSUMED = {
    "retire_age": L("退職{v}歳", "retiring at {v}"),
    "income_growth": L("手取りの伸び 年{v}％", "pay growing {v}% a year"),
    "spouse_income": L("配偶者の収入なし", "no spouse income"),
    "severance": L("退職金なし", "no retirement allowance"),
    "pension_age": L("年金は{v}歳から", "pension from {v}"),
    "pension": L("年金 年{v}", "a pension of {v} a year"),
    "living_costs": L("生活費 月{v}", "living costs of {v} a month"),
    "inflation": L("物価上昇 年{v}％", "prices rising {v}% a year"),
    "return_rate": L("運用の利回り 年{v}％", "savings earning {v}% a year"),
}


_AMOUNTS = frozenset({"pension", "living_costs"})


def assumptions(used: Sequence[str], lang: Lang) -> str | None:
    """Which standard values stood in for skipped questions (None if nothing was skipped)."""
    if not used:
        return None
    values = [
        _ASSUMED[name].format(
            lang, v=man(DEFAULTS[name], lang) if name in _AMOUNTS else f"{DEFAULTS[name]:g}"
        )
        for name in used
    ]
    joined = "、".join(values) if lang == "ja" else ", ".join(values)
    return L(
        f"わからなかった項目は、標準的な値で計算しました（{joined}）。",
        f"For the questions you skipped I used standard values ({joined}).",
    ).get(lang)


NOTE = L(
    "グラフの太い線が、あなたの資産（貯蓄）の動きです。線が0より下になる年齢で、"
    "お金が足りなくなります。点線は「もしも」の場合です。\n"
    "この計算は目安です。年金や保険のくわしいことは、キャリアコンサルタントや"
    "ファイナンシャルプランナーにも相談してみてください。",
    "The thick line shows your assets (savings) over the years. Where it drops below 0, "
    "the money runs short. The dashed lines are the what-ifs.\n"
    "This is a rough guide. For pensions and insurance, talk to a career consultant or a "
    "financial planner too.",
)


def report(variants: Sequence[Variant], used: Sequence[str], lang: Lang) -> str:
    """The whole text sent with the chart."""
    parts = [conclusion(variants[0].projection, lang), comparison(variants, lang)]
    assumed = assumptions(used, lang)
    if assumed is not None:
        parts.append(assumed)
    parts.append(NOTE.get(lang))
    return "\n\n".join(parts)

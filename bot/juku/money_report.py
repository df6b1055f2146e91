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
    "spouse_retire_age": L("配偶者の退職{v}歳", "your spouse retiring at {v}"),
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


TABLE_EVERY = 5


def year_table(projection: Projection, lang: Lang) -> str:
    """A short table beside the chart: this year, every fifth age, and the age money runs out."""
    rows = projection.rows
    if not rows:
        return ""
    wanted = {rows[0].age, rows[-1].age}
    wanted |= {row.age for row in rows if row.age % TABLE_EVERY == 0}
    if projection.depletion_age is not None:
        wanted.add(projection.depletion_age)
    lines = [L("【年ごとの見通し（万円）】", "[Year by year (×10,000 yen)]").get(lang)]
    for row in rows:
        if row.age not in wanted:
            continue
        income, expenses, assets = (
            f"{round(v):,}" for v in (row.income, row.expenses, row.assets)
        )
        mark = " ⚠" if row.assets < 0 else ""
        lines.append(
            L(
                f"{row.age}歳：収入 {income}／支出 {expenses}／資産 {assets}{mark}",
                f"Age {row.age}: in {income} / out {expenses} / assets {assets}{mark}",
            ).get(lang)
        )
    return "\n".join(lines)


NO_EARNINGS = L(
    "この計算は、働いて収入を得ることを前提にしています。いまの手取り年収が0のため、"
    "このままでは意味のある見通しになりません。働き始める予定があれば、まとめ画面の"
    "「収入が変わる予定」で、何歳からいくらの収入になるかを入れてから計算してください。"
    "学生の方は、就職してからもう一度試してみてください。",
    "This plan assumes you earn an income. With take-home pay of 0 it cannot give a "
    "meaningful picture. If you plan to start work, enter from what age and at what pay "
    "under “Pay change” in the summary, then calculate again. If you are a student, try it "
    "again once you are working.",
)


def report(variants: Sequence[Variant], used: Sequence[str], lang: Lang) -> str:
    """The whole text sent with the chart (the conclusion once, first)."""
    base = variants[0].projection
    parts = [conclusion(base, lang), comparison(variants, lang), year_table(base, lang)]
    assumed = assumptions(used, lang)
    if assumed is not None:
        parts.append(assumed)
    parts.append(NOTE.get(lang))
    return "\n\n".join(parts)

"""The money projection against tables worked out by hand (amounts in 万円)."""

from __future__ import annotations

import pytest

from bot.juku.money import (
    DEFAULTS,
    LifeEvent,
    MoneyPlan,
    Projection,
    plan_from_answers,
    project,
    what_ifs,
)
from bot.juku.money_report import comparison, conclusion, man, report

Row = tuple[float, float, float, float, float]

# Case 1: retires at 62, pension from 65, a 100万円 car at 63, no inflation or return.
CASE_1 = MoneyPlan(
    age=60,
    income=300,
    savings=600,
    retire_age=62,
    pension_age=65,
    pension=150,
    living_costs=200,
    inflation=0,
    return_rate=0,
    events=(LifeEvent(63, "車", 100),),
)
# age  income  expenses          balance  assets
#  60   300     200                +100    600 + 100 = 700
#  61   300     200                +100    700 + 100 = 800
#  62     0     200                -200    800 - 200 = 600   retired: no pay
#  63     0     200 + 100 (car)    -300    600 - 300 = 300   the life event
#  64     0     200                -200    300 - 200 = 100
#  65   150     200                 -50    100 -  50 =  50   pension starts
#  66   150     200                 -50     50 -  50 =   0   zero is not yet short
#  67   150     200                 -50      0 -  50 = -50   → runs out at 67
CASE_1_TABLE: list[Row] = [
    (60, 300, 200, 100, 700),
    (61, 300, 200, 100, 800),
    (62, 0, 200, -200, 600),
    (63, 0, 300, -300, 300),
    (64, 0, 200, -200, 100),
    (65, 150, 200, -50, 50),
    (66, 150, 200, -50, 0),
    (67, 150, 200, -50, -50),
]


def assert_table(projection: Projection, table: list[Row]) -> None:
    """The projection's first rows are the hand-computed ones (age, in, out, balance, assets)."""
    rows = [
        (row.age, row.income, row.expenses, row.balance, row.assets)
        for row in projection.rows[: len(table)]
    ]
    assert len(rows) == len(table)
    for got, expected in zip(rows, table, strict=True):
        assert got == pytest.approx(expected), f"age {expected[0]}"


def test_flat_case_with_life_event_pension_start_and_depletion() -> None:
    projection = project(CASE_1)
    assert_table(projection, CASE_1_TABLE)
    assert projection.depletion_age == 67
    assert projection.rows[0].age == 60 and projection.rows[-1].age == 100
    # From 67 the loss is 50 a year: -50 - 50·33 at 100.
    assert projection.final_assets == pytest.approx(-1700)


def test_inflation_and_return_compound_from_the_first_year() -> None:
    plan = MoneyPlan(
        age=98,
        income=0,
        savings=100,
        retire_age=60,
        pension_age=65,
        pension=100,
        living_costs=100,
        inflation=10,
        return_rate=10,
    )
    # age  expenses          balance   assets
    #  98  100·1.1⁰ = 100        0     100·1.1 +   0 = 110
    #  99  100·1.1¹ = 110      -10     110·1.1 -  10 = 111
    # 100  100·1.1² = 121      -21     111·1.1 -  21 = 101.1
    table: list[Row] = [
        (98, 100, 100, 0, 110),
        (99, 100, 110, -10, 111),
        (100, 100, 121, -21, 101.1),
    ]
    projection = project(plan)
    assert_table(projection, table)
    assert len(projection.rows) == 3
    assert projection.depletion_age is None


def test_pay_growth_spouse_income_and_retirement_allowance() -> None:
    plan = MoneyPlan(
        age=58,
        income=400,
        savings=0,
        retire_age=60,
        income_growth=5,
        spouse_income=100,
        severance=1000,
        pension_age=65,
        pension=0,
        living_costs=300,
        inflation=0,
        return_rate=0,
    )
    # age  pay            spouse  allowance  income  balance  assets
    #  58  400·1.05⁰=400   100                 500     +200     200
    #  59  400·1.05¹=420   100                 520     +220     420
    #  60    0               0     1000       1000     +700    1120
    #  61    0               0                   0     -300     820
    table: list[Row] = [
        (58, 500, 300, 200, 200),
        (59, 520, 300, 220, 420),
        (60, 1000, 300, 700, 1120),
        (61, 0, 300, -300, 820),
    ]
    assert_table(project(plan), table)


def test_what_ifs_retire_later_lower_costs_and_side_income() -> None:
    variants = {variant.key: variant.projection for variant in what_ifs(CASE_1)}
    assert list(variants) == ["base", "retire_later", "lower_costs", "side_income"]
    assert variants["base"].depletion_age == 67
    # Retire at 67: +100 a year to 64 (0 at 63, the car), +250 at 65–66, then -50 a year.
    # 60: 700, 61: 800, 62: 900, 63: 900, 64: 1000, 65: 1250, 66: 1500,
    # 67 on: 1500 - 50·n < 0 first at n = 31 → age 97.
    later = variants["retire_later"]
    assert later.assets_at(66) == pytest.approx(1500)
    assert later.assets_at(96) == pytest.approx(0)
    assert later.depletion_age == 97
    # Living costs 180: 720, 840, 660, 380, 200, then -30 a year from 65:
    # 65: 170 … 70: 20, 71: -10 → age 71.
    lower = variants["lower_costs"]
    assert lower.assets_at(64) == pytest.approx(200)
    assert lower.depletion_age == 71
    # +60 a year before 75: 760, 920, 780, 540, 400, then +10 a year from 65 to 74 (500),
    # then -50 a year: 75: 450 … 84: 0, 85: -50 → age 85.
    side = variants["side_income"]
    assert side.assets_at(74) == pytest.approx(500)
    assert side.assets_at(84) == pytest.approx(0)
    assert side.depletion_age == 85


def test_no_retire_later_variant_for_someone_already_retired() -> None:
    plan = MoneyPlan(age=70, income=0, savings=1000, retire_age=65)
    assert [v.key for v in what_ifs(plan)] == ["base", "lower_costs", "side_income"]


def test_skipped_answers_take_the_standard_values() -> None:
    answers = {
        "money_plan.age": 55,
        "money_plan.income": 400,
        "money_plan.savings": 1200,
        "money_plan.living_costs": 20,  # a month
        "money_plan.spouse_income": 0,  # 0 is an answer, not a skip
        "money_plan.events": [{"at_age": 60, "event": "車", "cost": 250}],
    }
    plan, used = plan_from_answers(answers)
    assert plan.living_costs == 240  # asked monthly, projected yearly
    assert plan.retire_age == DEFAULTS["retire_age"] == 65
    assert plan.pension == 180 and plan.return_rate == 1.0
    assert plan.events == (LifeEvent(60, "車", 250),)
    assert "spouse_income" not in used and "living_costs" not in used
    assert set(used) == {
        "retire_age",
        "income_growth",
        "severance",
        "pension_age",
        "pension",
        "inflation",
        "return_rate",
    }


def test_age_income_and_savings_have_no_default() -> None:
    with pytest.raises(ValueError, match="income, savings"):
        plan_from_answers({"money_plan.age": 55})


def test_conclusion_and_comparison_in_plain_words() -> None:
    variants = what_ifs(CASE_1)
    assert (
        conclusion(variants[0].projection, "ja")
        == "このままだと、67歳で資金が不足する見込みです。"
    )
    lines = comparison(variants, "ja").splitlines()
    assert lines == [
        "【もしもの比較】",
        "・今のまま：67歳で不足",
        "・67歳まで働く：97歳で不足",
        "・生活費を10％減らす：71歳で不足",
        "・副収入 月5万円（75歳まで）：85歳で不足",
    ]
    lasting = project(MoneyPlan(age=98, income=0, savings=500, living_costs=100, pension=100))
    assert "100歳まで資金が続く見込みです" in conclusion(lasting, "ja")
    assert "run out at age 67" in conclusion(variants[0].projection, "en")


def test_report_names_the_standard_values_used() -> None:
    text = report(what_ifs(CASE_1), ["pension", "living_costs"], "ja")
    assert "標準的な値で計算しました（年金 年180万円、生活費 月25万円）" in text
    assert "標準的な値" not in report(what_ifs(CASE_1), [], "ja")


def test_amounts_read_naturally() -> None:
    assert man(1234.4, "ja") == "1,234万円"
    assert man(-300, "ja") == "−300万円"
    assert man(25, "en") == "250,000 yen"


def test_the_spouse_earns_until_their_own_retirement() -> None:
    # The person (60) retires at 62; the spouse (58) works on to 65, i.e. the person's 67.
    plan = MoneyPlan(
        age=60, income=300, savings=0, retire_age=62, spouse_income=100, spouse_age=58,
        spouse_retire_age=65, pension=0, living_costs=0, inflation=0, return_rate=0,
    )  # fmt: skip
    incomes = {row.age: row.income for row in project(plan).rows[:9]}
    assert incomes == {60: 400, 61: 400, 62: 100, 63: 100, 64: 100, 65: 100, 66: 100, 67: 0, 68: 0}


def test_a_pay_change_replaces_the_pay_from_its_age() -> None:
    plan = MoneyPlan(
        age=58, income=400, savings=0, retire_age=65, income_growth=2, pay_change_age=60,
        pay_change_income=250, pension=0, living_costs=0, inflation=0, return_rate=0,
    )  # fmt: skip
    incomes = [round(row.income, 2) for row in project(plan).rows[:8]]
    assert incomes == [400, 408, 250, 250, 250, 250, 250, 0]


def test_no_earnings_is_recognised() -> None:
    assert not MoneyPlan(age=20, income=0, savings=50).earns
    assert MoneyPlan(age=20, income=0, savings=50, pay_change_age=23, pay_change_income=280).earns


def test_the_chart_keeps_positive_years_readable() -> None:
    from matplotlib.figure import Figure

    from bot.juku.money_chart import _keep_positive_readable

    deep = MoneyPlan(age=60, income=300, savings=2000, retire_age=61, pension=0, living_costs=400)
    variants = what_ifs(deep)
    lowest = min(row.assets for v in variants for row in v.projection.rows)
    highest = max(row.assets for v in variants for row in v.projection.rows)
    assert lowest < -5 * highest  # without the cut, the good years would be a flat line
    axes = Figure().add_subplot()
    _keep_positive_readable(axes, variants)
    bottom, top = axes.get_ylim()
    assert -0.25 * highest < bottom < 0 < highest < top

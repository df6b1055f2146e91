"""Pure money-plan projection (キャッシュフロー表) to age 100, and what-if variants. In 万円.

Each year: balance = income − expenses; assets(y) = assets(y−1)·(1+r) + balance(y), starting
from today's savings. The first age with assets below zero is when the money runs out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

LAST_AGE = 100


@dataclass(frozen=True, slots=True)
class LifeEvent:
    """A one-off expense at an age (education, a car, a renovation…), in 万円."""

    age: int
    name: str
    cost: float


@dataclass(frozen=True, slots=True)
class MoneyPlan:
    """The inputs. Amounts are 万円 a year unless noted; rates are percent a year.

    Attributes:
        income: Take-home pay (手取り), until ``retire_age``; grows by ``income_growth``.
        pay_change_age: From this age (a new job, re-employment) the pay is
            ``pay_change_income`` instead, kept flat, until ``retire_age``.
        spouse_income: The spouse's take-home pay (kept flat), until the spouse reaches
            ``spouse_retire_age``; with no ``spouse_age``, until the person's ``retire_age``.
        severance: A retirement allowance, received once in the year of ``retire_age``.
        pension: The household's pension a year (ねんきん定期便), from ``pension_age``; kept
            flat, which errs on the careful side.
        living_costs: Living costs a year; they grow with ``inflation``.
        events: One-off expenses, at the amount given.
        savings: Assets today (万円).
        side_income: Extra income a year before ``side_income_until`` (a side job).
    """

    age: int
    income: float
    savings: float
    retire_age: int = 65
    income_growth: float = 0.0
    spouse_income: float = 0.0
    severance: float = 0.0
    pension_age: int = 65
    pension: float = 180.0
    living_costs: float = 300.0
    inflation: float = 1.0
    return_rate: float = 1.0
    events: tuple[LifeEvent, ...] = ()
    side_income: float = 0.0
    side_income_until: int = 75
    pay_change_age: int | None = None
    pay_change_income: float = 0.0
    spouse_age: int | None = None
    spouse_retire_age: int = 65

    def spouse_works(self, age: int) -> bool:
        """Whether the spouse still earns in the year the person is ``age``."""
        if self.spouse_age is None:
            return age < self.retire_age
        return self.spouse_age + (age - self.age) < self.spouse_retire_age

    @property
    def earns(self) -> bool:
        """Whether any earnings are planned at all (pay now, a new job or the spouse's pay)."""
        later = self.pay_change_age is not None and self.pay_change_income > 0
        return self.income > 0 or self.spouse_income > 0 or later


@dataclass(frozen=True, slots=True)
class YearRow:
    """One year of the table: the person's age that year and the money flows (万円)."""

    age: int
    income: float
    expenses: float
    balance: float
    assets: float


@dataclass(frozen=True, slots=True)
class Projection:
    """The year-by-year table and when the money runs out (None: it lasts to 100)."""

    plan: MoneyPlan
    rows: tuple[YearRow, ...]
    depletion_age: int | None

    def assets_at(self, age: int) -> float | None:
        """Assets at the end of the year the person is ``age`` (None outside the table)."""
        return next((row.assets for row in self.rows if row.age == age), None)

    @property
    def final_assets(self) -> float:
        """Assets at the end of the table (age 100)."""
        return self.rows[-1].assets if self.rows else self.plan.savings


def project(plan: MoneyPlan, last_age: int = LAST_AGE) -> Projection:
    """The table from this year (``plan.age``) to ``last_age``, inclusive."""
    rows: list[YearRow] = []
    assets = plan.savings
    depletion: int | None = None
    growth, inflation, rate = (
        plan.income_growth / 100,
        plan.inflation / 100,
        plan.return_rate / 100,
    )
    for years, age in enumerate(range(plan.age, last_age + 1)):
        working = age < plan.retire_age
        changed = plan.pay_change_age is not None and age >= plan.pay_change_age
        pay = plan.pay_change_income if changed else plan.income * (1 + growth) ** years
        income = (
            (pay if working else 0.0)
            + (plan.spouse_income if plan.spouse_works(age) else 0.0)
            + (plan.severance if age == plan.retire_age else 0.0)
            + (plan.pension if age >= plan.pension_age else 0.0)
            + (plan.side_income if age < plan.side_income_until else 0.0)
        )
        expenses = plan.living_costs * (1 + inflation) ** years + sum(
            event.cost for event in plan.events if event.age == age
        )
        balance = income - expenses
        assets = assets * (1 + rate) + balance
        if depletion is None and assets < 0:
            depletion = age
        rows.append(YearRow(age, income, expenses, balance, assets))
    return Projection(plan, tuple(rows), depletion)


@dataclass(frozen=True, slots=True)
class Variant:
    """A what-if: a name (``key`` for code, a label for people) and its projection."""

    key: str
    projection: Projection


RETIRE_LATER_YEARS = 5
MAX_RETIRE_AGE = 75
LOWER_COSTS = 0.9  # living costs cut by a tenth
SIDE_INCOME = 60.0  # 月5万円


def what_ifs(plan: MoneyPlan) -> list[Variant]:
    """The plan as given, then: retire later, lower living costs, a side income."""
    variants = [Variant("base", project(plan))]
    # "Retire later" only means something to someone still working.
    if plan.age < plan.retire_age < MAX_RETIRE_AGE:
        later = min(plan.retire_age + RETIRE_LATER_YEARS, MAX_RETIRE_AGE)
        variants.append(Variant("retire_later", project(replace(plan, retire_age=later))))
    lower = replace(plan, living_costs=plan.living_costs * LOWER_COSTS)
    variants.append(Variant("lower_costs", project(lower)))
    side = replace(plan, side_income=plan.side_income + SIDE_INCOME)
    variants.append(Variant("side_income", project(side)))
    return variants


# The values used when a question was skipped, with why they are reasonable.
DEFAULTS: Mapping[str, float] = {
    "retire_age": 65,
    "income_growth": 0.0,  # pay tends to level off in the 50s
    "spouse_income": 0.0,
    "spouse_retire_age": 65,
    "severance": 0.0,
    "pension_age": 65,
    "pension": 180.0,  # about 月15万円
    "living_costs": 25.0,  # 万円 a month, asked monthly
    "inflation": 1.0,
    "return_rate": 1.0,  # with 1% inflation: the money keeps its value
}


def _number(answers: Mapping[str, Any], name: str) -> float | None:
    value = answers.get(f"money_plan.{name}")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def plan_from_answers(answers: Mapping[str, Any]) -> tuple[MoneyPlan, list[str]]:
    """The plan from the money_plan answers, and the names of the defaults used.

    Raises:
        ValueError: When age, income or savings (which have no sensible default) are missing.
    """
    required = {name: _number(answers, name) for name in ("age", "income", "savings")}
    missing = [name for name, value in required.items() if value is None]
    if missing:
        raise ValueError(f"missing money_plan answers: {', '.join(missing)}")
    used: list[str] = []

    def get(name: str) -> float:
        value = _number(answers, name)
        if value is None:
            used.append(name)
            return float(DEFAULTS[name])
        return value

    values = {name: get(name) for name in DEFAULTS}
    events = tuple(
        LifeEvent(int(e["at_age"]), str(e.get("event") or ""), float(e["cost"]))
        for e in answers.get("money_plan.events") or []
        if isinstance(e, dict)
        and isinstance(e.get("at_age"), int | float)
        and isinstance(e.get("cost"), int | float)
    )
    changes = answers.get("money_plan.pay_change") is True
    change_age = _number(answers, "pay_change_age") if changes else None
    spouse_age = _number(answers, "spouse_age") if values["spouse_income"] > 0 else None
    if spouse_age is None and "spouse_retire_age" in used:
        used.remove("spouse_retire_age")  # not asked without a spouse's income
    plan = MoneyPlan(
        age=int(required["age"] or 0),
        income=required["income"] or 0.0,
        savings=required["savings"] or 0.0,
        retire_age=int(values["retire_age"]),
        income_growth=values["income_growth"],
        pay_change_age=None if change_age is None else int(change_age),
        pay_change_income=(_number(answers, "pay_change_income") or 0.0) if changes else 0.0,
        spouse_income=values["spouse_income"],
        spouse_age=None if spouse_age is None else int(spouse_age),
        spouse_retire_age=int(values["spouse_retire_age"]),
        severance=values["severance"],
        pension_age=int(values["pension_age"]),
        pension=values["pension"],
        living_costs=values["living_costs"] * 12,
        inflation=values["inflation"],
        return_rate=values["return_rate"],
        events=events,
    )
    return plan, used

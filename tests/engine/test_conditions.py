"""The condition language: what it evaluates, and what it refuses."""

from __future__ import annotations

import pytest

from bot.engine.conditions import ConditionError, compile_condition, evaluate

ANSWERS = {"pet": True, "age": 55, "band": "50s", "profile.tags": ["a", "b"], "note": ""}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("pet == true", True),
        ("pet == false", False),
        ("age >= 50 and band in ['50s', '60plus']", True),
        ("not (age < 18 or band == '20s')", True),
        ("'a' in profile.tags", True),
        ("'z' not in profile.tags", True),
        ("answered(note)", False),
        ("answered(band)", True),
        ("len(profile.tags) == 2", True),
        ("missing > 3", False),  # unanswered compares as False instead of crashing
        ("missing == null", True),
        ("age > -1", True),
    ],
)
def test_evaluates(source: str, expected: bool) -> None:
    assert evaluate(compile_condition(source), ANSWERS.get) is expected


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('true')",
        "open('x')",
        "pet.__class__",
        "[x for x in pet]",
        "lambda: 1",
        "pet[0]",
        "age + 1 > 2",
        "band.upper() == 'X'",
        "pet ==",
        "-age > 1",
    ],
)
def test_refuses_anything_else(source: str) -> None:
    with pytest.raises(ConditionError):
        compile_condition(source)


def test_names_are_collected() -> None:
    condition = compile_condition("pet == true and profile.age > 3 or answered(x)")
    assert condition.names == {"pet", "profile.age", "x"}

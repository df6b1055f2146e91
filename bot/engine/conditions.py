"""A small, safe condition language over earlier answers (parsed with ``ast``, never ``eval``)."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_ALLOWED_FUNCTIONS = frozenset({"answered", "len"})
_NAME_PART = re.compile(r"^[a-z][a-z0-9_]*$")
_LITERAL_NAMES = {"true": True, "false": False, "null": None, "True": True, "False": False}


class ConditionError(ValueError):
    """The condition is not valid in the condition language."""


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition such as ``has_experience == true and age >= 50``.

    Attributes:
        source: The text as written in the dialog file.
        names: The answer fields it reads (``field`` or ``dialog.field``).
    """

    source: str
    names: frozenset[str]
    tree: ast.Expression = field(repr=False, compare=False)


def compile_condition(source: str) -> Condition:
    """Parse ``source`` and check that it uses only the allowed constructs.

    Raises:
        ConditionError: With a plain explanation of what is not allowed.
    """
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"cannot parse condition {source!r}: {exc.msg}") from None
    names: set[str] = set()
    _check(tree.body, names)
    return Condition(source=source, names=frozenset(names), tree=tree)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _check(node: ast.expr, names: set[str]) -> None:
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check(node.operand, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        if not isinstance(node.operand, ast.Constant):
            raise ConditionError("a minus sign may only stand before a number")
    elif isinstance(node, ast.Compare):
        _check(node.left, names)
        for comparator in node.comparators:
            _check(comparator, names)
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, str | int | float | bool) and node.value is not None:
            raise ConditionError(f"unsupported literal {node.value!r}")
    elif isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            _check(element, names)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in _ALLOWED_FUNCTIONS:
            raise ConditionError(f"only {sorted(_ALLOWED_FUNCTIONS)} may be called")
        if len(node.args) != 1 or node.keywords:
            raise ConditionError(f"{node.func.id}() takes exactly one field")
        _check(node.args[0], names)
    elif isinstance(node, ast.Name | ast.Attribute):
        dotted = _dotted(node)
        valid = dotted is not None and all(_NAME_PART.match(p) for p in dotted.split("."))
        if not valid and dotted not in _LITERAL_NAMES:
            raise ConditionError("only field names (lowercase, like 'has_experience') may be read")
        if dotted is not None and dotted not in _LITERAL_NAMES:
            names.add(dotted)
    else:
        raise ConditionError(f"'{ast.unparse(node)}' is not allowed in a condition")


Lookup = Callable[[str], Any]


def evaluate(condition: Condition, lookup: Lookup) -> bool:
    """Evaluate ``condition``, reading answers through ``lookup`` (a missing answer is None)."""
    try:
        return bool(_eval(condition.tree.body, lookup))
    except TypeError:
        # Comparing an unanswered (None) field with a number must not crash a conversation.
        return False


def _eval(node: ast.expr, lookup: Lookup) -> Any:
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(_eval(value, lookup) for value in node.values)
        return any(_eval(value, lookup) for value in node.values)
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, lookup)
        return (not operand) if isinstance(node.op, ast.Not) else -operand
    if isinstance(node, ast.Compare):
        left = _eval(node.left, lookup)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _eval(comparator, lookup)
            if not _compare(op, left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List | ast.Tuple):
        return [_eval(element, lookup) for element in node.elts]
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        value = _eval(node.args[0], lookup)
        if node.func.id == "answered":
            return value not in (None, "", [], {})
        return len(value) if isinstance(value, str | list | dict) else 0
    dotted = _dotted(node)
    assert dotted is not None
    if dotted in _LITERAL_NAMES:
        return _LITERAL_NAMES[dotted]
    return lookup(dotted)


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    if isinstance(op, ast.Eq):
        return bool(left == right)
    if isinstance(op, ast.NotEq):
        return bool(left != right)
    if isinstance(op, ast.In | ast.NotIn):
        found = right is not None and left is not None and left in right
        return found if isinstance(op, ast.In) else not found
    if left is None or right is None:
        return False
    if isinstance(op, ast.Lt):
        return bool(left < right)
    if isinstance(op, ast.LtE):
        return bool(left <= right)
    if isinstance(op, ast.Gt):
        return bool(left > right)
    if isinstance(op, ast.GtE):
        return bool(left >= right)
    raise ConditionError(f"unsupported comparison {type(op).__name__}")

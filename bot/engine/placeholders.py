"""Fill ``{field}``, ``{dialog.field}`` and ``{derived.name}`` placeholders in dialog texts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?)\}")


def names(template: str) -> set[str]:
    """The placeholder names a template uses."""
    return set(PLACEHOLDER.findall(template))


def fill(template: str, lookup: Callable[[str], Any]) -> tuple[str, int]:
    """Fill a template; also return how many placeholders had a value.

    A missing value becomes an empty string, so a prompt never shows a raw ``{name}``.
    """
    filled = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal filled
        value = lookup(match.group(1))
        if value is None or value == "" or value == []:
            return ""
        filled += 1
        return str(value).strip()

    lines = []
    for line in template.split("\n"):
        filled_line = PLACEHOLDER.sub(replace, line)
        # A line that held only placeholders without values is left out, not shown empty.
        if filled_line.strip() or not PLACEHOLDER.search(line):
            lines.append(filled_line)
    return "\n".join(lines), filled

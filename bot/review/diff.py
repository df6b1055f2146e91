"""What changed between two frozen versions of a card, field by field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.engine.localized import Lang
from bot.review.layout import flatten

ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True, slots=True)
class Change:
    """One field that differs: its key, full label, and the text before and after."""

    key: str
    label: str
    before: str | None
    after: str | None

    @property
    def kind(self) -> ChangeKind:
        """Whether the field was filled in, emptied or rewritten."""
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


def diff_cards(old: Mapping[str, Any], new: Mapping[str, Any], lang: Lang) -> list[Change]:
    """The fields whose text differs between ``old`` and ``new``, in the order of the card.

    Fields of entries that exist in one version only (a job added or removed) count as
    added or removed; the creation date is not part of the comparison.
    """
    before = flatten(old, lang)
    after = flatten(new, lang)
    keys = list(after) + [key for key in before if key not in after]
    changes: list[Change] = []
    for key in keys:
        old_label, old_text = before.get(key, ("", None))
        new_label, new_text = after.get(key, ("", None))
        if old_text != new_text:
            changes.append(Change(key, new_label or old_label, old_text, new_text))
    return changes

"""Answers the engine can suggest when a person doesn't know one (e.g. a licence's issuer)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.engine.licences import usual_issuer
from bot.engine.localized import Localized

# Which suggestion a question gets, by the field it stores.
_BY_FIELD = {"issuer": "licence_issuer"}


def suggestion(field: str, entry: Mapping[str, Any] | None) -> Localized | None:
    """A likely answer for ``field`` given the rest of the entry, or None.

    A licence's issuer comes from the licence dictionary (``bot/engine/licences.yaml``),
    found by the name the person gave: 「フォークリフト」 → 登録教習機関.
    """
    if _BY_FIELD.get(field) != "licence_issuer" or not entry:
        return None
    name = entry.get("name")
    if not isinstance(name, str):
        return None
    return usual_issuer(name)

"""Answers the engine can suggest when a person doesn't know one (e.g. a licence's issuer)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.engine.licences import find, key, usual_issuer
from bot.engine.localized import Localized

# Which suggestion a question gets, by the field it stores.
_BY_FIELD = {"issuer": "licence_issuer"}
# The question whose answer may be a licence's short name (dialog, field).
_LICENCE_NAME = ("licenses", "name")


def official_name(dialog: str, field: str, typed: str) -> str | None:
    """The official name of a licence typed by one of its short names (「フォークリフト」
    → 「フォークリフト運転技能講習」), for the licence-name question; None otherwise.

    Only a text that is a short name as a whole gets one, so a grade or a class the
    person wrote (「日商簿記検定2級」) is never dropped.
    """
    if (dialog, field) != _LICENCE_NAME:
        return None
    licence = find(typed)
    if licence is None or key(typed) == key(licence.name):
        return None
    if not any(key(typed) == key(short) for short in licence.aka):
        return None
    return licence.name


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

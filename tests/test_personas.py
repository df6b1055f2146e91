"""Each persona completes the card through the console; the card holds every answer they gave,
prints no placeholder, and its 様式1 boxes are drafts made only of their own words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.personas import (
    PLAN_LIMITS,
    Persona,
    answered_fields,
    box,
    leftover,
    personas,
    placeholders_printed,
    run,
)

# Answers that belong to the conversation, not to the card.
_NOT_ON_CARD = ("onboarding.", "profile.purpose", "will_can_must.worries", "money_plan.")


@pytest.mark.parametrize("persona", personas(), ids=lambda p: p.name)
def test_persona_completes_the_card_in_their_own_words(persona: Persona, tmp_path: Path) -> None:
    result = run(persona, tmp_path / "card.sqlite3")
    out = result.stdout
    for broken in ("すでに終わって", "申し訳", "Sorry", "closed. Here is the current one"):
        assert broken not in out, f"{persona.name}: {broken!r} in the conversation"
    progress = re.findall(r"(\d+)/(\d+)項目が完了|progress: (\d+) of (\d+)", out)
    assert progress, "the menu was shown"
    last = [int(n) for n in progress[-1] if n]
    assert last[0] == last[1], f"{persona.name} finished every section that applies: {last}"

    card = result.card
    for key, field, text in answered_fields(result.data):
        if key.startswith(_NOT_ON_CARD):
            continue
        where = f"{key}.{field}" if field else key
        assert any(text.strip() in printed for printed in box(card, key, field)), (
            f"{persona.name}: {where} = {text!r} is not in its box"
        )
    assert placeholders_printed(card) == []

    plan = card["career_plan"]
    boxes = (
        ("values_interests", "strengths", "future_work", "next_steps")
        if plan["form"] == "1-1"
        else ("school_activities", "values_interests", "strengths", "future_work", "next_steps")
    )
    for name in boxes:
        value = plan[name]
        assert value, f"{persona.name}: 様式1 {name} is empty"
        assert len(value) <= PLAN_LIMITS[name]
        rest = leftover(value, result.data, persona.lang, listed=plan["form"] == "1-2")
        assert rest == "", f"{persona.name}: {name} has words not from the answers: {rest!r}"

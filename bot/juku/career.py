"""多様なキャリアデザイン: the options, and the plan summary that feeds the career-plan sheet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.engine.localized import Lang, Localized

DIALOG = "career_design"
# In the order of the dialog's options; labels match dialogs/career_design.yaml (tested).
OPTIONS: Mapping[str, Localized] = {
    "side_job": Localized("副業", "Side job"),
    "dual_job": Localized("兼業", "Two jobs at once"),
    "third_place": Localized("サードプレイス", "A third place"),
    "uij_turn": Localized("UIJターン", "Moving to the regions (UIJ turn)"),
    "care_work": Localized("介護と仕事の両立", "Caregiving alongside work"),
    "reemployment": Localized("再雇用・雇用延長", "Re-employment / extended employment"),
    "independent": Localized("独立・起業", "Going independent / starting a business"),
    "relearning": Localized("学び直し", "Learning again"),
}
# The career-plan sheet's これから取り組むこと box holds 800 characters.
MAX_SUMMARY = 800


def plan_summary(answers: Mapping[str, Any], lang: Lang) -> str | None:
    """One line per chosen option, 「・副業：最初の一歩（いつまでに）」; None if nothing planned.

    Args:
        answers: Current answers keyed ``dialog.field``.
        lang: The language of the option names.
    """
    chosen = answers.get(f"{DIALOG}.options") or []
    lines = []
    for value, label in OPTIONS.items():
        if value not in chosen:
            continue
        step = _text(answers.get(f"{DIALOG}.{value}_step"))
        if step is None:
            continue
        when = _text(answers.get(f"{DIALOG}.{value}_when"))
        bullet, separator = ("・", "：") if lang == "ja" else ("- ", ": ")
        line = f"{bullet}{label.get(lang)}{separator}{step}"
        if when is not None:
            line += f"（{when}）" if lang == "ja" else f" ({when})"
        lines.append(line)
    if not lines:
        return None
    return _fit("\n".join(lines))


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    # One line per option: line breaks inside an answer would look like another option.
    flat = " ".join(value.split())
    return flat or None


def _fit(text: str) -> str:
    """Keep the summary within the sheet's box, cutting at a line where possible."""
    if len(text) <= MAX_SUMMARY:
        return text
    kept = text[: MAX_SUMMARY - 1]
    cut = kept.rfind("\n")
    return (kept[:cut] if cut > 0 else kept) + "…"

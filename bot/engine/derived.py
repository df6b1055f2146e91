"""Values derived from earlier answers, for prompts and drafts (life-line peaks, Can material)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from bot.engine.localized import Lang

Derivation = Callable[[Mapping[str, Any], Lang], str | None]


def _points(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    points = answers.get("lifeline.points") or []
    return [p for p in points if isinstance(p, dict) and isinstance(p.get("score"), int | float)]


def _ranked(answers: Mapping[str, Any], *, highest: bool) -> list[dict[str, Any]]:
    points = _points(answers)
    chosen = [p for p in points if (p["score"] > 0 if highest else p["score"] < 0)]
    # Ties go to the earlier point in life, so the choice is stable.
    return sorted(
        chosen, key=lambda p: (-p["score"] if highest else p["score"], p.get("age") or 0)
    )


def _point(index: int, *, highest: bool, part: str) -> Derivation:
    def derive(answers: Mapping[str, Any], lang: Lang) -> str | None:
        ranked = _ranked(answers, highest=highest)
        if len(ranked) <= index:
            return None
        point = ranked[index]
        if part == "label":
            age = point.get("age")
            score = point["score"]
            age_text = (f"{age}歳" if lang == "ja" else f"age {age}") if age is not None else ""
            if lang == "en":
                return f"“{point.get('event', '')}” ({age_text}, {score:+d})"
            return f"「{point.get('event', '')}」（{age_text}, {score:+d}）"
        value = point.get(part)
        return None if value is None else str(value)

    return derive


def _joined(*keys: str, heading: Mapping[str, tuple[str, str]]) -> Derivation:
    def derive(answers: Mapping[str, Any], lang: Lang) -> str | None:
        lines = []
        for key in keys:
            value = answers.get(key)
            if isinstance(value, str) and value.strip():
                label = heading[key][0 if lang == "ja" else 1]
                lines.append(_item(label, value.strip(), lang))
        return "\n".join(lines) or None

    return derive


def _learned(answers: Mapping[str, Any], lang: Lang) -> str | None:
    jobs = answers.get("work_history.jobs") or []
    lines = []
    for job in jobs:
        if isinstance(job, dict) and isinstance(job.get("learned"), str):
            employer = job.get("employer") or ""
            lines.append(_item(employer, job["learned"].strip(), lang))
    return "\n".join(lines) or None


def _item(label: str, value: str, lang: Lang) -> str:
    """One bulleted line 「・label：value」, with English punctuation in English."""
    return f"・{label}：{value}" if lang == "ja" else f"• {label}: {value}"


_CAN_SOURCES = {
    "lifeline.strengths": ("ライフラインで見つけた強み", "strengths from your life-line"),
    "lifeline.recovery": ("つらい時期を乗り越えた力", "how you got through hard times"),
}

DERIVED: dict[str, Derivation] = {
    "peak": _point(0, highest=True, part="label"),
    "peak_event": _point(0, highest=True, part="event"),
    "peak2": _point(1, highest=True, part="label"),
    "trough": _point(0, highest=False, part="label"),
    "trough_event": _point(0, highest=False, part="event"),
    "learned": _learned,
    "can_material": _joined(*_CAN_SOURCES, heading=_CAN_SOURCES),
}


DRAFT_PREFIX = "draft_"
SOURCES_SUFFIX = "_sources"


def known(name: str) -> bool:
    """Whether ``name`` is a derived value (for ``dialogs check``)."""
    if name.startswith(DRAFT_PREFIX):
        from bot.engine.composer import COMPOSERS  # see derive

        return name[len(DRAFT_PREFIX) :].removesuffix(SOURCES_SUFFIX) in COMPOSERS
    return name in DERIVED


def derive(
    name: str, answers: Mapping[str, Any], lang: Lang, today: date | None = None
) -> str | None:
    """The derived value ``name`` (None when the answers do not give one).

    ``draft_<box>`` is a composed draft of a career-plan box; ``draft_<box>_sources`` names
    the answers it was made from.
    """
    if name.startswith(DRAFT_PREFIX):
        # Imported with the first draft (the career plan's boxes), not at start: the
        # composers are not needed for `jobcard chat`'s first prompt.
        from bot.engine.composer import COMPOSERS

        box = name[len(DRAFT_PREFIX) :]
        wants_sources = box.endswith(SOURCES_SUFFIX)
        composer = COMPOSERS.get(box.removesuffix(SOURCES_SUFFIX))
        draft = composer(answers, lang, today) if composer is not None else None
        if draft is None:
            return None
        if wants_sources:
            return ("、" if lang == "ja" else ", ").join(s.get(lang) for s in draft.sources)
        return draft.text
    derivation = DERIVED.get(name)
    return None if derivation is None else derivation(answers, lang)

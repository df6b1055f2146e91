"""A proposed entry as it will appear on the sheet, with what is unsure marked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from bot.engine.dates import format_year_month
from bot.engine.localized import Lang
from bot.engine.periods import format_period
from bot.importing import texts as T
from bot.importing.model import Kind, Proposal
from bot.jobcard import layout

# The sheet's parts each kind of entry fills (their labels are the official headings).
PARTS: Final[dict[Kind, layout.Part]] = {}
for _sheet in layout.all_sheets({}):
    for _part in _sheet.parts:
        if _part.key == "work_history":
            PARTS["job"] = _part
        elif _part.key == "licenses":
            PARTS["licence"] = _part
        elif _part.key in ("education", "training"):
            PARTS[_part.key] = _part  # type: ignore[index]

# Fields a person may correct before registering an entry, in the sheet's order.
EDITABLE: Final[dict[Kind, tuple[str, ...]]] = {
    "job": ("period", "employer", "employment_type", "duties"),
    "licence": ("name", "acquired", "issuer"),
    "education": ("period", "school", "department"),
    "training": ("period", "provider", "course"),
}


def label(kind: Kind, field: str, lang: Lang) -> str:
    """The sheet's label of a field (「会社名」「＜職務の内容＞」)."""
    for each in PARTS[kind].fields:
        if each.name == field:
            return each.label.get(lang)
    return field


def title(proposal: Proposal | Mapping[str, Any], kind: Kind | None = None) -> str:
    """What names an entry: the employer, the licence, the school or the course."""
    values = proposal.values if isinstance(proposal, Proposal) else proposal
    kind = proposal.kind if isinstance(proposal, Proposal) else kind
    name = {"job": "employer", "licence": "name", "education": "school", "training": "provider"}
    return str(values.get(name[kind or "job"]) or "")


def value_text(kind: Kind, field: str, values: Mapping[str, Any], lang: Lang) -> str | None:
    """One value as the sheet prints it (None when there is none)."""
    value = values.get(field)
    if field == "acquired" and values.get("status") == "planned":
        value = values.get("planned_on")
        if value is None:
            return None
        return f"{format_year_month(str(value), lang)}{T.PLANNED.get(lang)}"
    if value is None or value == "":
        return None
    if field == "period":
        return format_period(value, lang)
    if field == "acquired":
        return format_year_month(str(value), lang)
    if field == "employment_type":
        name = layout.EMPLOYMENT.get(str(value))
        return name.get(lang) if name is not None else str(value)
    return str(value)


def entry_text(proposal: Proposal, lang: Lang, *, values: Mapping[str, Any] | None = None) -> str:
    """The entry's fields under the sheet's labels, blanks and unsure parts marked."""
    shown = dict(values if values is not None else proposal.values)
    kind = proposal.kind
    lines: list[str] = []
    colon = "：" if lang == "ja" else ": "
    for field in PARTS[kind].fields:
        name = field.name
        if name == "description":
            continue
        text = value_text(kind, name, shown, lang)
        label_text = field.label.get(lang)
        if text is None:
            later = name in proposal.missing() or (kind == "job" and name == "learned")
            if kind == "licence" and name == "issuer":
                continue
            if name in ("department", "content"):
                continue
            text = (T.LATER if later else T.MISSING).get(lang)
            if name == "period":
                text += _hint(proposal, lang)
        if field.kind == "box":
            lines.append(f"{label_text}\n{text}")
        else:
            lines.append(f"{label_text}{colon}{text}")
    notes = [T.UNSURE[why].get(lang) for why in dict.fromkeys(proposal.unsure.values())]
    if proposal.official:
        notes.append(T.OFFICIAL.format(lang, official=proposal.official))
    return "\n".join(lines + notes)


def _hint(proposal: Proposal, lang: Lang) -> str:
    """What the document did say about a missing period (when the job or school began)."""
    for note in proposal.notes:
        kind, _, month = note.partition(":")
        shown = format_year_month(month, lang)
        if kind == "start":
            return T.STARTED.format(lang, month=shown)
        if kind == "end":
            return T.ENDED.format(lang, month=shown)
    return ""


def hint(proposal: Proposal, lang: Lang) -> str:
    """The period hint for a gap question (「（入社・入学：2005年4月）」), or nothing."""
    return _hint(proposal, lang)

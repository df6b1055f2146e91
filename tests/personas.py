"""Synthetic personas: scripted console conversations, and the checks their cards must pass."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.engine.composer import CONNECTORS, _sentences
from bot.engine.dates import format_year_month
from bot.engine.localized import Lang
from bot.engine.polite import polite
from bot.engine.thin import is_placeholder
from tests.conftest import FIXTURES

PERSONAS = FIXTURES / "personas"
# The box limits of 様式1 (dialogs/career_plan.yaml).
PLAN_LIMITS = {
    "values_interests": 800,
    "strengths": 800,
    "future_work": 800,
    "next_steps": 800,
    "school_activities": 800,
}
_EXPORT = (sys.executable, "-m", "bot", "export", "--user")
_ALLOWED_LEFTOVER = set("、。「」,.:;\n  ・")


@dataclass(frozen=True, slots=True)
class Persona:
    """One scripted person: their console script and who they are."""

    name: str
    script: Path
    user: str
    lang: Lang


def personas() -> list[Persona]:
    """Every persona checked in (``NAME.txt``, English ones as ``NAME.en.txt``)."""
    found = []
    for path in sorted(PERSONAS.glob("*.txt")):
        stem = path.name.removesuffix(".txt")
        lang: Lang = "en" if stem.endswith(".en") else "ja"
        name = stem.removesuffix(".en")
        found.append(Persona(name, path, name, lang))
    return found


@dataclass(frozen=True, slots=True)
class Run:
    """A persona's finished conversation: what the console printed and what was stored."""

    stdout: str
    card: dict[str, Any]
    data: dict[str, Any]


def run(persona: Persona, db: Path) -> Run:
    """Play the persona's script through `jobcard chat` and export the card and the data."""
    env = dict(os.environ, JOBCARD_DATABASE_URL=f"sqlite:///{db}")
    args = [sys.executable, "-m", "bot", "chat", "--user", persona.user]
    if persona.lang == "en":
        args += ["--lang", "en"]
    with persona.script.open(encoding="utf-8") as script:
        chat = subprocess.run(
            args, stdin=script, capture_output=True, text=True, env=env, timeout=180, check=False
        )
    assert chat.returncode == 0, chat.stderr
    exports = {}
    for kind in ("json", "data"):
        done = subprocess.run(
            [*_EXPORT, f"console:{persona.user}", "--format", kind],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        )
        exports[kind] = json.loads(done.stdout)
    return Run(chat.stdout, exports["json"], exports["data"])


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def _free_text(text: str) -> bool:
    # Codes of choices (regular, 50s …) and dates are not free text.
    return not re.fullmatch(r"[a-z0-9_]+|\d{4}(-\d{2})?(-\d{2})?", text)


def answered_texts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The person's free-text answers (key, text), as stored now."""
    return [(key, text) for key, _field, text in answered_fields(data)]


def answered_fields(data: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    """The person's free-text answers (key, field of a row or None, text), as stored now."""
    found: list[tuple[str, str | None, str]] = []
    for key, value in data["answers"].items():
        if key.endswith(("._completed", "__label")):
            continue
        rows = value if isinstance(value, list) else [value]
        for row in rows:
            fields = row.items() if isinstance(row, dict) else [(None, row)]
            for field, item in fields:
                found.extend((key, field, text) for text in strings(item) if _free_text(text))
    return found


# Where each answer is printed: a repeated answer's rows, and steps whose field is named apart.
_ROWS = {
    "work_history.jobs": "work_history",
    "licenses.licenses": "licenses",
    "education_training.education": "education",
    "education_training.training": "training",
    "lifeline.points": "lifeline",
}
_REFLECTION = {"lifeline.peak_story": "peak", "lifeline.trough_story": "trough"}
_PLAN_1_2 = {"interests": "values_interests", "good_at": "strengths", "goals": "future_work"}


def box(card: dict[str, Any], key: str, field: str | None) -> list[str]:
    """What the card prints in the box where answer ``key`` (a row's ``field``) belongs."""
    found: list[Any]
    if key in _ROWS:
        found = [row.get(field) for row in card[_ROWS[key]]]
    else:
        dialog, step = key.split(".", 1)
        section = {"profile": "person", "lifeline": "reflection"}.get(dialog, dialog)
        name = _REFLECTION.get(key) or (_PLAN_1_2.get(step) if dialog == "career_plan" else None)
        found = [card.get(section, {}).get(name or step)]
    return [text for text in found if isinstance(text, str)]


def phrases(data: dict[str, Any], lang: Lang) -> list[str]:
    """What a draft may quote: each answer's sentences, plain and polite, and its months."""
    found: set[str] = set()
    for key, text in answered_texts(data):
        if key.startswith("career_plan."):
            continue  # the drafts themselves: a draft may not quote itself
        found.add(text.strip())
        for sentence in _sentences(text):
            for form in (sentence, polite(sentence)):
                found.add(form)
                found.add(form.rstrip("。.!！?？"))
                found.update(part for part in form.rstrip("。").split("、") if len(part) > 1)
    for value in strings(data["answers"]):
        if re.fullmatch(r"\d{4}(-\d{2})?", value):
            found.add(format_year_month(value, lang))
    for point in data["answers"].get("lifeline.points") or []:
        if isinstance(point, dict) and isinstance(point.get("age"), int):
            found.add(f"{point['age']}歳" if lang == "ja" else str(point["age"]))
    return sorted(found, key=len, reverse=True)


# A line of a listed draft (様式1-2): 「・16歳：」 "• Good at: " before the person's words.
_LINE_HEAD = re.compile(r"^[・•][^:：\n]{1,60}[:：] ?", re.MULTILINE)


def leftover(draft: str, data: dict[str, Any], lang: Lang, *, listed: bool = False) -> str:
    """What remains of a draft once the person's phrases and the connecting words are removed.

    ``listed``: the draft is a list whose lines start with a heading (a school, an age, "Good
    at"); the headings are set aside and the notes after an event may stand in brackets.
    """
    rest = _LINE_HEAD.sub("\0", draft) if listed else draft
    for phrase in phrases(data, lang):
        if phrase:
            rest = rest.replace(phrase, "\0")
    for word in sorted(CONNECTORS[lang], key=len, reverse=True):
        rest = rest.replace(word, "\0")
    allowed = _ALLOWED_LEFTOVER | (set("()（）") if listed else set())
    return "".join(ch for ch in rest if ch != "\0" and ch not in allowed)


def placeholders_printed(card: dict[str, Any]) -> list[str]:
    """Card texts that are placeholders (特になし, 色々 …), which must never be printed."""
    return [text for text in strings(card) if is_placeholder(text) and text.strip()]

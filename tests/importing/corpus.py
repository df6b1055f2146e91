"""The import corpus: synthetic 職務経歴書 / 履歴書 texts with their expected entries, and scoring.

Each ``tests/fixtures/import/*.yaml`` holds ``text`` and ``expected`` entries per sheet. A
document is scored field by field: every expected value is an atom to find (recall), every
value the reader proposes is an atom it claims (precision). Entries are paired by their name
(employer, licence, school, provider) in order; the 職務の内容 counts as right when it starts
and ends where the document's paragraph does.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.importing.model import Proposal, Reading
from bot.importing.reader import read

CORPUS = Path(__file__).parent.parent / "fixtures" / "import"
TODAY = datetime.date(2026, 11, 22)
_KEYS = {"job": "employer", "licence": "name", "education": "school", "training": "provider"}
_SHEETS = {"jobs": "job", "licences": "licence", "education": "education", "training": "training"}
_FIELDS = {
    "job": ("period", "employer", "employment_type", "duties"),
    "licence": ("name", "status", "acquired", "planned_on"),
    "education": ("period", "school", "department"),
    "training": ("period", "provider", "course"),
}


@dataclass(frozen=True, slots=True)
class Document:
    """One corpus document."""

    name: str
    style: str
    text: str
    expected: dict[str, list[dict[str, Any]]]
    unplaced: list[str]


def documents() -> list[Document]:
    """Every document of the corpus, by file name."""
    found = []
    for path in sorted(CORPUS.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.append(
            Document(
                path.stem, raw["style"], raw["text"], raw["expected"], raw.get("unplaced") or []
            )
        )
    return found


def squash(text: Any) -> str:
    """A value for comparing: width-folded, without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def _period(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    start, end = value.get("start"), value.get("end")
    return f"{start}~{end or ''}"


def _expected_value(kind: str, name: str, entry: dict[str, Any]) -> Any:
    if kind == "licence" and name == "status":
        return entry.get("status") or ("planned" if "planned_on" in entry else "acquired")
    value = entry.get(name)
    return None if value is None else str(value) if name != "duties" else value


def _proposed_value(name: str, proposal: Proposal) -> Any:
    value = proposal.values.get(name)
    if name == "period":
        return _period(value)
    return value


def _same(name: str, expected: Any, proposed: Any) -> bool:
    if name == "duties":
        if not isinstance(proposed, str) or not isinstance(expected, list):
            return False
        lines = [line for line in proposed.split("\n") if line.strip()]
        first, last = squash(expected[0]), squash(expected[-1])
        return bool(lines) and first in squash(lines[0]) and last in squash(lines[-1])
    return squash(expected) == squash(proposed)


@dataclass(slots=True)
class Score:
    """Atoms found right, claimed and expected (summed over documents)."""

    right: int = 0
    claimed: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.claimed if self.claimed else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    def add(self, other: Score) -> None:
        self.right += other.right
        self.claimed += other.claimed
        self.expected += other.expected


def score(document: Document, reading: Reading) -> tuple[Score, list[str]]:
    """How the reading compares with the expected entries, and what differed."""
    total = Score()
    problems: list[str] = []
    for sheet, kind in _SHEETS.items():
        expected = list(document.expected.get(sheet) or [])
        proposed = reading.of(kind)  # type: ignore[arg-type]
        key = _KEYS[kind]
        pairs: list[tuple[dict[str, Any] | None, Proposal | None]] = []
        left = list(proposed)
        for entry in expected:
            match = next(
                (
                    p
                    for p in left
                    if squash(p.values.get(key) or "") == squash(entry.get(key) or "")
                ),
                None,
            )
            if match is not None:
                left.remove(match)
            pairs.append((entry, match))
        pairs.extend((None, p) for p in left)
        for entry, proposal in pairs:
            for name in _FIELDS[kind]:
                want = None if entry is None else _expected_value(kind, name, entry)
                got = None if proposal is None else _proposed_value(name, proposal)
                if want is not None:
                    total.expected += 1
                if got is not None:
                    total.claimed += 1
                if want is not None and got is not None and _same(name, want, got):
                    total.right += 1
                elif want is not None or got is not None:
                    problems.append(f"{kind}.{name}: expected {want!r}, read {got!r}")
    return total, problems


def run() -> tuple[Score, dict[str, list[str]]]:
    """Read every document and score the whole corpus."""
    total = Score()
    problems: dict[str, list[str]] = {}
    for document in documents():
        reading = read(document.text, TODAY)
        result, issues = score(document, reading)
        total.add(result)
        missing = [u for u in document.unplaced if not any(u in line for line in reading.unplaced)]
        issues.extend(f"unplaced line not reported: {u!r}" for u in missing)
        if issues:
            problems[document.name] = issues
    return total, problems

"""What the reader proposes: entries for the card's sheets, each with what it is unsure of."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

Kind = Literal["job", "licence", "education", "training"]
KINDS: Final[tuple[Kind, ...]] = ("job", "licence", "education", "training")

# Where each kind of entry goes: the dialog and its group, as the card's answers keep them.
TARGETS: Final[dict[Kind, tuple[str, str]]] = {
    "job": ("work_history", "jobs"),
    "licence": ("licenses", "licenses"),
    "education": ("education_training", "education"),
    "training": ("education_training", "training"),
}

# The fields each kind needs before its dialog would count the entry as complete.
REQUIRED: Final[dict[Kind, tuple[str, ...]]] = {
    "job": ("period", "employer", "employment_type", "duties", "learned"),
    "licence": ("name", "status", "acquired"),
    "education": ("period", "school"),
    "training": ("period", "provider", "course"),
}

Unsure = Literal[
    "derived",  # a period put together from the periods written under an employer
    "year_only",  # a year without its month
    "dictionary",  # taken from the licence dictionary, not from the document
    "long",  # longer than the box is meant to hold
]


@dataclass(slots=True)
class Proposal:
    """One entry the reader proposes, in the shape the card's answers keep it.

    Attributes:
        values: Field → value, as the dialog stores it (a period is ``{"start", "end"}``,
            an employment type its option value, a licence's month ``YYYY-MM``).
        unsure: Field → why the value is marked for checking (see :data:`Unsure`).
        notes: Facts read from the document that belong to no field but help the person
            (「入社 2005年4月」 when the end of a job was not written).
        lines: The numbers (from 0) of the source lines the entry was read from.
        official: For a licence, the dictionary's official name when it differs.
    """

    kind: Kind
    values: dict[str, Any] = field(default_factory=dict)
    unsure: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    official: str | None = None

    def missing(self) -> list[str]:
        """The required fields the document did not give."""
        values = self.values
        needed = [name for name in REQUIRED[self.kind] if values.get(name) in (None, "")]
        if self.kind == "licence" and values.get("status") == "planned":
            needed = [name for name in needed if name != "acquired"]
        return needed

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready copy (kept between turns while the person confirms)."""
        return {
            "kind": self.kind,
            "values": dict(self.values),
            "unsure": dict(self.unsure),
            "notes": list(self.notes),
            "lines": list(self.lines),
            "official": self.official,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Proposal:
        """Rebuild a proposal kept with :meth:`to_json`."""
        kind = data.get("kind")
        if kind not in KINDS:
            raise ValueError(f"not a proposal kind: {kind!r}")
        return cls(
            kind=kind,
            values=dict(data.get("values") or {}),
            unsure=dict(data.get("unsure") or {}),
            notes=[str(note) for note in data.get("notes") or []],
            lines=[int(n) for n in data.get("lines") or []],
            official=data.get("official"),
        )


@dataclass(frozen=True, slots=True)
class Reading:
    """What was read from one document.

    Attributes:
        proposals: The entries, in the order of the sheets (jobs, licences, schools, training)
            and, within a sheet, in the order of the document.
        unplaced: Every source line (non-blank) that went into no entry and is not a heading:
            shown to the person as 「読み取れなかった行」, so nothing disappears silently.
    """

    proposals: tuple[Proposal, ...]
    unplaced: tuple[str, ...]

    def of(self, kind: Kind) -> list[Proposal]:
        """The proposals of one kind."""
        return [proposal for proposal in self.proposals if proposal.kind == kind]

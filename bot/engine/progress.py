"""How far a person is with each section of the main menu."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.engine.conditions import evaluate
from bot.engine.localized import Localized
from bot.engine.model import Dialog, DialogCatalog

Status = Literal["done", "partial", "todo"]
COMPLETED = "_completed"


@dataclass(frozen=True, slots=True)
class SectionStatus:
    """One menu section and its status."""

    dialog_id: str
    title: Localized
    status: Status
    counts: bool = True


_MenuKeys = tuple[tuple[Dialog, str, tuple[str, ...]], ...]


def _menu_keys(catalog: DialogCatalog) -> _MenuKeys:
    """The menu's dialogs in order, each with the answer keys of its completion and fields.

    Found once per catalog: every menu shown went through every dialog's fields again.
    """
    known: _MenuKeys | None = catalog.derived.get("menu_keys")
    if known is None:
        known = tuple(
            (
                dialog,
                f"{dialog.id}.{COMPLETED}",
                tuple(f"{dialog.id}.{name}" for name in dialog.fields()),
            )
            for dialog in catalog.menu()
        )
        catalog.derived["menu_keys"] = known
    return known


def applies(dialog: Dialog, answers: Mapping[str, Any]) -> bool:
    """Whether the section applies to the person (its ``applies`` condition holds)."""
    if dialog.applies is None:
        return True

    def lookup(name: str) -> Any:
        owner, _, field = name.rpartition(".")
        return answers.get(name if owner else f"{dialog.id}.{field}")

    return evaluate(dialog.applies, lookup)


def _answered(answers: Mapping[str, Any], keys: tuple[str, ...]) -> bool:
    """Whether any of ``keys`` has an answer (most sections have none: a set test says so)."""
    if answers.keys().isdisjoint(keys):
        return False
    return any(answers.get(key) is not None for key in keys)


def section_statuses(
    catalog: DialogCatalog, answers: Mapping[str, Any], open_dialogs: Collection[str] = ()
) -> list[SectionStatus]:
    """Every menu section in order, done / in progress / not started.

    A section that does not apply to the person (様式2 without work experience) is left out,
    unless they have begun it anyway; then it is listed but does not count toward progress.
    """
    statuses = []
    for dialog, completed, keys in _menu_keys(catalog):
        status: Status
        if answers.get(completed):
            status = "done"
        elif _answered(answers, keys) or dialog.id in open_dialogs:
            status = "partial"
        else:
            status = "todo"
        relevant = applies(dialog, answers)
        if not relevant and status == "todo":
            continue
        counts = dialog.progress and relevant
        statuses.append(SectionStatus(dialog.id, dialog.title, status, counts))
    return statuses


def suggested_next(statuses: list[SectionStatus]) -> SectionStatus | None:
    """The first Job Card section in menu order that is not done yet."""
    return next((s for s in statuses if s.counts and s.status != "done"), None)

"""The import in chat: read a paste or a file, then confirm the entries one at a time.

The ``import`` dialog asks; these service actions read, keep the draft (storage.importing),
show each entry as it will appear on the sheet, register it (joining an entry already there
instead of doubling it), and ask for what the document did not say — ＜職務の中で学んだこと＞
above all, quoting the job's duties. Each action tells the dialog which question comes next
(its ``events``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from bot.engine import Attachment, OpenSection, RunCommand, Text
from bot.engine.choices import Option
from bot.engine.licences import key as name_key
from bot.engine.localized import Lang, Localized, as_lang
from bot.engine.payloads import Outcome
from bot.importing import display
from bot.importing import texts as T
from bot.importing.files import Unreadable, read_file
from bot.importing.model import KINDS, TARGETS, Kind, Proposal
from bot.importing.reader import read
from bot.service import JST, ActionResult, EffectContext, SourceContext
from storage import importing as drafts
from storage import repositories as repo

DIALOG: Final = "import"
_UNPLACED_SHOWN: Final = 40
_QUOTE: Final = 200
# The question each missing or corrected field is asked by (the dialog's events).
_ASK: Final = {
    "period": "ask_period",
    "employment_type": "ask_type",
    "acquired": "ask_month",
    "duties": "ask_duties",
    "learned": "ask_learned",
}
# What each kind of entry keeps on its sheet (the dialog group's fields).
_STORED: Final[dict[Kind, tuple[str, ...]]] = {
    "job": ("period", "employer", "employment_type", "duties", "learned"),
    "licence": ("name", "status", "acquired", "planned_on", "issuer", "description"),
    "education": ("period", "school", "department", "content"),
    "training": ("period", "provider", "course", "content"),
}
# What the person is asked for after registering, when the document did not say it.
_GAPS: Final[dict[Kind, tuple[str, ...]]] = {
    "job": ("period", "employment_type", "duties", "learned"),
    "licence": ("acquired",),
    "education": ("period",),
    "training": ("period", "course"),
}
_LEGAL: Final = re.compile(r"株式会社|有限会社|合同会社|\(株\)|（株）|㈱|\(有\)|（有）|㈲")


@dataclass(slots=True)
class _Draft:
    """The person's import under way (kept in ``import_drafts`` between turns)."""

    proposals: list[Proposal]
    position: int = 0
    work: dict[str, Any] = field(default_factory=dict)

    @property
    def current(self) -> Proposal | None:
        return self.proposals[self.position] if self.position < len(self.proposals) else None


def _lang(ctx: EffectContext | SourceContext) -> Lang:
    return as_lang(ctx.lang)


def _load(session: Any, person_id: str) -> _Draft | None:
    row = drafts.load(session, person_id)
    if row is None:
        return None
    proposals = [Proposal.from_json(raw) for raw in row.proposals]
    return _Draft(proposals, row.position, dict(row.work))


def _save(ctx: EffectContext, draft: _Draft) -> None:
    raw = [proposal.to_json() for proposal in draft.proposals]
    drafts.save(ctx.session, ctx.person_id, raw, draft.work, draft.position, ctx.now)


def _event(said: list[Text], event: str) -> ActionResult:
    return ActionResult(tuple(said), event=event)


# Reading ------------------------------------------------------------------------------------
def begin(ctx: EffectContext, text: str, said: list[Text] | None = None) -> ActionResult:
    """Read a document's text, keep what was found and show the first entry."""
    lang = _lang(ctx)
    said = list(said or [])
    reading = read(text, ctx.now.astimezone(JST).date())
    if not reading.proposals:
        said.append(Text(T.NOTHING.get(lang)))
        return _event(said, "again")
    earlier = _load(ctx.session, ctx.person_id)
    if earlier is not None and earlier.position < len(earlier.proposals):
        left = len(earlier.proposals) - earlier.position
        said.append(Text(T.REPLACED.format(lang, count=left)))
    counts = [T.count(kind, len(reading.of(kind)), lang) for kind in KINDS if reading.of(kind)]
    said.append(Text(T.READ.format(lang, found=T.joined(counts, lang))))
    if reading.unplaced:
        shown = [f"・{line}" for line in reading.unplaced[:_UNPLACED_SHOWN]]
        if len(reading.unplaced) > _UNPLACED_SHOWN:
            shown.append("…")
        lines = "\n".join(shown)
        said.append(Text(T.UNPLACED.format(lang, count=len(reading.unplaced), lines=lines)))
    draft = _Draft(list(reading.proposals), 0, {"registered": {}, "skipped": 0})
    return _present(ctx, draft, said)


def keep_for_later(session: Any, person_id: str, proposals: list[Proposal], now: Any) -> None:
    """Keep what was read for the person to confirm in chat (``jobcard import``)."""
    raw = [proposal.to_json() for proposal in proposals]
    drafts.save(session, person_id, raw, {"registered": {}, "skipped": 0}, 0, now)


def resume(ctx: EffectContext) -> ActionResult:
    """``import_resume``: go through what a counselor read, or drop it."""
    lang = _lang(ctx)
    draft = _load(ctx.session, ctx.person_id)
    if draft is None:
        return ActionResult((Text(T.NO_DRAFT.get(lang)),), follow=RunCommand("menu"))
    if ctx.value is not True:
        drafts.drop(ctx.session, ctx.person_id)
        return ActionResult((Text(T.DROPPED.get(lang)),), follow=RunCommand("menu"))
    return _present(ctx, draft, [])


def read_pasted(ctx: EffectContext) -> ActionResult:
    """``import_read``: the pasted 職務経歴書 (never stored: it arrives as the action's value)."""
    drafts.mark_document_read(ctx.session)
    return begin(ctx, str(ctx.value or ""))


def read_attachment(ctx: EffectContext, attachment: Attachment) -> ActionResult:
    """A file a person sent, anywhere in the chat: read it (in memory) and begin."""
    lang = _lang(ctx)
    try:
        found = read_file(
            attachment.name, attachment.media_type, attachment.content, attachment.size
        )
    except Unreadable as refused:
        said = [Text(T.UNREADABLE[refused.reason].get(lang))]
        return ActionResult(tuple(said), follow=Outcome(DIALOG, "again"))
    opened = [Text(T.READ_FILE.format(lang, name=attachment.name or "document"))]
    result = begin(ctx, found.text, opened)
    return ActionResult(result.outbound, follow=Outcome(DIALOG, result.event or "again"))


# Showing and deciding -------------------------------------------------------------------------
def _entries(ctx: EffectContext | SourceContext, kind: Kind) -> list[dict[str, Any]]:
    dialog, group = TARGETS[kind]
    answers = repo.current_answers(ctx.session, ctx.person_id)
    value = answers.get(f"{dialog}.{group}")
    return [dict(entry) for entry in value] if isinstance(value, list) else []


def _stored(proposal: Proposal) -> dict[str, Any]:
    """The entry as its sheet's dialog keeps it."""
    return {
        name: proposal.values[name]
        for name in _STORED[proposal.kind]
        if proposal.values.get(name) not in (None, "")
    }


def _key(kind: Kind, entry: dict[str, Any]) -> str:
    name = display.title(entry, kind)
    if kind == "job":
        name = _LEGAL.sub("", name)
    if kind == "training":
        name += str(entry.get("course") or "")
    return name_key(name)


def _span(entry: dict[str, Any]) -> tuple[str, str] | None:
    period = entry.get("period")
    if not isinstance(period, dict) or not period.get("start"):
        return None
    return str(period["start"]), str(period.get("end") or "9999")


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    first, second = _span(a), _span(b)
    if first is None or second is None:
        return True
    return first[0] <= second[1] and second[0] <= first[1]


def _same_as(kind: Kind, new: dict[str, Any], entries: list[dict[str, Any]]) -> int | None:
    """The registered entry this one duplicates or overlaps (same name, overlapping time)."""
    mine = _key(kind, new)
    for index, entry in enumerate(entries):
        if mine and _key(kind, entry) == mine and _overlap(new, entry):
            return index
    return None


def _merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What was written before stays; what it lacks comes from the document."""
    merged = dict(old)
    for name, value in new.items():
        if merged.get(name) in (None, ""):
            merged[name] = value
        elif name == "duties" and isinstance(value, str) and value not in str(merged[name]):
            merged[name] = f"{merged[name]}\n{value}"
    return merged


def _present(ctx: EffectContext, draft: _Draft, said: list[Text]) -> ActionResult:
    """Show the next entry to decide on (exact duplicates are skipped, saying so)."""
    lang = _lang(ctx)
    while (proposal := draft.current) is not None:
        entries = _entries(ctx, proposal.kind)
        new = _stored(proposal)
        index = _same_as(proposal.kind, new, entries)
        if index is not None and _merged(entries[index], new) == entries[index]:
            said.append(Text(T.DUPLICATE.format(lang, title=display.title(proposal))))
            draft.position += 1
            continue
        draft.work["merge"] = index
        draft.work.pop("asking", None)
        _save(ctx, draft)
        said.append(Text(_shown(proposal, draft, entries, index, lang)))
        return _event(said, "decide")
    return _finish(ctx, draft, said)


def _shown(
    proposal: Proposal, draft: _Draft, entries: list[dict[str, Any]], index: int | None, lang: Lang
) -> str:
    kind = proposal.kind
    same = [p for p in draft.proposals if p.kind == kind]
    heading = T.HEADING.format(
        lang, sheet=T.SHEETS[kind].get(lang), index=same.index(proposal) + 1, total=len(same)
    )
    if index is None:
        body = display.entry_text(proposal, lang)
        missing = [m for m in proposal.missing() if m != "learned"]
        if missing:
            names = T.joined([display.label(kind, m, lang) for m in missing], lang)
            body += "\n" + T.ASK_LATER.format(lang, fields=names)
        return f"{heading}\n{body}"
    old = entries[index]
    period = display.value_text(kind, "period", old, lang) or "-"
    intro = T.MERGE.format(
        lang, title=display.title(old, kind), period=period, kind=T.KIND_NAMES[kind].get(lang)
    )
    merged = _merged(old, _stored(proposal))
    return f"{heading}\n{intro}\n{display.entry_text(proposal, lang, values=merged)}"


def decide(ctx: EffectContext) -> ActionResult:
    """``import_decide``: register, merge, correct or skip the entry shown."""
    lang = _lang(ctx)
    draft = _load(ctx.session, ctx.person_id)
    proposal = None if draft is None else draft.current
    if draft is None or proposal is None:
        return ActionResult((Text(T.NO_DRAFT.get(lang)),), follow=RunCommand("menu"))
    choice = str(ctx.value or "")
    name = display.title(proposal)
    if choice == "fix":
        return _event([], "fix")
    if choice == "skip":
        draft.position += 1
        draft.work["skipped"] = int(draft.work.get("skipped", 0)) + 1
        return _present(ctx, draft, [Text(T.SKIPPED.format(lang, title=name))])
    dialog, group = TARGETS[proposal.kind]
    entries = _entries(ctx, proposal.kind)
    merge_into = draft.work.get("merge")
    if choice == "merge" and isinstance(merge_into, int) and merge_into < len(entries):
        entries[merge_into] = _merged(entries[merge_into], _stored(proposal))
        target, message = (
            merge_into,
            T.MERGED.format(lang, title=display.title(entries[merge_into], proposal.kind)),
        )
    else:
        entries.append(_stored(proposal))
        target, message = len(entries) - 1, T.REGISTERED.format(lang, title=name)
    repo.save_answer(ctx.session, ctx.person_id, dialog, group, entries, ctx.now)
    registered = dict(draft.work.get("registered") or {})
    registered[proposal.kind] = int(registered.get(proposal.kind, 0)) + 1
    draft.work["registered"] = registered
    entry = entries[target]
    gaps = [g for g in _GAPS[proposal.kind] if entry.get(g) in (None, "")]
    if proposal.kind == "licence" and entry.get("status") == "planned":
        gaps = []
    draft.work["gaps"] = gaps
    draft.work["target"] = target
    return _next_gap(ctx, draft, [Text(message)])


def _next_gap(ctx: EffectContext, draft: _Draft, said: list[Text]) -> ActionResult:
    """Ask for the next thing the registered entry lacks, or go on to the next entry."""
    lang = _lang(ctx)
    proposal = draft.current
    gaps = list(draft.work.get("gaps") or [])
    if proposal is None or not gaps:
        draft.position += 1
        draft.work.pop("gaps", None)
        return _present(ctx, draft, said)
    gap = gaps.pop(0)
    draft.work["gaps"] = gaps
    draft.work["asking"] = {"mode": "gap", "field": gap}
    _save(ctx, draft)
    entry = _entries(ctx, proposal.kind)[int(draft.work.get("target", 0))]
    said.append(Text(_gap_context(proposal, entry, gap, lang)))
    return _event(said, _ASK.get(gap, "ask_text"))


def _gap_context(proposal: Proposal, entry: dict[str, Any], gap: str, lang: Lang) -> str:
    kind = proposal.kind
    name = display.title(entry, kind)
    period = display.value_text(kind, "period", entry, lang) or "-"
    if gap == "learned":
        duties = " ".join(str(entry.get("duties") or "").split())
        if len(duties) > _QUOTE:
            duties = duties[: _QUOTE - 1] + "…"
        return T.GAP_LEARNED.format(lang, title=name, period=period, duties=duties or "-")
    if gap == "duties":
        return T.GAP_DUTIES.format(lang, title=name, period=period)
    if gap == "period":
        return T.GAP_PERIOD.format(lang, title=name, hint=display.hint(proposal, lang))
    if gap == "employment_type":
        return T.GAP_TYPE.format(lang, title=name)
    if gap == "acquired":
        return T.GAP_MONTH.format(lang, title=name)
    return T.GAP_COURSE.format(lang, title=name)


# Correcting ---------------------------------------------------------------------------------
def fields(ctx: SourceContext) -> Sequence[Option]:
    """``import_fields``: what can be corrected in the entry shown."""
    draft = _load(ctx.session, ctx.person_id)
    proposal = None if draft is None else draft.current
    if proposal is None:
        return [Option("cancel", T.FIX_CANCEL)]
    options = [
        Option(
            name,
            Localized(
                display.label(proposal.kind, name, "ja"), display.label(proposal.kind, name, "en")
            ),
        )
        for name in display.EDITABLE[proposal.kind]
    ]
    if proposal.official:
        label = Localized(
            T.FIX_OFFICIAL.format("ja", official=proposal.official),
            T.FIX_OFFICIAL.format("en", official=proposal.official),
        )
        options.insert(0, Option("official", label))
    return [*options, Option("cancel", T.FIX_CANCEL)]


def fix_field(ctx: EffectContext) -> ActionResult:
    """``import_fix_field``: ask for the corrected value of the chosen field."""
    lang = _lang(ctx)
    draft = _load(ctx.session, ctx.person_id)
    proposal = None if draft is None else draft.current
    if draft is None or proposal is None:
        return ActionResult((Text(T.NO_DRAFT.get(lang)),), follow=RunCommand("menu"))
    name = str(ctx.value or "cancel")
    if name == "official" and proposal.official:
        proposal.values["name"] = proposal.official
        proposal.official = None
        return _present(ctx, draft, [Text(T.FIXED.get(lang))])
    if name not in display.EDITABLE[proposal.kind]:
        return _present(ctx, draft, [])
    draft.work["asking"] = {"mode": "fix", "field": name}
    _save(ctx, draft)
    current = display.value_text(proposal.kind, name, proposal.values, lang) or T.MISSING.get(lang)
    label = display.label(proposal.kind, name, lang)
    return _event(
        [Text(T.FIX_WHAT.format(lang, label=label, current=current))], _ASK.get(name, "ask_text")
    )


def answer(ctx: EffectContext) -> ActionResult:
    """``import_answer``: a corrected value, or what the document lacked (None: left blank)."""
    lang = _lang(ctx)
    draft = _load(ctx.session, ctx.person_id)
    proposal = None if draft is None else draft.current
    asking = {} if draft is None else dict(draft.work.get("asking") or {})
    if draft is None or proposal is None or not asking:
        return ActionResult((Text(T.NO_DRAFT.get(lang)),), follow=RunCommand("menu"))
    name, value = str(asking.get("field")), ctx.value
    if asking.get("mode") == "fix":
        if value is not None:
            if name == "acquired" and proposal.values.get("status") == "planned":
                name = "planned_on"
            proposal.values[name] = value
            proposal.unsure.pop(name, None)
        return _present(ctx, draft, [Text(T.FIXED.get(lang))] if value is not None else [])
    said: list[Text] = []
    if value is None:
        said.append(Text(T.GAP_SKIPPED.get(lang)))
    else:
        dialog, group = TARGETS[proposal.kind]
        entries = _entries(ctx, proposal.kind)
        target = int(draft.work.get("target", 0))
        if target < len(entries):
            entries[target][name] = value
            repo.save_answer(ctx.session, ctx.person_id, dialog, group, entries, ctx.now)
    return _next_gap(ctx, draft, said)


def choices(ctx: SourceContext) -> Sequence[Option]:
    """``import_choices``: register, correct or skip (merge first when it joins an entry)."""
    draft = _load(ctx.session, ctx.person_id)
    register = Option("register", T.REGISTER, ("登録", "はい", "yes"))
    fix = Option("fix", T.FIX, ("修正", "直し"))
    skip = Option("skip", T.SKIP, ("スキップ", "いいえ"))
    if draft is not None and draft.current is not None and draft.work.get("merge") is not None:
        merge = Option("merge", T.MERGE_IT, ("まとめ", "はい"))
        return [merge, Option("register", T.SEPARATE, ("別",)), fix, skip]
    return [register, fix, skip]


# Finishing ----------------------------------------------------------------------------------
def _finish(ctx: EffectContext, draft: _Draft, said: list[Text]) -> ActionResult:
    lang = _lang(ctx)
    drafts.drop(ctx.session, ctx.person_id)
    registered = {k: int(v) for k, v in (draft.work.get("registered") or {}).items() if v}
    if not registered:
        said.append(Text(T.DONE_NONE.get(lang)))
        return ActionResult(tuple(said), follow=RunCommand("menu"))
    items = [T.count(kind, registered[kind], lang) for kind in KINDS if kind in registered]
    parts = [T.REGISTERED_COUNT.format(lang, items=T.joined(items, lang))]
    if draft.work.get("skipped"):
        parts.append(T.DONE_SKIPPED.format(lang, count=draft.work["skipped"]))
    said.append(Text(T.DONE.format(lang, summary=T.joined(parts, lang))))
    first = next(kind for kind in KINDS if kind in registered)
    return ActionResult(tuple(said), follow=OpenSection(TARGETS[first][0]))

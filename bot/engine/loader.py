"""Load dialog files: YAML → schema → dialog model, with errors naming file, line and step."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.engine import schema
from bot.engine.answers import (
    AnswerSpec,
    ChoiceAnswer,
    DateAnswer,
    LongTextAnswer,
    MultiChoiceAnswer,
    NumberAnswer,
    Option,
    PeriodAnswer,
    ScaleAnswer,
    TextAnswer,
    YearMonthAnswer,
    YesNoAnswer,
)
from bot.engine.conditions import Condition, ConditionError, compile_condition
from bot.engine.families import FAMILIES
from bot.engine.localized import Localized
from bot.engine.model import (
    Coaching,
    Dialog,
    DialogCatalog,
    DialogEvent,
    FamilyExamples,
    Group,
    Offer,
    Question,
    Say,
    Step,
)
from bot.engine.numeric import parse_decimal

if TYPE_CHECKING:
    import yaml

# jsonschema and yaml are imported where dialog files are read, not with the engine: a
# process that reads its catalog from the cache (`jobcard chat`) never needs them.
Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class DialogError:
    """One problem in a dialog file.

    Attributes:
        rule: A short code for the broken rule (e.g. ``dangling_next``).
    """

    file: str
    line: int
    step: str | None
    message: str
    rule: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        step = f" step '{self.step}':" if self.step else ""
        return f"{where}:{step} {self.message} [{self.rule}]"


class DialogLoadError(Exception):
    """Raised when dialog files have errors; ``errors`` lists every one of them."""

    def __init__(self, errors: list[DialogError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


def _line_map(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    import yaml

    # A mapping key's own line wins over the line its value starts on.
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                lines[(*path, key_node.value)] = key_node.start_mark.line + 1
                _line_map(value_node, (*path, key_node.value), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), lines)


class _Context:
    """Where errors are collected while one file is turned into a dialog."""

    def __init__(self, file: str, lines: Mapping[Path_, int]) -> None:
        self.file = file
        self.lines = lines
        self.errors: list[DialogError] = []

    def line(self, path: Path_) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def error(self, path: Path_, step: str | None, message: str, rule: str) -> None:
        self.errors.append(DialogError(self.file, self.line(path), step, message, rule))

    def check(self, data: Any, shape: dict[str, Any], path: Path_, step: str | None) -> bool:
        import jsonschema

        validator = jsonschema.Draft202012Validator(shape)
        found = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
        for problem in found:
            where = (*path, *problem.absolute_path)
            field = ".".join(str(part) for part in problem.absolute_path) or "step"
            self.error(where, step, f"{field}: {problem.message}", "schema")
        return not found


def parse_yaml(text: str, file: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML text safely, returning the data and a map from data path to line number."""
    import yaml

    # libyaml when present (ten times faster than the pure-Python parser, and start-up
    # parses every dialog file); the nodes give the line map and then the data, in one parse.
    loader_class: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise DialogLoadError([DialogError(file, line, None, problem, "yaml_syntax")]) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _line_map(node, (), lines)
    return data, lines


def digest_of(spec: Mapping[str, Any]) -> str:
    """A stable hash of a dialog's content, used to pin conversations to it."""
    canonical = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _text(raw: Mapping[str, str] | None) -> Localized | None:
    return None if raw is None else Localized(ja=raw["ja"], en=raw["en"])


def _answer(raw: Mapping[str, Any]) -> AnswerSpec:
    kind = raw["ask"]
    options = tuple(
        Option(
            value=option["value"],
            label=Localized(**option["label"]),
            aliases=tuple(option.get("aliases", ())),
            number_range=None if "range" not in option else tuple(option["range"]),
        )
        for option in raw.get("options", ())
    )
    if kind == "text":
        return TextAnswer(
            min_length=raw.get("min_length", 1), max_length=raw.get("max_length", 200)
        )
    if kind == "long_text":
        return LongTextAnswer(
            min_length=raw.get("min_length", 1), max_length=raw.get("max_length", 2000)
        )
    if kind == "number":
        return NumberAnswer(
            minimum=raw.get("min"),
            maximum=raw.get("max"),
            integer=raw.get("integer", True),
            unit=_text(raw.get("unit")),
        )
    if kind == "scale":
        return ScaleAnswer(
            minimum=int(raw.get("min", -100)),
            maximum=int(raw.get("max", 100)),
            named=tuple(raw.get("named", {}).items()),
        )
    if kind == "year_month":
        return YearMonthAnswer(allow_future=raw.get("allow_future", False))
    if kind == "period":
        return PeriodAnswer(allow_future=raw.get("allow_future", False))
    if kind == "date":
        return DateAnswer(
            allow_past=raw.get("allow_past", True), allow_future=raw.get("allow_future", True)
        )
    if kind == "choice":
        return ChoiceAnswer(options=options, ages=raw.get("ranges_are_ages", False))
    if kind == "multi_choice":
        return MultiChoiceAnswer(
            options=options, min_count=raw.get("min_count", 1), max_count=raw.get("max_count")
        )
    return YesNoAnswer()


_NEEDS_OPTIONS = frozenset({"choice", "multi_choice"})


def _question(raw: dict[str, Any], path: Path_, ctx: _Context) -> Question | None:
    if not ctx.check(raw, schema.QUESTION, path, raw.get("id")):
        return None
    step_id = raw["id"]
    kind = raw["ask"]
    has_options = "options" in raw or "options_from" in raw
    if (kind in _NEEDS_OPTIONS) != has_options or ("options" in raw and "options_from" in raw):
        need = "needs either options or options_from" if kind in _NEEDS_OPTIONS else "takes no"
        ctx.error((*path, "ask"), step_id, f"a '{kind}' question {need} options", "options")
        return None
    if "options_from" in raw and kind != "choice":
        message = "options_from works with a single 'choice' question"
        ctx.error((*path, "options_from"), step_id, message, "options")
        return None
    values = [option["value"] for option in raw.get("options", ())]
    if len(set(values)) != len(values):
        ctx.error((*path, "options"), step_id, "option values must be unique", "duplicate_option")
    low, high = raw.get("min", raw.get("min_length")), raw.get("max", raw.get("max_length"))
    if low is not None and high is not None and low > high:
        ctx.error(path, step_id, f"minimum {low} is greater than maximum {high}", "bad_range")
    _check_ranges(raw, path, ctx)
    _check_named(raw, path, ctx)
    action = raw.get("action")
    if action == "consent" and kind != "yes_no":
        ctx.error((*path, "action"), step_id, "consent needs a yes_no question", "bad_action")
    if action == "set_language" and (kind != "choice" or set(values) != {"ja", "en"}):
        message = "set_language needs a choice with the values ja and en"
        ctx.error((*path, "action"), step_id, message, "bad_action")
    if raw.get("store") is False and "emit" not in raw:
        message = "an answer that is not stored must go to an action: add 'emit'"
        ctx.error((*path, "store"), step_id, message, "bad_action")
    if "check" in raw and kind != "text":
        message = f"check: {raw['check']} works with a 'text' question, not '{kind}'"
        ctx.error((*path, "check"), step_id, message, "bad_check")
    coach = raw.get("coach")
    examples, families = _examples(raw, path, ctx)
    return Question(
        id=step_id,
        field=raw.get("field", step_id),
        prompt=Localized(**raw["prompt"]),
        answer=_answer(raw),
        help=_text(raw.get("help")),
        examples=examples,
        family_examples=families,
        optional=raw.get("optional", False),
        when=_condition(raw, path, ctx),
        next=raw.get("next"),
        coach=_coaching(coach, raw),
        after=_text(raw.get("after")),
        action=action,
        label=_text(raw.get("label")),
        draft=_text(raw.get("draft")),
        options_from=raw.get("options_from"),
        emit=raw.get("emit"),
        store=raw.get("store", True),
        check=raw.get("check"),
        line=ctx.line(path),
    )


def _check_ranges(raw: Mapping[str, Any], path: Path_, ctx: _Context) -> None:
    """Each option's number range runs low to high, and no number means two options."""
    spans: list[tuple[float, float, str]] = []
    for index, option in enumerate(raw.get("options", ())):
        if "range" not in option:
            continue
        low, high = option["range"]
        where = (*path, "options", index, "range")
        if low > high:
            message = f"option '{option['value']}': range {low}..{high} runs backwards"
            ctx.error(where, raw["id"], message, "bad_range")
            continue
        for other_low, other_high, other in spans:
            if low <= other_high and other_low <= high:
                message = f"option '{option['value']}': range {low}..{high} overlaps '{other}'"
                ctx.error(where, raw["id"], message, "bad_range")
        spans.append((low, high, option["value"]))


def _check_named(raw: Mapping[str, Any], path: Path_, ctx: _Context) -> None:
    """Named points belong to a scale, lie on it, and are words rather than numbers."""
    named = raw.get("named")
    if named is None:
        return
    where = (*path, "named")
    if raw["ask"] != "scale":
        ctx.error(where, raw["id"], "named points work with a 'scale' question", "bad_named")
        return
    low, high = raw.get("min", -100), raw.get("max", 100)
    for word, point in named.items():
        if not low <= point <= high:
            message = f"named point '{word}': {point} is outside the scale {low}..{high}"
            ctx.error(where, raw["id"], message, "bad_named")
        if parse_decimal(word) is not None:
            message = f"named point '{word}' reads as a number; name it with a word"
            ctx.error(where, raw["id"], message, "bad_named")


def _condition(raw: Mapping[str, Any], path: Path_, ctx: _Context) -> Any:
    source = raw.get("when")
    if source is None:
        return None
    try:
        return compile_condition(source)
    except ConditionError as exc:
        ctx.error((*path, "when"), raw.get("id"), str(exc), "bad_condition")
        return None


def _group(raw: dict[str, Any], path: Path_, ctx: _Context) -> Group | None:
    if not ctx.check(raw, schema.GROUP, path, raw.get("id")):
        return None
    spec = raw["group"]
    subs: list[Question] = []
    for index, sub_raw in enumerate(spec["steps"]):
        sub_path = (*path, "group", "steps", index)
        if "ask" not in sub_raw:
            ctx.error(sub_path, raw["id"], "a group may contain only questions", "schema")
            continue
        question = _question(sub_raw, sub_path, ctx)
        if question is not None:
            subs.append(question)
    if not subs:
        return None
    title_field = spec.get("title_field", subs[0].field)
    if title_field not in {sub.field for sub in subs}:
        message = f"title_field '{title_field}' is not a field of this group"
        ctx.error((*path, "group", "title_field"), raw["id"], message, "unknown_field")
    low, high = spec.get("min", 0), spec.get("max", 20)
    if low > high:
        ctx.error((*path, "group"), raw["id"], f"min {low} > max {high}", "bad_range")
    examples, families = _examples(raw, path, ctx)
    return Group(
        id=raw["id"],
        field=raw.get("field", raw["id"]),
        prompt=Localized(**raw["prompt"]),
        item=Localized(**spec["item"]),
        more=Localized(**spec["more"]),
        steps=tuple(subs),
        title_field=title_field,
        min_count=low,
        max_count=high,
        optional=raw.get("optional", False),
        when=_condition(raw, path, ctx),
        next=raw.get("next"),
        help=_text(raw.get("help")),
        examples=examples,
        family_examples=families,
        label=_text(raw.get("label")),
        line=ctx.line(path),
    )


def _step(raw: Any, path: Path_, ctx: _Context) -> Step | None:
    if not isinstance(raw, dict):
        ctx.error(path, None, "each step must be a mapping", "schema")
        return None
    if "ask" in raw:
        return _question(raw, path, ctx)
    if "group" in raw:
        return _group(raw, path, ctx)
    if "say" in raw:
        if not ctx.check(raw, schema.SAY, path, raw.get("id")):
            return None
        text = Localized(**raw["say"])
        return Say(raw["id"], text, _condition(raw, path, ctx), raw.get("next"), ctx.line(path))
    ctx.error(path, raw.get("id"), "a step needs one of 'ask', 'group' or 'say'", "schema")
    return None


def _offer(raw: Any) -> Offer | None:
    if raw is None:
        return None
    return Offer(Localized(**raw["label"]), tuple(raw["in"]))


def build_dialog(spec: Any, file: str, lines: Mapping[Path_, int] | None = None) -> Dialog:
    """Turn parsed YAML (or a stored snapshot) into a checked :class:`Dialog`.

    Raises:
        DialogLoadError: Listing every problem found.
    """
    from bot.engine.validation import check_dialog  # the graph rules need the built steps

    ctx = _Context(file, lines or {})
    if not ctx.check(spec, schema.DIALOG, (), None):
        raise DialogLoadError(ctx.errors)
    steps = [_step(raw, ("steps", index), ctx) for index, raw in enumerate(spec["steps"])]
    if ctx.errors:
        raise DialogLoadError(ctx.errors)
    dialog = Dialog(
        id=spec["id"],
        version=spec["version"],
        title=Localized(**spec["title"]),
        steps=tuple(step for step in steps if step is not None),
        digest=digest_of(spec),
        intro=_text(spec.get("intro")),
        menu=spec.get("menu"),
        then=spec.get("then"),
        summary=spec.get("summary", True),
        repeatable=spec.get("repeatable", False),
        progress=spec.get("progress", True),
        applies=_applies(spec, ctx),
        commands=tuple(spec.get("commands", ())),
        events={
            name: DialogEvent(goto=event["goto"], say=_text(event.get("say")))
            for name, event in spec.get("events", {}).items()
        },
        counter=spec.get("counter", True),
        offer=_offer(spec.get("offer")),
        source=file,
    )
    check_dialog(dialog, ctx.error)
    if ctx.errors:
        raise DialogLoadError(ctx.errors)
    return dialog


def load_dialog_file(path: Path) -> tuple[Dialog, dict[str, Any]]:
    """Load one dialog file, returning the dialog and its raw spec (kept for pinning)."""
    text = path.read_text(encoding="utf-8")
    spec, lines = parse_yaml(text, str(path))
    _merge_examples(spec, path)
    dialog = build_dialog(spec, str(path), lines)
    if dialog.id != path.stem:
        error = DialogError(str(path), lines.get(("id",), 1), None, "", "id_mismatch")
        message = f"the id '{dialog.id}' must match the file name '{path.stem}'"
        raise DialogLoadError([DialogError(error.file, error.line, None, message, error.rule)])
    return dialog, spec


@dataclass(frozen=True, slots=True)
class LoadedDialogs:
    """Every dialog of a directory, with the raw specs used to pin conversations."""

    catalog: DialogCatalog
    specs: Mapping[str, dict[str, Any]]


def load_dialogs(paths: Iterable[Path], start: str = "onboarding") -> LoadedDialogs:
    """Load dialog files (directories are searched for ``*.yaml``) and check them together.

    Raises:
        DialogLoadError: Listing every problem in every file.
    """
    from bot.engine.validation import check_catalog

    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    # Imported here: the memo code loads with the first text question, not at start-up.
    from bot.engine.memos import MEMO_DIALOG as memo_dialog

    errors: list[DialogError] = []
    dialogs: dict[str, Dialog] = {}
    specs: dict[str, dict[str, Any]] = {}
    failed: set[str] = set()
    for file in files:
        try:
            dialog, spec = load_dialog_file(file)
        except DialogLoadError as exc:
            errors.extend(exc.errors)
            failed.add(file.stem)
            continue
        if dialog.id in dialogs:
            message = f"dialog id '{dialog.id}' is also used by {dialogs[dialog.id].source}"
            errors.append(DialogError(str(file), 1, None, message, "duplicate_dialog"))
            continue
        if dialog.id == memo_dialog:
            message = f"dialog id '{dialog.id}' is reserved: a person's memos are stored under it"
            errors.append(DialogError(str(file), 1, None, message, "reserved_dialog"))
            continue
        dialogs[dialog.id] = dialog
        specs[dialog.digest] = spec
    errors.extend(check_catalog(dialogs, failed))
    if errors:
        raise DialogLoadError(errors)
    if start not in dialogs and dialogs:
        start = min(dialogs.values(), key=lambda d: (d.menu is None, d.menu or 0, d.id)).id
    pinned = {dialog.digest: dialog for dialog in dialogs.values()}
    return LoadedDialogs(DialogCatalog(latest=dialogs, pinned=pinned, start=start), specs)


def _coaching(coach: Any, raw: Mapping[str, Any]) -> Coaching | None:
    """A question's coaching rule: its own, the default for required long texts, or none."""
    if coach is False:
        return None
    if isinstance(coach, Mapping):
        followup = coach.get("followup")
        return Coaching(
            min_length=coach.get("min_length", 0),
            vague=tuple(coach.get("vague", ())),
            followup=None if followup is None else Localized(**followup),
            expects=tuple(coach.get("expects", ())),
        )
    if raw.get("ask") == "long_text" and not raw.get("optional", False):
        # Only when building a catalog (not when one is read from the cache at start).
        from bot.engine.coaching import DEFAULT

        return DEFAULT
    return None


def _examples(
    raw: Mapping[str, Any], path: Path_, ctx: _Context
) -> tuple[tuple[Localized, ...], FamilyExamples]:
    """A step's default examples and those per occupation family (a list is all default)."""
    given = raw.get("examples", ())
    if not isinstance(given, Mapping):
        return tuple(Localized(**example) for example in given), ()
    families: list[tuple[str, tuple[Localized, ...]]] = []
    for name, items in given.items():
        if name != "default" and name not in FAMILIES:
            message = f"examples: there is no occupation family '{name}' (known: {list(FAMILIES)})"
            ctx.error((*path, "examples", name), raw.get("id"), message, "unknown_family")
        elif name != "default":
            families.append((name, tuple(Localized(**example) for example in items)))
    return tuple(Localized(**example) for example in given["default"]), tuple(families)


def _applies(spec: Mapping[str, Any], ctx: _Context) -> Condition | None:
    """The dialog's ``applies`` condition, compiled (None: it applies to everyone)."""
    source = spec.get("applies")
    if source is None:
        return None
    try:
        return compile_condition(source)
    except ConditionError as exc:
        ctx.error(("applies",), None, str(exc), "bad_condition")
        return None


EXAMPLES_DIR = "examples"
"""Beside the dialog files: ``examples/<dialog id>.yaml`` holds a dialog's examples per family."""

_FAMILY_LISTS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": schema.QUESTION["properties"]["examples"]["oneOf"][0],
    "minProperties": 1,
}


def _merge_examples(spec: Any, path: Path) -> None:
    """Merge ``examples/<dialog>.yaml`` beside ``path`` into the dialog's steps.

    The file maps a question (``step`` or ``group.step``) to example lists per family; a list
    the question gives itself is its default. Merged into the spec, the examples are part
    of the dialog's digest and of the snapshot a conversation is pinned to.

    Raises:
        DialogLoadError: Listing every problem in the examples file.
    """
    file = path.parent / EXAMPLES_DIR / path.name
    if not file.is_file() or not isinstance(spec, dict) or not isinstance(spec.get("steps"), list):
        return
    data, lines = parse_yaml(file.read_text(encoding="utf-8"), str(file))
    ctx = _Context(str(file), lines)
    if not isinstance(data, dict):
        ctx.error((), None, "an examples file maps questions to their examples", "schema")
        raise DialogLoadError(ctx.errors)
    for key, given in data.items():
        target = _example_target(spec["steps"], str(key))
        if target is None:
            message = f"there is no question '{key}' in this dialog (write 'step' or 'group.step')"
            ctx.error((key,), None, message, "unknown_step")
            continue
        if not ctx.check(given, _FAMILY_LISTS, (key,), str(key)):
            continue
        for name in given:
            if name != "default" and name not in FAMILIES:
                message = f"there is no occupation family '{name}' (known: {list(FAMILIES)})"
                ctx.error((key, name), str(key), message, "unknown_family")
        own = target.get("examples")
        if isinstance(own, dict) or (own is not None and "default" in given):
            message = "the question gives its own examples; give them in one place"
            ctx.error((key,), str(key), message, "duplicate_examples")
            continue
        target["examples"] = given if own is None else {"default": own, **given}
    if ctx.errors:
        raise DialogLoadError(ctx.errors)


def _example_target(steps: list[Any], key: str) -> dict[str, Any] | None:
    """The raw question ``step`` or ``group.step`` names, if there is one."""
    first, _, sub = key.partition(".")
    for step in steps:
        if not isinstance(step, dict) or step.get("id") != first:
            continue
        if not sub:
            return step if "ask" in step or "group" in step else None
        group = step.get("group")
        inner = group.get("steps") if isinstance(group, dict) else None
        for item in inner if isinstance(inner, list) else ():
            if isinstance(item, dict) and item.get("id") == sub and "ask" in item:
                return item
    return None

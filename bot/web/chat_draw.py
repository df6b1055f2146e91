"""The chat's page, answer box and messages: each shape drawn once by Jinja, values put in.

Between requests the page and the answer box differ only in a few values: the CSRF token,
the form's delivery id, the draft, a notice and the conversation's messages. Everything
else depends only on the language, the kind of answer box and whether the conversation has
begun, so Jinja draws each of those shapes once, with markers where the values go; a
request fills the markers in one pass. A message is drawn the same way: its shape (who
said it, its kind, whether it has a text, its number of buttons …) by ``chat_log.html``
once, its id, text, buttons and link put in. Every value is escaped on the way in, and a
value is never searched for markers itself.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from bot.engine.localized import Lang
from bot.engine.payloads import RunCommand, encode
from bot.web import chat_messages as shown
from bot.web.chat_texts import text
from bot.web.chat_turns import COMMANDS, START

_MARK = "\x1e"  # a control character no template contains
# What a request puts into a shape; ``log`` is the messages, already drawn; ``limit`` the
# open question's length limit (``limit_shown`` as the page writes it), so one box shape
# serves every limit.
SLOTS = ("csrf", "delivery", "draft", "notice", "log", "limit", "limit_shown")


@dataclass(frozen=True, slots=True)
class Shape:
    """Drawn HTML cut at its markers: text, slot name, text, slot name, …, text."""

    parts: tuple[str, ...]

    def fill(self, values: Mapping[str, str]) -> str:
        """The HTML with each slot's value (escaped unless it is markup already)."""
        parts = self.parts
        out = list(parts)
        for index in range(1, len(parts), 2):  # the slots are the odd parts
            out[index] = _escaped(values[parts[index]])
        return "".join(out)


def _escaped(value: str) -> str:
    """``value`` as MarkupSafe escapes it (markup already drawn is kept as it is).

    Most values (ids, labels, typed answers) need nothing, and MarkupSafe's ``escape`` made
    each of them into a new Markup object anyway (about 0.5 µs a value, a few dozen values a
    turn); five ``in`` are cheaper than a regular expression's search, whose set-up alone
    costs more than scanning a short value.
    """
    if isinstance(value, Markup) or not (
        "&" in value or "<" in value or ">" in value or '"' in value or "'" in value
    ):
        return value
    return str(escape(value))


@functools.lru_cache(maxsize=4)
def texts(lang: Lang) -> dict[str, Any]:
    """What every chat template may use besides the request's values (not to be changed)."""
    return {
        "lang": lang,
        "t": lambda key, **params: text(key, lang, **params),
        # Said by each message of the log: looked up once per page, not once per message.
        "you": text("you", lang),
        "coach": text("coach", lang),
        # The command buttons of the answer box (the same commands as every channel).
        "commands": [(key, encode(RunCommand(key))) for key in COMMANDS],
        "language_payload": encode(RunCommand("english" if lang == "ja" else "日本語")),
        "start_payload": START,
    }


def box_key(lang: Lang, box: shown.AnswerBox, started: bool) -> str:
    """What the answer box's shape depends on, as the box's form sends it back (``shape``):
    a turn that leaves it so sends the box's new delivery id (and limit), not the box again."""
    limited = box.limit is not None
    return f"{lang}.{int(box.long)}.{int(limited)}.{int(box.one_line)}.{int(started)}"


def limit_values(box: shown.AnswerBox) -> dict[str, str]:
    """The ``limit`` slots of the answer box."""
    limit = box.limit
    return {"limit": str(limit), "limit_shown": f"{limit:,}"} if limit else _NO_LIMIT


_NO_LIMIT = {"limit": "", "limit_shown": ""}


def shape(
    environment: Environment,
    name: str,
    lang: Lang,
    box: shown.AnswerBox,
    started: bool,
    notice: bool = False,
) -> Shape:
    """Template ``name`` for a language, answer box, begun conversation and notice."""
    # The limit itself is a slot: only whether there is one makes a shape.
    kind = shown.AnswerBox(box.long, 1 if box.limit is not None else None, box.one_line)
    return _shape(environment, name, lang, kind, started, notice)


@functools.lru_cache(maxsize=128)
def _shape(
    environment: Environment,
    name: str,
    lang: Lang,
    box: shown.AnswerBox,
    started: bool,
    notice: bool,
) -> Shape:
    context = {
        **texts(lang),
        "box": box,
        "box_key": box_key(lang, box, started),
        "messages": [True] if started else [],
        **{slot: f"{_MARK}{slot}{_MARK}" for slot in SLOTS},
    }
    if not notice:
        context["notice"] = ""
    return Shape(tuple(environment.get_template(name).render(context).split(_MARK)))


# The slots of a message's buttons: label and payload of the n-th option or action.
_OPTION_SLOTS = tuple((f"ol{n}", f"op{n}") for n in range(64))
_ACTION_SLOTS = tuple((f"al{n}", f"ap{n}") for n in range(64))


def log(environment: Environment, lang: Lang, messages: list[shown.Shown], hours: int) -> Markup:
    """The messages as the page's log shows them; ``hours`` is how long a link lasts.

    Drawn once per shape by ``chat_log.html`` (autoescaped), a message's values escaped
    into it: Jinja drawing every message on every turn cost more than the rest of the
    page's work together.
    """
    drawn = []
    for message in messages:
        options, actions = message.options, message.actions
        if len(options) > len(_OPTION_SLOTS) or len(actions) > len(_ACTION_SLOTS):
            drawn.append(_drawn_whole(environment, lang, message, hours))
            continue
        form = _message_shape(
            environment,
            lang,
            message.role,
            message.kind,
            bool(message.text),
            message.live,
            len(options),
            len(actions),
            hours if message.kind == "document" else 0,
        )
        values = {
            "id": str(message.id),
            "text": message.text,
            "filename": message.filename,
            "url": message.url,
        }
        for (label, payload), (label_at, payload_at) in zip(options, _OPTION_SLOTS, strict=False):
            values[label_at], values[payload_at] = label, payload
        for (label, payload), (label_at, payload_at) in zip(actions, _ACTION_SLOTS, strict=False):
            values[label_at], values[payload_at] = label, payload
        drawn.append(form.fill(values))
    return Markup("".join(drawn))


def _log_context(lang: Lang, message: object, hours: int) -> dict[str, Any]:
    return {**texts(lang), "messages": [message], "link_hours": hours}


def _drawn_whole(environment: Environment, lang: Lang, message: shown.Shown, hours: int) -> str:
    """A message with more buttons than a shape has slots for, drawn by Jinja itself."""
    return environment.get_template("chat_log.html").render(_log_context(lang, message, hours))


@functools.lru_cache(maxsize=1024)
def _message_shape(
    environment: Environment,
    lang: Lang,
    role: str,
    kind: str,
    has_text: bool,
    live: bool,
    options: int,
    actions: int,
    hours: int,
) -> Shape:
    """One message of the log as ``chat_log.html`` draws it, with markers for its values."""

    def mark(slot: str) -> str:
        return f"{_MARK}{slot}{_MARK}"

    message = {
        "id": mark("id"),
        "role": role,
        "kind": kind,
        "text": mark("text") if has_text else "",
        "live": live,
        "filename": mark("filename"),
        "url": mark("url"),
        "options": [(mark(label), mark(payload)) for label, payload in _OPTION_SLOTS[:options]],
        "actions": [(mark(label), mark(payload)) for label, payload in _ACTION_SLOTS[:actions]],
    }
    template = environment.get_template("chat_log.html")
    return Shape(tuple(template.render(_log_context(lang, message, hours)).split(_MARK)))

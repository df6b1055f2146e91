"""The chat's page and answer box: each shape drawn once by Jinja, a request's values put in.

Between requests the page and the answer box differ only in a few values: the CSRF token,
the form's delivery id, the draft, a notice and the conversation's messages. Everything
else depends only on the language, the kind of answer box and whether the conversation has
begun, so Jinja draws each of those shapes once, with markers where the values go; a
request fills the markers in one pass. Every value is escaped on the way in (the messages
come drawn by Jinja with autoescape), and a value is never searched for markers itself.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from markupsafe import escape

from bot.engine.localized import Lang
from bot.engine.payloads import RunCommand, encode
from bot.web import chat_messages as shown
from bot.web.chat_texts import text
from bot.web.chat_turns import COMMANDS, START

_MARK = "\x1e"  # a control character no template contains
# What a request puts into a shape; ``log`` is the messages, already drawn.
SLOTS = ("csrf", "delivery", "draft", "notice", "log")


@dataclass(frozen=True, slots=True)
class Shape:
    """Drawn HTML cut at its markers: text, slot name, text, slot name, …, text."""

    parts: tuple[str, ...]

    def fill(self, values: Mapping[str, str]) -> str:
        """The HTML with each slot's value (escaped unless it is markup already)."""
        return "".join(
            str(escape(values[part])) if odd else part
            for part, odd in zip(self.parts, _alternate(len(self.parts)), strict=True)
        )


@functools.lru_cache(maxsize=8)
def _alternate(count: int) -> tuple[bool, ...]:
    return tuple(n % 2 == 1 for n in range(count))


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


@functools.lru_cache(maxsize=128)
def shape(
    environment: Environment,
    name: str,
    lang: Lang,
    box: shown.AnswerBox,
    started: bool,
    notice: bool = False,
) -> Shape:
    """Template ``name`` for a language, answer box, begun conversation and notice."""
    context = {
        **texts(lang),
        "box": box,
        "messages": [True] if started else [],
        **{slot: f"{_MARK}{slot}{_MARK}" for slot in SLOTS},
    }
    if not notice:
        context["notice"] = ""
    return Shape(tuple(environment.get_template(name).render(context).split(_MARK)))

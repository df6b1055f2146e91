"""A chat turn's form, read one way by the ``/chat`` route and by ``chat.js``'s fast path."""

from __future__ import annotations

import itertools
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from bot.engine.localized import Lang
from bot.web.deps import form_text

# A form's delivery id: what makes a double tap or a browser's retry one turn.
DELIVERY_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
MAX_FIELDS = 20  # the chat's forms have fewer; more is not one of them


def _fresh_prefix() -> None:
    global _PREFIX, _COUNTED
    _PREFIX, _COUNTED = secrets.token_urlsafe(9), itertools.count()


_PREFIX, _COUNTED = "", itertools.count()
_fresh_prefix()
os.register_at_fork(after_in_child=_fresh_prefix)  # a forked worker must not share it


def new_delivery() -> str:
    """A form's delivery id: this process's random prefix (72 bits, new in each process)
    and a count. Ids never repeat within a process and practically never across processes,
    and a form costs no read of the system's randomness (a system call on every turn)."""
    return f"{_PREFIX}{next(_COUNTED):x}"


def form_of(body: bytes) -> dict[str, str] | None:
    """A URL-encoded form as ``urllib.parse.parse_qsl`` reads it (the last of a repeated
    name, undecodable bytes replaced), or None with more than :data:`MAX_FIELDS` fields."""
    pairs = body.split(b"&")
    if len(pairs) > MAX_FIELDS:
        return None
    fields: dict[str, str] = {}
    for pair in pairs:
        if pair:
            name, _, value = pair.partition(b"=")
            fields[_unquoted(name)] = _unquoted(value)
    return fields


def _unquoted(raw: bytes) -> str:
    # find, not ``in``: ``bytes in bytes`` first tries the operand as an integer and formats
    # the TypeError it catches, which cost more than the rest of the form together.
    if raw.find(b"+") != -1:
        raw = raw.replace(b"+", b" ")
    if raw.find(b"%") != -1:
        raw = unquote_to_bytes(raw)
    return raw.decode("utf-8", "replace")


def accepted_lang(header: str) -> Lang:
    """The language of a browser's ``Accept-Language``, for a person not seen yet."""
    return "en" if header.lower().startswith("en") else "ja"


@dataclass(frozen=True, slots=True)
class Posted:
    """What a turn's form sends: the text typed (line breaks as ``\\n``), the button pressed
    and the form's delivery id."""

    typed: str
    payload: str | None
    delivery: str

    @classmethod
    def of(cls, form: Mapping[str, Any]) -> Posted:
        """The turn in ``form`` (a missing or non-text field read as empty)."""
        typed, payload, delivery = (
            form_text(form, name) for name in ("text", "payload", "delivery")
        )
        return cls(typed.replace("\r\n", "\n"), payload or None, delivery)

    @property
    def delivery_ok(self) -> bool:
        """Whether the form carries a delivery id (every form the chat draws does)."""
        return DELIVERY_ID.fullmatch(self.delivery) is not None

    @property
    def empty(self) -> bool:
        """Nothing typed and nothing pressed (a form sent again with the box left empty)."""
        return self.payload is None and not self.typed.strip()

"""The licence dictionary: official names, the short names people write, and their issuers.

The data is ``licences.yaml`` beside this module (with its sources); it is read on the first
look-up, never at import. :func:`find` names the licence a person wrote, by the longest
official or short name found in it, after folding width, case, kanji numerals and spaces.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

from bot.engine.localized import Localized
from bot.engine.normalize import fold, kanji_to_digits

_SPACES: Final = re.compile(r"[\s・･\u30fb]+")
_ASCII_WORD: Final = re.compile(r"^[0-9a-z&.\- ]+$")


@dataclass(frozen=True, slots=True)
class Licence:
    """One licence or qualification.

    Attributes:
        name: The official name (grades and classes are left as the person writes them).
        aka: Short or older names people write for it.
        issuer: Who runs or certifies it, in both languages.
        source: Where the issuer was checked (the body's own page or the law).
    """

    name: str
    aka: tuple[str, ...]
    issuer: Localized
    source: str


@dataclass(frozen=True, slots=True)
class Match:
    """A licence found in a text, and where (``start``/``end`` in the text as given)."""

    licence: Licence
    start: int
    end: int


def key(text: str) -> str:
    """The form names are compared in: folded, kanji numerals as digits, no spaces or dots."""
    return _SPACES.sub("", kanji_to_digits(fold(text)))


@functools.cache
def licences() -> tuple[Licence, ...]:
    """Every licence of the dictionary, in the file's order."""
    import yaml  # here, not with the engine: only a look-up needs it

    raw: dict[str, Any] = yaml.load(  # libyaml when present: several times faster
        resources.files("bot.engine").joinpath("licences.yaml").read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )
    issuers = {
        name: (Localized(body["ja"], body["en"]), str(body["source"]))
        for name, body in raw["issuers"].items()
    }
    found = []
    for entry in raw["licences"]:
        issuer, source = issuers[entry["issuer"]]
        aka = tuple(str(name) for name in entry.get("aka", ()))
        found.append(Licence(str(entry["name"]), aka, issuer, source))
    return tuple(found)


@functools.cache
def _names() -> tuple[tuple[str, Licence], ...]:
    """Every official and short name's key with its licence, longest first."""
    pairs: dict[str, Licence] = {}
    for licence in licences():
        for name in (licence.name, *licence.aka):
            keyed = key(name)
            # A Latin name keeps its spaces: it is matched word by word.
            pairs.setdefault(fold(name) if _ASCII_WORD.match(keyed) else keyed, licence)
    return tuple(sorted(pairs.items(), key=lambda pair: -len(pair[0])))


def _occurs(name: str, keyed: str, spaced: str) -> bool:
    """Whether ``name`` occurs in the text; a Latin name only as a whole word (「MOS Excel」
    but not "cosmos"), looked for where the spaces between words are still there."""
    if not _ASCII_WORD.match(name):
        return name in keyed
    return re.search(rf"(?<![0-9a-z]){re.escape(name)}(?![a-z])", spaced) is not None


def find(text: str) -> Licence | None:
    """The licence ``text`` names, by the longest name found in it (None if none is)."""
    keyed = key(text)
    if not keyed:
        return None
    spaced = kanji_to_digits(fold(text))
    for name, licence in _names():
        if _occurs(name, keyed, spaced):
            return licence
    return None


def usual_issuer(name: str) -> Localized | None:
    """The usual issuing or certifying body of the licence ``name``, if it is a known one."""
    licence = find(name)
    return None if licence is None else licence.issuer

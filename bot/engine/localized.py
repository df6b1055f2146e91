"""Bilingual text values: every user-facing string exists in Japanese and English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")


@dataclass(frozen=True, slots=True)
class Localized:
    """A text in Japanese and English; Japanese is the default language."""

    ja: str
    en: str

    def get(self, lang: Lang) -> str:
        """Return the text in ``lang``."""
        return self.en if lang == "en" else self.ja

    def format(self, lang: Lang, **params: object) -> str:
        """Return the text in ``lang`` with ``{name}`` placeholders filled in."""
        return self.get(lang).format(**params)


def as_lang(value: str | None) -> Lang:
    """Coerce a stored or user-given language code to a supported language (default ja)."""
    return "en" if value == "en" else "ja"

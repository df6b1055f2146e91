"""Answers picked from options: one choice, several choices, and yes/no."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar, Final

from bot.engine.answer_texts import ANSWER_MESSAGES
from bot.engine.localized import Lang, Localized
from bot.engine.normalize import fold, kanji_to_digits
from bot.engine.numeric import parse_decimal
from bot.engine.readings import MAX_READING, has_kana, kana_fold, reading
from bot.engine.results import (
    Accepted,
    JSONValue,
    Params,
    ParseContext,
    ParseResult,
    Rejected,
    both,
    empty_answer,
)


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a choice: the stored value, its label, and extra words that select it.

    Attributes:
        number_range: Numbers that mean this option, both ends included (an age band's
            ``(50, 59)``, so 「52歳」 picks 50代).
        listed: False for an option that is taken when typed but shown as no button (a day
            on a later page of dates, typed as 「12月9日」); such options come last.
        whole_words: Words that name the option only when typed whole, never by a part
            (「10時半」 picks 10:30, but 「10時」 must not).
    """

    value: str
    label: Localized
    aliases: tuple[str, ...] = ()
    number_range: tuple[float, float] | None = None
    listed: bool = True
    whole_words: tuple[str, ...] = ()


def _squash(s: str) -> str:
    """Fold, katakana to hiragana, and drop spaces and punctuation: 「full-time」 = "Full time"."""
    return "".join(
        ch for ch in kana_fold(fold(s)) if not ch.isspace() and unicodedata.category(ch)[0] != "P"
    )


MAX_INPUT: Final = 1000
"""The longest text (folded) matched against options; nobody's choice is an essay."""
_NUMBER = re.compile(r"(?:no\.?|#|\()?\s*(?P<n>\d{1,3})\s*(?:番目?|つ目|\)|\.)?")
# What may surround an option's words and still mean just that option: 「正社員です」.
_FILLER: Final = frozenset(
    {"です", "でした", "と思います", "だと思います", "かな", "ですね", "になります", "にします"}
    | {"でお願いします", "がいいです", "ithink", "please", "で", "だった", "お願いします"}
    # After a verb's stem (「確定」 of 確定する): 「確定します」「追加したいです」.
    | {"します", "したい", "したいです", "してください", "しました"}
    # The same endings as read, for text compared by reading.
    | {"でおねがいします", "おねがいします", "とおもいます", "だとおもいます"}
)
# Units that make a number an age or a count rather than an option's number: 「5歳」.
_RANGE_UNITS: Final = ("歳", "才", "代", "years old", "yo")


def _keys(option: Option) -> tuple[str, ...]:
    keys = (option.value, option.label.ja, option.label.en, *option.aliases)
    # A verb option is also named by its stem: 「確定」 for 確定する.
    stems = tuple(k[:-2] for k in keys if k.endswith("する") and len(k) > 3)
    return keys + stems


_Names = tuple[tuple[int, str], ...]


def _compute_names(options: tuple[Option, ...]) -> tuple[_Names, _Names]:
    folded = tuple((i, fold(k)) for i, o in enumerate(options) for k in _keys(o))
    squashed = tuple((i, _squash(k)) for i, k in folded)
    return folded, tuple((i, k) for i, k in squashed if k)


_cached_names = functools.lru_cache(maxsize=256)(_compute_names)


# Hashing a tuple of options hashes every field of every option, which cost most of a match;
# a question's options are the same tuple on every turn, so they are first found by identity.
# An entry keeps its tuple alive, so its id is not reused while it is here.
_BY_IDENTITY: dict[int, tuple[tuple[Option, ...], tuple[_Names, _Names]]] = {}
_IDENTITY_LIMIT = 512


def _names(options: tuple[Option, ...]) -> tuple[_Names, _Names]:
    """Each option's names as (index, name) pairs: folded, then squashed (empty ones dropped)."""
    known = _BY_IDENTITY.get(id(options))
    if known is not None and known[0] is options:
        return known[1]
    try:
        names = _cached_names(options)
    except TypeError:  # something unhashable in the options (a list of aliases): no cache
        return _compute_names(options)
    if len(_BY_IDENTITY) >= _IDENTITY_LIMIT:
        _BY_IDENTITY.clear()  # run-time options are new tuples on every turn: start again
    _BY_IDENTITY[id(options)] = (options, names)
    return names


def _unique(indexes: list[int]) -> int | list[int] | None:
    distinct = sorted(set(indexes))
    if not distinct:
        return None
    return distinct[0] if len(distinct) == 1 else distinct


@functools.lru_cache(maxsize=256)
def _cached_readings(options: tuple[Option, ...]) -> _Names:
    return _compute_readings(options)


def _compute_readings(options: tuple[Option, ...]) -> _Names:
    pairs = ((i, _squash(reading(fold(k)))) for i, o in enumerate(options) for k in _keys(o))
    return tuple((i, k) for i, k in pairs if k)


def _readings(options: tuple[Option, ...]) -> _Names:
    """Each option's names read as hiragana (computed on first need, then cached)."""
    try:
        return _cached_readings(options)
    except TypeError:
        return _compute_readings(options)


def _wraps(squashed: str, name: str) -> bool:
    """Whether ``squashed`` is ``name`` plus a polite ending (「正社員です」, not 「です」)."""
    return name in squashed and squashed.replace(name, "", 1) in _FILLER


def _match_names(names: _Names, squashed: str, inside_from: int) -> int | list[int] | None:
    """Same name, a unique start, a part (``inside_from``+ characters), then a polite ending."""
    if (same := _unique([i for i, k in names if k == squashed])) is not None:
        return same
    if len(squashed) >= 2:
        prefix = _unique([i for i, k in names if k.startswith(squashed)])
        if isinstance(prefix, int):
            return prefix
    inside = [i for i, k in names if squashed in k] if len(squashed) >= inside_from else []
    if (part := _unique(inside)) is not None:
        return part
    wrapped = [(i, k) for i, k in names if len(k) >= 2 and _wraps(squashed, k)]
    longest = max((len(k) for _, k in wrapped), default=0)
    return _unique([i for i, k in wrapped if len(k) == longest])


def _in_range(options: tuple[Option, ...], folded: str) -> int | list[int] | None:
    """The option whose number range holds the number typed (「52歳」「五十二」→ 50代)."""
    if len(folded) > 20 or all(o.number_range is None for o in options):
        return None
    number = parse_decimal(folded, _RANGE_UNITS)
    if number is None:
        return None
    # Ages and counts are whole: 19.5 is still 19.
    whole = math.floor(number)
    return _unique(
        [
            i
            for i, o in enumerate(options)
            if o.number_range is not None and o.number_range[0] <= whole <= o.number_range[1]
        ]
    )


def match_option(
    options: tuple[Option, ...], text: str, *, numbers: bool = True
) -> int | list[int] | None:
    """Find the option ``text`` names: its index, the candidate indexes if ambiguous, or None.

    Tries, in order: exact wording (label in either language, value or alias), the option's
    1-based number, a number within an option's ``number_range`` (「52歳」), wording ignoring
    spaces, punctuation and katakana/hiragana, then a part of the wording (2+ characters) that
    only one option has, then wording with a polite ending (「正社員です」). Text with kana is
    then compared by reading (「はけん」 names 派遣社員). Several candidates are returned, never
    one picked among them. Without ``numbers`` a number typed is no option's number.
    """
    folded = fold(text)
    if not folded:
        return None
    folded_names, keyed = _names(options)
    exact = _unique([i for i, k in folded_names if k == folded])
    if exact is not None:
        return exact
    squashed = _squash(folded)
    whole = [
        i
        for i, option in enumerate(options)
        for word in map(_squash, option.whole_words)
        if word == squashed or (len(word) >= 2 and _wraps(squashed, word))
    ]
    if (named := _unique(whole)) is not None:
        return named
    if numbers and len(folded) <= 10 and (number := _NUMBER.fullmatch(kanji_to_digits(folded))):
        n = int(number["n"])
        if 1 <= n <= sum(option.listed for option in options):
            return n - 1
    if (ranged := _in_range(options, folded)) is not None:
        return ranged
    if not squashed:
        return None
    if (found := _match_names(keyed, squashed, inside_from=2)) is not None:
        return found
    # Kana typed for a kanji label (the IME left it unconverted): compare readings. Text of
    # kanji alone is not read: a different kanji word that sounds the same is another word.
    # A part of a reading must be longer than a part of the wording (sounds collide more).
    if not has_kana(squashed) or len(folded) > MAX_READING:
        return None
    return _match_names(_readings(options), _squash(reading(folded)), inside_from=3)


def _exact_or_wrapped(names: _Names, squashed: str) -> list[int]:
    same = [i for i, k in names if k == squashed]
    return same or [i for i, k in names if k and _wraps(squashed, k)]


def match_words(words: tuple[str, ...], text: str) -> list[int]:
    """The indexes of the words ``text`` says, whole or with a polite ending (「ふつうです」).

    Case, width, spaces, punctuation and katakana/hiragana are ignored; text with kana is also
    compared by reading (「ふつう」 says 普通). Never a part of a word: 「つう」 says nothing.
    """
    squashed = _squash(text)
    if not squashed or len(squashed) > MAX_READING:
        return []
    found = _exact_or_wrapped(tuple((i, _squash(w)) for i, w in enumerate(words)), squashed)
    if found or not has_kana(squashed):
        return found
    readings = tuple((i, _squash(reading(fold(w)))) for i, w in enumerate(words))
    return _exact_or_wrapped(readings, _squash(reading(fold(text))))


def option_list(options: tuple[Option, ...], indexes: list[int] | None = None) -> Localized:
    """The numbered options (all listed, or just ``indexes``), one a line, in both languages."""
    chosen = [i for i, o in enumerate(options) if o.listed] if indexes is None else indexes
    lines = [
        (f"{i + 1}. {options[i].label.ja}", f"{i + 1}. {options[i].label.en}") for i in chosen
    ]
    return Localized("\n".join(ja for ja, _ in lines), "\n".join(en for _, en in lines))


def _label(options: tuple[Option, ...], value: JSONValue, lang: Lang) -> str:
    for option in options:
        if option.value == value:
            return option.label.get(lang)
    return str(value)


@dataclass(frozen=True, slots=True)
class ChoiceAnswer:
    """One option, chosen by its number, its wording (either language) or an alias.

    With ``ages`` the options' number ranges are ages, so a birth date or year typed instead
    (「昭和43年生まれ」) picks the option of the age it means today, and the reply says so.
    """

    kind: ClassVar[str] = "choice"
    options: tuple[Option, ...]
    ages: bool = False

    def parse(self, text: str, ctx: ParseContext, partial: JSONValue = None) -> ParseResult:
        """Read the chosen option; the value is the option's ``value``."""
        folded = fold(text)
        if not folded:
            return empty_answer(ANSWER_MESSAGES["hint_choice"])
        if len(folded) > MAX_INPUT:
            return Rejected("choice_unknown", both("options", option_list(self.options)))
        found = match_option(self.options, text)
        if isinstance(found, int):
            return Accepted(self.options[found].value)
        if isinstance(found, list):
            return Rejected("choice_ambiguous", both("options", option_list(self.options, found)))
        if self.ages and (born := self._by_birth(text, ctx)) is not None:
            return born
        return Rejected("choice_unknown", both("options", option_list(self.options)))

    def _by_birth(self, text: str, ctx: ParseContext) -> ParseResult | None:
        """The option of the age a birth date or year means today; the options it may mean
        when the birthday may be still to come and falls on a boundary (「1966年生まれ」)."""
        # (Imported here: the dates' parsers load with the first typed answer, not at start.)
        from bot.engine.dates import ages_when_born

        ages = ages_when_born(text, ctx.today)
        if ages is None:
            return None
        found = [
            i
            for i, o in enumerate(self.options)
            if o.number_range is not None
            and any(o.number_range[0] <= age <= o.number_range[1] for age in ages)
        ]
        if not found:
            return None
        if len(found) > 1:
            return Rejected("born_between", both("options", option_list(self.options, found)))
        option = self.options[found[0]]
        return Accepted(option.value, "born_in", both("option", option.label))

    def display(self, value: JSONValue, lang: Lang) -> str:
        """The chosen option's label in ``lang``."""
        return _label(self.options, value, lang)

    def hint(self, lang: Lang) -> str:
        """What is expected, as a short noun phrase."""
        return ANSWER_MESSAGES["hint_choice"].get(lang)


_ALL: Final = frozenset({"all", "全部", "ぜんぶ", "すべて", "全て", "everything", "allofthem"})
_NONE: Final = frozenset(
    {"なし", "無し", "ない", "ありません", "特になし", "とくになし", "該当なし", "none", "nothing"}
)
# Coarse separators first, so 「パート・アルバイト」 or "full time" survive as one option's name.
_SPLIT_LEVELS: Final = (
    re.compile(r"[,、;/]"),
    re.compile(r"[・･]"),
    re.compile(r"\s+|&|\band\b"),
    re.compile(r"と|や|および|及び"),
)


def _match_pieces(
    options: tuple[Option, ...], piece: str, level: int
) -> list[int] | Rejected | str:
    """The options ``piece`` names, a rejection if ambiguous, or the first unknown piece."""
    piece = piece.strip()
    if not piece:
        return []
    found = match_option(options, piece)
    if isinstance(found, int):
        return [found]
    if isinstance(found, list):
        return Rejected("choice_ambiguous", both("options", option_list(options, found)))
    if level == len(_SPLIT_LEVELS):
        # 「135」 for options 1, 3 and 5, as long as every option number is a single digit.
        if piece.isascii() and piece.isdigit() and len(options) <= 9:
            numbers = [int(d) for d in piece]
            if len(set(numbers)) == len(numbers) and all(1 <= n <= len(options) for n in numbers):
                return [n - 1 for n in numbers]
        return piece
    parts = _SPLIT_LEVELS[level].split(piece)
    if len(parts) == 1:
        return _match_pieces(options, piece, level + 1)
    chosen: list[int] = []
    for part in parts:
        result = _match_pieces(options, part, level + 1)
        if not isinstance(result, list):
            return result
        chosen += result
    return chosen


@dataclass(frozen=True, slots=True)
class MultiChoiceAnswer:
    """Several options at once (「1、3」「正社員と派遣」「全部」); stored in option order."""

    kind: ClassVar[str] = "multi_choice"
    options: tuple[Option, ...]
    min_count: int = 1
    max_count: int | None = None

    def parse(self, text: str, ctx: ParseContext, partial: JSONValue = None) -> ParseResult:
        """Read the chosen options; the value is a list of option values in option order."""
        folded = fold(text)
        if not folded:
            return empty_answer(ANSWER_MESSAGES["hint_multi_choice"])
        if len(folded) > MAX_INPUT:
            return Rejected("multi_unknown", (("piece", folded[:30]), *self._options()))
        squashed = _squash(folded)
        # 「全部」 or 「なし」 mean all or none, unless an option is literally called that.
        names = {k for _, k in _names(self.options)[1]}
        if squashed in _ALL and squashed not in names:
            chosen = list(range(len(self.options)))
        elif squashed in _NONE and squashed not in names:
            chosen = []
        else:
            result = _match_pieces(self.options, folded, 0)
            if isinstance(result, Rejected):
                return result
            if isinstance(result, str):
                return Rejected("multi_unknown", (("piece", result[:30]), *self._options()))
            chosen = result
        indexes = sorted(set(chosen))
        if len(indexes) < self.min_count:
            return Rejected("multi_too_few", (("min", str(self.min_count)),))
        if self.max_count is not None and len(indexes) > self.max_count:
            params = (("max", str(self.max_count)), ("count", str(len(indexes))))
            return Rejected("multi_too_many", params)
        values: list[JSONValue] = [self.options[i].value for i in indexes]
        return Accepted(values)

    def _options(self) -> Params:
        return both("options", option_list(self.options))

    def display(self, value: JSONValue, lang: Lang) -> str:
        """The chosen options' labels in ``lang``, joined with 「、」 or ", "."""
        if not isinstance(value, list):
            return str(value)
        return ("、" if lang == "ja" else ", ").join(_label(self.options, v, lang) for v in value)

    def hint(self, lang: Lang) -> str:
        """What is expected, as a short noun phrase."""
        return ANSWER_MESSAGES["hint_multi_choice"].get(lang)


_YES: Final = frozenset(
    {"はい", "ええ", "うん", "そう", "そうです", "ある", "あります", "あり", "有り", "いる"}
    | {"います", "もちろん", "了解", "はーい", "持っています", "その通り", "そのとおり"}
    | {"おっけー", "おけ"}
    | {"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "true", "1", "○", "〇", "◯"}
)
_NO: Final = frozenset(
    {"いいえ", "いえ", "いや", "いいや", "ううん", "ない", "ないです", "ありません", "なし"}
    | {"無し", "いません", "いない", "違います", "ちがいます", "違う", "ちがう", "まだ"}
    | {"まだです", "持っていません", "no", "n", "nope", "nah", "false", "2", "×", "✕", "✖"}
)
# Words that may start a longer yes or no: 「はいそうです」「いいえ違います」.
_LEADS: Final = (
    ("いいえ", False),
    ("いいや", False),
    ("いえ", False),
    ("いや", False),
    ("はい", True),
    ("ええ", True),
    ("うん", True),
)
_NEUTRAL: Final = frozenset({"", "です", "でした", "お願いします", "おねがいします"})
_TOKENS = re.compile(r"[\s、。,.!?…・]+")


def _polarity(token: str) -> bool | None:
    if token in _YES:
        return True
    if token in _NO:
        return False
    for ending in ("です", "でした"):
        if token.endswith(ending) and (base := token[: -len(ending)]) in _YES | _NO:
            return base in _YES
    for lead, polarity in _LEADS:
        if token.startswith(lead):
            rest = token[len(lead) :]
            if rest in _NEUTRAL or (rest in _YES if polarity else rest in _NO):
                return polarity
    return None


@dataclass(frozen=True, slots=True)
class YesNoAnswer:
    """はい or いいえ (or yes/no, 1/2 for the numbered buttons); stored as a bool."""

    kind: ClassVar[str] = "yes_no"

    def parse(self, text: str, ctx: ParseContext, partial: JSONValue = None) -> ParseResult:
        """Read yes or no; the first word decides unless a later word says the opposite."""
        folded = fold(text)
        if not folded:
            return empty_answer(ANSWER_MESSAGES["hint_yes_no"])
        # 「ハイ」「イイエ」: katakana is read as the same word.
        tokens = [t for t in _TOKENS.split(kana_fold(folded)) if t]
        polarities = [_polarity(t) for t in tokens] or [None]
        first = polarities[0]
        if first is None or (not first) in polarities[1:]:
            return Rejected("yes_no_unknown")
        return Accepted(first)

    def display(self, value: JSONValue, lang: Lang) -> str:
        """はい/いいえ or Yes/No."""
        if not isinstance(value, bool):
            return str(value)
        return ANSWER_MESSAGES["word_yes" if value else "word_no"].get(lang)

    def hint(self, lang: Lang) -> str:
        """What is expected, as a short noun phrase."""
        return ANSWER_MESSAGES["hint_yes_no"].get(lang)

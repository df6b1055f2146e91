"""Reading one line of a 職務経歴書 or 履歴書: dates and periods, company names, types, headings.

Everything works on a width-folded copy of the line of the same length (full-width digits
and letters as ASCII), so what is found can be cut from the line as the person wrote it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Final, Literal

from bot.engine.dates import UNKNOWN_MONTH, YearMonth, parse_year_month, ym_str

# Full-width ASCII → ASCII and the ideographic space → space, one character for one.
_WIDTH: Final = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {
    0x3000: 0x20,
    0x301C: 0x7E,  # 〜
    0x2010: 0x2D,
    0x2011: 0x2D,
    0x2012: 0x2D,
    0x2013: 0x2D,
    0x2014: 0x2D,
    0x2015: 0x2D,
    0x2212: 0x2D,
    0x223C: 0x7E,
    0x30FB: 0x30FB,
}
# 「ー」 between a date and what follows is a dash (「2015年4月ー2020年3月」), not a long vowel.
_LONG_DASH: Final = re.compile(r"(?<=[0-9年月])[ー―](?=\s*[0-9平昭令明大HhSsRr現今])")


def folded(line: str) -> str:
    """``line`` with full-width ASCII as ASCII, of exactly the same length."""
    return _LONG_DASH.sub("-", line.translate(_WIDTH))


_ERA: Final = r"(?:明治|大正|昭和|平成|令和|(?<![A-Za-z])[MTSHRmtshr])"
_YEAR: Final = rf"(?:(?P<era>{_ERA})\s*(?P<ey>\d{{1,2}}|元)|(?P<y>(?:19|20)\d{{2}}))"
_DATE: Final = re.compile(
    rf"(?<![0-9]){_YEAR}(?:\s*年\s*|\s*[./\-]\s*|[ \t]+|\s*[|｜]\s*)"
    r"(?P<m>\d{1,2})(?![0-9])(?:\s*月)?"
    r"(?:\s*\d{1,2}\s*日|[./\-]\d{1,2}(?![0-9]))?"
)
_YEAR_ALONE: Final = re.compile(rf"(?<![0-9]){_YEAR}\s*年(?!\s*[0-9])(?:\s*\(?[?？×x]*月?\)?)?")
_BETWEEN: Final = re.compile(r"^\s*(?:~|-|から|至|→|=)\s*(?:至\s*)?$")
_UNTIL: Final = re.compile(r"^\s*(?:まで|迄)")
_OPEN_END: Final = re.compile(
    r"^\s*(?:~|-|から|→)?\s*(?:至\s*)?(?:現在に至る|現在に至ります|現在まで|現在|今に至る|今まで|今|在職中|在籍中|現職)(?:まで)?"
)


@dataclass(frozen=True, slots=True)
class DateMark:
    """A year-month found in a line, and where."""

    ym: YearMonth
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PeriodMark:
    """A period found in a line (``end`` None: still going on), and where."""

    start_ym: YearMonth
    end_ym: YearMonth | None
    start: int
    end: int

    def value(self) -> dict[str, str | None]:
        """The stored form of the period, as the dialogs keep it."""
        end = None if self.end_ym is None else ym_str(self.end_ym)
        return {"start": ym_str(self.start_ym), "end": end}

    @property
    def year_only(self) -> bool:
        """Whether either end is a year without its month."""
        ends = [self.start_ym] + ([] if self.end_ym is None else [self.end_ym])
        return any(ym[1] == UNKNOWN_MONTH for ym in ends)


def _ym(
    era: str | None,
    era_year: str | None,
    year: str | None,
    month: int | None,
    today: datetime.date,
) -> YearMonth | None:
    base = f"{era}{era_year}年" if era else f"{year}年"
    if month is None:
        result = parse_year_month(f"{base}（月は不明）", today)
    else:
        result = parse_year_month(f"{base}{month}月", today)
    return result if isinstance(result, tuple) else None


def dates(line: str, today: datetime.date) -> list[DateMark]:
    """Every year-month (or year alone) in a line, in order."""
    text = folded(line)
    found: list[DateMark] = []
    taken: list[tuple[int, int]] = []
    for match in _DATE.finditer(text):
        month = int(match["m"])
        if not 1 <= month <= 12:
            continue
        ym = _ym(match["era"], match["ey"], match["y"], month, today)
        if ym is not None:
            found.append(DateMark(ym, match.start(), match.end()))
            taken.append((match.start(), match.end()))
    for match in _YEAR_ALONE.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        ym = _ym(match["era"], match["ey"], match["y"], None, today)
        if ym is not None:
            found.append(DateMark(ym, match.start(), match.end()))
    return sorted(found, key=lambda mark: mark.start)


def _later(a: YearMonth, b: YearMonth) -> bool:
    return (a[0], a[1] or 0) > (b[0], b[1] or 0)


def periods(line: str, today: datetime.date) -> list[PeriodMark]:
    """Every period in a line: two dates joined by ～, -, から, 至 …, or a date then 「現在」."""
    text = folded(line)
    marks = dates(line, today)
    found: list[PeriodMark] = []
    used = -1
    for index, mark in enumerate(marks):
        if mark.start < used:
            continue
        following = marks[index + 1] if index + 1 < len(marks) else None
        joined = following is not None and _BETWEEN.match(text[mark.end : following.start])
        if following is not None and joined and not _later(mark.ym, following.ym):
            until = _UNTIL.match(text[following.end :])
            end = following.end + (until.end() if until else 0)
            found.append(PeriodMark(mark.ym, following.ym, mark.start, end))
            used = end
            continue
        tail = _OPEN_END.match(text[mark.end :])
        if tail is not None and tail.group(0).strip() not in ("",):
            separator = re.match(r"^\s*(?:~|-|から|→|至)", text[mark.end :])
            if separator is not None:
                found.append(PeriodMark(mark.ym, None, mark.start, mark.end + tail.end()))
                used = mark.end + tail.end()
    return found


def first_date(line: str, today: datetime.date) -> DateMark | None:
    """The year-month a 履歴書 row starts with (「平成17年4月」「H17 4」「2005　4」), if any."""
    marks = dates(line, today)
    if not marks:
        return None
    head = folded(line)[: marks[0].start]
    return marks[0] if not head.strip(" \t|｜・") else None


# Company names: a legal form before or after the name, or its abbreviation.
_LEGAL: Final = (
    "株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|公益社団法人|"
    "公益財団法人|社会福祉法人|社会医療法人|医療法人社団|医療法人財団|医療法人|学校法人|"
    "特定非営利活動法人|NPO法人|独立行政法人|地方独立行政法人|国立大学法人|生活協同組合|"
    "農業協同組合|協同組合|税理士法人|監査法人|弁護士法人|司法書士法人|行政書士法人|"
    "社会保険労務士法人|特許業務法人|土地家屋調査士法人"
)
_ABBR: Final = (
    r"\(株\)|\(有\)|\(同\)|\(社福\)|\(医\)|\(一社\)|\(一財\)|\(公社\)|\(公財\)|\(学\)|㈱|㈲"
)
_NAME_CHAR: Final = r"[^\s、,。:：()「」『』【】\[\]｜|/~〔〕<>＜＞]"
_LEGAL_RE: Final = re.compile(rf"(?:{_LEGAL}|{_ABBR})")
_NAME_RUN: Final = re.compile(rf"{_NAME_CHAR}+")
_DATE_TAIL: Final = re.compile(r"(?:[0-9]+[年月日]?|[■□◆◇●○▼▽▲△★☆※・]+)$")


def _corporate(text: str) -> tuple[int, int] | None:
    """Where a company with a legal form is named (「トヨタ自動車株式会社」「株式会社　A」)."""
    for legal in _LEGAL_RE.finditer(text):
        before = re.search(rf"{_NAME_CHAR}+$", text[: legal.start()])
        head = before.group(0) if before else ""
        head = re.sub(r"^[■□◆◇●○▼▽▲△★☆※・0-9.]+", "", head)
        if head and not _DATE_TAIL.search(head):
            return legal.start() - len(head), legal.end()
        after = _NAME_RUN.match(
            text, legal.end() + (1 if text[legal.end() : legal.end() + 1] == " " else 0)
        )
        if after is not None:
            return legal.start(), after.end()
    return None


# Places that are employers without a legal form in their name.
_PLACE: Final = re.compile(
    rf"{_NAME_CHAR}+?(?:市役所|区役所|町役場|村役場|県庁|都庁|府庁|道庁|病院|クリニック|医院|"
    r"診療所|事務所|商店|工務店|銀行|信用金庫|信用組合|農協|保育園|幼稚園|こども園|研究所|"
    r"工場|ホテル|旅館|薬局|協会|ストア|センター|ホーム|食堂|書店|塾)"
)
# Where a company name ends inside a sentence: 「株式会社ABCに入社」.
_NAME_STOP: Final = re.compile(
    r"(?:に|へ|で|にて|より|から)?(?:入社|入職|入所|入行|入庁|入局|就職|勤務|退社|退職|退所|"
    r"派遣|出向|転籍|配属|採用|開業|設立|として|を|入団|在籍)"
)


def _trim_name(name: str) -> str:
    stop = _NAME_STOP.search(name)
    if stop is not None and stop.start() > 0:
        name = name[: stop.start()]
    return name.strip(" 　・")


def company(line: str, *, places: bool = False) -> tuple[str, int, int] | None:
    """The company named in a line (as written), and where; ``places`` also takes a
    workplace without a legal form (「さくら会計事務所」「横浜市役所」)."""
    text = folded(line)
    span = _corporate(text)
    if span is None and places:
        match = _PLACE.search(text)
        span = None if match is None else (match.start(), match.end())
    if span is None:
        return None
    name = _trim_name(line[span[0] : span[1]])
    name = re.sub(r"^[■□◆◇●○▼▽▲△★☆※・]+", "", name)
    if len(name) < 2:
        return None
    start = span[0] + line[span[0] : span[1]].find(name)
    return name, start, start + len(name)


EmploymentType = Literal[
    "regular", "contract", "dispatched", "part_time", "self_employed", "other"
]
_TYPES: Final[tuple[tuple[EmploymentType, str], ...]] = (
    ("regular", r"正社員|正規社員|正規職員|正職員|常勤職員"),
    ("dispatched", r"派遣社員|派遣スタッフ|派遣労働者|紹介予定派遣|派遣"),
    ("contract", r"契約社員|契約職員|嘱託社員|嘱託職員|嘱託|期間社員|期間従業員|準社員|有期雇用"),
    (
        "part_time",
        r"パートタイマー|パートタイム|パート社員|パート職員|パート|アルバイト|非常勤|臨時職員",
    ),
    ("self_employed", r"自営業|自営|個人事業主|個人事業|フリーランス|開業|独立"),
    ("other", r"業務委託|委託契約|請負|会計年度任用職員"),
)
TYPE_WORDS: Final = re.compile("|".join(pattern for _, pattern in _TYPES))


def employment_type(text: str) -> tuple[EmploymentType, int, int] | None:
    """The employment type a text names (the first one), and where."""
    match = TYPE_WORDS.search(folded(text))
    if match is None:
        return None
    for value, pattern in _TYPES:
        if re.fullmatch(pattern, match.group(0)):
            return value, match.start(), match.end()
    return None


SectionKind = Literal["jobs", "education", "history", "licences", "training", "other", "end"]
_SECTIONS: Final[tuple[tuple[SectionKind, str], ...]] = (
    ("history", r"学歴[・、/]?職歴|学歴及び職歴|学歴・職歴等"),
    (
        "jobs",
        r"職務経歴(?:詳細)?|職務経歴書?|職歴(?:詳細)?|経歴詳細|職務内容|勤務経歴|職務経験|勤務先|会社経歴|職務の詳細",
    ),
    ("education", r"学歴|最終学歴"),
    (
        "licences",
        r"免許[・、/]?資格(?:等)?|資格[・、/]?免許|保有資格|取得資格|資格(?:等|・スキル)?|免許|語学|語学力|資格・検定",
    ),
    ("training", r"職業訓練(?:歴)?|訓練歴|研修歴|受講歴|学習歴[・、]?訓練歴|受講した研修"),
    (
        "other",
        r"職務要約|職務概要|要約|概要|経歴要約|自己PR|自己ＰＲ|自己紹介|活かせる経験[・、]?知識[・、]?技術|"
        r"活かせる経験(?:・知識)?|活かせるスキル|スキル|PCスキル|テクニカルスキル|使用ツール|"
        r"志望動機|志望の動機|本人希望記入欄|本人希望|趣味[・、]?特技|趣味|特技|通勤時間|扶養家族.*|"
        r"健康状態|得意分野|実績|表彰|その他|備考|アピールポイント|長所|強み",
    ),
    ("end", r"以上"),
)
_DECORATION: Final = re.compile(
    r"[■□◆◇●○◎▼▽▲△★☆※【】\[\]〔〕＜＞<>《》「」『』:：#＃*＊=＝\-_\s]+"
)
_HEADING_WORDS: Final = [(kind, re.compile(rf"(?:{words})")) for kind, words in _SECTIONS]


def heading(line: str) -> SectionKind | None:
    """The section a heading line opens (「■職務経歴」「【免許・資格】」「学歴」), if it is one."""
    text = _DECORATION.sub("", folded(line))
    text = re.sub(r"^[0-9]+[.)．、]", "", text)
    if not text or len(text) > 16:
        return None
    for kind, words in _HEADING_WORDS:
        if words.fullmatch(text):
            return kind
    return None


def inline_heading(line: str) -> tuple[SectionKind, str] | None:
    """A heading with content on the same line: 「【資格】普通自動車第一種運転免許」."""
    match = re.match(
        r"^\s*(?:【([^】]{1,12})】|■\s*([^\s:：]{1,12})\s*[:：]|\[([^\]]{1,12})\])\s*(.+)$", line
    )
    if match is None:
        return None
    name = next(group for group in match.groups()[:3] if group)
    kind = heading(name)
    if kind is None or kind == "end":
        return None
    return kind, match.group(4)


# Lines that only label what follows (column headers, labels): understood, nothing to place.
_LABEL_ONLY: Final = re.compile(
    r"^(?:年|月|年月|期間|在籍期間|勤務期間|会社名|社名|業務内容|職務内容|内容|担当業務|"
    r"主な業務|主な業務内容|具体的な業務|実績|成果|年\s*月|年\s+月\s+学歴[・]?職歴|年\s*月\s*免許[・]?資格|"
    r"雇用形態|役職|所属|規模|担当|業務|取り組み|詳細|主な実績|業務実績|具体的な職務内容|"
    r"期間\s*業務内容|期間\s*職務内容|期間\s*会社名・業務内容|職務経歴書|履歴書|"
    r"学歴・職歴|免許・資格|取得年月|名称|学校名|学部・学科)$"
)


def is_label(line: str) -> bool:
    """Whether a line is only a label or column header (「期間　業務内容」「【業務内容】」)."""
    text = _DECORATION.sub(" ", folded(line)).strip()
    text = re.sub(r"\s+", " ", text)
    return bool(text) and bool(
        _LABEL_ONLY.fullmatch(text.replace(" ", "")) or _LABEL_ONLY.fullmatch(text)
    )


def strip_decoration(text: str) -> str:
    """A text without the marks that decorate headings (■, 【】, ：)."""
    return _DECORATION.sub(" ", text).strip()

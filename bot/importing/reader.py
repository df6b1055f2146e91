"""The reader: a 職務経歴書 or 履歴書 as text → proposed entries and the lines it could not place.

Pure and deterministic (no network, no model). It reads the two styles of 職務経歴書 (編年体:
employers in date order; キャリア式: grouped by kind of work) block by block, and a 履歴書's
学歴・職歴 rows (入学/卒業, 入社/退社 …) and 免許・資格 rows, tables flattened to text included.
It never invents a value: what it cannot tell is left empty for the person to fill in, what
it put together is marked, and every line that went nowhere is returned.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Final

from bot.engine.dates import YearMonth, ym_str
from bot.engine.licences import find as find_licence
from bot.engine.licences import key as licence_key
from bot.importing import lines as L
from bot.importing.model import Kind, Proposal, Reading

_BULLET: Final = re.compile(r"^\s*(?:[・･•\-‐*＊※○◯●◎▪▫→>]|\(?[0-9０-９]{1,2}[).）]|[①-⑳])")
_HEADER_MARK: Final = re.compile(
    r"^\s*(?:[■□◆◇▼▽【\[〔]|[0-9０-９]{1,2}\s*[.．、]|第[0-9０-９一二三四五六七八九十]+社)"
)
_START_VERB: Final = re.compile(
    r"入社|入職|入所|入行|入庁|入局|就職|再雇用|雇用|採用|勤務開始|開業|独立|設立|転籍|出向|着任|登録|入団|勤務"
)
_END_VERB: Final = re.compile(
    r"退社|退職|退所|退任|退団|閉業|廃業|契約満了|期間満了|雇止め|離職|閉店"
)
_SCHOOL_START: Final = re.compile(r"入学|編入学|転入学|入校|入所")
_SCHOOL_END: Final = re.compile(r"卒業|修了|中退|中途退学|退学|卒業見込み|修了見込み|満期退学")
_PRESENT: Final = re.compile(
    r"^\s*(?:現在に至る|現在に至ります|現在まで在職中|現在在職中|現在も在職中|現在|在職中)\s*$"
)
_OPEN_HEAD: Final = re.compile(r"^\s*(?:現在に至る|現在|在職中|至現在)(?:\s|$)")
_DITTO: Final = re.compile(r"^\s*(?:同上|同校|同大学院|同大学|同短期大学|同学部|同|〃)\s*")
_SCHOOL_WORD: Final = re.compile(
    r"大学院|短期大学部|短期大学|大学校|大学|高等専門学校|専門学校|高等学校|高校|中等教育学校|中学校|"
    r"小学校|学院|学園|職業技術校|技術専門校|職業能力開発[^\s]*?(?:校|センター)|ポリテクセンター[^\s]*|"
    r"ポリテクカレッジ[^\s]*|技術校|訓練校|学校|塾"
)
_TRAINING_WORD: Final = re.compile(
    r"職業技術校|技術専門校|職業能力開発|ポリテク|職業訓練|訓練校|ハロートレーニング|求職者支援|公共職業訓練"
)
_COURSE: Final = re.compile(r"[^\s、,()（）]+(?:科|コース|講座|課程|訓練)")
_LICENCE_STATUS: Final = re.compile(
    r"免許取得|資格取得|取得予定|受験予定|取得見込み|合格見込み|取得済み?|合格|取得|修了|登録|交付|認定|受講"
)
_PLANNED: Final = re.compile(r"予定|見込み|勉強中|目指|挑戦中|取得に向け|学習中|受験中")
_LICENCE_END: Final = re.compile(
    r"(?:免許|資格|検定|級|士|講習|研修|試験|点|認定|教育|者|主任|技能|[0-9]種|[0-9]類)$"
)
_EMPTY_BRACKETS: Final = re.compile(r"[（(]\s*[)）]|「\s*」|【\s*】")
_LABELLED: Final = re.compile(r"^\s*[■◆●・]?\s*(?P<label>[^:：]{1,10})\s*[:：]\s*(?P<value>.*)$")
_TYPE_LINE_MAX: Final = 18
# A kind-of-work heading of a キャリア式 職務経歴書: 「【法人営業】（通算10年）」「＜SE＞」.
_CATEGORY: Final = re.compile(
    r"^\s*[【＜<〈《\[][^】＞>〉》\]]{1,24}[】＞>〉》\]]\s*(?:[（(][^)）]{0,20}[)）])?\s*$"
)
_OTHER_LABEL: Final = re.compile(
    r"派遣先|取引先|顧客|担当|所属|部署|配属|役職|事業内容|資本金|従業員|売上"
)
_STATUS_WORDS: Final = (
    r"免許取得|資格取得|取得予定|受験予定|取得見込み|合格見込み|取得済み?|合格|取得|修了"
)
_STATUS_TOKEN: Final = re.compile(
    rf"(?:(?<=[\s　（(])|^)(?:{_STATUS_WORDS}|登録|交付|認定|受講)(?=[\s　)）]|$)"
    rf"|(?:{_STATUS_WORDS})\s*$"
)


@dataclass(slots=True)
class _Line:
    """A logical line: the text, and the source lines it came from."""

    text: str
    sources: list[int]


@dataclass(slots=True)
class _Block:
    """An employer being read from a 職務経歴書."""

    proposal: Proposal
    body: list[str] = field(default_factory=list)
    sub_periods: list[L.PeriodMark] = field(default_factory=list)


class _Reader:
    def __init__(self, text: str, today: datetime.date) -> None:
        self.today = today
        raw = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
        self.raw = [line.rstrip() for line in raw]
        self.used: set[int] = set()
        self.proposals: list[Proposal] = []

    # Lines ------------------------------------------------------------------------------
    def logical(self) -> list[_Line]:
        """Source lines, with a period split over three lines (a table cell) joined again."""
        out: list[_Line] = []
        index = 0
        raw = self.raw
        while index < len(raw):
            line = raw[index]
            if (
                index + 2 < len(raw)
                and self._lone_date(line)
                and self._lone_separator(raw[index + 1])
            ):
                nxt = raw[index + 2]
                if L.first_date(nxt, self.today) is not None or _OPEN_HEAD.match(nxt):
                    joined = f"{line.strip()}～{nxt.strip()}"
                    out.append(_Line(joined, [index, index + 1, index + 2]))
                    index += 3
                    continue
            out.append(_Line(line, [index]))
            index += 1
        return out

    def _lone_date(self, line: str) -> bool:
        marks = L.dates(line, self.today)
        return (
            len(marks) == 1
            and not L.folded(line)
            .replace(L.folded(line)[marks[0].start : marks[0].end], "")
            .strip()
        )

    @staticmethod
    def _lone_separator(line: str) -> bool:
        return L.folded(line).strip() in ("~", "-", "から", "至", "|", "〜")

    def place(self, line: _Line) -> None:
        self.used.update(line.sources)

    # Sections ---------------------------------------------------------------------------
    def read(self) -> Reading:
        segments: list[tuple[L.SectionKind | None, list[_Line]]] = [(None, [])]
        for line in self.logical():
            if not line.text.strip():
                segments[-1][1].append(line)
                continue
            kind = L.heading(line.text)
            if kind is not None:
                self.place(line)
                segments.append((None if kind == "end" else kind, []))
                continue
            inline = L.inline_heading(line.text)
            if inline is not None:
                kind, rest = inline
                segments.append((kind, [_Line(rest, line.sources)]))
                continue
            segments[-1][1].append(line)
        history_mode: L.SectionKind | None = None
        for kind, body in segments:
            if kind == "history":
                history_mode = kind
                self.rows(body)
            elif kind == "jobs" and (history_mode == "history" or self._row_style(body)):
                self.rows(body, mode="job")
            elif kind == "jobs":
                self.blocks(body)
            elif kind == "education":
                self.rows(body, mode="education")
            elif kind == "training":
                self.rows(body, mode="training")
            elif kind == "licences":
                for line in body:
                    self.licence(line, strict=False)
            elif kind is None:
                self.free(body)
            if kind not in ("history", "education", "jobs"):
                history_mode = None
        order = {"job": 0, "licence": 1, "education": 2, "training": 3}
        ordered = sorted(
            enumerate(self.proposals), key=lambda pair: (order[pair[1].kind], pair[0])
        )
        unplaced = tuple(
            line.strip()
            for number, line in enumerate(self.raw)
            if number not in self.used and line.strip() and not L.is_label(line)
        )
        return Reading(tuple(p for _, p in ordered), unplaced)

    def _row_style(self, body: list[_Line]) -> bool:
        """Whether a 職歴 section is written as 履歴書 rows (「平成17年4月 株式会社A 入社」)."""
        rows = 0
        for line in body:
            mark = L.first_date(line.text, self.today)
            if mark is None:
                continue
            rest = line.text[mark.end :]
            if L.periods(line.text, self.today):
                return False
            if _START_VERB.search(rest) or _END_VERB.search(rest):
                rows += 1
        return rows >= 1

    def free(self, body: list[_Line]) -> None:
        """Lines under no heading: 履歴書 rows if they look like rows, else employer blocks."""
        if self._row_style(body) or any(
            (mark := L.first_date(line.text, self.today)) is not None
            and _SCHOOL_END.search(line.text[mark.end :])
            for line in body
        ):
            self.rows(body)
        else:
            self.blocks(body)

    # 履歴書 rows --------------------------------------------------------------------------
    def rows(self, body: list[_Line], mode: str | None = None) -> None:
        """学歴・職歴 rows: a date, then a school or company and what happened (入学, 入社 …)."""
        job: Proposal | None = None
        school: Proposal | None = None
        for line in body:
            text = line.text
            if not text.strip():
                continue
            if L.is_label(text):
                self.place(line)
                continue
            sub = L.heading(text)
            if sub in ("education", "jobs"):
                self.place(line)
                mode = "education" if sub == "education" else "job"
                continue
            if _PRESENT.match(text):
                if job is not None and job.values.get("period") is None and "start" in job.values:
                    self._close_job(job, None)
                    job = None
                self.place(line)
                continue
            mark = L.first_date(text, self.today)
            period = L.periods(text, self.today)
            if mark is None:
                if job is not None and mode != "education":
                    self._job_detail(job, line)
                elif mode in ("licence",):
                    self.licence(line, strict=True)
                continue
            rest = text[mark.end :]
            if period and period[0].start == mark.start:
                # A period row: 「2008年4月～2012年3月 〇〇大学 経済学部」.
                rest = text[period[0].end :]
                if mode in ("education", "training") or _SCHOOL_WORD.search(rest):
                    self._school(line, rest, period[0], mode)
                    continue
                if job is not None:
                    self._job_detail(job, line)
                    continue
            is_school = _SCHOOL_START.search(rest) or _SCHOOL_END.search(rest)
            if mode == "training" or (mode != "job" and is_school):
                school = self._school_row(line, rest, mark.ym, school, mode)
                continue
            if _END_VERB.search(rest) and job is not None:
                self._close_job(job, mark.ym)
                self.place(line)
                job = None
                continue
            if _START_VERB.search(rest) or (mode == "job" and L.company(rest, places=True)):
                if job is not None:
                    self._close_job(job, None, unknown_end=True)
                job = self._open_job(line, rest, mark.ym)
                continue
            if job is not None:
                self._job_detail(job, line)
            elif mode is None and self.licence(line, strict=True):
                continue
        if job is not None:
            self._close_job(job, None, unknown_end=True)

    def _open_job(self, line: _Line, rest: str, start: YearMonth) -> Proposal:
        job = Proposal("job", lines=list(line.sources))
        job.values["start"] = ym_str(start)
        found = L.company(rest, places=True)
        if found is not None:
            name = found[0]
        else:
            verb = _START_VERB.search(rest)
            head = rest[: verb.start()] if verb else rest
            name = re.sub(r"(?:に|へ|で|にて)$", "", head.strip(" \t　|｜")).strip()
        kind = L.employment_type(rest)
        if kind is not None:
            job.values["employment_type"] = kind[0]
        if kind is not None and kind[0] == "self_employed" and not name:
            name = rest.strip()
        if name:
            job.values["employer"] = name
        leftover = rest.replace(name, " ", 1) if name else rest
        leftover = _START_VERB.sub(" ", L.TYPE_WORDS.sub(" ", leftover))
        leftover = re.sub(r"[（(]\s*(?:として)?\s*[)）]|として|に|へ|[|｜\t]", " ", leftover)
        leftover = re.sub(r"\s+", " ", L.strip_decoration(leftover)).strip()
        if leftover:
            job.values["duties"] = leftover
        self.place(line)
        self.proposals.append(job)
        return job

    def _job_detail(self, job: Proposal, line: _Line) -> None:
        """A line under a 履歴書 job row: its type (「（正社員）」) or what the work was."""
        text = line.text.strip()
        kind = L.employment_type(text)
        if kind is not None and len(text) <= 30 and "employment_type" not in job.values:
            job.values["employment_type"] = kind[0]
            if _only_type(text):
                self.place(line)
                return
        duties = job.values.get("duties")
        job.values["duties"] = f"{duties}\n{text}" if duties else text
        job.lines.extend(line.sources)
        self.place(line)

    def _close_job(
        self, job: Proposal, end: YearMonth | None, *, unknown_end: bool = False
    ) -> None:
        start = job.values.pop("start", None)
        if start is None:
            return
        if unknown_end:
            job.notes.append(f"start:{start}")
            return
        job.values["period"] = {"start": start, "end": None if end is None else ym_str(end)}

    def _split_school(self, rest: str) -> tuple[str, str]:
        text = _SCHOOL_START.sub("", _SCHOOL_END.sub("", rest)).strip(" \t　|｜")
        match = _SCHOOL_WORD.search(text)
        if match is None:
            return text, ""
        end = match.end()
        following = _SCHOOL_WORD.match(text, end)
        if following is not None and following.group(0) in ("大学院", "短期大学部"):
            end = following.end()
        return text[:end].strip(), text[end:].strip(" \t　")

    def _school(self, line: _Line, rest: str, period: L.PeriodMark, mode: str | None) -> None:
        kind: Kind = (
            "training" if mode == "training" or _TRAINING_WORD.search(rest) else "education"
        )
        entry = Proposal(kind, lines=list(line.sources))
        entry.values["period"] = period.value()
        if period.year_only:
            entry.unsure["period"] = "year_only"
        self._name_school(entry, rest)
        self.place(line)
        self.proposals.append(entry)

    def _name_school(self, entry: Proposal, rest: str) -> None:
        school, department = self._split_school(rest)
        if entry.kind == "training":
            course = _COURSE.search(department) or _COURSE.search(school)
            entry.values["provider"] = school or None
            if course is not None:
                entry.values["course"] = course.group(0)
        else:
            entry.values["school"] = school or None
            if department:
                entry.values["department"] = department

    def _school_row(
        self, line: _Line, rest: str, ym: YearMonth, open_school: Proposal | None, mode: str | None
    ) -> Proposal | None:
        self.place(line)
        if _SCHOOL_START.search(rest):
            kind: Kind = (
                "training" if mode == "training" or _TRAINING_WORD.search(rest) else "education"
            )
            entry = Proposal(kind, lines=list(line.sources))
            entry.values["start"] = ym_str(ym)
            self._name_school(entry, rest)
            self.proposals.append(entry)
            return entry
        same = open_school is not None and bool(
            _DITTO.match(rest)
            or self._school_key(self._split_school(rest)[0])
            == self._school_key(
                str(open_school.values.get("school") or open_school.values.get("provider") or "")
            )
        )
        if open_school is not None and same:
            start = open_school.values.pop("start", None)
            open_school.values["period"] = {"start": start, "end": ym_str(ym)}
            open_school.lines.extend(line.sources)
            if not open_school.values.get("department") and open_school.kind == "education":
                department = self._split_school(_DITTO.sub("", rest))[1]
                if department:
                    open_school.values["department"] = department
            return None
        if open_school is not None:
            self._unclosed(open_school)
        kind = "training" if mode == "training" or _TRAINING_WORD.search(rest) else "education"
        entry = Proposal(kind, lines=list(line.sources))
        entry.notes.append(f"end:{ym_str(ym)}")
        self._name_school(entry, _DITTO.sub("", rest))
        self.proposals.append(entry)
        return None

    @staticmethod
    def _school_key(text: str) -> str:
        return licence_key(text)

    @staticmethod
    def _unclosed(entry: Proposal) -> None:
        start = entry.values.pop("start", None)
        if start is not None:
            entry.notes.append(f"start:{start}")

    # 職務経歴書 blocks -------------------------------------------------------------------
    def blocks(self, body: list[_Line]) -> None:
        """Employers of a 職務経歴書: a heading line with the company, then its details."""
        block: _Block | None = None
        pending: tuple[L.PeriodMark, _Line] | None = None
        for index, line in enumerate(body):
            text = line.text
            if not text.strip():
                if block is not None:
                    block.body.append("")
                continue
            if L.is_label(text):
                self.place(line)
                continue
            if _CATEGORY.match(text) and L.company(text) is None:
                # A kind of work (キャリア式): it ends the employer before it, and is shown.
                if block is not None:
                    self._finish(block)
                block = None
                continue
            header = self._header(text, block is not None)
            if header is not None:
                if block is not None:
                    self._finish(block)
                block = self._start_block(line, header, pending)
                pending = None
                continue
            period_marks = L.periods(text, self.today)
            if self._period_only(text, period_marks):
                following = body[index + 1].text if index + 1 < len(body) else ""
                if self._header(following, True) is not None:
                    pending = (period_marks[0], line)
                    self.place(line)
                    continue
            if self.licence(line, strict=True) or block is None:
                continue
            self._detail(block, line, period_marks)
        if block is not None:
            self._finish(block)

    def _header(self, text: str, inside: bool) -> tuple[str, int, int] | None:
        """The company an employer's heading line names, if ``text`` is one."""
        marked = bool(_HEADER_MARK.match(text))
        # 「●さくら会計事務所（2009年4月～…）」: a bullet heads an employer only with a period.
        bullet = bool(_BULLET.match(text)) and not marked
        if bullet and (not L.periods(text, self.today) or L.company(text, places=True) is None):
            return None
        labelled = _LABELLED.match(text)
        if labelled is not None and re.search(
            r"会社名|社名|勤務先|企業名|事業所名", labelled["label"]
        ):
            found = L.company(labelled["value"], places=True)
            if found is not None:
                offset = labelled.start("value")
                return found[0], found[1] + offset, found[2] + offset
            value = labelled["value"].strip()
            if value:
                offset = labelled.start("value") + labelled["value"].find(value)
                return value, offset, offset + len(value)
        if labelled is not None and _OTHER_LABEL.search(labelled["label"]):
            return None
        marks = L.periods(text, self.today)
        found = L.company(text, places=bool(marks) or marked)
        if found is None:
            return self._unnamed_header(text, marks) if marked and marks else None
        after = text[found[2] :].lstrip()
        if after.startswith(("様", "向け", "の", "と", "を", "が", "に対", "など")):
            return None
        rest = text[: found[1]] + text[found[2] :]
        for mark in marks:
            rest = rest.replace(text[mark.start : mark.end], "")
        rest = L.TYPE_WORDS.sub("", L.folded(rest))
        rest = re.sub(r"[（(][^)）]*[)）]", "", rest)
        if marks or marked or len(L.strip_decoration(rest)) <= 12:
            return found
        return None

    @staticmethod
    def _unnamed_header(text: str, marks: list[L.PeriodMark]) -> tuple[str, int, int] | None:
        """「◆2012年4月～現在　ヘアサロン　リーフ（自営）」: the workplace is what the heading
        says besides its period and type."""
        after = text[marks[0].end :]
        cut = re.split(r"[（(]", after, maxsplit=1)[0]
        name = re.sub(r"^[■□◆◇●○▼▽【】\]\s　:：]+", "", cut).strip(" 　\t")
        kind = L.employment_type(name)
        if kind is not None:
            name = name[: kind[1]].strip(" 　")
        if not name or len(name) > 40:
            return None
        start = marks[0].end + after.find(name)
        return name, start, start + len(name)

    def _period_only(self, text: str, marks: list[L.PeriodMark]) -> bool:
        if len(marks) != 1:
            return False
        rest = text[: marks[0].start] + text[marks[0].end :]
        rest = L.TYPE_WORDS.sub("", L.folded(rest))
        return not L.strip_decoration(re.sub(r"[()（）]", "", rest))

    def _start_block(
        self, line: _Line, header: tuple[str, int, int], pending: tuple[L.PeriodMark, _Line] | None
    ) -> _Block:
        text = line.text
        proposal = Proposal("job", lines=list(line.sources))
        proposal.values["employer"] = header[0]
        self.place(line)
        remainder = text[: header[1]] + " " + text[header[2] :]
        marks = L.periods(text, self.today)
        if marks:
            proposal.values["period"] = marks[0].value()
            if marks[0].year_only:
                proposal.unsure["period"] = "year_only"
            remainder = remainder.replace(text[marks[0].start : marks[0].end], " ")
        elif pending is not None:
            proposal.values["period"] = pending[0].value()
            if pending[0].year_only:
                proposal.unsure["period"] = "year_only"
            proposal.lines.extend(pending[1].sources)
        kind = L.employment_type(remainder)
        if kind is not None:
            proposal.values["employment_type"] = kind[0]
            remainder = remainder[: kind[1]] + remainder[kind[2] :]
        remainder = re.sub(
            r"(?:会社名|社名|勤務先|企業名|在籍期間|期間|雇用形態)\s*[:：]?", " ", remainder
        )
        remainder = _EMPTY_BRACKETS.sub(
            " ", L.folded(remainder).replace("(", "（").replace(")", "）")
        )
        remainder = re.sub(r"（\s*(?:として)?\s*）", " ", remainder)
        leftover = L.strip_decoration(remainder)
        leftover = re.sub(
            r"^[0-9]+\s*[.、]\s*|^第[0-9一二三四五六七八九十]+社\s*", "", leftover
        ).strip()
        leftover = re.sub(r"(?:^|\s)[自至](?=\s|$)", " ", leftover).strip()
        block = _Block(proposal)
        if leftover and not re.fullmatch(r"[（）()\s、,]*", leftover):
            block.body.append(leftover.strip("（）() "))
        self.proposals.append(proposal)
        return block

    def _detail(self, block: _Block, line: _Line, marks: list[L.PeriodMark]) -> None:
        """A line under an employer: its period, its type, or part of the duties."""
        values = block.proposal.values
        text = line.text.strip()
        labelled = _LABELLED.match(text)
        self.place(line)
        block.proposal.lines.extend(line.sources)
        if labelled is not None:
            label, value = labelled["label"], labelled["value"].strip()
            if re.search(r"期間|在籍|勤務期間", label) and marks and "period" not in values:
                values["period"] = marks[0].value()
                return
            if re.search(r"雇用形態|雇用区分|就業形態|勤務形態", label):
                kind = L.employment_type(value)
                if kind is not None and "employment_type" not in values:
                    values["employment_type"] = kind[0]
                    if len(value) <= _TYPE_LINE_MAX:
                        return
            if re.search(r"^(?:入社|入職)", label):
                mark = L.dates(value, self.today)
                if mark:
                    block.sub_periods.append(L.PeriodMark(mark[0].ym, mark[0].ym, 0, 0))
                    values.setdefault("start", ym_str(mark[0].ym))
                    return
            if re.search(r"^(?:退社|退職)", label):
                mark = L.dates(value, self.today)
                if mark and "start" in values:
                    values["period"] = {"start": values.pop("start"), "end": ym_str(mark[0].ym)}
                    return
        kind = L.employment_type(text)
        untyped = kind is not None and "employment_type" not in values
        if kind is not None and untyped and len(text) <= _TYPE_LINE_MAX and _only_type(text):
            values["employment_type"] = kind[0]
            return
        # 「正社員／鮮魚の仕入れと加工」: the type heads what the work was.
        heads = kind is not None and kind[1] == 0
        if (
            kind is not None
            and untyped
            and heads
            and re.match(r"\s*[／/|｜:：]", L.folded(text)[kind[2] :])
        ):
            values["employment_type"] = kind[0]
        if marks and _period_leads(text, marks[0]):
            block.sub_periods.append(marks[0])
        block.body.append(text)

    def _finish(self, block: _Block) -> None:
        proposal = block.proposal
        values = proposal.values
        start = values.pop("start", None)
        if "period" not in values and block.sub_periods:
            starts = [mark.start_ym for mark in block.sub_periods]
            ends = [mark.end_ym for mark in block.sub_periods]
            first = min(starts, key=lambda ym: (ym[0], ym[1]))
            last = (
                None
                if None in ends
                else max((e for e in ends if e), key=lambda ym: (ym[0], ym[1]))
            )
            values["period"] = {
                "start": ym_str(first),
                "end": None if last is None else ym_str(last),
            }
            proposal.unsure["period"] = "derived"
        elif "period" not in values and start is not None:
            proposal.notes.append(f"start:{start}")
        body = list(block.body)
        while body and not body[-1]:
            body.pop()
        while body and not body[0]:
            body.pop(0)
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(body))
        if text:
            values["duties"] = text
            if len(text) > 3000:
                proposal.unsure["duties"] = "long"

    # Licences ---------------------------------------------------------------------------
    def licence(self, line: _Line, *, strict: bool) -> bool:
        """A 免許・資格 line; ``strict`` (outside a licence section) asks for a known licence
        or a date with 取得/合格/修了. Returns whether it was taken."""
        text = line.text.strip()
        if not text or L.is_label(text):
            if text:
                self.place(line)
            return bool(text)
        marks = L.dates(text, self.today)
        known = find_licence(text)
        if strict and (known is None or not marks or not _LICENCE_STATUS.search(text)):
            return False
        planned = bool(_PLANNED.search(text))
        name = text
        for mark in reversed(marks[:1]):
            name = L.folded(name)[: mark.start] + " " + L.folded(name)[mark.end :]
            name = text[: mark.start] + " " + text[mark.end :]
        name = _STATUS_TOKEN.sub(" ", name)
        name = re.sub(
            r"(?:に向けて|に向け|を目指して|を目指す|目指して)?(?:勉強中|学習中|挑戦中)|予定|見込み",
            " ",
            name,
        )
        name = _EMPTY_BRACKETS.sub(" ", name)
        name = re.sub(r"^[\s・･■□◆◇●○\-‐※*＊\t|｜]+|[\s、,。\t|｜]+$", "", name)
        name = re.sub(r"[ \t　]{2,}", " ", name).strip()
        if not name:
            return False
        parts = [part.strip() for part in re.split(r"[、,／/]", name) if part.strip()]
        if not marks and len(parts) > 1 and all(find_licence(part) for part in parts):
            for part in parts:
                self._add_licence(line, part, None, planned)
            return True
        if not (known or marks or _LICENCE_END.search(L.folded(name))):
            return False
        if known is not None and re.search(r"、|の$|に$|を$", name):
            name = _named_span(name) or name
        self._add_licence(line, name, marks[0].ym if marks else None, planned)
        return True

    def _add_licence(self, line: _Line, name: str, ym: YearMonth | None, planned: bool) -> None:
        entry = Proposal("licence", lines=list(line.sources))
        entry.values["name"] = name
        entry.values["status"] = "planned" if planned else "acquired"
        if ym is not None:
            entry.values["planned_on" if planned else "acquired"] = ym_str(ym)
        known = find_licence(name)
        if known is not None:
            entry.values["issuer"] = known.issuer.ja
            entry.unsure["issuer"] = "dictionary"
            if licence_key(known.name) not in licence_key(name):
                entry.official = known.name
        self.place(line)
        self.proposals.append(entry)


def _only_type(text: str) -> bool:
    """Whether a line says nothing but the employment type (「（正社員）」「正社員として勤務」)."""
    bare = L.TYPE_WORDS.sub("", L.folded(text))
    bare = re.sub(r"として|で|の|勤務|入社|雇用|契約|採用|[()（）・\s]", "", bare)
    return not bare


def _named_span(text: str) -> str | None:
    """The licence a sentence names (「現在、社会福祉士の」 → 社会福祉士), with its grade."""
    for part in re.split(r"[、。]", text):
        part = re.split(r"の|に|を", part.strip(), maxsplit=1)[0]
        if find_licence(part) is not None and not re.search(r"現在|今|ため", part):
            return part
    return None


def _period_leads(text: str, mark: L.PeriodMark) -> bool:
    """Whether a line starts with its period (a stint under an employer: 「2015年4月～ 総務」)."""
    return not L.strip_decoration(L.folded(text)[: mark.start]).strip("・ ")


def read(text: str, today: datetime.date) -> Reading:
    """Read a 職務経歴書 or 履歴書 given as text: the proposed entries and the unplaced lines.

    ``today`` bounds the dates (a period cannot end in the future, an era's year must exist).
    """
    return _Reader(text, today).read()

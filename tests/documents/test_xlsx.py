"""The Excel workbook: reopened with openpyxl, every answer in a cell, as text, set up for A4."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.documents import CardDocuments
from bot.documents.xlsx import chunks
from bot.jobcard import JobCard, build_jobcard
from tests.documents.cards import CREATED_ON, HOSTILE, answers_in, rich_answers, rich_card


def _reopen(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def _cells(workbook: Workbook) -> list[str]:
    return [
        cell.value
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def _assert_each_answer_in_a_cell(card: JobCard, workbook: Workbook) -> None:
    values = _cells(workbook)
    missing = [text for text in answers_in(card) if not any(text in v for v in values)]
    assert not missing


def test_one_worksheet_per_sheet_each_answer_in_its_cell(
    documents: CardDocuments, hanako: JobCard
) -> None:
    workbook = _reopen(documents.xlsx(hanako))
    assert workbook.sheetnames == ["様式1-1", "様式2", "様式3-1", "様式3-2", "参考"]
    _assert_each_answer_in_a_cell(hanako, workbook)
    ws = workbook["様式2"]
    # Each answer sits in the cell below its heading, as on the form.
    rows = [row for row in range(1, ws.max_row + 1) if ws.cell(row, 1).value == "＜職務の内容＞"]
    assert len(rows) == len(hanako.work_history)
    for row, job in zip(rows, hanako.work_history, strict=True):
        assert ws.cell(row + 1, 1).value == job.duties


def test_the_rich_card_and_the_1_2_form(documents: CardDocuments) -> None:
    for form in ("1-1", "1-2"):
        card = rich_card(form=form)
        workbook = _reopen(documents.xlsx(card))
        assert workbook.sheetnames[0] == f"様式{form}"
        _assert_each_answer_in_a_cell(card, workbook)
        values = _cells(workbook)
        assert "＜キャリアコンサルティング実施者の記入欄＞" in values


def _print_checks(ws: Worksheet) -> None:
    assert int(ws.page_setup.paperSize or 0) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr is not None
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_area
    header = ws.oddHeader
    assert header is not None and "氏名：佐藤 花子" in (header.right.text or "")


def test_worksheets_print_on_a4_with_ruled_wrapped_boxes(documents: CardDocuments) -> None:
    workbook = _reopen(documents.xlsx(rich_card()))
    for ws in workbook.worksheets:
        _print_checks(ws)
        # ふりがな just above 氏名, as on the PDF.
        assert ws.cell(3, 1).value == "ふりがな" and ws.cell(3, 3).value == "さとう はなこ"
        assert ws.cell(4, 1).value == "氏名" and ws.cell(4, 3).value == "佐藤 花子"
        assert ws.cell(4, 8).value == "作成日" and ws.cell(4, 10).value == "2026年11月22日"
    ws = workbook["様式1-1"]
    answer = ws["A7"]
    assert answer.value == rich_card().career_plan.values_interests
    assert answer.alignment.wrap_text
    assert answer.border.left is not None and answer.border.left.style == "thin"
    assert "A7:L7" in {str(r) for r in ws.merged_cells.ranges}
    assert (ws.row_dimensions[7].height or 0) >= 60  # room to write, like the form's box


def test_formulas_in_answers_are_stored_as_text(documents: CardDocuments) -> None:
    card = rich_card(
        **{
            f"career_plan.{k}": v
            for k, v in zip(
                ("values_interests", "strengths", "future_work"), HOSTILE[3:6], strict=True
            )
        }
        | {"profile.name": "=cmd|' /C calc'!A0", "career_plan.next_steps": "-1+1"}
    )
    content = documents.xlsx(card)
    workbook = _reopen(content)
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    values = _cells(workbook)
    for hostile in [*HOSTILE[3:6], "=cmd|' /C calc'!A0", "-1+1"]:
        assert hostile in values
    ws = workbook["様式1-1"]
    assert ws["A9"].value == HOSTILE[4] and ws["A9"].quotePrefix
    # The stored XML holds no formula element at all.
    assert b"<f>" not in content and b"<f " not in content


def test_a_long_answer_continues_in_the_rows_below(documents: CardDocuments) -> None:
    duties = "".join(f"【{n:03d}】窓口で相談を受け、手続きを説明した。" for n in range(131))
    answers = rich_answers()
    answers["work_history.jobs"][0]["duties"] = duties
    ws = _reopen(documents.xlsx(rich_card(**answers), ["2"]))["様式2"]
    start = next(row for row in range(1, ws.max_row) if ws.cell(row, 1).value == "＜職務の内容＞")
    parts = []
    row = start + 1
    while ws.cell(row, 1).value and not str(ws.cell(row, 1).value).startswith("＜"):
        parts.append(ws.cell(row, 1).value)
        assert (ws.row_dimensions[row].height or 0) <= 409  # Excel's tallest row
        row += 1
    assert len(parts) >= 2
    assert "".join(parts) == duties


@pytest.mark.parametrize(
    "text",
    ["", "短い", "行1\n行2\n\n行4", "あ" * 5000, "x" * 3000, ("段落。" * 60 + "\n") * 12],
)
def test_chunks_keep_every_character(text: str) -> None:
    pieces = chunks(text, 12)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")
    assert all(piece.strip() for piece in pieces) or pieces == [""]


def test_without_work_experience_the_workbook_holds_only_the_sheets_that_apply(
    documents: CardDocuments,
) -> None:
    answers = rich_answers(form="1-2")
    for key in (
        "work_history.jobs",
        "licenses.licenses",
        "education_training.education",
        "education_training.training",
    ):
        answers[key] = []
    workbook = _reopen(documents.xlsx(build_jobcard(answers, created_on=CREATED_ON)))
    assert workbook.sheetnames == ["様式1-2", "参考"]
    values = _cells(workbook)
    assert "弱みを克服するための努力" in values and "お金・収入、家族の介護・子育て" in values

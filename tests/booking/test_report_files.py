"""Reports a centre can send: --through and --as-of, and an xlsx laid out like its FY report."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.booking.calendar import at_jst
from bot.booking.config import BookingConfig
from bot.bootstrap import Runtime
from tests.booking.test_changes import run_cli
from tests.booking.test_reports import MONTHS, Seeder, seed_rows

MARCH = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # the report is made in March


@pytest.fixture
def fy2025(runtime: Runtime, config: BookingConfig, sqlite_url: str) -> str:
    """Seed 000's FY2025 (April–January) and FY2024 totals, plus a consultation in February."""
    seeder = Seeder(runtime)
    ids = {location.report_label: location.id for location in config.locations}
    for label, *counts in seed_rows()[:14]:
        for (year, month), count in zip(MONTHS, counts, strict=False):
            seeder.month(year, month, ids[label], int(count))
    face, online = seed_rows()[15][1:], seed_rows()[16][1:]
    for (year, month), in_person, remote in zip(MONTHS, face, online, strict=False):
        seeder.month(year, month, "center", int(in_person))
        seeder.month(year, month, "center", int(remote), mode="online")
    for (year, month), count in zip(MONTHS, seed_rows()[18][1:], strict=True):
        seeder.month(year - 1, month, "hw_yokohama", int(count))
    seeder.add(at_jst(date(2026, 2, 5), time(10, 0)), "hw_yokohama")
    seeder.save()
    return sqlite_url


def _sheet(path: Path) -> Worksheet:
    sheet = load_workbook(path).active
    assert isinstance(sheet, Worksheet)
    return sheet


def _row(sheet: Worksheet, label: str) -> list[Any]:
    for row in sheet.iter_rows(min_row=4, values_only=True):
        if row[0] == label:
            return list(row)
    raise AssertionError(f"no row {label}")


def test_through_leaves_later_months_blank(fy2025: str, tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "fy2025.md"
    argv = ["report", "consultations", "--fiscal-year", "2025", "--through", "2026-01"]
    assert run_cli(fy2025, [*argv, "-o", str(target)], MARCH) == 0
    assert capsys.readouterr().out == f"wrote {target}\n"  # -o says where, for md too
    text = target.read_text(encoding="utf-8")
    assert "| 横浜 | 133 | 127 | 85 | 83 | 78 | 90 | 72 | 76 | 117 | 133 |  |  | 994 |" in text
    assert "| 総計 | 493 | 466 | 369 | 347 | 386 | 394 | 324 | 372 | 551 | 695 |  |  |" in text
    assert (
        "| 対前年 (%) | 116% | 134% | 108% | 105% | 127% | 156% | 117% | 115% | 100% | 94% |"
        in text
    )
    assert "- 集計期間：2025年4月〜2026年1月" in text
    # Without --through, February has begun and its consultation counts.
    assert run_cli(fy2025, argv[:4], MARCH) == 0
    assert "| 横浜 | 133 | 127 | 85 | 83 | 78 | 90 | 72 | 76 | 117 | 133 | 1 | 0 | 995 |" in (
        capsys.readouterr().out
    )


def test_as_of_a_day_counts_only_what_had_happened(fy2025: str, capsys: Any) -> None:
    argv = ["report", "consultations", "--fiscal-year", "2025", "--as-of", "2026-02-04"]
    assert run_cli(fy2025, argv, MARCH) == 0
    text = capsys.readouterr().out
    # February has begun (a 0, not a blank) but the 5 February consultation is not yet in.
    assert "| 横浜 | 133 | 127 | 85 | 83 | 78 | 90 | 72 | 76 | 117 | 133 | 0 |  | 994 |" in text
    assert "- 集計期間：2025年4月〜2026年2月（2026年2月4日現在）" in text
    assert "- 作成日：2026年3月10日" in text  # the day it was made


def test_the_xlsx_report_is_one_a_centre_can_send(
    fy2025: str, tmp_path: Path, capsys: Any
) -> None:
    target = tmp_path / "fy2025.xlsx"
    argv = ["report", "consultations", "--fiscal-year", "2025", "--through", "2026-01"]
    assert run_cli(fy2025, [*argv, "--format", "xlsx", "-o", str(target)], MARCH) == 0
    assert capsys.readouterr().out == f"wrote {target}\n"
    sheet = _sheet(target)
    assert sheet["A1"].value == "R7年度 キャリアコンサルティング実績（人数）"
    info = str(sheet["A2"].value)
    centre = "センター名：神奈川キャリア形成・リスキリング支援センター"
    for part in ("年度：令和7年度（2025年度）", centre, "集計期間：2025年4月〜2026年1月"):
        assert part in info
    assert "作成日：2026年3月10日" in info
    assert [c.value for c in sheet[3]][:3] == ["ハローワーク", "2025/04", "2025/05"]
    yokohama = _row(sheet, "横浜")
    assert yokohama[1:11] == [133, 127, 85, 83, 78, 90, 72, 76, 117, 133]
    assert yokohama[11:13] == [None, None] and yokohama[13] == 994
    assert all(isinstance(v, int) for v in yokohama[1:11])  # numbers, not text
    ratios = _row(sheet, "対前年 (%)")
    assert isinstance(ratios[1], float) and round(ratios[1], 4) == round(493 / 424, 4)
    ratio_row = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "対前年 (%)")
    assert ratio_row[1].number_format == "0%" and ratio_row[1].data_type == "n"
    total_row = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "総計")
    assert total_row[1].font.bold and total_row[1].number_format == "#,##0"
    assert all(c.border.left.style == "thin" for c in total_row)
    assert sheet.freeze_panes == "B4"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.column_dimensions["A"].width or 0) >= 16


def test_the_survey_report_in_xlsx(
    runtime: Runtime, sqlite_url: str, tmp_path: Path, capsys: Any
) -> None:
    target = tmp_path / "survey.xlsx"
    argv = ["report", "survey", "--fiscal-year", "2025", "--format", "xlsx", "-o", str(target)]
    assert run_cli(sqlite_url, argv, MARCH) == 0
    assert capsys.readouterr().out == f"wrote {target}\n"
    sheet = _sheet(target)
    assert sheet["A1"].value == "R7年度 キャリアコンサルティング後のアンケート結果"
    assert [c.value for c in sheet[3]] == ["質問", "回答", "件数", "割合"]
    assert [c.value for c in sheet[4]][:3] == ["回答数", None, 0]
    questions = {row[0] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert "相談コーナーにおけるキャリアコンサルティングの目的" in questions
    assert sheet.page_setup.orientation == "landscape"

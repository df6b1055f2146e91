"""`jobcard cohort …` and the facilitator's table: progress only, never answers."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from bot.bootstrap import Runtime
from bot.config import Settings
from bot.juku import cli, cohorts, roster
from bot.juku.wiring import juku_actions, juku_sources
from bot.service import ConversationService
from storage import outbox
from tests.chat import Chat
from tests.conftest import RuntimeFactory
from tests.juku.conftest import NOW, UPCOMING, MakeCohort, join, seed

SECRET = "誰にも見せたくない回答テキスト"


def run(url: str, *argv: str) -> int | None:
    parser = argparse.ArgumentParser(prog="jobcard")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("chat")  # another command: not the cohort module's business
    cli.register(commands)
    return cli.dispatch(
        parser.parse_args(list(argv)), Settings(database_url=url), clock=lambda: NOW
    )


def test_create_list_and_show(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        sqlite_url,
        "cohort",
        "create",
        "--name",
        "神奈川 2027年冬",
        "--season",
        "冬",
        "--mode",
        "対面",
        "--dates",
        "2027-01-14",
        "2027-01-28",
        "2027-02-11",
        "2027-02-25",
        "--theme",
        "3=年金と保険の基本",
    )
    assert code == 0
    made = re.search(r"join code ([A-Z0-9]{6})", capsys.readouterr().out)
    assert made is not None
    assert run(sqlite_url, "cohort", "list") == 0
    listed = capsys.readouterr().out
    assert f"{made[1]}\t神奈川 2027年冬\t冬\t対面\t2027-01-14〜2027-02-25\t0名" in listed
    assert run(sqlite_url, "cohort", "show", made[1].lower()) == 0
    shown = capsys.readouterr().out
    assert "第3回 2027-02-11 年金と保険の基本" in shown  # the facilitator's own theme
    assert "第1回 2027-01-14 キャリアの振り返り" in shown  # the standard one
    assert "宿題（2027-01-28まで）: ライフラインチャート、職務経歴シート（様式2）" in shown


def test_bad_input_is_refused_plainly(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["cohort", "create", "--name", "x", "--season", "spring", "--mode", "online"]
    dates = ["--dates", "2027-04-01", "2027-04-15", "2027-05-01", "2027-05-15"]
    assert run(sqlite_url, *base, *dates, "--code", "ab-cd") == 0
    assert run(sqlite_url, *base, *dates, "--code", "ABCD") == 2
    assert "already used" in capsys.readouterr().err
    backwards = ["--dates", "2027-04-15", "2027-04-01", "2027-05-01", "2027-05-15"]
    assert run(sqlite_url, *base, *backwards) == 2
    assert "in order" in capsys.readouterr().err
    assert run(sqlite_url, *base, *dates, "--theme", "5=x") == 2
    assert run(sqlite_url, "cohort", "show", "NOPE") == 1
    assert run(sqlite_url, "chat") is None  # not a cohort command


def test_export_is_progress_only(
    juku_service: ConversationService,
    make_cohort: MakeCohort,
    runtime: Runtime,
    sqlite_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_cohort()
    first = Chat(juku_service, "telegram:1")
    join(first, name="やまだ")
    seed(
        first,
        {
            "lifeline._completed": True,
            "work_history._completed": True,
            "licenses._completed": True,
            "education_training._completed": True,
            "will_can_must.will": SECRET,
            "money_plan._completed": True,
        },
    )
    second = Chat(juku_service, "telegram:2")
    second.start_profile()
    second.send("塾")
    second.send("/skip")  # no name: shown by number
    second.send("K7M2QP")
    assert run(sqlite_url, "cohort", "export", "K7M2QP") == 0
    text = capsys.readouterr().out
    assert text.splitlines() == [
        "\ufeff参加者,参加日,第1回（10月1日）,第2回（10月15日）,第3回（11月5日）,第4回（11月26日）",
        # Both joined on 22 Nov, after sessions 1 and 2 were due: catching up, not late.
        "やまだ,2026-11-22,済,途中,済,未着手",
        "参加者2,2026-11-22,未着手,未着手,未着手,未着手",
    ]
    assert SECRET not in text and "telegram" not in text
    target = tmp_path / "progress.csv"
    assert run(sqlite_url, "cohort", "export", "K7M2QP", "--lang", "en", "-o", str(target)) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Japanese names
    assert "やまだ,2026-11-22,done,in progress,done,not started" in raw.decode("utf-8-sig")
    assert capsys.readouterr().out == f"wrote {target}\n"  # -o says where the file went
    assert run(sqlite_url, "cohort", "export", "K7M2QP", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["participants"][0]["statuses"] == ["done", "in_progress", "done", "not_started"]
    assert SECRET not in json.dumps(data, ensure_ascii=False)


def test_members_leave_the_table_when_their_data_is_deleted(
    juku_service: ConversationService, make_cohort: MakeCohort, runtime: Runtime
) -> None:
    make_cohort()
    chat = Chat(juku_service, "telegram:1")
    join(chat)
    chat.send("データ削除")
    chat.press("はい")
    with runtime.sessions() as session:
        found = roster.facilitator_table(session, "K7M2QP", NOW.date())
    assert found is not None and found[1] == []


def test_remind_catches_up_with_finished_homework(
    juku_service: ConversationService,
    make_cohort: MakeCohort,
    runtime: Runtime,
    sqlite_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_cohort(dates=UPCOMING)
    chat = Chat(juku_service, "telegram:1")
    join(chat)
    seed(chat, {"will_can_must._completed": True})
    with runtime.sessions.begin() as session:
        assert roster.sync_reminders(session, NOW) == (0, 2)  # session 2's two reminders
        assert roster.sync_reminders(session, NOW) == (0, 0)  # idempotent
        keys = [key for key, _ in outbox.pending(session, "juku:")]
    assert len(keys) == 8 and not any(":s2:" in key for key in keys)
    assert run(sqlite_url, "cohort", "remind") == 0
    assert "0 scheduled, 0 cancelled" in capsys.readouterr().out


def test_join_reminders_and_export_on_postgres(
    make_runtime: RuntimeFactory, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = make_runtime(pg_url)
    with runtime.sessions.begin() as session:
        cohorts.create_cohort(
            session,
            name="オンライン 2026年冬",
            season="winter",
            mode="online",
            dates=UPCOMING,
            code="WINTER26",
            now=NOW,
        )
    service = ConversationService(
        runtime.sessions,
        runtime.dialogs.catalog,
        runtime.dialogs.specs,
        clock=lambda: NOW,
        actions=juku_actions(),
        sources=juku_sources(),
    )
    chat = Chat(service, "telegram:7")
    assert "参加しました" in join(chat, "winter26", "さとう")
    seed(chat, {"lifeline._completed": True, "lifeline.points": [{"event": SECRET}]})
    with runtime.sessions() as session:
        keys = [key for key, _ in outbox.pending(session, "juku:")]
    assert len(keys) == 10
    assert run(pg_url, "cohort", "export", "WINTER26") == 0
    text = capsys.readouterr().out
    assert "さとう,2026-11-22,途中 (1/4),未着手,未着手,未着手" in text and SECRET not in text
    chat.send("塾")
    chat.press("塾への参加をやめる")
    chat.press("はい")
    with runtime.sessions() as session:
        assert outbox.pending(session, "juku:") == []

"""The juku facilitator view: cohorts, the progress table, its CSV, and who may see them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import httpx
import pytest

from bot.engine import COMPLETED
from bot.juku import cohorts
from bot.juku.schedule import HOMEWORK
from storage import repositories
from tests.conftest import NOW
from tests.web.conftest import Dashboard, login

CODE = "K7M2QP"
# Today (NOW) is 22 November: session 1 and 2 homework are overdue, 3 and 4 are not.
DATES = (date(2026, 10, 1), date(2026, 10, 15), date(2026, 11, 5), date(2026, 12, 3))
SECRET = "ひみつの夢<b>パン屋</b>を開く"
JOINED = datetime(2026, 9, 20, 3, 0, tzinfo=UTC)  # before the first session


@pytest.fixture
def juku(dashboard: Dashboard) -> Dashboard:
    """A cohort of two who joined before it began: やまだ did session 1 and started
    session 3; the other did nothing."""
    with dashboard.sessions.begin() as session:
        cohorts.create_cohort(
            session,
            name="神奈川 2026年秋",
            season="autumn",
            mode="online",
            dates=DATES,
            code=CODE,
            now=NOW,
            themes={2: "学び直しの<方向>"},
        )
        for person, name in (("line:yamada", "やまだ"), ("line:quiet", None)):
            repositories.lock_conversation(session, person, NOW)
            joined = cohorts.join(session, person, CODE, display_name=name, answers={}, now=JOINED)
            assert joined is not None
        for dialog in HOMEWORK[1]:
            repositories.save_answer(session, "line:yamada", dialog, COMPLETED, True, NOW)
        repositories.save_answer(session, "line:yamada", "money_plan", "dream", SECRET, NOW)
    return dashboard


def test_a_facilitator_sees_cohorts_and_progress(juku: Dashboard) -> None:
    with httpx.Client(base_url=juku.url) as client:
        login(client, "ito")
        assert 'href="/cohorts"' in client.get("/queue").text
        listing = client.get("/cohorts")
        assert listing.status_code == 200
        assert f'href="/cohorts/{CODE}"' in listing.text
        assert "神奈川 2026年秋" in listing.text and "秋" in listing.text
        assert "オンライン" in listing.text
        assert "第4回 12月3日（木）" in listing.text  # the next session

        table = client.get(f"/cohorts/{CODE}")
        assert table.status_code == 200
        text = table.text
        assert "学び直しの&lt;方向&gt;" in text  # the facilitator's theme, escaped
        assert "キャリアの振り返り" in text  # a standard theme
        assert "10月15日（木）" in text
        assert "<script" not in text
        cells = [
            '<span class="status status-done">済</span>',
            '<span class="status status-late">遅れ</span>',
            '<span class="status status-in-progress">途中</span>',
            '<span class="status status-not-started">未着手</span>',
        ]
        yamada = text[text.index("やまだ") : text.index("参加者2")]
        assert [cell in yamada for cell in cells] == [True, True, True, True]
        quiet = text[text.index("参加者2") : text.index("</tbody>")]
        assert quiet.count("status-late") == 2 and quiet.count("status-not-started") == 2
        assert f'href="/cohorts/{CODE}.csv"' in text


def test_the_csv_download(juku: Dashboard) -> None:
    with httpx.Client(base_url=juku.url) as client:
        login(client, "ito")
        response = client.get(f"/cohorts/{CODE.lower()}.csv")  # codes are typed any way
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        disposition = response.headers["content-disposition"]
        assert disposition == f'attachment; filename="juku-{CODE}.csv"'
        assert response.content.startswith(b"\xef\xbb\xbf")  # a BOM, for Excel
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][0] == "参加者" and rows[0][2].startswith("第1回")
        assert rows[1] == ["やまだ", "2026-09-20", "済", "遅れ", "途中", "未着手"]
        assert rows[2] == ["参加者2", "2026-09-20", "遅れ (0/4)", "遅れ", "未着手", "未着手"]
        assert "パン屋" not in response.text
    with httpx.Client(base_url=juku.url) as client:
        login(client, "admin")  # an admin sees every cohort's progress, never names
        for path in (f"/cohorts/{CODE}.csv", f"/cohorts/{CODE}"):
            response = client.get(path)
            assert response.status_code == 200
            assert "やまだ" not in response.text and "参加者1" in response.text


def test_answers_never_appear(juku: Dashboard) -> None:
    with httpx.Client(base_url=juku.url) as client:
        login(client, "ito")
        for path in ("/cohorts", f"/cohorts/{CODE}"):
            text = client.get(path).text
            assert "パン屋" not in text and "ひみつ" not in text and "簿記" not in text


def test_login_roles_and_unknown_codes(juku: Dashboard) -> None:
    with httpx.Client(base_url=juku.url) as client:
        for path in ("/cohorts", f"/cohorts/{CODE}", f"/cohorts/{CODE}.csv"):
            response = client.get(path)
            assert response.status_code == 303 and response.headers["location"] == "/login"
        login(client, "sato")  # a counselor works with cards, not cohorts
        assert 'href="/cohorts"' not in client.get("/queue").text
        assert client.get("/cohorts").status_code == 403
        assert client.get(f"/cohorts/{CODE}").status_code == 403
    with httpx.Client(base_url=juku.url) as client:
        login(client, "ito")
        for path in ("/cohorts/NOSUCH", "/cohorts/NOSUCH.csv"):
            missing = client.get(path)
            assert missing.status_code == 404 and "ページが見つかりません" in missing.text

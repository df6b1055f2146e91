"""The dashboard in headless Chromium: log in, queue, comment, request changes, approve, PDF."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bootstrap import Runtime
from bot.review.service import submit
from tests.review.helpers import PASSWORD, PERSON, answer
from tests.web.conftest import NAME, Dashboard, make_dashboard

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    if os.environ.get("JOBCARD_REQUIRE_CHROMIUM"):
        pytest.fail("Chromium is required here: apt-get install -y chromium", pytrace=False)
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            accept_downloads=True,
        )
        yield context
        context.close()


@pytest.fixture
def real_pdf_dashboard(runtime: Runtime) -> Iterator[Dashboard]:
    """The dashboard with the real Job Card PDF renderer."""
    yield from make_dashboard(runtime, pdf=_real_pdf)


def _real_pdf(card: object) -> bytes:
    from bot.documents import CardDocuments

    return CardDocuments().pdf(card)  # type: ignore[arg-type]


def test_a_review_in_the_browser(real_pdf_dashboard: Dashboard, browser: object) -> None:
    board = real_pdf_dashboard
    context = browser
    context.clear_cookies()  # type: ignore[attr-defined]
    page = context.new_page()  # type: ignore[attr-defined]
    expect = sync_api.expect

    page.goto(board.url + "/queue")
    assert page.url == board.url + "/login"  # not logged in: sent to the login page
    page.fill("#login", "sato")
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("ログインできませんでした")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    assert page.url == board.url + "/queue"

    # The queue: this centre's submission only; the name with <script> is plain text.
    link = page.get_by_role("link", name=NAME)
    expect(link).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("鈴木 太郎")
    link.click()
    assert page.evaluate("typeof window.__pwned") == "undefined"  # nothing ran
    assert page.locator("main script").count() == 0  # nothing became markup
    expect(page.locator("h1")).to_contain_text(NAME)
    next_steps = page.locator('[id="career_plan.next_steps"] .answer')
    expect(next_steps).to_have_text("<b>簿記</b>の勉強 & 資格")

    page.get_by_role("button", name="確認を開始する").click()
    expect(page.locator(".status")).to_contain_text("確認中")
    duties = page.locator('[id="work_history.0.duties"]')
    duties.locator("summary").click()
    duties.locator("textarea[name=body]").fill("担当した顧客数など、数字を入れてみましょう。")
    duties.get_by_role("button", name="コメントを追加").click()
    expect(duties.locator(".comment.open")).to_contain_text("数字を入れてみましょう")
    page.fill("#note", "全体によく書けています。")
    page.get_by_role("button", name="修正を依頼する").first.click()
    expect(page.locator(".status")).to_contain_text("修正依頼中")

    # The person revises in chat and resubmits (here through the use-case directly).
    with board.sessions.begin() as session:
        job = {
            "period": {"start": "2015-04", "end": None},
            "employer": "みなと商事",
            "employment_type": "regular",
            "duties": "法人営業（担当30社）",
            "learned": "顧客の話を聞く力",
        }
        answer(session, PERSON, board.clock.now, work_history__jobs=[job])
        submit(session, PERSON, "yokohama", board.clock.now)
    page.reload()
    expect(page.locator(".status")).to_contain_text("再提出済み")
    # The counselor goes on reviewing: no second 「確認を開始する」 is needed.
    expect(page.get_by_role("button", name="確認を開始する")).to_have_count(0)
    page.get_by_role("link", name="前の版との違い").click()
    changed = page.locator("table.diff tbody tr")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("法人営業（担当30社）")
    page.go_back()

    box = page.locator("#consultant")
    box.locator("textarea").fill("担当顧客数を示して強みを整理した。")
    box.get_by_role("button", name="記入欄を保存する").click()
    expect(box.locator(".meta")).to_have_count(0)  # the agreement box is required
    box.get_by_role("checkbox").check()
    box.get_by_role("button", name="記入欄を保存する").click()
    expect(page.locator("#consultant .meta")).to_contain_text("ご本人の同意あり")

    page.get_by_role("button", name="第2版を承認する").last.click()  # the one below the card
    expect(page.locator(".status")).to_contain_text("承認済み")
    with page.expect_download() as download:
        page.get_by_role("link", name="承認済みのジョブ・カード（PDF）").first.click()
    assert download.value.suggested_filename.endswith("-v2.pdf")
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF") and len(content) > 5000

    page.get_by_role("button", name="ログアウト").click()
    assert page.url == board.url + "/login"
    page.goto(board.url + f"/s/{board.mine}")
    assert page.url == board.url + "/login"
    page.close()

"""The hardened dashboard in headless Chromium: refusals keep what was typed, readable small
print, one comment link per section, review buttons below the card, 2FA enrolment, 429 page."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from bot.bootstrap import Runtime
from bot.review import accounts, counselor
from bot.review.service import Actor
from bot.web.limits import RequestLimits
from storage.review import StaffRow, SubmissionRow
from tests.review.helpers import PASSWORD
from tests.web.conftest import Dashboard, make_dashboard
from tests.web.test_browser import ARGS, CHROMIUM

if not CHROMIUM.exists():
    if os.environ.get("JOBCARD_REQUIRE_CHROMIUM"):
        pytest.fail("Chromium is required here: apt-get install -y chromium", pytrace=False)
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
        )
        yield browser
        browser.close()


def _page(
    context: object, board: Dashboard, user: str = "sato", password: str = PASSWORD
) -> object:
    context.clear_cookies()  # type: ignore[attr-defined]
    page = context.new_page()  # type: ignore[attr-defined]
    page.goto(board.url + "/login")
    page.fill("#login", user)
    page.fill("#password", password)
    # Wait for the answer to the form: a page closed mid-navigation can leave Chromium hanging.
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


def _luminance(css: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css)[:3])
    channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def _contrast(page: object, selector: str) -> float:
    """Text colour against the nearest painted background of the first match."""
    colours = page.evaluate(  # type: ignore[attr-defined]
        """(selector) => {
            const element = document.querySelector(selector);
            let node = element, background = 'rgba(0, 0, 0, 0)';
            while (node && /rgba\\(0, 0, 0, 0\\)|transparent/.test(background)) {
                background = getComputedStyle(node).backgroundColor; node = node.parentElement;
            }
            return [getComputedStyle(element).color, background];
        }""",
        selector,
    )
    lighter, darker = sorted((_luminance(colours[0]), _luminance(colours[1])), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_a_refusal_keeps_the_text_and_the_way_back(dashboard: Dashboard, context: object) -> None:
    page = _page(context, dashboard)
    page.goto(f"{dashboard.url}/s/{dashboard.mine}")
    page.get_by_role("button", name="確認を開始する").first.click()
    expect(page.locator(".status")).to_contain_text("確認中")
    # Meanwhile a colleague approves the card in another window.
    with dashboard.sessions.begin() as session:
        row = session.query(SubmissionRow).filter_by(public_id=dashboard.mine).one()
        kato = session.query(StaffRow).filter_by(login="sato").one()
        counselor.approve(session, row, Actor.staff(kato), 1, dashboard.clock.now)
    typed = "担当した顧客数など、数字を入れてみましょう。\n例：30社"
    duties = page.locator('[id="work_history.0.duties"]')
    duties.hover()
    duties.locator("summary").click()
    duties.locator("textarea[name=body]").fill(typed)
    duties.get_by_role("button", name="コメントを追加").click()
    expect(page.get_by_role("alert")).to_contain_text("コメントは、確認中の提出にだけ書けます")
    expect(page.locator("textarea.typed")).to_have_value(typed)  # nothing typed is lost
    expect(page.get_by_role("link", name="予約 Bookings")).to_be_visible()  # the navigation
    page.get_by_role("link", name="前の画面に戻る").click()
    assert page.url == f"{dashboard.url}/s/{dashboard.mine}"
    page.close()


def test_reading_the_card_page(dashboard: Dashboard, context: object) -> None:
    page = _page(context, dashboard)
    page.goto(f"{dashboard.url}/s/{dashboard.mine}")
    page.get_by_role("button", name="確認を開始する").first.click()
    sections = page.locator("section.sheet > details.add-comment:not(.per-field)")
    section_count = page.locator(".card section.sheet").count()
    assert section_count >= 3
    # One visible 「コメントを書く」 per section; the per-field ones wait for hover or focus.
    expect(page.get_by_text("コメントを書く", exact=False)).to_have_count(section_count)
    assert sections.count() == section_count
    row = page.locator('[id="work_history.0.duties"]')
    summary = row.locator("details.per-field summary")
    assert summary.evaluate("e => getComputedStyle(e).opacity") == "0"
    row.hover()
    assert summary.evaluate("e => getComputedStyle(e).opacity") == "1"
    # Request changes and approve are also below the card, not only at the top.
    expect(page.get_by_role("button", name="修正を依頼する")).to_have_count(2)
    below = page.locator("h2.bottom-actions ~ section.actions button", has_text="承認する")
    expect(below).to_be_visible()
    # Small print on white buttons is readable (WCAG AA, 4.5:1).
    assert _contrast(page, "button.link small") >= 4.5  # 「Log out」
    page.goto(f"{dashboard.url}/bookings")
    assert _contrast(page, "form.filters button.small small") >= 4.5  # 「Show」
    page.close()


def test_setting_up_two_factor_login(dashboard: Dashboard, context: object) -> None:
    page = _page(context, dashboard, "admin")
    page.get_by_role("link", name="管理者（管理者）").click()
    page.get_by_role("button", name="2段階認証を設定する").click()
    qr = page.locator(".qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 120  # large enough to scan from the screen
    expect(page.locator("code.secret")).to_have_text(re.compile(r"^[A-Z2-7]{32}$"))
    page.close()


@pytest.fixture
def limited(runtime: Runtime) -> Iterator[Dashboard]:
    yield from make_dashboard(runtime, None, limits=RequestLimits(login_per_account="2/minute"))


def test_the_429_page(limited: Dashboard, context: object) -> None:
    for _ in range(2):
        _page(context, limited, "kato", "not the password").close()  # type: ignore[attr-defined]
    page = _page(context, limited, "kato")
    expect(page.locator("h1")).to_contain_text("少しお休みしています")
    expect(page.get_by_role("alert")).to_contain_text("分ほど待ってから、もう一度お試しください")
    page.close()


def test_a_reset_password_is_changed_at_the_next_login(
    dashboard: Dashboard, context: object
) -> None:
    with dashboard.sessions.begin() as session:
        _, temporary = accounts.reset_password(session, "sato", dashboard.clock.now)
    page = _page(context, dashboard, "sato", temporary)
    assert page.url == f"{dashboard.url}/account"  # type: ignore[attr-defined]
    expect(page.get_by_role("alert")).to_contain_text("ご自分で新しいパスワードを決めてください")
    page.goto(f"{dashboard.url}/queue")  # type: ignore[attr-defined]
    assert page.url == f"{dashboard.url}/account"  # type: ignore[attr-defined]
    page.fill("#current", temporary)  # type: ignore[attr-defined]
    page.fill("#new", "password1234")  # type: ignore[attr-defined]
    page.fill("#again", "password1234")  # type: ignore[attr-defined]
    page.get_by_role("button", name="パスワードを変更する").click()  # type: ignore[attr-defined]
    expect(page.locator("#password .error")).to_contain_text("よく使われているか")  # type: ignore[attr-defined]
    chosen = "港の見える丘で朝ごはんを食べる"
    page.fill("#current", temporary)  # type: ignore[attr-defined]
    page.fill("#new", chosen)  # type: ignore[attr-defined]
    page.fill("#again", chosen)  # type: ignore[attr-defined]
    page.get_by_role("button", name="パスワードを変更する").click()  # type: ignore[attr-defined]
    expect(page.get_by_role("status")).to_contain_text("パスワードを変更しました")  # type: ignore[attr-defined]
    page.get_by_role("link", name="提出 Queue").click()  # type: ignore[attr-defined]
    expect(page.locator("h1")).to_contain_text("提出の一覧")  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]

"""The browser chat in headless Chromium: phone and desktop, with and without JavaScript."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import Runtime
from storage import repositories as repo
from storage import webchat
from tests.conftest import FIXTURES, NOW
from tests.documents.cards import rich_answers
from tests.review.helpers import answer
from tests.web.chat_app import ChatServer, card_held, chat_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
SHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

if not CHROMIUM.exists():
    if os.environ.get("JOBCARD_REQUIRE_CHROMIUM"):
        pytest.fail("Chromium is required here: apt-get install -y chromium", pytrace=False)
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def persona_lines() -> list[str]:
    """佐藤花子's profile and work history, as the console persona types them."""
    lines = (FIXTURES / "personas" / "hanako.txt").read_text(encoding="utf-8").splitlines()
    end = lines.index("確定する", lines.index("職務経歴")) + 1
    return lines[2:end]  # language and consent are pressed as buttons


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def server(runtime: Runtime) -> Iterator[ChatServer]:
    with chat_server(runtime, real_pdf=True) as running:
        yield running


def shot(page: Any, name: str) -> None:
    """Keep a screenshot of a main state for review (tests/web/screenshots/)."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def said(page: Any) -> int:
    return int(page.locator(".msg.person").count())


def send(page: Any, text: str) -> None:
    """Type an answer and press 送信; wait until it is on the page."""
    before = said(page)
    page.fill("#answer", text)
    page.click("button.send")
    expect(page.locator(".msg.person")).to_have_count(before + 1)


def press(page: Any, label: str) -> None:
    """Press a live button of the latest question (or a command button)."""
    before = said(page)
    page.locator(".choices.live button, .commands button").filter(
        has_text=re.compile(f"^{re.escape(label)}$")
    ).first.click()
    expect(page.locator(".msg.person")).to_have_count(before + 1)


def web_people(runtime: Runtime) -> list[str]:
    with runtime.sessions() as session:
        return [p for p in repo.list_people(session) if p.startswith("web:")]


def begin(page: Any, url: str) -> None:
    page.goto(url + "/")
    expect(page.locator(".intro")).to_be_visible()
    press(page, "はじめる")
    press(page, "日本語")
    press(page, "はい")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_profile_and_work_history_in_the_browser(
    server: ChatServer, chromium: Any, viewport: dict[str, int], javascript: bool
) -> None:
    name = f"{viewport['width']}x{viewport['height']}-{'js' if javascript else 'nojs'}"
    context = chromium.new_context(
        locale="ja-JP", viewport=viewport, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(server.url + "/")
    shot(page, f"chat-welcome-{name}")
    begin(page, server.url)
    shot(page, f"chat-question-{name}")
    # Nothing is wider than the screen, the text is 16 px or more, buttons are 44 px high.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    for button in page.locator(".choices.live button, .commands button").all():
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16

    long_done = False
    for line in persona_lines():
        if "年間約1,200件" in line:
            # The duties box is a tall textarea with its limit; a line break stays.
            textarea = page.locator("#answer")
            assert textarea.get_attribute("data-limit") == "3000"
            line = line.replace("担当し、", "担当し、\n")
            page.fill("#answer", line)
            if javascript:
                count = f"{len(line)} / 3,000文字"
                expect(page.locator("#count")).to_have_text(count)
            else:
                expect(page.locator("#count")).to_have_text("3,000文字まで")
            shot(page, f"chat-long-answer-{name}")
            long_done = True
        send(page, line)
    assert long_done
    expect(page.locator(".msg.bot").last).to_contain_text("完了")
    shot(page, f"chat-done-{name}")

    [person] = web_people(server.runtime)
    with server.runtime.sessions() as session:
        answers = repo.current_answers(session, person)
    assert answers["profile.name"] == "佐藤 花子"
    jobs = answers["work_history.jobs"]
    assert [job["employer"] for job in jobs] == ["株式会社みなと銀行", "有限会社さくら会計事務所"]
    assert "担当し、\n年間" in jobs[0]["duties"]
    context.close()


def test_a_double_tap_is_handled_once(server: ChatServer, chromium: Any) -> None:
    context = chromium.new_context(locale="ja-JP", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    begin(page, server.url)
    page.fill("#answer", "二度 押し")
    page.dblclick("button.send")
    expect(page.locator(".msg.person").last).to_have_text(re.compile("二度 押し"))
    page.goto(server.url + "/")
    assert page.locator(".msg.person", has_text="二度 押し").count() == 1
    [person] = web_people(server.runtime)
    with server.runtime.sessions() as session:
        names = [v for v in repo.answer_history(session, person) if v.field == "name"]
    assert [v.value for v in names] == ["二度 押し"]
    context.close()


def test_a_kept_answer_box_takes_the_next_limit_and_loses_nothing_typed(
    server: ChatServer, chromium: Any
) -> None:
    context = chromium.new_context(locale="ja-JP", viewport=PHONE)
    page = context.new_page()
    begin(page, server.url)
    expect(page.locator("#answer")).to_have_attribute("data-limit", "50")
    page.evaluate("document.getElementById('answer').dataset.mark = 'same box'")
    send(page, "山田 太郎")
    # The next question has the same kind of box: it stays (the same element), emptied of
    # what was sent, with the next question's limit in its counter.
    answer = page.locator("#answer")
    expect(answer).to_have_attribute("data-mark", "same box")
    expect(answer).to_have_value("")
    expect(answer).to_have_attribute("data-limit", "60")
    page.fill("#answer", "やまだ")
    expect(page.locator("#count")).to_have_text("3 / 60文字")
    # A button pressed with text in the box: the text stays there for the next answer.
    press(page, "スキップ")
    expect(answer).to_have_value("やまだ")
    page.fill("#answer", "やまだ たろう")
    page.click("button.send")
    expect(page.locator(".msg.person").last).to_have_text(re.compile("やまだ たろう"))
    [person] = web_people(server.runtime)
    with server.runtime.sessions() as session:
        assert "profile.name" in repo.current_answers(session, person)
    context.close()


def test_a_resume_code_continues_in_a_second_browser(server: ChatServer, chromium: Any) -> None:
    first = chromium.new_context(locale="ja-JP", viewport=PHONE)
    page = first.new_page()
    begin(page, server.url)
    send(page, "山田 太郎")
    page.locator(".commands button", has_text="別の端末で続ける").click()
    message = page.locator(".msg.bot", has_text="別の端末で続けるためのコードです")
    expect(message).to_be_visible()
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", message.inner_text())
    assert code is not None
    shot(page, "chat-resume-code-390x844-js")

    second = chromium.new_context(locale="ja-JP", viewport=DESKTOP)
    other = second.new_page()
    other.goto(server.url + "/")
    other.fill("#resume-code", code.group(0))
    other.locator("button", has_text="この端末で続ける").click()
    expect(other.locator(".msg.person", has_text="山田 太郎")).to_be_visible()
    send(other, "やまだ たろう")
    [person] = web_people(server.runtime)
    with server.runtime.sessions() as session:
        assert repo.current_answers(session, person)["profile.furigana"] == "やまだ たろう"
    first.close()
    second.close()


def test_a_tampered_csrf_token_is_refused(server: ChatServer, chromium: Any) -> None:
    context = chromium.new_context(locale="ja-JP", viewport=PHONE)
    page = context.new_page()
    begin(page, server.url)
    page.locator("input[name=csrf_token]").first.evaluate("input => { input.value = 'forged' }")
    page.fill("#answer", "攻撃者の名前")
    page.click("button.send")
    expect(page.locator(".notice")).to_contain_text("この送信は受け付けられませんでした")
    expect(page.locator("#answer")).to_have_value("攻撃者の名前")  # nothing typed is lost
    [person] = web_people(server.runtime)
    with server.runtime.sessions() as session:
        assert "profile.name" not in repo.current_answers(session, person)
    page.goto(server.url + "/")
    assert page.locator(".msg.person", has_text="攻撃者の名前").count() == 0
    context.close()


def test_markup_in_an_answer_is_shown_literally(server: ChatServer, chromium: Any) -> None:
    context = chromium.new_context(locale="ja-JP", viewport=PHONE)
    page = context.new_page()
    begin(page, server.url)
    typed = '<img src=x onerror="window.__pwned=1">山田'
    send(page, typed)
    expect(page.locator(".msg.person .text").last).to_have_text(typed)
    page.reload()
    expect(page.locator(".msg.person .text").last).to_have_text(typed)
    assert page.evaluate("window.__pwned") is None
    context.close()


def test_the_chart_is_shown_and_the_card_downloads_from_its_link(
    server: ChatServer, chromium: Any
) -> None:
    context = chromium.new_context(locale="ja-JP", viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    begin(page, server.url)
    [person] = web_people(server.runtime)
    with server.runtime.sessions.begin() as session:
        answer(
            session, person, NOW, **{k.replace(".", "__"): v for k, v in rich_answers().items()}
        )
    page.locator(".commands button", has_text="ジョブ・カードを作成").click()
    chart = page.locator("img.picture")
    expect(chart).to_be_visible(timeout=30_000)
    assert chart.evaluate("img => img.complete && img.naturalWidth > 200")
    link = page.locator("a.download")
    expect(link).to_have_text("jobcard.pdf をダウンロード")
    chart.scroll_into_view_if_needed()
    shot(page, "chat-card-390x844-js")
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
    assert info.value.suggested_filename == "jobcard.pdf"
    with server.runtime.sessions() as session:
        links = session.scalars(webchat.DocumentLinkRow.__table__.select()).all()
    assert len(links) == 1
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_card_is_made_after_the_answer_and_appears_when_ready(
    server: ChatServer, chromium: Any, javascript: bool
) -> None:
    context = chromium.new_context(locale="ja-JP", viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    begin(page, server.url)
    [person] = web_people(server.runtime)
    with server.runtime.sessions.begin() as session:
        answer(
            session, person, NOW, **{k.replace(".", "__"): v for k, v in rich_answers().items()}
        )
    with card_held(server) as release:
        page.locator(".commands button", has_text="ジョブ・カードを作成").click()
        # Answered at once: the turn's words and a progress note, while the card is made.
        note = page.locator(".msg.pending")
        expect(note).to_contain_text("作成しています。少しお待ちください…")
        expect(
            page.locator(".msg.bot", has_text="いまの回答でジョブ・カードを作成")
        ).to_be_visible()
        assert page.locator("img.picture").count() == 0
        shot(page, f"chat-card-making-390x844-{'js' if javascript else 'nojs'}")
        release.set()
        if javascript:
            # chat.js asks for what arrived; the note makes way for the card.
            expect(page.locator("img.picture")).to_be_visible(timeout=30_000)
        else:
            # Without JavaScript the next page load shows it (the note's own button).
            deadline = time.monotonic() + 30
            while page.locator(".msg.pending").count():
                assert time.monotonic() < deadline, "the card never appeared"
                time.sleep(0.3)
                page.locator(".msg.pending button.refresh").click()
    expect(page.locator(".msg.pending")).to_have_count(0)
    expect(page.locator("a.download")).to_have_text("jobcard.pdf をダウンロード")
    expect(page.locator("img.picture")).to_have_count(1)
    context.close()

"""The browser chat over real HTTP (uvicorn) without JavaScript: turns, security, resume, links."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.bootstrap import Runtime
from bot.web.chat_security import ChatLimits
from bot.web.chat_turns import PENDING_TIMEOUT
from storage import outbox, webchat
from storage import repositories as repo
from storage.webchat import WebMessageRow
from tests.chat import Chat, text_of
from tests.conftest import NOW, RuntimeFactory
from tests.documents.cards import rich_answers
from tests.review.helpers import answer
from tests.web.chat_app import Browser, ChatServer, card_held, chat_server, consented

XSS = "<script>window.__pwned=1</script>山田"


@pytest.fixture
def server(runtime: Runtime) -> Iterator[ChatServer]:
    with chat_server(runtime) as running:
        yield running


def _people(runtime: Runtime) -> list[str]:
    with runtime.sessions() as session:
        return [p for p in repo.list_people(session) if p.startswith("web:")]


def _answers(runtime: Runtime, person: str) -> dict[str, object]:
    with runtime.sessions() as session:
        return repo.current_answers(session, person)


def test_a_first_visit_gets_a_signed_httponly_lax_cookie_and_a_strict_csp(
    server: ChatServer,
) -> None:
    response = httpx.get(server.url + "/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("jc_chat=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback; Secure comes with HTTPS
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "<script>" not in response.text  # no inline script: only the same-origin file
    assert 'src="/chat/static/chat.js"' in response.text
    # The welcome says what losing the cookie means, and nothing is stored before a message.
    assert "ブラウザの履歴やデータを消すと、最初からになります" in response.text
    assert _people(server.runtime) == []


def test_answers_are_taken_with_plain_form_posts(server: ChatServer) -> None:
    browser = consented(server)
    page = browser.send("山田 太郎")
    assert "山田 太郎" in page
    [person] = _people(server.runtime)
    assert _answers(server.runtime, person)["profile.name"] == "山田 太郎"
    # The page after the redirect shows what was said and the next question's buttons.
    assert re.search(r'class="msg person"[^>]*>\s*<p class="who">あなた</p>', page)
    assert 'class="choices live"' in page


def test_a_one_line_question_says_so_under_its_box_and_after_a_two_line_answer(
    server: ChatServer,
) -> None:
    browser = consented(server)
    page = browser.client.get("/").text
    hint = page.partition('id="answer-hint"')[2].partition("</p>")[0]
    # 氏名 keeps one line: the box does not promise that line breaks are kept.
    assert "この欄は1行で記録します（改行はスペースになります）" in hint
    assert "改行はそのまま送れます" not in hint
    page = browser.send("山田\n太郎")
    [person] = _people(server.runtime)
    assert _answers(server.runtime, person)["profile.name"] == "山田 太郎"
    assert "改行はスペースに置き換えました" in page


def test_a_conversation_on_postgresql_is_kept_in_order(
    make_runtime: RuntimeFactory, pg_url: str
) -> None:
    runtime = make_runtime(pg_url)
    with chat_server(runtime) as server:
        assert not server.settings.in_loop  # turns wait on the network: they run in threads
        browser = consented(server)
        page = browser.send("山田 太郎")
        form = {
            "csrf_token": browser.field("csrf_token"),
            "delivery": browser.field("delivery"),
            "text": "やまだ たろう",
        }
        fetch = {"x-requested-with": "jobcard-chat"}  # as chat.js sends it
        reply = browser.client.post("/chat", data=form, headers=fetch)
        assert "やまだ たろう" in reply.json()["messages"]
        [person] = _people(runtime)
        assert _answers(runtime, person)["profile.furigana"] == "やまだ たろう"
        with runtime.sessions() as session:
            stored = webchat.recent_messages(session, person)
        assert [m.id for m in stored] == sorted(m.id for m in stored)
        said = [m.body["text"] for m in stored if m.body["role"] == "person"]
        assert said[-2:] == ["山田 太郎", "やまだ たろう"]
        page = browser.client.get("/").text
        assert page.index("山田 太郎") < page.index("やまだ たろう")


def test_a_fetch_turn_sends_the_answer_box_only_when_its_shape_changes(
    server: ChatServer,
) -> None:
    browser = consented(server)
    fetch = {"x-requested-with": "jobcard-chat"}  # as chat.js sends it
    form = {
        "csrf_token": browser.field("csrf_token"),
        "delivery": browser.field("delivery"),
        "shape": browser.field("shape"),
        "text": "山田 太郎",
    }
    reply = browser.client.post("/chat", data=form, headers=fetch).json()
    # The next question has the same short box: only a fresh delivery id comes back.
    assert "box" not in reply and "山田 太郎" in reply["messages"]
    assert reply["delivery"] != form["delivery"]
    assert reply["limit"].isdigit()  # the next question's own length limit, for the counter
    # That delivery id takes the next answer (the kept box's form works as before).
    form.update(delivery=reply["delivery"], text="やまだ たろう")
    again = browser.client.post("/chat", data=form, headers=fetch).json()
    [person] = _people(server.runtime)
    assert _answers(server.runtime, person)["profile.furigana"] == "やまだ たろう"
    # A form from another kind of box (here: a stale or unknown shape) gets the box drawn.
    form.update(delivery=again["delivery"], text="1980-04-01", shape="en.1.0.0")
    drawn = browser.client.post("/chat", data=form, headers=fetch).json()
    assert 'name="shape"' in drawn["box"] and drawn["delivery"] in drawn["box"]


def test_the_page_shows_the_newest_messages_and_older_ones_are_dropped(
    server: ChatServer,
) -> None:
    browser = consented(server)
    [person] = _people(server.runtime)
    with server.runtime.sessions.begin() as session:
        for n in range(250):
            notice = {"role": "bot", "kind": "text", "text": f"お知らせ {n} 番"}
            webchat.add_messages(session, person, person, [(notice, None)], NOW)
    page = browser.send("山田 太郎")
    assert page.count('data-id="') == webchat.KEEP_MESSAGES
    assert "お知らせ 249 番" in page and "山田 太郎" in page
    assert "お知らせ 10 番" not in page
    with server.runtime.sessions() as session:
        kept = session.scalar(select(func.count()).where(WebMessageRow.identity_id == person))
    # Older messages are dropped in batches: never more than a batch beyond the page's.
    assert webchat.KEEP_MESSAGES <= (kept or 0) < webchat.KEEP_MESSAGES + webchat.TRIM_EVERY


def test_over_https_the_chat_cookie_is_secure_and_for_this_host_only(runtime: Runtime) -> None:
    https = {"x-forwarded-proto": "https"}
    with chat_server(runtime, proxy_headers=True, forwarded_allow_ips="127.0.0.1") as server:
        first = httpx.get(server.url + "/", headers=https)
        cookie = first.headers["set-cookie"]
        assert cookie.startswith("__Host-jc_chat=")
        for part in ("Secure", "HttpOnly", "SameSite=lax", "Path=/"):
            assert part in cookie
        assert "Domain" not in cookie
        assert first.headers["strict-transport-security"] == "max-age=31536000"
        sent = cookie.split(";", 1)[0]
        form = dict(re.findall(r'name="(csrf_token|delivery)" value="([^"]*)"', first.text))
        started = httpx.post(
            server.url + "/chat",
            data={**form, "payload": "c|start"},
            headers={**https, "cookie": sent},
        )
        assert started.status_code == 303
        page = httpx.get(server.url + "/", headers={**https, "cookie": sent})
        assert "Choose your language" in page.text  # the same browser, where it left off
        # Over HTTPS only the __Host- cookie counts, never one a subdomain could have set.
        plain = sent.replace("__Host-", "")
        other = httpx.get(server.url + "/", headers={**https, "cookie": plain})
        assert "Choose your language" not in other.text
        assert other.headers["set-cookie"] != cookie


def test_the_same_form_posted_twice_is_handled_once(server: ChatServer) -> None:
    browser = consented(server)
    form = {
        "csrf_token": browser.field("csrf_token"),
        "delivery": browser.field("delivery"),
        "text": "佐藤 花子",
    }
    first = browser.client.post("/chat", data=form)
    again = browser.client.post("/chat", data=form)
    assert first.status_code == again.status_code == 200
    [person] = _people(server.runtime)
    with server.runtime.sessions() as session:
        said = [
            m.body["text"]
            for m in webchat.recent_messages(session, person)
            if m.body["role"] == "person"
        ]
        history = [v for v in repo.answer_history(session, person) if v.field == "name"]
    assert said.count("佐藤 花子") == 1
    assert len(history) == 1


def test_a_post_without_the_right_csrf_token_is_refused_and_changes_nothing(
    server: ChatServer,
) -> None:
    browser = consented(server)
    [person] = _people(server.runtime)
    before = _answers(server.runtime, person)
    wrong = browser.client.post(
        "/chat", data={"csrf_token": "0" * 64, "delivery": "abcdefgh12", "text": "攻撃"}
    )
    assert wrong.status_code == 403
    missing = browser.client.post("/chat", data={"delivery": "abcdefgh13", "text": "攻撃"})
    assert missing.status_code == 403
    # Another browser's token does not fit this browser's cookie either.
    other = Browser(server.url)
    mixed = browser.client.post(
        "/chat",
        data={"csrf_token": other.field("csrf_token"), "delivery": "abcdefgh14", "text": "x"},
    )
    assert mixed.status_code == 403
    no_cookie = httpx.post(
        server.url + "/chat",
        data={"csrf_token": browser.field("csrf_token"), "delivery": "abcdefgh15", "text": "x"},
    )
    assert no_cookie.status_code == 403
    assert _answers(server.runtime, person) == before


def test_a_forged_cookie_is_a_new_browser(server: ChatServer) -> None:
    browser = consented(server)
    with httpx.Client(base_url=server.url, cookies={"jc_chat": "web-attacker.abc"}) as forged:
        page = forged.get("/").text
    assert "山田" not in page and "【はじめに】" not in page
    assert browser.client.get("/").text.count("【はじめに】") >= 1


def test_an_answer_with_markup_is_shown_literally(server: ChatServer) -> None:
    browser = consented(server)
    page = browser.send(XSS)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;山田" in page
    assert "<script>window" not in page
    [person] = _people(server.runtime)
    assert _answers(server.runtime, person)["profile.name"] == XSS


def test_too_many_messages_are_slowed_down_and_the_text_is_kept(runtime: Runtime) -> None:
    limits = ChatLimits(per_person="4/minute", per_address="100/minute")
    with chat_server(runtime, limits=limits) as server:
        browser = consented(server)  # three posts
        browser.send("山田 太郎")
        response = browser.post(text="やまだ たろう\n二行目")
        assert response.status_code == 429
        assert "少しお休みしています" in browser.page
        assert ">やまだ たろう\n二行目</textarea>" in browser.page
        [person] = _people(server.runtime)
        assert "profile.furigana" not in _answers(server.runtime, person)


def test_a_body_over_the_limit_is_refused(server: ChatServer) -> None:
    browser = consented(server)
    response = browser.post(text="あ" * 200_000)
    assert response.status_code == 413


def test_a_resume_code_continues_on_another_browser_once(server: ChatServer) -> None:
    first = consented(server)
    first.send("山田 太郎")
    page = first.post("/chat/resume", resume="1").text
    code = re.search(r"別の端末で続けるためのコードです：([0-9A-Z]{4}-[0-9A-Z]{4})", page)
    assert code is not None
    assert f"/resume?code={code.group(1)}" in page

    second = Browser(server.url)
    opened = second.client.get(f"/resume?code={code.group(1)}")
    second.page = opened.text
    assert f'value="{code.group(1)}"' in opened.text
    continued = second.post("/resume", code=code.group(1).lower().replace("-", " "))
    assert continued.status_code == 200
    assert "山田 太郎" in second.page  # the same conversation
    second.send("やまだ たろう")
    [person] = _people(server.runtime)
    assert _answers(server.runtime, person)["profile.furigana"] == "やまだ たろう"

    third = Browser(server.url)
    refused = third.post("/resume", code=code.group(1))
    assert refused.status_code == 400
    assert "このコードでは続けられませんでした" in third.page


def _make_card(server: ChatServer, browser: Browser) -> str:
    [person] = _people(server.runtime)
    with server.runtime.sessions.begin() as session:
        answer(
            session,
            person,
            NOW,
            **{k.replace(".", "__"): v for k, v in rich_answers().items()},
        )
    return _card_when_ready(browser)


def _card_when_ready(browser: Browser) -> str:
    """「ジョブ・カードを作成」: a progress note at once, the card on a later page load."""
    page = browser.command("c|card")
    assert "いまの回答でジョブ・カードを作成しています" in page
    if 'class="msg bot pending"' not in page:
        # Made before the page was sent (the same card is cached): it is on this page.
        assert 'class="download"' in page
        return page
    assert "作成しています。少しお待ちください" in page
    return browser.reload_until_ready()


def test_the_card_comes_as_a_chart_and_a_signed_link_that_expires(server: ChatServer) -> None:
    browser = consented(server)
    page = _make_card(server, browser)
    image = re.search(r'<img src="(/chat/img/\d+)" alt="([^"]*)"', page)
    assert image is not None and image.group(2) == "ライフラインチャートです。"
    picture = browser.client.get(image.group(1))
    assert picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG")
    assert httpx.get(server.url + image.group(1)).status_code == 404  # not another browser's

    link = re.search(r'<a href="(http://127\.0\.0\.1:\d+/d/[^"]+)" class="download"', page)
    assert link is not None
    url = link.group(1)
    download = httpx.get(url)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    assert download.headers["content-disposition"].startswith('attachment; filename="jobcard.pdf"')
    assert download.headers["cache-control"] == "no-store"

    # The document is made from the answers as they were when the link was given.
    [person] = _people(server.runtime)
    with server.runtime.sessions.begin() as session:
        answer(session, person, NOW, profile__name="名前を変えた")
    assert b"\xe5\x90\x8d\xe5\x89\x8d" not in httpx.get(url).content  # not 名前を変えた
    assert server.rendered[-1]["profile.name"] == rich_answers()["profile.name"]

    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert httpx.get(tampered).status_code == 410
    assert httpx.get(server.url + "/d/not-a-token").status_code == 410


def test_a_link_is_used_a_limited_number_of_times_and_expires(runtime: Runtime) -> None:
    with chat_server(runtime, uses=2, lifetime=timedelta(hours=1)) as server:
        browser = consented(server)
        page = _make_card(server, browser)
        url = re.search(r'<a href="([^"]+/d/[^"]+)" class="download"', page)
        assert url is not None
        assert [httpx.get(url.group(1)).status_code for _ in range(3)] == [200, 200, 410]
        gone = httpx.get(url.group(1))
        assert "このリンクは有効期限が切れたか" in gone.text

        page = _card_when_ready(browser)
        links = re.findall(r'<a href="([^"]+/d/[^"]+)" class="download"', page)
        with runtime.sessions.begin() as session:
            session.execute(
                webchat.DocumentLinkRow.__table__.update().values(
                    expires_at=NOW - timedelta(seconds=1)
                )
            )
        assert httpx.get(links[-1]).status_code == 410


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({}, "JOBCARD_PUBLIC_URL"),
        ({"JOBCARD_PUBLIC_URL": "https://a.example"}, "JOBCARD_SECRET_KEY"),
    ],
)
def test_jobcard_web_names_a_missing_link_setting_in_one_line(
    tmp_path: Path, given: dict[str, str], missing: str
) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("JOBCARD_PUBLIC_URL", "JOBCARD_SECRET_KEY")
    }
    env |= given | {"JOBCARD_DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}"}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "web", "--port", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and f"{missing} is not set" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_code_from_another_channel_links_the_browser_and_notices_follow(
    server: ChatServer,
) -> None:
    moments = iter(NOW + timedelta(seconds=n) for n in range(1000))
    server.runtime.service._clock = lambda: next(moments)  # each turn a second later
    telegram = Chat(server.runtime.service, "telegram:42")
    telegram.start_profile()
    code = re.search(r"連携コードは (\d{6}) です", telegram.send("連携"))
    assert code is not None
    browser = Browser(server.url)
    page = browser.send(f"連携 {code.group(1)}")
    assert "連携しました" in page and "お名前" in page
    browser.send("山田 太郎")
    with server.runtime.sessions() as session:
        assert repo.current_answers(session, "telegram:42")["profile.name"] == "山田 太郎"
        outbox.schedule(
            session,
            "telegram:42",
            due_at=NOW,
            kind="message",
            payload={"ja": "明日は面談の日です。", "en": "Your consultation is tomorrow."},
            now=NOW,
        )
        session.commit()
    assert server.runtime.service.deliver_due("telegram") == []  # the browser was used last
    assert "明日は面談の日です。" in browser.client.get("/").text
    assert "明日は面談の日です。" not in text_of(telegram.history)


def test_the_card_is_made_after_the_turn_and_shown_on_the_next_load(server: ChatServer) -> None:
    browser = consented(server)
    with card_held(server) as release:
        page = _make_card_held(server, browser)
        # The turn was answered at once: the question comes again and can be answered.
        assert 'class="msg bot pending"' in page and 'action="/chat/latest"' in page
        page = browser.send("山田 太郎")
        [person] = _people(server.runtime)
        assert _answers(server.runtime, person)["profile.name"] == "山田 太郎"
        assert 'class="msg bot pending"' in page and "download" not in page
        release.set()
        page = browser.reload_until_ready()
    assert 'role="status"><span class="spinner"' not in page  # the note went
    assert re.search(r'<a href="[^"]+/d/[^"]+" class="download"', page)
    # The card's messages come after what was said meanwhile, nothing lost or repeated.
    assert page.index("山田 太郎") < page.index("ライフラインチャートです。")
    assert page.count('class="picture"') == 1 and page.count('class="download"') == 1


def test_a_card_never_finished_is_told_as_failed(server: ChatServer) -> None:
    browser = consented(server)
    with card_held(server) as release:
        _make_card_held(server, browser)
        later = NOW + PENDING_TIMEOUT + timedelta(seconds=1)
        server.runtime.service._clock = lambda: later  # as if the server had stopped
        page = browser.client.get("/").text
        assert 'class="msg bot pending"' not in page
        assert "ジョブ・カードの作成中に問題が起きたため" in page
        release.set()
    # The late card does not appear after the person was told it failed.
    assert "download" not in browser.client.get("/").text


def _make_card_held(server: ChatServer, browser: Browser) -> str:
    [person] = _people(server.runtime)
    with server.runtime.sessions.begin() as session:
        answer(
            session, person, NOW, **{k.replace(".", "__"): v for k, v in rich_answers().items()}
        )
    page = browser.command("c|card")
    assert "いまの回答でジョブ・カードを作成しています" in page
    return page

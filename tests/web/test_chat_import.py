"""The browser chat's upload field: a 職務経歴書 file sent without JavaScript is read in
memory and imported; one over 2 MB is refused with a clear message; the token is checked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.bootstrap import Runtime
from tests.importing.corpus import documents
from tests.importing.documents import as_docx
from tests.web.chat_app import Browser, ChatServer, chat_server, consented

CV = next(d for d in documents() if d.name.startswith("02_")).text
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def server(runtime: Runtime) -> Iterator[ChatServer]:
    with chat_server(runtime) as running:
        yield running


def upload(
    browser: Browser, name: str, content: bytes, kind: str, token: str | None = None
) -> int:
    form = {
        "csrf_token": token or browser.field("csrf_token"),
        "delivery": browser.field("delivery"),
    }
    response = browser.client.post(
        "/chat/upload", data=form, files={"document": (name, content, kind)}
    )
    browser.page = response.text
    return response.status_code


def test_a_word_file_from_the_upload_field_is_imported(server: ChatServer) -> None:
    browser = consented(server)
    assert 'action="/chat/upload"' in browser.page and 'type="file"' in browser.page
    assert upload(browser, "履歴書.docx", as_docx(CV), DOCX) == 200
    assert "📎 履歴書.docx" in browser.page
    assert "ファイル「履歴書.docx」を読み込みました" in browser.page
    assert "会社名：株式会社みなと銀行" in browser.page
    browser.press("登録する")
    with server.runtime.sessions() as session:
        from storage import repositories as repo

        people = [p for p in repo.list_people(session) if p.startswith("web:")]
        jobs = repo.current_answers(session, people[0])["work_history.jobs"]
    assert jobs[0]["employer"] == "株式会社みなと銀行"


def test_a_file_over_two_megabytes_is_refused_and_never_read(server: ChatServer) -> None:
    browser = consented(server)
    big = b"x" * (3 * 1024 * 1024)
    assert upload(browser, "scan.pdf", big, "application/pdf") == 200
    assert "ファイルが大きすぎるため読み込めません（2MBまで）" in browser.page


def test_an_upload_without_the_page_token_is_refused(server: ChatServer) -> None:
    browser = consented(server)
    assert upload(browser, "cv.txt", CV.encode(), "text/plain", token="forged") == 403


def test_a_pasted_cv_is_read_and_the_page_keeps_only_a_note_of_it(server: ChatServer) -> None:
    browser = consented(server)
    assert "貼り付けて" in browser.send("職務経歴書から読み込む")
    browser.send(CV)
    assert "会社名：株式会社みなと銀行" in browser.page
    # The page says what was sent without keeping it; reloading draws the same note.
    assert "文字を送りました。読み取りに使い、文章そのものは保存していません" in browser.page
    assert "個人向け窓口業務を担当" in browser.page  # the entry read, shown to confirm
    with server.runtime.sessions() as session:
        from storage.webchat import WebMessageRow

        bodies = [row.body for row in session.query(WebMessageRow)]
    kept = "\n".join(bodies)
    assert "文章そのものは保存していません" in kept
    assert CV.splitlines()[0] not in kept and "平成" not in kept  # the paste is nowhere

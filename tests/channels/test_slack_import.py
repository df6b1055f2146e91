"""A 職務経歴書 uploaded into the Slack DM: downloaded with the bot token from the mock Web
API (loopback only) and read; one over 2 MB is refused without a download."""

from __future__ import annotations

from tests.channels.mock_slack_api import FILES_PATH, MockSlackApi
from tests.channels.test_slack import (
    JSON,
    SlackPerson,
    answers,
    api,
    channel,
    dm,
    event_body,
    loopback_only,
    person,
)
from tests.importing.corpus import documents
from tests.importing.documents import as_pdf

__all__ = ["api", "channel", "loopback_only", "person"]  # the fixtures this module uses
CV = next(d for d in documents() if d.name.startswith("02_")).text


def shared(file: dict[str, object]) -> dict[str, object]:
    return dm("", subtype="file_share", files=[file])


async def test_an_uploaded_pdf_is_read_and_its_entries_confirmed(
    person: SlackPerson, api: MockSlackApi, runtime: object
) -> None:
    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    content = as_pdf(CV)
    url = api.add_file("F77", content)
    file = {
        "id": "F77",
        "name": "履歴書.pdf",
        "mimetype": "application/pdf",
        "size": len(content),
        "url_private_download": url,
    }
    before = len(api.to("chat.postMessage"))
    assert (await person.deliver(event_body(shared(file)), JSON)).status == 200
    said = person.posted_since(before)
    assert "ファイル「履歴書.pdf」を読み込みました" in said
    assert "会社名：株式会社みなと銀行" in said and "この内容で登録しますか？" in said
    [download] = [c for c in api.calls if c.method.startswith(FILES_PATH)]
    assert download.headers["authorization"] == "Bearer xoxb-test"
    await person.press("登録する")
    assert answers(runtime)["work_history.jobs"][0]["employer"] == "株式会社みなと銀行"  # type: ignore[arg-type]


async def test_an_upload_over_two_megabytes_is_not_downloaded(
    person: SlackPerson, api: MockSlackApi
) -> None:
    await person.say("/start")
    await person.press("日本語")
    await person.press("はい")
    url = api.add_file("F78", b"x")
    file = {
        "id": "F78",
        "name": "scan.pdf",
        "mimetype": "application/pdf",
        "size": 3 * 1024 * 1024,
        "url_private_download": url,
    }
    before = len(api.to("chat.postMessage"))
    await person.deliver(event_body(shared(file)), JSON)
    assert not [c for c in api.calls if c.method.startswith(FILES_PATH)]
    assert "ファイルが大きすぎるため読み込めません（2MBまで）" in person.posted_since(before)

"""A 職務経歴書 sent as a Telegram document: downloaded into memory through the Bot API's
getFile (the fake one, on loopback) and read; one over 2 MB is refused without a download."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.bootstrap import Runtime
from tests.channels.fake_bot_api import FakeBotApi
from tests.channels.test_telegram import (
    TOKEN,
    Harness,
    answers,
    consented,
    loopback_only,
    texts,
)
from tests.importing.corpus import documents
from tests.importing.documents import as_docx

__all__ = ["loopback_only"]  # the fixture: any request beyond loopback fails the test
CV = next(d for d in documents() if d.name.startswith("02_")).text


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as api:
        yield api


@pytest.fixture
async def webhook(runtime: Runtime, fake_api: FakeBotApi) -> AsyncIterator[Harness]:
    async with Harness(fake_api, runtime.service.converse, "webhook") as harness:
        yield harness


def document(file_id: str, name: str, size: int, mime: str) -> dict[str, object]:
    unique = f"u-{file_id}"
    return {
        "file_id": file_id,
        "file_unique_id": unique,
        "file_name": name,
        "file_size": size,
        "mime_type": mime,
    }


async def test_a_word_document_is_read_and_its_entries_confirmed(
    webhook: Harness, fake_api: FakeBotApi, runtime: Runtime
) -> None:
    person = await consented(webhook)
    content = as_docx(CV)
    fake_api.add_file("doc-1", content)
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    calls = await webhook.deliver(
        person.typed(None, document=document("doc-1", "履歴書.docx", len(content), mime))
    )
    said = "\n".join(texts(calls))
    assert [c.method for c in calls].count("getFile") == 1
    assert "ファイル「履歴書.docx」を読み込みました" in said
    assert "会社名：株式会社みなと銀行" in said and "この内容で登録しますか？" in said
    await person.press("登録する")
    assert answers(runtime)["work_history.jobs"][0]["employer"] == "株式会社みなと銀行"


async def test_a_document_over_two_megabytes_is_not_downloaded(
    webhook: Harness, fake_api: FakeBotApi
) -> None:
    person = await consented(webhook)
    big = document("doc-2", "scan.pdf", 5 * 1024 * 1024, "application/pdf")
    calls = await webhook.deliver(person.typed(None, document=big))
    assert not [c for c in calls if c.method == "getFile"]
    assert "ファイルが大きすぎるため読み込めません（2MBまで）" in "\n".join(texts(calls))


async def test_a_pasted_cv_telegram_split_in_two_is_read_whole(
    webhook: Harness, runtime: Runtime
) -> None:
    person = await consented(webhook)
    await person.say("職務経歴書から読み込む")
    padding = "\n".join(f"{n}. 研修の記録を毎月まとめ、部署内で共有しました。" for n in range(200))
    text = f"{CV}\n■補足\n{padding}\n\n平成30\t4\t株式会社あおば物流　入社（パート）"
    first, second = text[:4096], text[4096:]
    said = "\n".join(texts(await person.say(first)))
    assert "続きがあれば" in said and "この内容で登録しますか？" not in said
    said = "\n".join(texts(await person.say(second)))  # the same minute, as Telegram sends it
    assert "職務経歴3件" in said and "この内容で登録しますか？" in said
    for _ in range(3):
        await person.press("飛ばす")
    assert "株式会社あおば物流" in "\n".join(texts(webhook.fake.calls()))

"""「ジョブ・カードを作成」 in chat: a preview, the life-line chart and the PDF."""

from __future__ import annotations

import io
import logging
from functools import partial
from pathlib import Path

import pytest
from PIL import Image as PILImage

from bot.bootstrap import Runtime
from bot.documents import CardDocuments
from bot.documents.chat import make_card
from bot.documents.preview import CHAT_LIMIT
from bot.documents.renderer import make_environment
from bot.engine import Choices, Document, Image, Inbound, MakeCard, Text
from bot.jobcard import JobCard
from bot.service import ConversationService, Pending
from tests.chat import Chat, text_of
from tests.documents import poppler
from tests.documents.cards import answers_in


def _card_replies(chat: Chat) -> tuple[Text, Image, Document]:
    texts = [m for m in chat.last if isinstance(m, Text) and "ジョブ・カード" in m.text]
    images = [m for m in chat.last if isinstance(m, Image)]
    documents = [m for m in chat.last if isinstance(m, Document)]
    assert len(images) == 1 and len(documents) == 1 and texts
    preview = next(t for t in texts if "氏名：" in t.text)
    return preview, images[0], documents[0]


@pytest.mark.usefixtures("needs_poppler")
def test_card_command_sends_preview_chart_and_pdf(
    hanako_runtime: Runtime, hanako: JobCard
) -> None:
    chat = Chat(hanako_runtime.service, "console:hanako")
    chat.send("/card")
    preview, image, document = _card_replies(chat)
    assert len(preview.text) <= CHAT_LIMIT
    assert "佐藤 花子" in preview.text and "【様式1-1" in preview.text
    assert image.filename == "lifeline.png" and image.caption
    with PILImage.open(io.BytesIO(image.content)) as picture:
        assert picture.format == "PNG"
    assert document.filename == "jobcard.pdf"
    assert document.media_type == "application/pdf"
    assert "キャリアコンサルタントが記入する欄" in document.caption
    text = poppler.squashed(poppler.text(document.content))
    assert all(poppler.squashed(answer) in text for answer in answers_in(hanako))
    # The button in the main menu does the same as the command.
    chat.press("ジョブ・カードを作成")
    assert [type(m) for m in _card_replies(chat)] == [Text, Image, Document]


def test_a_new_person_gets_a_blank_card_without_a_chart(runtime: Runtime) -> None:
    chat = Chat(runtime.service, "console:newcomer")
    chat.send("/start")
    chat.press("English")
    chat.press("Yes")
    chat.send("/card")
    documents = [m for m in chat.last if isinstance(m, Document)]
    assert [d.filename for d in documents] == ["jobcard.pdf"]
    assert documents[0].content.startswith(b"%PDF")
    assert "a career consultant fills it in" in documents[0].caption
    assert not [m for m in chat.last if isinstance(m, Image)]  # no life-line yet
    [preview] = [m.text for m in chat.last if isinstance(m, Text) and "Name:" in m.text]
    assert "The PDF is the official form, which is in Japanese." in preview
    # In English the preview has the layout's English labels, not the form's Japanese.
    assert "Name: (blank)" in preview and "（未記入）" not in preview


def test_the_first_message_fits_one_chat_message_with_its_intro_and_more_line() -> None:
    from bot.documents.chat import _preview

    long = "\n\n".join(f"■ 見出し{n}\n" + "本文。" * 200 for n in range(20))
    message = _preview("ジョブ・カードを作成しました。", long, "（続きはPDFをご覧ください）")
    assert len(message) <= CHAT_LIMIT
    assert message.startswith("ジョブ・カードを作成しました。\n\n■ 見出し0")
    assert message.endswith("（続きはPDFをご覧ください）")


def _hanako_says(chat: Chat) -> None:
    chat.send("/start")
    chat.press("日本語")
    chat.press("はい")
    chat.send("佐藤 花子")


def test_the_card_is_made_after_the_turn_is_committed(runtime: Runtime) -> None:
    chat = Chat(runtime.service, "telegram:77")
    _hanako_says(chat)
    now = runtime.service.converse(Inbound("telegram:77", text="/card", delivery_id="card-1"))
    # At once: only the notice; the card is left to render after the commit.
    assert isinstance(now[-1], Pending)
    assert [type(m) for m in now[:-1]] == [Text]
    assert "作成しています" in now[0].text  # type: ignore[union-attr]
    # Nothing is held while it renders: the person's next message is taken meanwhile.
    assert "年代" in chat.send("さとう はなこ")
    assert chat.answers()["profile.furigana"] == "さとう はなこ"
    later = now[-1].render()
    assert [type(m) for m in later] == [Text, Document, Choices]
    assert later[1].content.startswith(b"%PDF")  # type: ignore[union-attr]
    assert "佐藤 花子" in later[0].text  # type: ignore[union-attr]
    # A re-delivery of the same /card is dropped: nothing is rendered again.
    assert (
        runtime.service.converse(Inbound("telegram:77", text="/card", delivery_id="card-1")) == []
    )


def test_a_card_that_cannot_be_rendered_is_told_and_nothing_half_made_is_sent(
    runtime: Runtime, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # An install whose card templates are missing: the PDF cannot be made.
    broken = CardDocuments(make_environment(tmp_path))
    service = ConversationService(
        runtime.sessions,
        runtime.dialogs.catalog,
        runtime.dialogs.specs,
        clock=runtime.service.now,
        handlers={MakeCard: partial(make_card, documents=broken)},
    )
    chat = Chat(service, "console:broken")
    _hanako_says(chat)
    caplog.set_level(logging.ERROR)
    said = chat.send("/card")
    assert "作成中に問題が起きた" in said and "回答はすべて保存されています" in said
    # The preview was made before the PDF failed, yet it is not sent without the PDF.
    assert not [m for m in chat.last if isinstance(m, Document | Image)]
    assert "佐藤 花子" not in said
    assert isinstance(chat.last[-1], Choices)  # and the conversation goes on where it was
    assert chat.answers()["profile.name"] == "佐藤 花子"
    assert "deferred work failed: TemplateNotFound" in caplog.text
    assert "佐藤" not in caplog.text
    assert "作成中に問題が起きた" in text_of(chat.last)

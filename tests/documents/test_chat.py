"""「ジョブ・カードを作成」 in chat: a preview, the life-line chart and the PDF."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage

from bot.bootstrap import Runtime
from bot.documents.preview import CHAT_LIMIT
from bot.engine import Document, Image, Text
from bot.jobcard import JobCard
from tests.chat import Chat
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
    assert any(
        "(the form itself is in Japanese)" in m.text for m in chat.last if isinstance(m, Text)
    )


def test_the_first_message_fits_one_chat_message_with_its_intro_and_more_line() -> None:
    from bot.documents.chat import _preview

    long = "\n\n".join(f"■ 見出し{n}\n" + "本文。" * 200 for n in range(20))
    message = _preview("ジョブ・カードを作成しました。", long, "（続きはPDFをご覧ください）")
    assert len(message) <= CHAT_LIMIT
    assert message.startswith("ジョブ・カードを作成しました。\n\n■ 見出し0")
    assert message.endswith("（続きはPDFをご覧ください）")

"""Chat previews and Markdown: splitting to the platforms' limits, nothing lost, no markup."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.documents import CardDocuments
from bot.documents.preview import (
    SLACK_MESSAGE_BLOCKS,
    SLACK_SECTION_LIMIT,
    TELEGRAM_MESSAGE_LIMIT,
    escape_markdown,
    slack_messages,
    split_message,
)
from bot.jobcard import build_jobcard
from tests.documents.cards import CREATED_ON, HOSTILE, answers_in, rich_answers, rich_card


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


texts = st.text(
    alphabet=st.sampled_from(["あ", "漢", "a", " ", "\n", "😀", "。", "x"]), max_size=3000
)


@settings(max_examples=150, deadline=None)
@given(text=texts, limit=st.integers(min_value=2, max_value=400))
def test_split_message_respects_the_limit_and_loses_nothing(text: str, limit: int) -> None:
    messages = split_message(text, limit)
    assert all(0 < _units(message) <= limit for message in messages)
    assert all(message.strip() for message in messages)
    assert _squash("".join(messages)) == _squash(text)


def test_sections_stay_whole_when_they_fit() -> None:
    sections = [f"■ 見出し{n}\n" + "本文。" * 300 for n in range(6)]
    messages = split_message("\n\n".join(sections), 1000)
    assert messages == sections


def test_a_long_card_fits_telegram_and_slack(documents: CardDocuments) -> None:
    answers = rich_answers()
    answers["work_history.jobs"][0]["duties"] = "とても長い職務の内容。" * 900
    preview = documents.preview(rich_card(**answers))
    assert _units(preview) > TELEGRAM_MESSAGE_LIMIT * 2
    telegram = split_message(preview, TELEGRAM_MESSAGE_LIMIT)
    assert len(telegram) >= 3 and all(_units(m) <= TELEGRAM_MESSAGE_LIMIT for m in telegram)
    slack = slack_messages(preview)
    assert all(len(message) <= SLACK_MESSAGE_BLOCKS for message in slack)
    assert all(len(section) <= SLACK_SECTION_LIMIT for m in slack for section in m)
    assert _squash("".join(s for m in slack for s in m)) == _squash(preview)
    blocks = slack_messages("段落。\n\n" * 200, section_limit=4, max_blocks=SLACK_MESSAGE_BLOCKS)
    assert [len(message) for message in blocks] == [50, 50, 50, 50]


def test_the_preview_shows_every_answer_as_written(documents: CardDocuments) -> None:
    card = rich_card(**{"career_plan.strengths": "\n".join(HOSTILE)})
    preview = documents.preview(card)
    for text in answers_in(card):
        assert _squash(text) in _squash(preview)
    assert "【様式1-1 キャリア・プランシート（就業経験がある方用）】" in preview
    assert "（キャリアコンサルタントが記入する欄です）" in preview


def test_an_empty_card_previews_as_unanswered(documents: CardDocuments) -> None:
    preview = documents.preview(build_jobcard({}, created_on=CREATED_ON))
    assert "（未記入）" in preview and "【様式2 職務経歴シート】" in preview


@pytest.mark.parametrize("hostile", HOSTILE)
def test_markdown_escapes_answers(documents: CardDocuments, hostile: str) -> None:
    card = rich_card(**{"career_plan.strengths": hostile})
    markdown = documents.markdown(card)
    escaped = escape_markdown(hostile)
    assert escaped in markdown
    # Every Markdown or HTML character of the answer is backslash-escaped …
    assert not re.search(r"(?<!\\)[*_\[\]()<>#`|&]", escaped.replace("\\\\", ""))
    # … and removing the escapes gives back exactly what the person wrote.
    assert re.sub(r"\\(.)", r"\1", escaped) == hostile


def test_markdown_has_every_sheet_and_answer(documents: CardDocuments) -> None:
    card = rich_card()
    markdown = documents.markdown(card)
    for heading in (
        "## 様式1\\-1",
        "## 様式2",
        "## 様式3\\-1",
        "## 様式3\\-2",
        "| 免許・資格の名称 |",
    ):
        assert heading in markdown
    plain = re.sub(r"\\(.)", r"\1", markdown).replace("<br>", "")
    for text in answers_in(card):
        assert _squash(text) in _squash(plain)

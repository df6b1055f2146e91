"""Step counters keep their total through a section, and encouragement fits the moment."""

from __future__ import annotations

import re

from bot.engine.texts import t
from bot.engine.views import _variant
from tests.chat import Chat
from tests.test_coaching_dialogs import open_section

COUNTER = re.compile(r"（(\d+)/(\d+)）")


def _counter(text: str) -> tuple[int, int] | None:
    match = COUNTER.search(text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def test_a_licence_entry_counts_its_own_questions_with_one_total(chat: Chat) -> None:
    open_section(chat, "licenses")
    chat.press("はい")
    seen = [_counter(chat.text)]
    for answer in ("フォークリフト運転技能講習", "取得済み", "2012年5月", "/skip"):
        chat.send(answer)
        seen.append(_counter(chat.text))
    assert "1件目" in chat.text
    assert [s[0] for s in seen if s] == [1, 2, 3, 4, 5]
    assert {s[1] for s in seen if s} == {5}  # acquired or planned: one of the two is asked


def test_will_can_must_keeps_its_total_and_ends_where_it_says(chat: Chat) -> None:
    open_section(chat, "will_can_must")
    answers = [
        "これまでの経験を活かして、若い人を育てる仕事がしたい。",
        "部品の検査と品質管理を20年続けてきた。",
        "家族の介護があるので、残業は少なくしたい。",
        "/skip",
        "現場で品質の考え方を教えること。",
        "人に教えるための資料作りの力。",
    ]
    totals = set()
    indexes = []
    for answer in answers:
        counter = _counter(chat.text)
        assert counter is not None
        indexes.append(counter[0])
        totals.add(counter[1])
        chat.send(answer)
    assert len(totals) == 1
    assert indexes == sorted(indexes)
    assert "これが最後の質問です" in chat.text  # the direction question is the last


def test_encouragement_is_worded_differently_across_sections(chat: Chat) -> None:
    menu = chat.service.catalog.menu()
    wordings = {t(_variant("encourage_half", dialog.id), "ja") for dialog in menu}
    assert len(wordings) >= 2  # not the same line in every section

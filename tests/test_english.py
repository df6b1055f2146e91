"""English that reads as English: the texts, a whole conversation, and words that answer.

The rule every English text keeps: no full-width punctuation at all (（）「」：、。・〜…), and
Japanese characters only inside quotes “…” or brackets (…), where they name something the
person will meet in Japanese (ねんきん定期便, the counselor's box on the form, 横浜). Two
texts are Japanese on purpose: the language question, asked before a language is chosen,
and the button that switches to Japanese, labelled in Japanese. The Job Card documents
(PDF, HTML, Excel) are the official Japanese form and stay Japanese; the chat preview of the
card in English uses the layout's English labels.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import fields, is_dataclass
from typing import Any

import pytest

from bot.engine import load_dialogs
from bot.engine.localized import Localized
from bot.engine.model import Group
from dialogs import DIALOGS_DIR
from tests.chat import Chat

FULL_WIDTH = re.compile(
    r"[\u3000-\u303f\u30fb\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
)
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# Where Japanese may stand in an English text: quoted, or in brackets after its English.
QUOTED = re.compile(r"“[^”]*”|\([^()]*\)")
ON_PURPOSE = {
    "日本語",  # the button that switches to Japanese
    "Choose your language. / 使う言語を選んでください。",  # asked before a language is chosen
}
TEXT_MODULES = (
    "bot.engine.texts",
    "bot.engine.answer_texts",
    "bot.engine.suggestions",
    "bot.booking.texts",
    "bot.juku.texts",
    "bot.review.texts",
    "bot.documents.chat",
    "bot.jobcard.layout",
    "bot.importing.texts",
)


def problem(english: str) -> str | None:
    """What is wrong with an English text, or None."""
    if english in ON_PURPOSE:
        return None
    if found := FULL_WIDTH.search(english):
        return f"full-width {found.group()!r}"
    if found := JAPANESE.search(QUOTED.sub("", english)):
        return f"Japanese {found.group()!r} outside quotes or brackets"
    return None


def _english(value: Any, where: str, seen: set[int]) -> Iterator[tuple[str, str]]:
    """Every English text inside ``value``: a Localized's ``en`` or an ``{"en": …}`` entry."""
    if id(value) in seen or isinstance(value, str | int | float | bool | type(None)):
        return
    seen.add(id(value))
    if isinstance(value, Localized):
        yield where, value.en
    elif isinstance(value, Mapping):
        if isinstance(value.get("en"), str) and isinstance(value.get("ja"), str):
            yield where, value["en"]
        for key, item in value.items():
            yield from _english(item, f"{where}[{key!r}]", seen)
    elif isinstance(value, list | tuple | frozenset | set):
        for index, item in enumerate(value):
            yield from _english(item, f"{where}[{index}]", seen)
    elif is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            yield from _english(getattr(value, field.name), f"{where}.{field.name}", seen)


def _catalog_texts() -> Iterator[tuple[str, str]]:
    seen: set[int] = set()
    for name in TEXT_MODULES:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if not attribute.startswith("__"):
                yield from _english(value, f"{name}.{attribute}", seen)
    for dialog in load_dialogs([DIALOGS_DIR]).catalog.latest.values():
        yield from _english(dialog, dialog.id, seen)


def test_the_scan_sees_every_kind_of_text() -> None:
    texts = dict(_catalog_texts())
    assert len(texts) > 1000  # engine, features, every dialog and every example
    assert any(".family_examples" in where for where in texts)
    assert any(where.startswith("bot.documents.chat") for where in texts)


def test_every_english_text_reads_as_english() -> None:
    problems = [
        f"{where}: {found} in {text[:80]!r}"
        for where, text in _catalog_texts()
        if (found := problem(text)) is not None
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("Profile（not started）", True),
        ("1. Name：Taro", True),
        ("(未記入)x", False),  # in brackets: a name
        ("（未記入）", True),
        ("Send “予約” to book", False),
        ("Send 予約 to book", True),
        ("Wed 25 Nov 10:00〜10:50", True),
        ("• Good at: listening", False),
        ("・Good at", True),
    ],
)
def test_the_rule_itself(text: str, wrong: bool) -> None:
    assert (problem(text) is not None) is wrong


def _no_japanese(text: str) -> None:
    for line in text.splitlines():
        assert problem(line) is None, line


def test_english_at_the_language_question_chooses_english(chat: Chat) -> None:
    assert "Choose your language" in chat.send("/start")
    reply = chat.send("English")
    assert "Do you agree" in reply and "What is stored" in reply
    assert "Choose your language" not in reply  # answered, not asked again
    chat.send("Yes")
    assert "What is your full name?" in chat.text


@pytest.mark.parametrize("typed", ["日本語", "Japanese", "にほんご"])
def test_japanese_at_the_language_question_chooses_japanese(chat: Chat, typed: str) -> None:
    chat.send("/start")
    reply = chat.send(typed)
    assert "同意して" in reply and "保存する情報" in reply
    assert "使う言語を選んでください" not in reply


def test_english_elsewhere_still_switches_the_language(chat: Chat) -> None:
    chat.start_profile()
    assert "What is your full name?" in chat.send("English")  # not a choice here: a command
    assert chat.answers().get("profile.name") is None


def test_make_my_job_card_typed_at_the_menu_makes_it(chat: Chat) -> None:
    chat.send("/start")
    chat.press("English")
    chat.press("Yes")
    chat.send("Taro Yamada")
    chat.send("/menu")
    reply = chat.send("Make my Job Card")
    assert "Making your Job Card" in reply and "[document jobcard.pdf]" in reply
    assert "Name: Taro Yamada" in reply  # the preview, with English labels
    _no_japanese(reply.replace("キャリアコンサルティング実施者の記入欄", ""))


def test_make_my_job_card_typed_at_a_question_is_no_answer(chat: Chat) -> None:
    chat.send("/start")
    chat.press("English")
    chat.press("Yes")
    reply = chat.send("Make my Job Card")
    assert "[document jobcard.pdf]" in reply
    assert chat.answers().get("profile.name") is None  # not taken as the name
    assert "What is your full name?" in reply  # asked again afterwards


def test_a_whole_conversation_in_english_has_no_japanese(chat: Chat) -> None:
    chat.send("/start")
    chat.press("English")
    said = [chat.press("Yes")]
    for answer in ("Taro Yamada", "/skip", "52", "Looking for work", "Yes", "2"):
        said.append(chat.send(answer))
    said.append(chat.send("Confirm"))
    assert "Job Card progress: 1 of" in said[-1]
    said.append(chat.payload("m|work_history"))
    for answer in ("yes", "2015-04 to 2020-03", "Minato Trading", "Regular"):
        said.append(chat.send(answer))
    assert "[Work history (sheet 2)] employer #1 (4/5)" in said[-1]
    said.append(chat.send("examples"))
    said.append(
        chat.send(
            "I looked after about 40 corporate customers and proposed office equipment, "
            "about 80 million yen in sales a year."
        )
    )
    said.append(
        chat.send(
            "I learned to listen to customers, sort out their problems and propose "
            "solutions, and to work with the warehouse team on deliveries."
        )
    )
    said.append(chat.send("That's all"))
    said.append(chat.send("/summary"))
    said.append(chat.send("Confirm"))
    said.append(chat.send("help"))
    said.append(chat.send("Make my Job Card"))
    assert "Minato Trading" in said[-1] and "2015" in said[-1]
    for reply in said:
        _no_japanese(
            reply.replace("キャリアコンサルティング実施者の記入欄", "").replace("日本語", "")
        )


def test_every_question_is_a_sentence_in_english() -> None:
    catalog = load_dialogs([DIALOGS_DIR]).catalog
    for dialog in catalog.latest.values():
        for step in dialog.steps:
            if isinstance(step, Group):
                questions = [step, *step.steps]
            elif hasattr(step, "prompt"):
                questions = [step]
            else:
                questions = []
            for question in questions:
                prompt = question.prompt.en.strip()
                if prompt in ON_PURPOSE:
                    continue
                # A heading such as "<Interests>" is followed by the question itself.
                body = re.sub(r"^(<[^>]*>|\[[^\]]*\])\s*", "", prompt)
                assert body and body[-1] in ".?)", f"{dialog.id}.{question.id}: {prompt!r}"
                assert re.search(r"[a-z]", body), f"{dialog.id}.{question.id}: {prompt!r}"

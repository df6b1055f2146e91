"""Run-time options, service actions with outcomes, repeatable dialogs opened by their words."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.bootstrap import Runtime
from bot.engine import JumpTo, Text
from bot.engine.choices import Option
from bot.engine.localized import Localized
from bot.service import ActionResult, ConversationService, EffectContext, SourceContext
from storage import repositories
from tests.chat import Chat

SLOTS = {"north": ["10:00", "11:00", "14:00"], "south": ["09:00"]}


class Desk:
    """A tiny booking desk: free slots per place; reserving a taken slot fails."""

    def __init__(self) -> None:
        self.taken: set[tuple[str, str]] = set()
        self.asked: list[dict[str, object]] = []

    def free_slots(self, ctx: SourceContext) -> Sequence[Option]:
        self.asked.append(dict(ctx.answers))
        place = ctx.answers.get("errand.place")
        return [
            Option(value=slot.replace(":", ""), label=Localized(f"{slot}〜", f"{slot}"))
            for slot in SLOTS.get(str(place), [])
            if (str(place), slot.replace(":", "")) not in self.taken
        ]

    def reserve(self, ctx: EffectContext) -> ActionResult:
        answers = repositories.current_answers(ctx.session, ctx.person_id)
        if answers.get("errand.confirm") is not True:
            return ActionResult((Text("予約しませんでした。"),))
        key = (answers["errand.place"], answers["errand.slot"])
        if key in self.taken:
            return ActionResult(event="taken")
        self.taken.add(key)
        return ActionResult((Text(f"予約しました：{key[1]}"),))


@pytest.fixture
def desk() -> Desk:
    return Desk()


@pytest.fixture
def errand(runtime: Runtime, desk: Desk) -> Chat:
    service = ConversationService(
        runtime.sessions,
        runtime.dialogs.catalog,
        runtime.dialogs.specs,
        actions={"reserve": desk.reserve},
        sources={"free_slots": desk.free_slots},
    )
    chat = Chat(service)
    chat.start_profile()
    return chat


def test_options_come_from_the_service_with_this_turns_answers(errand: Chat, desk: Desk) -> None:
    assert "場所は？" in errand.send("用事")  # the dialog's own command word opens it
    reply = errand.press("北")
    assert "北の空き枠" in reply  # placeholders show answers as people read them, not "north"
    assert "10:00〜" in reply and "14:00〜" in reply and "09:00〜" not in reply
    # The source saw the place chosen in the same turn.
    assert desk.asked[-1]["errand.place"] == "north"
    reply = errand.send("3")
    assert "予約しますか" in reply
    reply = errand.press("はい")
    assert "予約しました：1400" in reply
    # The action's reply comes before the menu the dialog moved on to.
    assert reply.index("予約しました") < reply.index("メニュー")
    answers = errand.answers()
    assert answers["errand.slot"] == "1400"
    assert answers["errand.slot__label"] == {"ja": "14:00〜", "en": "14:00"}


def test_a_taken_slot_is_reported_and_asked_again(errand: Chat, desk: Desk) -> None:
    errand.send("/errand")
    errand.press("北")
    errand.press("11:00〜")
    desk.taken.add(("north", "1100"))  # someone else books it meanwhile
    reply = errand.press("はい")
    assert "ちょうど埋まりました" in reply and "メニュー" not in reply
    assert "10:00〜" in reply and "11:00〜" not in reply
    errand.press("10:00〜")
    assert "予約しました：1000" in errand.press("はい")


def test_repeatable_dialog_starts_afresh_with_earlier_answers_offered(errand: Chat) -> None:
    errand.send("用事")
    errand.press("南")
    errand.press("09:00〜")
    errand.press("はい")
    reply = errand.send("用事")
    assert "場所は？" in reply and "前回の回答：南" in reply


def test_missing_source_provider_is_a_plain_error(runtime: Runtime) -> None:
    chat = Chat(runtime.service)  # no "free_slots" source registered
    chat.start_profile()
    chat.send("用事")
    reply = chat.press("北")
    assert "もう一度送ってください" in reply
    assert chat.answers().get("errand.place") is None  # the failed turn stored nothing


def test_an_action_can_continue_at_another_answer(runtime: Runtime) -> None:
    def to_name(ctx: EffectContext) -> ActionResult:
        return ActionResult(
            (Text("お名前を確認してください。"),), follow=JumpTo("profile", "name")
        )

    service = ConversationService(
        runtime.sessions,
        runtime.dialogs.catalog,
        runtime.dialogs.specs,
        actions={"reserve": to_name},
        sources={"free_slots": lambda ctx: [Option("1", Localized("一", "one"))]},
    )
    chat = Chat(service)
    chat.start_profile()
    chat.send("山田")
    chat.send("用事")
    chat.press("北")
    chat.press("一")
    reply = chat.press("はい")
    assert "お名前を確認してください。" in reply and "前回の回答：山田" in reply
    assert "メニュー" not in reply


def test_keeping_the_answer_of_a_question_with_an_action_runs_it(errand: Chat, desk: Desk) -> None:
    errand.send("用事")
    errand.press("南")
    errand.press("09:00〜")
    errand.press("はい")
    desk.taken.clear()
    errand.send("用事")
    errand.press("そのまま")
    errand.press("09:00〜")
    reply = errand.press("そのまま")  # "book it?" kept as yes: the booking is made again
    assert "予約しました：0900" in reply

"""The chat's messages drawn from shapes are exactly what ``chat_log.html`` draws, escaped."""

from __future__ import annotations

import itertools

import pytest

from bot.engine.localized import Lang
from bot.web import chat_draw as draw
from bot.web.chat_messages import Shown
from bot.web.render import make_templates

NASTY = "<script>alert(\"x\")</script> & 'quoted' \x1eid\x1e {{ m.text }} 山田"


def _messages() -> list[Shown]:
    """Every kind, role and state a message can have, with values that need escaping."""
    messages = []
    ids = itertools.count(1)
    buttons = [("はい", "b|1"), (NASTY, f'p|"{NASTY}"'), ("いいえ", "b|2")]
    for role, text, live in itertools.product(("person", "bot"), ("", "答え", NASTY), (0, 1)):
        messages.append(Shown(next(ids), role, "text", text, live=bool(live)))
        messages.append(
            Shown(next(ids), role, "choices", text, buttons[:2], buttons[2:], live=bool(live))
        )
        messages.append(Shown(next(ids), role, "choices", text, buttons, [], live=bool(live)))
    messages += [
        Shown(next(ids), "bot", "choices", "多い", [(f"{n}", f"v|{n}") for n in range(70)]),
        Shown(next(ids), "bot", "pending", "作成中です"),
        Shown(next(ids), "bot", "image", "", filename=NASTY),
        Shown(next(ids), "bot", "image", NASTY),
        Shown(next(ids), "bot", "document", NASTY, filename=NASTY, url=f"/d/{NASTY}"),
        Shown(next(ids), "bot", "document", "", filename="jobcard.pdf", url="/d/abc"),
    ]
    return messages


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_messages_drawn_from_shapes_match_the_template(lang: Lang) -> None:
    environment = make_templates().env
    messages = _messages()
    context = {**draw.texts(lang), "messages": messages, "link_hours": 24}
    whole = environment.get_template("chat_log.html").render(context)
    assert str(draw.log(environment, lang, messages, 24)) == whole
    for message in messages:  # one at a time, as a turn draws its few new messages
        context["messages"] = [message]
        one = environment.get_template("chat_log.html").render(context)
        assert str(draw.log(environment, lang, [message], 24)) == one
    assert "<script>" not in whole  # the nasty value is shown, never run


def test_the_draft_and_live_buttons_come_from_after_the_persons_last_message() -> None:
    from bot.web.chat_messages import shown
    from storage.webchat import WebMessage

    def message(n: int, role: str, text: str) -> WebMessage:
        return WebMessage(n, {"role": role, "kind": "text", "text": text}, False)

    old = [
        message(1, "person", "はい"),
        message(2, "draft", "古い下書き"),
        message(3, "bot", "次"),
    ]
    drawn, draft = shown([*old, message(4, "person", "いいえ"), message(5, "bot", "了解")])
    assert draft == "" and [m.id for m in drawn] == [1, 3, 4, 5]  # drafts are never drawn
    assert [m.live for m in drawn] == [False, False, False, True]
    later = [message(6, "draft", "下書き"), message(7, "bot", "お知らせ")]
    drawn, draft = shown([*old, message(4, "person", "いいえ"), *later])
    assert draft == "下書き" and [m.live for m in drawn] == [False, False, False, True]

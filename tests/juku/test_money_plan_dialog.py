"""The money_plan dialog end to end: answers in, conclusion, what-ifs and a PNG chart out."""

from __future__ import annotations

import struct

from bot.engine import Image
from bot.service import ConversationService
from tests.chat import Chat, text_of


def answer_all(chat: Chat) -> str:
    """A person of 60 retiring at 62, who skips the questions they can't answer."""
    chat.start_profile()
    reply = chat.payload("m|money_plan")
    assert "【マネープラン】" in reply and "「スキップ」" in reply
    chat.send("60歳")
    chat.send("62")
    chat.send("300万円")
    assert "標準的" not in chat.text
    assert "0％（横ばい）" in chat.text  # the growth question says what a skip means
    chat.send("スキップ")  # pay growth: flat
    chat.press("いいえ")  # no pay change before retiring
    chat.send("0")  # spouse
    chat.send("スキップ")  # retirement allowance: none
    chat.send("65")
    chat.send("150")
    chat.send("20")  # 20万円 a month = 240 a year
    chat.send("0")  # no inflation, to keep the hand computation simple
    chat.press("はい")  # a big expense ahead
    chat.send("63")
    chat.send("車の買い替え")
    chat.send("100")
    chat.press("これで全部")
    chat.send("600")
    chat.send("0%")
    return chat.press("はい")


def test_projection_conclusion_and_chart(juku_service: ConversationService) -> None:
    chat = Chat(juku_service)
    reply = answer_all(chat)
    # By hand: 60: +60 → 660, 61: +60 → 720, 62: -240 → 480, 63: -340 (car) → 140,
    # 64: -240 → -100: the money runs out at 64.
    assert "このままだと、64歳で資金が不足する見込みです。" in reply
    assert "【もしもの比較】" in reply and "・67歳まで働く：" in reply
    assert "標準的な値で計算しました（手取りの伸び 年0％、退職金なし）" in reply
    # The chart comes right after the words, before the summary to confirm.
    [image] = [m for m in chat.last if isinstance(m, Image)]
    assert image.filename == "money_plan.png"
    assert image.caption == ""  # the conclusion is said once, in the text
    assert reply.count("64歳で資金が不足する見込みです") == 1
    assert "【年ごとの見通し（万円）】" in reply and "64歳：収入 0／支出 240／資産 -100 ⚠" in reply
    assert image.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", image.content[16:24])
    assert (width, height) == (800, 450)
    assert len(image.content) > 10_000  # a drawn chart, not an empty canvas
    assert reply.index("64歳で資金") < reply.index("確定する")
    chat.press("確定する")
    assert chat.answers()["money_plan._completed"] is True


def test_saying_no_to_the_calculation_sends_no_chart(juku_service: ConversationService) -> None:
    chat = Chat(juku_service)
    answer_all(chat)
    chat.press("計算")  # from the summary: ask the last question again
    reply = chat.press("いいえ")
    assert "計算は、まとめ画面で「計算」を選び直すと" in reply
    assert not any(isinstance(m, Image) for m in chat.last)


def test_english_chart_and_words(juku_service: ConversationService) -> None:
    chat = Chat(juku_service)
    chat.start_profile()
    chat.send("English")
    chat.payload("m|money_plan")
    for answer in ("58", "skip", "450", "skip", "no", "0", "skip", "skip", "skip", "skip", "skip"):
        chat.send(answer)
    chat.press("No")  # no big expenses
    chat.send("3000")
    chat.send("skip")
    reply = chat.press("Yes")
    assert "your money is likely to run out at age" in reply and "[What if…]" in reply
    assert "living costs of 250,000 yen a month" in reply
    assert any(isinstance(m, Image) for m in chat.last)


def test_someone_without_earnings_is_told_the_plan_assumes_them(
    juku_service: ConversationService,
) -> None:
    chat = Chat(juku_service)
    chat.start_profile()
    chat.payload("m|money_plan")
    for answer in ("20", "スキップ", "0", "スキップ", "いいえ", "0"):  # a student
        chat.send(answer)
    for _ in range(5):  # allowance, pension age, pension, living costs, inflation
        chat.send("スキップ")
    chat.press("いいえ")  # no big expenses
    chat.send("50")
    chat.send("スキップ")
    chat.press("はい")
    said = text_of(chat.last[:1])  # what the calculation said, before the summary
    assert "働いて収入を得ることを前提にしています" in said
    assert "資金が不足" not in said and "20歳" not in said
    assert not any(isinstance(m, Image) for m in chat.last)


def test_a_pay_change_and_the_spouses_own_retirement(juku_service: ConversationService) -> None:
    chat = Chat(juku_service)
    chat.start_profile()
    chat.payload("m|money_plan")
    chat.send("58")
    chat.send("65")
    chat.send("400")
    chat.send("0")  # growth
    chat.press("はい")  # the pay changes …
    chat.send("60")  # … from 60 …
    chat.send("250")  # … to 250万円
    chat.send("100")  # the spouse earns 100 …
    chat.send("62")  # … is 62 …
    chat.send("65")  # … and works to 65 (3 more years), whatever the person does
    for _ in range(5):
        chat.send("スキップ")
    chat.press("いいえ")
    chat.send("1000")
    chat.send("0")
    reply = chat.press("はい")
    assert "58歳：収入 500／" in reply  # this year: 400 + the spouse's 100
    assert "60歳：収入 350／" in reply  # 250 (new pay) + 100 (spouse)
    assert "65歳：収入 180／" in reply  # retired, spouse retired at 65 (3 years ago), pension

"""The career_design dialog: two options, a step and a "by when" each, a summary for 様式1."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.bootstrap import Runtime
from bot.engine import load_dialogs
from bot.juku.career import OPTIONS, plan_summary
from bot.juku.wiring import juku_actions, juku_sources
from bot.service import ConversationService
from dialogs import DIALOGS_DIR
from tests.chat import Chat
from tests.conftest import FIXTURES, RuntimeFactory
from tests.juku.conftest import Clock, seed

PROBE = Path(__file__).parent / "fixtures" / "dialogs"
SUMMARY = (
    "・副業：会社の副業の規定を確認し、週末にできる仕事を1つ探す。（来年3月まで）\n"
    "・学び直し：ハローワークで職業訓練の案内をもらう。（今月中）"
)


@pytest.fixture
def probe_runtime(make_runtime: RuntimeFactory, sqlite_url: str) -> Runtime:
    return make_runtime(sqlite_url, load_dialogs([DIALOGS_DIR, FIXTURES / "dialogs", PROBE]))


@pytest.fixture
def service(probe_runtime: Runtime) -> ConversationService:
    return ConversationService(
        probe_runtime.sessions,
        probe_runtime.dialogs.catalog,
        probe_runtime.dialogs.specs,
        clock=Clock(),
        actions=juku_actions(),
        sources=juku_sources(),
    )


def plan_two_options(chat: Chat) -> str:
    chat.start_profile()
    assert "気になる選択肢" in chat.payload("m|career_design")
    chat.press("副業")
    chat.press("学び直し")
    assert "【副業】最初の一歩" in chat.press("決定")
    assert "【副業】それは、いつまでに" in chat.send(
        "会社の副業の規定を確認し、週末にできる仕事を1つ探す。"
    )
    reply = chat.send("来年3月まで")
    assert "【学び直し】最初の一歩" in reply and "兼業" not in reply  # only the chosen ones
    chat.send("ハローワークで職業訓練の案内をもらう。")
    chat.send("今月中")
    return chat.press("はい")


def test_two_options_give_a_summary_to_keep(service: ConversationService) -> None:
    chat = Chat(service)
    reply = plan_two_options(chat)
    assert "ここまでの計画をまとめました。" in reply
    assert "前回の回答：" + SUMMARY in reply  # offered to keep or rewrite
    assert "そのまま" in reply
    chat.press("そのまま")
    chat.press("確定する")
    answers = chat.answers()
    assert answers["career_design.summary"] == SUMMARY
    assert answers["career_design.options"] == ["side_job", "relearning"]
    assert answers["career_design._completed"] is True


def test_the_summary_feeds_the_next_steps_draft(service: ConversationService) -> None:
    chat = Chat(service)
    plan_two_options(chat)
    chat.press("そのまま")
    chat.press("確定する")
    seed(chat, {"will_can_must.direction": "簿記2級を取る。"})
    reply = chat.send("plan_probe")
    assert "簿記2級を取る。\n" + SUMMARY in reply
    chat.press("この下書きを使う")
    assert chat.answers()["plan_probe.next_steps"] == "簿記2級を取る。\n" + SUMMARY


def test_without_a_summary_the_person_writes_their_own(service: ConversationService) -> None:
    chat = Chat(service)
    chat.start_profile()
    chat.payload("m|career_design")
    chat.send("サードプレイス")
    chat.send("地域の子ども食堂を見学する")
    chat.send("来月")
    reply = chat.press("いいえ")
    assert "短くまとめてください" in reply and "前回の回答" not in reply
    chat.send("月1回、子ども食堂を手伝う。")
    chat.press("確定する")
    assert chat.answers()["career_design.summary"] == "月1回、子ども食堂を手伝う。"


def test_summary_lines_are_one_per_option_and_fit_the_sheet() -> None:
    answers = {
        "career_design.options": ["relearning", "side_job", "independent"],
        "career_design.side_job_step": "規定を確認\nする",
        "career_design.relearning_step": "訓練を探す",
        "career_design.relearning_when": "  ",
        # independent has no step yet: left out
    }
    assert plan_summary(answers, "ja") == "・副業：規定を確認 する\n・学び直し：訓練を探す"
    english = plan_summary(answers, "en")
    assert english == "- Side job: 規定を確認 する\n- Learning again: 訓練を探す"
    assert plan_summary({"career_design.options": []}, "ja") is None
    long = {
        "career_design.options": list(OPTIONS),
        **{f"career_design.{key}_step": "あ" * 150 for key in OPTIONS},
    }
    text = plan_summary(long, "ja")
    assert text is not None and len(text) <= 800 and text.endswith("…")


def test_option_labels_match_the_dialog_file() -> None:
    spec = yaml.safe_load((DIALOGS_DIR / "career_design.yaml").read_text(encoding="utf-8"))
    options = spec["steps"][0]["options"]
    assert {o["value"]: (o["label"]["ja"], o["label"]["en"]) for o in options} == {
        key: (label.ja, label.en) for key, label in OPTIONS.items()
    }
    step_ids = {step["id"] for step in spec["steps"]}
    assert all({f"{key}_step", f"{key}_when"} <= step_ids for key in OPTIONS)

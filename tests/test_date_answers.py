"""Dates typed in chat, through the real service and SQLite: the reading said back right after
the answer, a year kept when the month is not remembered, and era months outside their era
refused with the right era."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.cli import main
from bot.jobcard import build_jobcard, card_json
from tests.chat import Chat
from tests.conftest import RuntimeFactory

TODAY = datetime(2026, 11, 22, tzinfo=UTC).date()


def card(chat: Chat) -> dict[str, object]:
    return card_json(build_jobcard(chat.answers(), created_on=TODAY))


def open_section(chat: Chat, dialog: str) -> str:
    chat.start_profile()
    return chat.payload(f"m|{dialog}")


def test_work_history_periods_are_read_back_and_era_slips_refused(chat: Chat) -> None:
    open_section(chat, "work_history")
    chat.press("はい")
    reply = chat.send("平成31年5月～現在に至る")
    assert (
        "平成31年は4月までです。2019年5月以降は令和元年です。"
        "2019年5月のことでしたら「令和元年5月」か「2019年5月」と入力してください。"
    ) in reply
    assert "会社名" not in reply  # still at the period question, nothing stored
    assert "work_history.jobs" not in chat.answers()
    reply = chat.send("S63。4～H7。3")  # 。 typed by a Japanese IME for "."
    assert "1988年4月～1995年3月として記録しました。" in reply
    assert "会社名" in reply
    chat.send("株式会社みなと商事")
    chat.press("正社員")
    chat.send("法人のお客さま約40社を担当して事務用品を提案し、年間約5,000万円を売り上げた。")
    chat.send(
        "お客さまの課題を丁寧に聞き取り、社内の関係部署と調整して解決策を提案する力が身についた。"
    )
    chat.press("追加する")
    reply = chat.send("1996年～2000年")
    assert "始まり（1996年）と終わり（2000年）は、それぞれ何月ですか？" in reply
    reply = chat.send("覚えていない")
    assert "1996年～2000年として記録しました（わからない月は空けてあります）。" in reply
    assert "会社名" in reply
    chat.send("有限会社やまて工業")
    chat.press("契約社員")
    chat.send(
        "工場の生産ラインで自動車部品の検査を8年間担当し、チームで不良率を2%から1%に下げた。"
    )
    reply = chat.send(
        "小さな異常に気づいて早めに上司へ報告し、チームで原因を探って再発を防ぐ習慣が身についた。"
    )
    # The list of employers shows each period as it was read.
    assert "1) 株式会社みなと商事（1988年4月～1995年3月）" in reply
    assert "2) 有限会社やまて工業（1996年～2000年）" in reply
    chat.press("追加する")
    reply = chat.send("西暦2015年4月から現在に至る")
    assert "2015年4月～現在として記録しました。" in reply
    jobs = chat.answers()["work_history.jobs"]
    assert [job["period"] for job in jobs] == [
        {"start": "1988-04", "end": "1995-03"},
        {"start": "1996", "end": "2000"},
    ]


def test_a_year_without_its_month_is_kept_in_the_card_json_and_documents(
    make_runtime: RuntimeFactory, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    chat = Chat(make_runtime(sqlite_url).service, "console:tomoko")
    open_section(chat, "licenses")
    chat.press("はい")
    chat.send("フォークリフト運転技能講習")
    chat.press("取得済み")
    reply = chat.send("1996年")
    assert (
        "1996年の何月ですか？（例: 4）月を覚えていなければ「覚えていない」と送ってください。"
        in reply
    )
    reply = chat.send("それは")
    assert "1996年の何月か読み取れませんでした。" in reply  # the year is not forgotten
    reply = chat.send("覚えていない")
    assert "1996年として記録しました（わからない月は空けてあります）。" in reply
    assert "実施・認定機関" in reply
    chat.send("/skip")
    chat.send("/skip")
    chat.press("追加する")
    chat.send("日商簿記検定2級")
    chat.press("取得済み")
    reply = chat.send("令和元年4月")
    assert "令和元年は5月からです。2019年4月までは平成31年です。" in reply
    reply = chat.send("平成31年4月")
    assert "2019年4月として記録しました。" in reply
    chat.send("/skip")
    chat.send("/skip")
    summary = chat.press("これで全部")
    assert "1) フォークリフト運転技能講習（1996年）" in summary
    assert "2) 日商簿記検定2級（2019年4月）" in summary
    chat.press("確定する")
    licenses = card(chat)["licenses"]
    assert isinstance(licenses, list)
    assert [item["acquired"] for item in licenses] == ["1996", "2019-04"]
    # The documented JSON export, and the card as people read it, give the year alone.
    db = ["--user", "console:tomoko", "--db", sqlite_url]
    assert main(["export", *db]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert [item["acquired"] for item in exported["licenses"]] == ["1996", "2019-04"]
    for kind in ("md", "html"):
        assert main(["export", *db, "--format", kind, "--sheets", "3-1"]) == 0
        shown = capsys.readouterr().out
        assert "1996年" in shown and "2019年4月" in shown, kind
        assert "1996年1月" not in shown and ">1996<" not in shown


def test_in_english_the_month_can_be_unknown_too(chat: Chat) -> None:
    chat.send("/start")
    chat.press("English")
    chat.press("Yes")
    chat.payload("m|work_history")
    chat.press("Yes")
    reply = chat.send("1996 to 2000-03")
    assert "Which month of 1996 did it start? (e.g. 4)" in reply
    reply = chat.send("don't remember")
    assert "Recorded as 1996 – Mar 2000 (the month you don't remember is left out)." in reply
    assert "What is the name of the company" in reply
    reply = chat.send("Minato Trading")
    assert "Recorded as" not in reply  # only dates are read back

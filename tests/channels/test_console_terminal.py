"""The interactive console, driven in a real pseudo-terminal as a person types and pastes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

# prompt_toolkit switches bracketed paste on when a prompt is ready for input (raw mode is on
# by then): waiting for it means nothing typed is sent before the console can read it.
PROMPT_READY = "\x1b[?2004h"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
CTRL_C, CTRL_D, ALT_ENTER = "\x03", "\x04", "\x1b\r"


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["JOBCARD_DATABASE_URL"] = f"sqlite:///{db}"
    env["TERM"] = "xterm-256color"
    # pexpect is not a terminal emulator and never answers a cursor-position request;
    # without this prompt_toolkit would wait for the answer and then print a warning.
    env["PROMPT_TOOLKIT_NO_CPR"] = "1"
    return env


def _spawn(db: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "bot", "chat", *args],
        env=_env(db),
        cwd=str(db.parent),
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=30,
    )


def _answer(child: pexpect.spawn, question: str, answer: str) -> None:
    child.expect_exact(question)
    child.expect_exact(PROMPT_READY)
    child.send(answer + "\r")


def quit_chat(child: pexpect.spawn) -> None:
    """Ctrl-D at the prompt: the chat ends, and exits 0."""
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def _finish(child: pexpect.spawn) -> str:
    """Read everything up to the end and return the whole session's output."""
    child.expect(pexpect.EOF)
    child.close()
    return str(child.before)


def _duties_text() -> str:
    """About 2,900 characters of Japanese over many lines, as pasted from a word processor."""
    lines: list[str] = []
    n = 1
    while sum(len(line) + 1 for line in lines) < 2850:
        lines.append(
            f"{n}. 法人営業として地域の中小企業約{n * 3}社を担当し、事務機器の提案と"
            f"契約更新を行いました（年間売上は約{n * 100}万円）。"
        )
        n += 1
    lines.insert(10, "")  # a blank line between paragraphs is part of the text too
    return "\n".join(lines)


def test_a_bracketed_paste_is_one_answer_with_its_line_breaks(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    child = _spawn(db, "--user", "paste")
    for question, answer in [
        ("使う言語を選んでください", "1"),
        ("同意して", "はい"),
        ("お名前（氏名）", "山田 太郎"),
        ("ふりがな", "やまだ たろう"),
        ("年代", "5"),
        ("お仕事の状況", "1"),
        ("働いた経験", "はい"),
        ("主な目的", "2"),
        ("確定する", "確定する"),
        ("メニュー", "2"),
        ("勤務先（アルバイト・パートを含みます）を入力しますか", "はい"),
        ("勤務していた期間", "2015年4月～2020年3月"),
        ("会社名", "株式会社かながわ商事"),
        ("雇用形態", "1"),
    ]:
        _answer(child, question, answer)
    duties = _duties_text()
    assert 2800 < len(duties) <= 3000 and duties.count("\n") > 40
    child.expect_exact("＜職務の内容＞")
    child.expect_exact(PROMPT_READY)
    # A terminal sends the pasted line ends as carriage returns, the same key as Enter.
    child.send(PASTE_START + duties.replace("\n", "\r") + PASTE_END)
    # A line break typed by hand after the paste, then Enter sends the whole answer.
    child.send(ALT_ENTER + "以上です。\r")
    _answer(
        child,
        "＜職務の中で学んだこと",
        "お客さまの話をよく聴いて課題を整理し、解決策を提案する力が身につきました"
        "（社外対応・課題の設定）。",
    )
    _answer(child, "ほかにも勤務先はありますか", "これで全部")
    child.expect_exact("確定する")
    child.expect_exact(PROMPT_READY)
    child.send(CTRL_D)
    output = _finish(child)
    assert child.exitstatus == 0, output
    assert "Traceback" not in output

    exported = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--user", "console:paste", "--format", "json"],
        env=_env(db),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    (job,) = json.loads(exported.stdout)["work_history"]
    assert job["duties"] == duties + "\n以上です。"
    assert job["learned"].startswith("お客さまの話をよく聴いて")


@pytest.mark.parametrize(
    ("key", "lang", "goodbye"),
    [
        (CTRL_D, "ja", "おつかれさまでした。回答は保存されています。"),
        (CTRL_C, "ja", "おつかれさまでした。回答は保存されています。"),
        (CTRL_D, "en", "Goodbye. Your answers are saved"),
        (CTRL_C, "en", "Goodbye. Your answers are saved"),
    ],
    ids=["ctrl-d-ja", "ctrl-c-ja", "ctrl-d-en", "ctrl-c-en"],
)
def test_ctrl_d_and_ctrl_c_say_goodbye_and_exit_0(
    tmp_path: Path, key: str, lang: str, goodbye: str
) -> None:
    child = _spawn(tmp_path / "chat.sqlite3", "--user", "quit", "--lang", lang)
    child.expect_exact(PROMPT_READY)
    child.send(key)
    output = _finish(child)
    assert child.exitstatus == 0, output
    assert goodbye in output
    assert "Traceback" not in output


def test_ctrl_c_with_unsent_text_says_it_was_not_sent(tmp_path: Path) -> None:
    child = _spawn(tmp_path / "chat.sqlite3", "--user", "draft")
    child.expect_exact(PROMPT_READY)
    child.send("書きかけの文" + CTRL_C)
    output = _finish(child)
    assert child.exitstatus == 0, output
    assert "入力中だった文章は送信していません" in output
    assert "おつかれさまでした" in output
    assert "Traceback" not in output

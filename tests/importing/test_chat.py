"""Importing in chat, through the real service on SQLite: a paste or a file becomes entries
the person confirms one at a time, nothing else is stored, and nothing is lost on the way."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.chat import Chat
from tests.conftest import RuntimeFactory
from tests.importing.corpus import documents
from tests.importing.documents import as_docx, as_pdf, image_pdf

RIREKISHO = next(d for d in documents() if d.name.startswith("02_")).text
CV = next(d for d in documents() if d.name.startswith("01_")).text
LEARNED = (
    "窓口で一日50人のお客さまに対応し、話を丁寧に聞いて手続きを正確に説明する力が身についた。"
)


def consented(chat: Chat) -> None:
    chat.start_profile()
    for answer in ("山田 太郎", "やまだ たろう", "50代", "正社員", "はい", "2"):
        chat.send(answer)
    chat.press("確定")


def open_import(chat: Chat) -> str:
    chat.send("職務経歴")
    return chat.press("職務経歴書から読み込む")


def data(chat: Chat) -> dict[str, Any]:
    from storage import repositories as repo

    with chat.service._sessions() as session:
        exported = repo.export_person(session, chat.person_id)
    assert exported is not None
    return exported


def test_a_pasted_rirekisho_becomes_entries_confirmed_one_at_a_time(chat: Chat) -> None:
    consented(chat)
    opened = open_import(chat)
    assert "貼り付けて" in opened and "ファイル" in opened
    reply = chat.send(RIREKISHO)
    assert "職務経歴2件、免許・資格2件、学習歴2件" in reply
    # The first entry as it will appear on the sheet, with what is missing marked.
    assert "期間：2005年4月～2010年3月" in reply and "会社名：株式会社みなと銀行" in reply
    assert "雇用形態：（このあとお聞きします）" in reply
    assert "この内容で登録しますか？" in reply
    assert [b.label for b in chat.last[-1].options] == ["登録する", "直す", "飛ばす"]  # type: ignore[union-attr]
    assert "work_history.jobs" not in chat.answers()  # nothing stored before it is confirmed

    reply = chat.press("登録する")
    assert "「株式会社みなと銀行」を登録しました" in reply and "雇用形態" in reply
    reply = chat.press("正社員")
    # ＜職務の中で学んだこと＞ is asked with the job's own duties quoted.
    assert "『個人向け窓口業務を担当』" in reply and "学んだこと" in reply
    reply = chat.send("いろいろ学んだ")
    assert "ほかの職場でも活かせる力" in reply  # the usual coaching for a thin answer
    chat.send(LEARNED)
    [job] = chat.answers()["work_history.jobs"]
    assert job == {
        "period": {"start": "2005-04", "end": "2010-03"},
        "employer": "株式会社みなと銀行",
        "duties": "個人向け窓口業務を担当",
        "employment_type": "regular",
        "learned": LEARNED,
    }
    assert "有限会社さくら会計事務所" in chat.text and "2件目（全2件）" in chat.text


def test_partial_confirmation_keeps_only_what_was_registered(chat: Chat) -> None:
    consented(chat)
    open_import(chat)
    chat.send(RIREKISHO)
    chat.press("飛ばす")  # the bank
    assert "登録せずに飛ばしました" in chat.text
    chat.press("登録する")  # the accounting office (契約社員 was written)
    chat.send("スキップ")  # what was learned: later
    chat.press("登録する")  # 普通自動車第一種運転免許
    chat.press("飛ばす")  # 日商簿記
    chat.press("飛ばす")  # high school
    reply = chat.press("登録する")  # university
    assert "登録したもの：職務経歴1件、免許・資格1件、学習歴1件" in reply
    assert "飛ばしたもの3件" in reply
    answers = chat.answers()
    assert [j["employer"] for j in answers["work_history.jobs"]] == ["有限会社さくら会計事務所"]
    assert "learned" not in answers["work_history.jobs"][0]
    [licence] = answers["licenses.licenses"]
    assert (
        licence["name"] == "普通自動車第一種運転免許" and licence["issuer"] == "都道府県公安委員会"
    )
    [school] = answers["education_training.education"]
    assert school["school"] == "横浜商科大学" and school["period"]["end"] == "2005-03"
    # The import ends where the person was: the work history list, with the new entry.
    assert "ほかにも勤務先はありますか？" in reply


def test_unplaced_lines_are_shown_and_the_document_is_never_stored(chat: Chat) -> None:
    consented(chat)
    open_import(chat)
    reply = chat.send(CV)
    assert "読み取れなかった行が4行あります" in reply
    assert "・氏名　山田 太郎" in reply and "段取りを考えて進めることが得意です" in reply
    during = json.dumps(data(chat), ensure_ascii=False)
    assert "株式会社東和プレス工業" in during  # what was read waits, shown in /mydata
    assert "段取りを考えて" not in during  # the document itself is nowhere
    for _ in range(6):
        chat.press("飛ばす")
    after = data(chat)
    assert after["import_pending"] is None
    assert "段取りを考えて" not in json.dumps(after, ensure_ascii=False)


def test_an_entry_is_corrected_before_it_is_registered(chat: Chat) -> None:
    consented(chat)
    open_import(chat)
    chat.send(RIREKISHO)
    chat.press("直す")
    reply = chat.press("会社名")
    assert "いまの内容：株式会社みなと銀行" in reply
    reply = chat.send("株式会社みなと銀行 横浜支店")
    assert "直しました" in reply and "会社名：株式会社みなと銀行 横浜支店" in reply
    chat.press("直す")
    chat.press("期間")
    reply = chat.send("平成17年4月～平成23年3月")
    assert "期間：2005年4月～2011年3月" in reply
    chat.press("登録する")
    [job] = chat.answers()["work_history.jobs"]
    assert job["employer"] == "株式会社みなと銀行 横浜支店"
    assert job["period"] == {"start": "2005-04", "end": "2011-03"}


def test_an_entry_already_there_is_merged_not_doubled(chat: Chat) -> None:
    consented(chat)
    chat.send("職務経歴")
    chat.press("はい")
    chat.send("平成17年4月～平成22年3月")
    chat.send("株式会社みなと銀行")
    chat.press("正社員")
    chat.send(
        "個人のお客さま約300名の預金・ローンの窓口相談を担当し、年間約1,200件の手続きを行った。"
    )
    chat.send(
        "お客さまの話を丁寧に聞いて、必要な手続きを正確に説明する力が身についた（社外対応）。"
    )
    reply = chat.press("職務経歴書から読み込む")
    reply = chat.send(RIREKISHO)
    assert (
        "すでに登録されている「株式会社みなと銀行」（2005年4月～2010年3月）と同じ職務経歴のようです"
        in reply
    )
    assert "個人のお客さま約300名" in reply and "個人向け窓口業務を担当" in reply
    assert [b.label for b in chat.last[-1].options][:2] == ["まとめて登録する", "別に登録する"]  # type: ignore[union-attr]
    chat.press("まとめて登録する")
    [job] = chat.answers()["work_history.jobs"]
    assert job["learned"].startswith("お客さまの話を丁寧に")  # what was written stays
    assert job["duties"].endswith("\n個人向け窓口業務を担当")  # the document's duties added
    assert job["employment_type"] == "regular"


def test_importing_the_same_document_twice_adds_nothing_twice(chat: Chat) -> None:
    consented(chat)
    open_import(chat)
    chat.send(RIREKISHO)
    chat.press("登録する")
    chat.press("正社員")
    chat.send("スキップ")
    for _ in range(2):
        chat.press("登録する")
    chat.send("スキップ")
    for _ in range(4):
        chat.press("登録する")
    first = chat.answers()
    chat.send("読み込む")
    reply = chat.send(RIREKISHO)
    assert "同じ内容がすでに登録されているので飛ばしました" in reply
    assert "株式会社みなと銀行" in reply  # registered without learned: merging would add nothing
    for _ in range(6):
        if "この内容で登録しますか" not in chat.text:
            break
        chat.press("まとめて登録する")
        if "学んだこと" in chat.text or "雇用形態" in chat.text:
            chat.send("スキップ")
    for key in ("work_history.jobs", "licenses.licenses", "education_training.education"):
        assert len(chat.answers()[key]) == len(first[key]), key


def test_a_file_in_shift_jis_is_read(chat: Chat) -> None:
    consented(chat)
    reply = chat.send_file("rirekisho.txt", RIREKISHO.encode("cp932"), "text/plain")
    assert "ファイル「rirekisho.txt」を読み込みました" in reply
    assert "会社名：株式会社みなと銀行" in reply and "この内容で登録しますか？" in reply


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_word_and_pdf_files_are_read(chat: Chat, kind: str) -> None:
    consented(chat)
    content = as_docx(CV) if kind == "docx" else as_pdf(CV)
    reply = chat.send_file(f"職務経歴書.{kind}", content)
    assert "職務経歴2件、免許・資格3件、学習歴1件" in reply
    assert "会社名：株式会社東和プレス工業" in reply


def test_a_file_over_two_megabytes_is_refused_and_a_paste_is_offered(chat: Chat) -> None:
    consented(chat)
    reply = chat.send_file("scan.pdf", b"", "application/pdf", size=3 * 1024 * 1024)
    assert "ファイルが大きすぎるため読み込めません（2MBまで）" in reply
    assert "貼り付けて送ってください" in reply  # the paste question is open
    assert "会社名：株式会社みなと銀行" in chat.send(RIREKISHO)


def test_a_pdf_without_text_is_explained(chat: Chat) -> None:
    consented(chat)
    reply = chat.send_file("scan.pdf", image_pdf(), "application/pdf")
    assert "画像のPDFは読み取れません" in reply and "Wordファイル" in reply


def test_a_file_before_consent_is_not_read(chat: Chat) -> None:
    chat.send("/start")
    reply = chat.send_file("cv.txt", RIREKISHO.encode(), "text/plain")
    assert "ファイルは読み取ることができません" in reply
    assert "import_pending" not in json.dumps(chat.answers())


def test_the_import_is_offered_in_the_menu_and_in_each_sheet(chat: Chat) -> None:
    consented(chat)
    assert "職務経歴書から読み込む" in chat.send("メニュー")
    for section in ("職務経歴", "免許・資格", "学習歴"):
        chat.send("メニュー")
        assert "職務経歴書から読み込む" in chat.send(section), section


def test_the_import_reads_in_english_too(chat: Chat) -> None:
    chat.send("/start")
    chat.press("English")
    chat.press("Yes")
    for answer in ("Taro Yamada", "/skip", "52", "Looking for work", "Yes", "2", "Confirm"):
        chat.send(answer)
    chat.send("import")
    reply = chat.send(RIREKISHO)
    assert "I found 2 jobs, 2 licences and 2 schools." in reply
    assert "Company: 株式会社みなと銀行" in reply and "Register this as it is?" in reply


def test_an_entry_being_typed_is_kept_when_an_import_adds_entries_meanwhile(chat: Chat) -> None:
    consented(chat)
    chat.send("職務経歴")
    chat.press("はい")
    chat.send("2021年4月～現在")
    chat.send("株式会社ベイサイド")  # a new entry, half written
    chat.send("読み込む")
    chat.send(RIREKISHO)
    chat.press("登録する")
    chat.press("正社員")
    chat.send("スキップ")
    for _ in range(5):
        chat.press("飛ばす")
    # Back in 様式2, the half-written entry goes on where it was left.
    assert "雇用形態" in chat.text
    chat.press("正社員")
    chat.send("ホテルのフロントで1日100組のお客さまの受付と予約管理を担当した。")
    chat.press("このままで次へ")  # the coaching follow-up
    chat.send("お客さまの要望を先回りして考え、同僚と分担して対応する力が身についた。")
    chat.press("このままで次へ")
    employers = [job["employer"] for job in chat.answers()["work_history.jobs"]]
    assert employers == ["株式会社みなと銀行", "株式会社ベイサイド"]
    assert all("_new" not in job for job in chat.answers()["work_history.jobs"])


def test_an_import_on_postgresql_keeps_its_draft_and_deletes_it_with_the_person(
    make_runtime: RuntimeFactory, pg_url: str
) -> None:
    chat = Chat(make_runtime(pg_url).service)
    consented(chat)
    chat.send_file("rirekisho.txt", RIREKISHO.encode("cp932"), "text/plain")
    chat.press("登録する")
    assert data(chat)["import_pending"]["position"] == 0  # waiting for 雇用形態
    chat.press("正社員")
    chat.send("スキップ")
    assert data(chat)["import_pending"]["position"] == 1
    chat.send("/delete")
    chat.press("はい")
    with chat.service._sessions() as session:
        from storage import importing

        assert importing.load(session, chat.person_id) is None


def _long_cv() -> str:
    """The 職務経歴書 with a 職務要約 long enough that Telegram sends it in two parts."""
    summary = "\n".join(
        f"{year}年度は、生産ラインの段取り替えの手順を見直し、現場の皆さんと改善を進めました。"
        for year in range(1900, 2040)
    )
    head, tail = CV.split("■職務経歴")
    return f"{head}{summary}\n\n■職務経歴{tail}"


def _part(chat: Chat, body: str, at: float) -> str:
    from bot.engine import Inbound
    from tests.chat import text_of

    return text_of(chat._deliver(Inbound(chat.person_id, text=body, sent_at=at)))


def test_a_cv_telegram_splits_in_two_is_read_whole(chat: Chat) -> None:
    consented(chat)
    open_import(chat)
    text = _long_cv()
    first, second = text[:4096], text[4096:]
    assert "■資格" in second and len(text) > 6000
    sent = 1_800_000_000.0
    reply = _part(chat, first, sent)
    # Not read yet: the rest may be on its way, and the person can say that was all.
    assert "4096文字" in reply and "続きがあれば" in reply
    assert [b.label for b in chat.last[-1].options] == ["これで全部です"]  # type: ignore[union-attr]
    reply = _part(chat, second, sent)
    assert "職務経歴2件、免許・資格3件、学習歴1件" in reply
    assert "この内容で登録しますか？" in reply
    # The kept first part went with the reading: nothing of the document stays behind.
    assert "段取り替え" not in json.dumps(data(chat), ensure_ascii=False)


def test_a_long_paste_that_was_all_is_read_when_the_person_says_so(chat: Chat) -> None:
    consented(chat)
    open_import(chat)
    text = (CV + _long_cv())[:4050]  # near Telegram's limit, but whole
    _part(chat, text, 1_800_000_000.0)
    reply = chat.press("これで全部です")
    assert "職務経歴" in reply and "この内容で登録しますか？" in reply
    assert "株式会社東和プレス工業" in reply

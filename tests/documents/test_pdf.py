"""The PDF: every answer extractable, A4 pages, nothing outside the page, long answers continue."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bot.documents import CardDocuments
from bot.jobcard import JobCard
from tests.documents import poppler
from tests.documents.cards import HOSTILE, answers_in, rich_answers, rich_card

pytestmark = pytest.mark.usefixtures("needs_poppler")


@pytest.fixture(scope="module")
def rich_pdf(documents: CardDocuments) -> bytes:
    return documents.pdf(rich_card())


def _assert_all_found(card: JobCard, pdf: bytes) -> None:
    found = poppler.squashed(poppler.text(pdf))
    missing = [text for text in answers_in(card) if poppler.squashed(text) not in found]
    assert not missing


def test_every_answer_of_hanakos_chat_is_in_the_pdf(
    documents: CardDocuments, hanako: JobCard
) -> None:
    pdf = documents.pdf(hanako)
    _assert_all_found(hanako, pdf)
    text = poppler.text(pdf)
    for heading in (
        "キャリア・プランシート（就業経験がある方用）",
        "職務経歴シート",
        "＜職務の内容＞",
        "＜職務の中で学んだこと、得られた知識・技能等＞",
        "職業能力証明（免許・資格）シート",
        "職業能力証明（学習歴・訓練歴）シート",
        "＜キャリアコンサルティング実施者の記入欄＞",
    ):
        assert heading in text


def test_every_answer_of_the_rich_card_is_in_the_pdf(rich_pdf: bytes) -> None:
    _assert_all_found(rich_card(), rich_pdf)


def test_pages_are_a4_with_all_text_inside(rich_pdf: bytes, tmp_path: Path) -> None:
    info = poppler.info(rich_pdf)
    assert 5 <= info.pages <= 10
    assert len(info.sizes) == info.pages
    for width, height in info.sizes:
        assert width == pytest.approx(poppler.A4_POINTS[0], abs=0.5)
        assert height == pytest.approx(poppler.A4_POINTS[1], abs=0.5)
    words = poppler.words(rich_pdf)
    assert len(words) > 200
    for word in words:
        x0, y0, x1, y1 = word.box
        page_width, page_height = word.page_size
        assert 0 <= x0 < x1 <= page_width and 0 <= y0 < y1 <= page_height, word
    # 氏名 is on every sheet: in the sheet's header, and in the running header when a
    # sheet continues on another page.
    pages_with_name = {word.page for word in words if "佐藤" in word.text}
    assert pages_with_name == set(range(1, info.pages + 1))
    pngs = poppler.render_pages(rich_pdf, tmp_path)
    assert len(pngs) == info.pages
    for png in pngs:
        with Image.open(png) as page:
            width, height = page.size
            assert height / width == pytest.approx(297 / 210, rel=0.01)
            # A drawn page, not a blank one: the rules and text darken part of it.
            dark = sum(page.convert("L").histogram()[:128])
            assert dark > width * height * 0.005


def test_sheets_start_on_their_own_page_with_their_heading(rich_pdf: bytes) -> None:
    pages = poppler.text(rich_pdf, body_only=False).split("\f")
    starts = {
        "様式1-1": "キャリア・プランシート（就業経験がある方用）",
        "様式2": "職務経歴シート",
        "様式3-1": "職業能力証明（免許・資格）シート",
        "様式3-2": "職業能力証明（学習歴・訓練歴）シート",
    }
    for form, title in starts.items():
        first = next(page for page in pages if form in page)
        assert title in first and "氏名" in first and "作成日" in first


def test_a_3000_character_answer_continues_on_further_pages_uncut(
    documents: CardDocuments,
) -> None:
    duties = "".join(f"【{n:03d}】窓口で相談を受け、手続きを説明した。" for n in range(131))
    assert len(duties) >= 3000
    description = "x" * 700 + "資格の説明。" * 150  # an unbreakable Latin run as well
    answers = rich_answers()
    answers["work_history.jobs"][0]["duties"] = duties
    answers["licenses.licenses"][0]["description"] = description
    sheets = ("2", "3-1")
    pdf = documents.pdf(rich_card(**answers), sheets)
    short = poppler.info(documents.pdf(rich_card(), sheets)).pages
    assert poppler.info(pdf).pages >= short + 2
    # A table's column headings repeat at the top of each page it continues on.
    headings = "免許・資格の名称取得年月免許・資格の実施・認定機関の名称免許・資格の内容等"
    pages = poppler.text(pdf).split("\f")
    found = "".join(poppler.squashed(page).removeprefix(headings) for page in pages)
    assert poppler.squashed(duties) in found
    assert poppler.squashed(description) in found
    for word in poppler.words(pdf):
        assert word.box[2] <= word.page_size[0] and word.box[3] <= word.page_size[1], word


def test_hostile_answers_are_printed_literally(documents: CardDocuments) -> None:
    card = rich_card(**{"career_plan.strengths": "\n".join(HOSTILE)})
    text = poppler.squashed(poppler.text(documents.pdf(card, ["1"])))
    for hostile in HOSTILE:
        assert poppler.squashed(hostile) in text


def test_the_1_2_form_has_its_own_boxes(documents: CardDocuments) -> None:
    card = rich_card(form="1-2")
    pdf = documents.pdf(card, ["1"])
    text = poppler.text(pdf)
    assert "キャリア・プランシート（就業経験がない方、学卒者等用）" in text
    assert "学校生活・インターンシップ・キャリア教育等の状況" in text
    assert "＜キャリアコンサルティング実施者の記入欄＞" in text
    assert poppler.squashed(card.career_plan.school_activities or "") in poppler.squashed(text)
    assert "職務経歴シート" not in text

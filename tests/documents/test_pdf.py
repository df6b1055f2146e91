"""The PDF: every answer extractable, A4 pages, nothing outside the page, long answers continue."""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import tinyhtml5
import yaml
from PIL import Image

from bot.documents import CardDocuments
from bot.documents.renderer import make_environment, render_html, well_formed_tree
from bot.documents.typography import emoji_font_path
from bot.jobcard import JobCard, build_jobcard
from tests.documents import poppler
from tests.documents.cards import CREATED_ON, HOSTILE, answers_in, rich_answers, rich_card
from tests.documents.test_html import OFFICIAL_HEADINGS, STUB_CHARTS

DIALOGS = Path(__file__).parents[2] / "dialogs"

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


def _box_limit(step: str) -> int:
    """A 様式1 box's longest answer, as the career-plan dialog allows it."""
    dialog = yaml.safe_load((DIALOGS / "career_plan.yaml").read_text(encoding="utf-8"))
    return int(next(s for s in dialog["steps"] if s["id"] == step)["max_length"])


def _prose(length: int, seed: int) -> str:
    sentences = [
        "お客さまの話を丁寧に聞き、必要な手続きを正確に説明してきました。",
        "月40件の書類を確認し、不備に気づく注意力を身につけました。",
        "新人スタッフ2名の指導を任され、手順書を作り直しました。",
        "期限の迫る案件を計画的に進める段取り力が強みです。",
    ]
    text = "".join(sentences[(seed + n) % 4] for n in range(length // 20 + 1))
    return text[:length]


PLAN_1_1 = ("values_interests", "strengths", "future_work", "next_steps")
PLAN_1_2 = ("school_activities", "interests", "good_at", "goals", "next_steps")


def test_a_maximal_1_1_plan_keeps_the_counselors_box_on_its_one_page(
    documents: CardDocuments,
) -> None:
    answers = {
        f"career_plan.{step}": _prose(_box_limit(step), n) for n, step in enumerate(PLAN_1_1)
    }
    assert all(len(text) == 800 for text in answers.values())
    card = rich_card(**answers)
    pages = poppler.pages(documents.pdf(card, ["1"]))
    assert len(pages) == 1
    page = poppler.squashed(pages[0])
    for label in OFFICIAL_HEADINGS["1"]:
        assert label in page
    for text in answers.values():
        assert poppler.squashed(text) in page  # every character, nothing cut


def test_a_1_2_plan_too_long_for_one_page_keeps_the_counselors_box_with_its_last_box(
    documents: CardDocuments,
) -> None:
    answers = {
        f"career_plan.{step}": _prose(_box_limit(step), n) for n, step in enumerate(PLAN_1_2)
    }
    card = rich_card(form="1-2", **answers)
    pages = [poppler.squashed(page) for page in poppler.pages(documents.pdf(card, ["1"]))]
    found = "".join(pages)
    for text in answers.values():
        assert poppler.squashed(text) in found
    last = next(page for page in pages if "＜キャリアコンサルティング実施者の記入欄＞" in page)
    # Not alone on its page: the last box (heading and all its text) is there with it.
    assert "これから取り組むこと" in last
    assert poppler.squashed(answers["career_plan.next_steps"]) in last


def test_the_reference_page_has_every_reflection_and_the_whole_will_can_must(
    documents: CardDocuments,
) -> None:
    card = rich_card()
    text = poppler.text(documents.pdf(card, ["ref"]))
    found = poppler.squashed(text)
    ref, wcm = card.reflection, card.will_can_must
    for answer in (
        ref.peak, ref.peak_common, ref.trough, ref.recovery, ref.values, ref.strengths,
        wcm.will, wcm.can, wcm.must, wcm.overlap, wcm.gap, wcm.direction,
    ):  # fmt: skip
        assert answer is not None and poppler.squashed(answer) in found
    for label in (
        "満足度が高かった時期",
        "Will・Can・Mustの重なるところ",
        "足りないもの（Will − Can）",
    ):
        assert label in text
    assert "…" not in text


def test_furigana_is_printed_in_the_name_row(documents: CardDocuments) -> None:
    words = poppler.words(documents.pdf(rich_card(), ["1"]))
    furigana = [w for w in words if w.text in ("さとう", "はなこ")]
    name = next(w for w in words if w.text == "佐藤")
    label = next(w for w in words if w.text == "氏名" and w.box[1] < name.box[3] + 30)
    assert len(furigana) == 2
    # Above the name, in the same cell of the 氏名 row.
    for word in furigana:
        assert word.box[3] <= name.box[1] + 1 and abs(word.box[0] - name.box[0]) < 40
        assert word.box[1] >= label.box[1] - 30


def test_without_work_experience_only_the_sheets_that_apply_are_printed(
    documents: CardDocuments,
) -> None:
    answers = rich_answers(form="1-2")
    for key in ("work_history.jobs", "licenses.licenses", "education_training.training"):
        answers[key] = []
    answers["education_training.education"] = []
    card = build_jobcard(answers, created_on=CREATED_ON)
    text = poppler.text(documents.pdf(card), body_only=False)
    assert "キャリア・プランシート（就業経験がない方、学卒者等用）" in text
    assert "参考：ふり返りの記録" in text
    for sheet in ("職務経歴シート", "免許・資格）シート", "学習歴・訓練歴）シート"):
        assert sheet not in text
    # A sheet the person did fill is there after all.
    answers["licenses.licenses"] = rich_answers()["licenses.licenses"][:1]
    card = build_jobcard(answers, created_on=CREATED_ON)
    text = poppler.text(documents.pdf(card), body_only=False)
    assert "職業能力証明（免許・資格）シート" in text and "職務経歴シート" not in text
    # With work experience, blank official sheets stay, as forms to fill in by hand.
    blank = build_jobcard({"profile.has_experience": True}, created_on=CREATED_ON)
    text = poppler.text(documents.pdf(blank), body_only=False)
    assert "職務経歴シート" in text and "学習歴・訓練歴）シート" in text


EMOJI_ANSWER = "孫が生まれた👶 家族👨‍👩‍👧 みんな笑顔😀🎉 ★"


def test_emoji_print_from_the_embedded_emoji_font(documents: CardDocuments) -> None:
    if emoji_font_path() is None:
        message = "no emoji font: apt-get install -y fonts-noto-color-emoji"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    card = rich_card(**{"lifeline.peak_story": EMOJI_ANSWER, "career_plan.strengths": "笑顔😀"})
    pdf = documents.pdf(card, ["1", "ref"])
    text = poppler.text(pdf)
    assert "笑顔😀" in text and "孫が生まれた👶" in text and "🎉" in text
    assert "〔絵文字〕" not in poppler.squashed(text.split("Will・Can・Must")[0])
    embedded = dict(poppler.fonts(pdf))
    assert any("Emoji" in name and emb for name, emb in embedded.items())
    assert all(embedded.values())  # every font is in the file: it prints the same anywhere


def test_without_an_emoji_font_emoji_print_as_a_visible_mark(tmp_path: Path) -> None:
    answers = rich_answers() | {"lifeline.peak_story": EMOJI_ANSWER}
    card = build_jobcard(answers, created_on=CREATED_ON)
    pdf = CardDocuments(emoji_font=None).pdf(card, ["ref"])
    text = poppler.text(pdf)
    assert "孫が生まれた〔絵文字〕 家族〔絵文字〕 みんな笑顔〔絵文字〕〔絵文字〕 ★" in text
    assert not any(name for name, _ in poppler.fonts(pdf) if "Emoji" in name)
    # Only the print changes: the card still holds what the person typed.
    assert card.reflection.peak == EMOJI_ANSWER


def test_a_card_made_again_after_a_change_shows_the_change(documents: CardDocuments) -> None:
    """PDFs and charts are kept by content: a changed answer is never served from before."""
    from dataclasses import replace

    from bot.documents.charts import lifeline_png

    card = rich_card()
    first = documents.pdf(card)
    assert documents.pdf(card) == first  # the same card again: the same file
    renamed = replace(card, person=replace(card.person, name="高橋 美咲"))
    text = poppler.text(documents.pdf(renamed))
    assert "高橋" in text and "高橋" not in poppler.text(first)
    moved = [replace(card.lifeline[0], score=-card.lifeline[0].score), *card.lifeline[1:]]
    assert lifeline_png(moved) != lifeline_png(card.lifeline)
    assert lifeline_png(list(card.lifeline)) == lifeline_png(card.lifeline)


def _picture(uri: str) -> Image.Image:
    """The picture of a ``data:`` URI."""
    import base64
    import io

    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as image:
        return image.convert("RGB")


def _same_pixels(first: Image.Image, second: Image.Image) -> bool:
    from PIL import ImageChops

    return first.size == second.size and ImageChops.difference(first, second).getbbox() is None


def test_the_charts_in_the_pdf_are_the_charts_as_drawn(
    documents: CardDocuments, tmp_path: Path
) -> None:
    """Charts go into the PDF without being compressed again: the pixels must be the same,
    in a first PDF and in the next one that places the same charts."""
    from dataclasses import replace

    card = rich_card()
    charts = documents.charts(card, "png")
    drawn = [_picture(charts.lifeline), _picture(charts.will_can_must)]
    again = replace(card, person=replace(card.person, name="高橋 美咲"))
    for number, pdf in enumerate([documents.pdf(card, ["ref"]), documents.pdf(again, ["ref"])]):
        folder = tmp_path / str(number)
        folder.mkdir()
        placed = poppler.images(pdf, folder)
        assert len(placed) == 2
        for found, expected in zip(placed, drawn, strict=True):
            with Image.open(found) as image:
                assert _same_pixels(image.convert("RGB"), expected)


def test_a_chart_with_transparency_is_printed_too(
    documents: CardDocuments, tmp_path: Path
) -> None:
    """A PNG that is not plain RGB (here with an alpha channel) is decoded as usual."""
    import base64
    import io

    from bot.documents.context import Charts

    square = Image.new("RGBA", (300, 150), (40, 90, 160, 255))
    square.paste((255, 255, 255, 0), (0, 0, 150, 150))
    buffer = io.BytesIO()
    square.save(buffer, format="PNG")
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    pdf = documents.pdf(rich_card(), ["ref"], charts=Charts(uri, ""))
    placed = poppler.images(pdf, tmp_path)
    assert placed  # the picture and its alpha mask
    with Image.open(placed[0]) as image:
        assert image.size == (300, 150)
        assert image.convert("RGB").getpixel((225, 75)) == (40, 90, 160)


def test_making_a_pdf_logs_no_warnings(caplog: pytest.LogCaptureFixture) -> None:
    # A printer of its own, so its set-up (the lean default stylesheet) runs in this test.
    caplog.set_level(logging.WARNING, logger="weasyprint")
    pdf = CardDocuments().pdf(rich_card())
    assert pdf.startswith(b"%PDF")
    assert [record.getMessage() for record in caplog.records] == []


def _page(card: JobCard) -> str:
    """The page as the printer is given it (stand-in charts, the stylesheet apart)."""
    context = CardDocuments().context(card, charts=STUB_CHARTS)
    return render_html(make_environment(), replace(context, inline_css=False))


def _flat(root: Any) -> list[tuple[str, dict[str, str], str | None, str | None]]:
    return [(e.tag, dict(e.attrib), e.text, e.tail) for e in root.iter()]


def test_the_page_read_by_expat_is_the_page_the_html_parser_reads() -> None:
    odd = "  先頭の空白\r\n\tタブ\r改行 😀 👨‍👩‍👧 <b>&amp;</b> \"引用\" 'x'"
    for card in (
        rich_card(),
        rich_card(form="1-2", **{"career_plan.strengths": "\n".join(HOSTILE)}),
        rich_card(**{"career_plan.strengths": odd, "work_history.jobs": []}),
    ):
        page = _page(card)
        tree = well_formed_tree(page)
        assert tree is not None
        assert _flat(tree) == _flat(tinyhtml5.parse(page, namespace_html_elements=False))


def test_an_answer_with_a_character_xml_does_not_allow_is_still_printed(
    documents: CardDocuments,
) -> None:
    # A form feed is not allowed in XML: the page is parsed as HTML, and printed all the same.
    strengths = "ページ送りの前\x0cページ送りの後"
    card = rich_card(**{"career_plan.strengths": strengths})
    assert well_formed_tree(_page(card)) is None
    text = poppler.squashed(poppler.text(documents.pdf(card, ["1"])))
    assert "ページ送りの前" in text and "ページ送りの後" in text


def test_the_japanese_font_is_embedded_once(rich_pdf: bytes) -> None:
    # Its bold texts print from the regular face: IPAexGothic has no bold one, and a second
    # copy named "-Bold" looked no different in any viewer.
    names = [name for name, embedded in poppler.fonts(rich_pdf) if embedded]
    assert len([name for name in names if "IPAexGothic" in name]) == 1, names

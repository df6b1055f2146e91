"""The HTML: a golden file per layout, official headings, the counselor's box, escaping."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from bot.documents import CardDocuments, Charts
from bot.documents.renderer import make_environment, render_html
from bot.documents.sheets import document_context
from bot.jobcard import build_jobcard
from tests.conftest import FIXTURES
from tests.documents.cards import CREATED_ON, HOSTILE, answers_in, rich_answers, rich_card

GOLDEN = FIXTURES / "golden"
# Stand-ins for the charts, so the golden files do not change with matplotlib's version.
STUB_CHARTS = Charts(lifeline="data:image/png;base64,TElGRUxJTkU=", will_can_must="data:,WCM")
REGENERATE = "JOBCARD_REGENERATE_GOLDEN"


def _golden(name: str, html: str) -> None:
    path = GOLDEN / name
    if os.environ.get(REGENERATE):
        path.write_text(html, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with {REGENERATE}=1 once, then review it"
    assert html == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is deliberate, regenerate it "
        f"with {REGENERATE}=1 and review the diff"
    )


@pytest.mark.parametrize(
    ("form", "sheets", "name"),
    [("1-1", None, "jobcard-1-1.html"), ("1-2", ("1",), "jobcard-1-2-sheet-1.html")],
)
def test_html_matches_the_golden_file(
    documents: CardDocuments, form: str, sheets: tuple[str, ...] | None, name: str
) -> None:
    card = rich_card(form=form)
    html = documents.html(card, sheets or ("1", "2", "3-1", "3-2", "ref"), charts=STUB_CHARTS)
    _golden(name, html)


def test_every_answer_is_in_the_html(documents: CardDocuments) -> None:
    card = rich_card()
    html = documents.html(card, charts=STUB_CHARTS)
    for text in answers_in(card):
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert escaped in html


OFFICIAL_HEADINGS = {
    "1": [
        "様式1-1",
        "キャリア・プランシート（就業経験がある方用）",
        "価値観、興味、関心事項など",
        "強みなど",
        "将来取り組みたい仕事や働き方など",
        "これから取り組むこと（学習・訓練など）",
        "＜キャリアコンサルティング実施者の記入欄＞",
    ],
    "2": [
        "様式2",
        "職務経歴シート",
        "＜職務の内容＞",
        "＜職務の中で学んだこと、得られた知識・技能等＞",
    ],
    "3-1": [
        "様式3-1",
        "職業能力証明（免許・資格）シート",
        "免許・資格の名称",
        "取得年月",
        "免許・資格の実施・認定機関の名称",
        "免許・資格の内容等",
    ],
    "3-2": [
        "様式3-2",
        "職業能力証明（学習歴・訓練歴）シート",
        "学習歴",
        "学校名",
        "学部・学科等",
        "主な学習内容",
        "訓練歴",
        "訓練機関名",
        "コース名",
        "訓練内容",
    ],
}


@pytest.mark.parametrize("sheet", ["1", "2", "3-1", "3-2"])
def test_each_sheet_has_its_official_headings_name_and_date(
    documents: CardDocuments, sheet: str
) -> None:
    html = documents.html(rich_card(), [sheet])
    for heading in OFFICIAL_HEADINGS[sheet]:
        assert heading in html
    others = [h for key, hs in OFFICIAL_HEADINGS.items() if key != sheet for h in hs[1:2]]
    assert not [heading for heading in others if heading in html]
    name = '<span class="furigana">さとう はなこ</span><span class="name">佐藤 花子</span>'
    assert html.count(name) == 1  # ふりがな in the 氏名 cell, above the name
    assert html.count('<td class="created-on">2026年11月22日</td>') == 1


def test_the_counselors_box_is_there_and_empty_unless_a_counselor_wrote_it(
    documents: CardDocuments,
) -> None:
    box = re.compile(
        r'<div class="box box-consultant">\s*'
        r'<div class="box-label">＜キャリアコンサルティング実施者の記入欄＞</div>\s*'
        r'<div class="box-body">(.*?)</div>',
        re.S,
    )
    for form in ("1-1", "1-2"):
        match = box.search(documents.html(rich_card(form=form), ["1"]))
        assert match is not None and match[1] == ""
    written = build_jobcard(
        rich_answers(), created_on=CREATED_ON, consultant_entry="面談で確認した強みを活かす。"
    )
    match = box.search(documents.html(written, ["1"]))
    assert match is not None and match[1] == "面談で確認した強みを活かす。"


def test_hostile_answers_are_shown_literally_never_as_markup(documents: CardDocuments) -> None:
    card = rich_card(
        **{"career_plan.strengths": "\n".join(HOSTILE), "profile.name": "<b>花子</b>"}
    )
    html = documents.html(card, charts=STUB_CHARTS)
    assert "<script" not in html and "<img src=x" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;花子&lt;/b&gt;" in html
    assert "**強調** _斜体_ [リンク](https://example.com) # 見出し" in html
    assert "=HYPERLINK(&#34;https://example.com&#34;,&#34;クリック&#34;)" in html


def test_an_empty_card_renders_blank_forms(documents: CardDocuments) -> None:
    card = build_jobcard({}, created_on=CREATED_ON)
    html = documents.html(card)
    for headings in OFFICIAL_HEADINGS.values():
        assert all(heading in html for heading in headings)
    assert 'class="blank"' in html  # empty ruled rows to write in by hand
    assert "参考" not in html  # no reference page without a life-line or Will/Can/Must


def test_the_reference_page_is_marked_as_not_an_official_sheet(documents: CardDocuments) -> None:
    html = documents.html(rich_card(), ["ref"], charts=STUB_CHARTS)
    body = html[html.index("<body>") :]
    assert "このページはジョブ・カードの様式ではありません" in body
    assert "様式" not in body.replace("ジョブ・カードの様式ではありません", "")
    assert STUB_CHARTS.lifeline in html and STUB_CHARTS.will_can_must in html


def test_templates_fail_loudly_on_an_unknown_name_and_escape_everything(tmp_path: Path) -> None:
    (tmp_path / "jobcard.html.j2").write_text("{{ doc.name }} {{ doc.missing }}", "utf-8")
    context = document_context(rich_card(**{"profile.name": "<i>"}))
    with pytest.raises(UndefinedError):
        render_html(make_environment(tmp_path), context)
    (tmp_path / "jobcard.html.j2").write_text("{{ doc.name }}", "utf-8")
    assert render_html(make_environment(tmp_path), context) == "&lt;i&gt;"

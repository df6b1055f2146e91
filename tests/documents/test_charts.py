"""Charts: the life-line with labels that never overlap, Will/Can/Must, Japanese text."""

from __future__ import annotations

import io
import itertools
import math

from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image

from bot.documents import charts, venn
from bot.documents.typography import display_width, font_path, shorten, wrap
from bot.jobcard import LifelinePoint, WillCanMust
from tests.documents.cards import rich_card


def _boxes(labels: list[Text]) -> list[Bbox]:
    figure = labels[0].get_figure(root=True)
    assert figure is not None
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]  # Agg canvas
    return [label.get_window_extent(renderer) for label in labels]


def _assert_apart(labels: list[Text]) -> None:
    for first, second in itertools.combinations(_boxes(labels), 2):
        assert not first.overlaps(second), (first, second)


def test_lifeline_labels_every_event_without_overlap() -> None:
    card = rich_card()
    figure, labels = charts.lifeline_figure(card.lifeline)
    assert len(labels) == len(card.lifeline) == 12
    _assert_apart(labels)
    axes = figure.axes[0]
    frame = axes.get_window_extent()
    for box in _boxes(labels):
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1
    low, high = axes.get_ylim()
    assert low <= -100 and high >= 100
    assert any(list(line.get_ydata()) == [0, 0] for line in axes.get_lines())  # the 0 line
    assert all(label.get_fontproperties().get_file() == str(font_path()) for label in labels)


def test_crowded_events_still_never_overlap() -> None:
    points = [
        LifelinePoint(30 + n % 3, f"同じ頃のできごと{n}番目の長い説明", 50, None)
        for n in range(12)
    ]
    _, labels = charts.lifeline_figure(points)
    assert len(labels) >= 8  # a label with no free spot is left to the table below
    _assert_apart(labels)


def test_lifeline_png_is_a_picture_or_nothing() -> None:
    png = charts.lifeline_png(rich_card().lifeline)
    assert png is not None
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size[0] > image.size[1] > 400
    undrawable = [
        LifelinePoint(None, "年齢なし", 10, None),
        LifelinePoint(30, "点数なし", None, None),
    ]
    assert charts.lifeline_png(undrawable) is None
    assert charts.lifeline_png([]) is None


def _flat(text: str) -> str:
    return "".join(text.split())


def test_will_can_must_shows_each_answer_whole_and_the_overlap_at_the_centre() -> None:
    wcm = rich_card().will_can_must
    figure = charts.will_can_must_figure(wcm)
    drawn = {text.get_text(): text for text in figure.axes[0].texts}
    fitted = venn.texts(wcm)
    answers = {"will": wcm.will, "can": wcm.can, "must": wcm.must, "overlap": wcm.overlap}
    for key, answer in answers.items():
        assert answer is not None and fitted[key].whole
        assert _flat(fitted[key].text) == _flat(answer)  # wrapped, not a character left out
        assert fitted[key].text in drawn
    assert not [text for text in drawn if "…" in text]
    # The overlap is drawn where all three circles meet, not the reskilling direction.
    x, y = drawn[fitted["overlap"].text].get_position()
    for cx, cy in venn.CIRCLES.values():
        assert math.hypot(x - cx, y - cy) < venn.RADIUS
    assert wcm.direction is not None
    assert not [text for text in drawn if _flat(wcm.direction)[:10] in _flat(text)]
    png = charts.will_can_must_png(wcm)
    assert png is not None and png.startswith(b"\x89PNG")
    assert charts.will_can_must_png(WillCanMust()) is None
    assert charts.will_can_must_png(WillCanMust(overlap="人を支える仕事")) is not None


def test_long_answers_get_smaller_type_then_point_to_the_box_below_never_an_ellipsis() -> None:
    medium = "人の役に立つ仕事がしたい。地域の中小企業を数字で支えたい。" * 4
    assert venn.fit(medium, venn.REGIONS[0]).whole
    assert venn.fit(medium, venn.REGIONS[0]).size < venn.SIZES[0]
    long = WillCanMust(
        will="人の役に立つ仕事がしたい。" * 61,
        can="経理の実務を二十年続けてきた。" * 53,
        must="介護のため週4日の勤務。" * 66,
        overlap="中小企業のお金の相談にのること。" * 37,
    )
    figure = charts.will_can_must_figure(long)
    drawn = [text.get_text() for text in figure.axes[0].texts]
    for region in venn.REGIONS:
        answer = getattr(long, region.key)
        assert 590 <= len(answer) <= 800  # up to the dialog's limits (overlap: 600)
        shown = venn.texts(long)[region.key]
        assert shown.text in drawn and not shown.whole and "…" not in shown.text
        *lines, more = shown.text.split("\n")
        assert more == venn.MORE
        # Whole sentences from the beginning, each line within the region (a closing mark
        # may hang past the edge, as in Japanese typesetting).
        assert answer.startswith("".join(lines)) and "".join(lines).endswith("。")
        columns = int(region.width * 72 / (shown.size / 2))
        assert all(display_width(line) <= columns + 2 for line in lines)


def test_emoji_in_the_charts_are_shown_as_a_visible_mark_never_a_box() -> None:
    # A missing glyph would be a warning, and warnings fail the tests.
    wcm = WillCanMust(will="みんなを笑顔に😀", overlap="家族👨‍👩‍👧と★")
    fitted = venn.texts(wcm)
    assert fitted["will"].text == "みんなを笑顔に〔絵文字〕"
    assert fitted["overlap"].text == "家族〔絵文字〕と★"
    assert charts.will_can_must_png(wcm) is not None
    figure, labels = charts.lifeline_figure([LifelinePoint(30, "孫が生まれた👶", 80, None)])
    assert [label.get_text().replace("\n", "") for label in labels] == ["孫が生まれた〔絵文字〕"]
    charts.png(figure)


def test_wrapping_counts_full_width_characters_twice() -> None:
    assert wrap("あいうえおかきくけこ", 8) == ["あいうえ", "おかきく", "けこ"]
    assert wrap("Excel and Word", 9) == ["Excel and", "Word"]
    assert wrap("一\n\n二", 10) == ["一", "", "二"]
    assert shorten("あいうえおかきくけこさしすせそ", 8, 2) == "あいうえ\nおかき…"
    assert shorten("あいうえおか", 10, 2, balance=True) == "あいう\nえおか"
    assert all(display_width(line) <= 3 for line in wrap("漢字とabc", 3))

"""Charts: the life-line with labels that never overlap, Will/Can/Must, Japanese text."""

from __future__ import annotations

import io
import itertools
import math

from PIL import Image

from bot.documents import charts, venn
from bot.documents.typography import display_width, shorten, wrap
from bot.jobcard import LifelinePoint, WillCanMust
from tests.documents.cards import rich_card


def _assert_apart(labels: list[charts.EventLabel]) -> None:
    for first, second in itertools.combinations([label.box for label in labels], 2):
        left, top, right, bottom = first
        assert right <= second[0] or second[2] <= left or bottom <= second[1] or second[3] <= top


def test_lifeline_labels_every_event_without_overlap() -> None:
    card = rich_card()
    chart = charts.lifeline_chart(card.lifeline, charts.PNG_DPI)
    assert len(chart.labels) == len(card.lifeline) == 12
    _assert_apart(chart.labels)
    left, top, right, bottom = chart.frame
    for x0, y0, x1, y1 in (label.box for label in chart.labels):
        assert left <= x0 < x1 <= right and top <= y0 < y1 <= bottom
    low, high = chart.scores
    assert low <= -100 and high >= 100
    # The 0 line runs across the frame, halfway up.
    zero = [s for s in chart.scene.shapes if s.stroke == "#444444"]
    assert [(x0, x1) for (x0, _), (x1, _) in (z.points for z in zero)] == [(left, right)]
    assert all(math.isclose(y, (top + bottom) / 2) for _, y in zero[0].points)
    # Each label is drawn in the Japanese font, with the event's words.
    drawn = {text.text for text in chart.scene.texts if text.font == "japanese"}
    assert {label.text for label in chart.labels} <= drawn
    assert {label.text.replace("\n", "") for label in chart.labels} == {
        point.event for point in card.lifeline
    }


def test_crowded_events_still_never_overlap() -> None:
    points = [
        LifelinePoint(30 + n % 3, f"同じ頃のできごと{n}番目の長い説明", 50, None)
        for n in range(12)
    ]
    labels = charts.lifeline_chart(points).labels
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
    scene = charts.will_can_must_chart(wcm, charts.PNG_DPI)
    drawn = {text.text: text for text in scene.texts}
    fitted = venn.texts(wcm)
    answers = {"will": wcm.will, "can": wcm.can, "must": wcm.must, "overlap": wcm.overlap}
    for key, answer in answers.items():
        assert answer is not None and fitted[key].whole
        assert _flat(fitted[key].text) == _flat(answer)  # wrapped, not a character left out
        assert fitted[key].text in drawn
    assert not [text for text in drawn if "…" in text]
    # The overlap is drawn where all three circles meet, not the reskilling direction.
    x, y = drawn[fitted["overlap"].text].xy
    for cx, cy in venn.CIRCLES.values():
        centre = venn.position(cx, cy, charts.PNG_DPI)
        assert math.hypot(x - centre[0], y - centre[1]) < venn.RADIUS * charts.PNG_DPI
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
    drawn = [text.text for text in charts.will_can_must_chart(long).texts]
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
    grandchild = [LifelinePoint(30, "孫が生まれた👶", 80, None)]
    labels = charts.lifeline_chart(grandchild).labels
    assert [label.text.replace("\n", "") for label in labels] == ["孫が生まれた〔絵文字〕"]
    assert charts.lifeline_png(grandchild) is not None


def test_wrapping_counts_full_width_characters_twice() -> None:
    assert wrap("あいうえおかきくけこ", 8) == ["あいうえ", "おかきく", "けこ"]
    assert wrap("Excel and Word", 9) == ["Excel and", "Word"]
    assert wrap("一\n\n二", 10) == ["一", "", "二"]
    assert shorten("あいうえおかきくけこさしすせそ", 8, 2) == "あいうえ\nおかき…"
    assert shorten("あいうえおか", 10, 2, balance=True) == "あいう\nえおか"
    assert all(display_width(line) <= 3 for line in wrap("漢字とabc", 3))


def test_the_pictures_show_what_the_charts_lay_out() -> None:
    card = rich_card()
    chart = charts.lifeline_chart(card.lifeline, charts.PNG_DPI)
    png = charts.lifeline_png(card.lifeline)
    assert png is not None
    with Image.open(io.BytesIO(png)) as image:
        picture = image.convert("RGB")
    assert picture.size == (chart.scene.width, chart.scene.height)
    # Every label's words are inked in its box (dark pixels), on the white of the label.
    for label in chart.labels:
        left, top, right, bottom = (round(v) for v in label.box)
        inside = [picture.getpixel((x, y)) for x in range(left, right) for y in range(top, bottom)]
        assert min(sum(pixel) for pixel in inside) < 200, label.text
        assert (255, 255, 255) in inside
    # Each point is marked in the line's colour.
    for shape in chart.scene.shapes:
        if shape.kind == "circle":
            x, y = shape.points[0]
            assert picture.getpixel((round(x), round(y))) == (0x2F, 0x5F, 0x8A)
    svg = charts.chart_images(card, "svg").lifeline
    assert svg.startswith("data:image/svg+xml;base64,")


def test_the_three_circles_are_tinted_and_overlap() -> None:
    wcm = WillCanMust(will="独立したい", can="経理", must="週4日")
    png = charts.will_can_must_png(wcm)
    assert png is not None
    with Image.open(io.BytesIO(png)) as image:
        picture = image.convert("RGB")
    dpi = charts.PNG_DPI
    will = picture.getpixel(tuple(round(v) for v in venn.position(-1.9, 1.2, dpi)))
    can = picture.getpixel(tuple(round(v) for v in venn.position(1.9, 1.2, dpi)))
    both = picture.getpixel(tuple(round(v) for v in venn.position(0.0, 1.0, dpi)))
    outside = picture.getpixel(tuple(round(v) for v in venn.position(-3.4, -2.7, dpi)))
    assert outside == (255, 255, 255)
    assert will != can and (255, 255, 255) not in (will, can)
    assert sum(both) < min(sum(will), sum(can))  # two tints over each other, darker

"""Charts: the life-line with labels that never overlap, Will/Can/Must, Japanese text."""

from __future__ import annotations

import io
import itertools

from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image

from bot.documents import charts
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


def test_will_can_must_shows_the_persons_own_words_shortened() -> None:
    wcm = rich_card().will_can_must
    figure = charts.will_can_must_figure(wcm)
    texts = [text.get_text() for text in figure.axes[0].texts]
    for words in (wcm.will, wcm.can, wcm.must):
        assert words is not None
        shown = next(text for text in texts if text.replace("\n", "").startswith(words[:8]))
        assert len(shown.split("\n")) <= 5
        assert all(display_width(line) <= 16 for line in shown.split("\n"))
    assert any(text.startswith("Will") for text in texts)
    png = charts.will_can_must_png(wcm)
    assert png is not None and png.startswith(b"\x89PNG")
    assert charts.will_can_must_png(WillCanMust()) is None


def test_wrapping_counts_full_width_characters_twice() -> None:
    assert wrap("あいうえおかきくけこ", 8) == ["あいうえ", "おかきく", "けこ"]
    assert wrap("Excel and Word", 9) == ["Excel and", "Word"]
    assert wrap("一\n\n二", 10) == ["一", "", "二"]
    assert shorten("あいうえおかきくけこさしすせそ", 8, 2) == "あいうえ\nおかき…"
    assert shorten("あいうえおか", 10, 2, balance=True) == "あいう\nえおか"
    assert all(display_width(line) <= 3 for line in wrap("漢字とabc", 3))

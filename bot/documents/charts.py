"""The life-line chart and the Will/Can/Must diagram: matplotlib (Agg), with Japanese text."""

from __future__ import annotations

import base64
import hashlib
import io
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import cache
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox, ScaledTranslation

from bot.documents.context import Charts, chart_points, has_will_can_must
from bot.documents.images import rgb_png
from bot.documents.typography import font_path, printable, shorten
from bot.documents.venn import will_can_must_figure

__all__ = ["will_can_must_figure"]
from bot.jobcard import JobCard, LifelinePoint, WillCanMust

LABEL_SIZE = 7.5
# Label offsets from their point, in typographic points, nearest first: above for a high,
# below for a low, then further out and to the sides until the label touches nothing.
_RISES = (20, 38, 56, 74, 92)
_SIDES = (0, -34, 34, -68, 68, -102, 102)
_COLORS = {"will": "#e8a33d", "can": "#4f8fc0", "must": "#6aa86a"}
CACHED_CHARTS = 256
# Resolution of the PNGs (for print and chat), and of the figures measured on screen.
PNG_DPI = 150
SCREEN_DPI = 100


class _ChartCache:
    """Charts already drawn, by what they show: drawing one costs 50-150 ms, a card has two,
    and a card is often made again with the life-line and Will/Can/Must unchanged."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._drawn: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, draw: Callable[[], bytes]) -> bytes:
        """The chart for ``key`` (its kind, format and content), drawn only when not kept."""
        # A digest, not the text: the cache never holds a person's words.
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
        with self._lock:
            found = self._drawn.get(digest)
            if found is not None:
                self._drawn.move_to_end(digest)
                return found
        content = draw()
        with self._lock:
            self._drawn[digest] = content
            while len(self._drawn) > self._size:
                self._drawn.popitem(last=False)
        return content


_cache = _ChartCache(CACHED_CHARTS)


@cache
def _font() -> FontProperties:
    # Given to each text explicitly instead of changing matplotlib's global rcParams, so
    # charts drawn in several threads never disturb each other.
    return FontProperties(fname=str(font_path()))


def _figure(width: float, height: float, dpi: int) -> tuple[Figure, FigureCanvasAgg]:
    # Fixed margins rather than constrained layout: the layout pass measured every text
    # twice and cost more than drawing the chart.
    figure = Figure(figsize=(width, height), dpi=dpi)
    return figure, FigureCanvasAgg(figure)


def _overlaps(box: Bbox, others: Sequence[Bbox]) -> bool:
    return any(box.overlaps(other) for other in others)


def _inside(box: Bbox, frame: Bbox) -> bool:
    return bool(
        frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 <= box.y1 <= frame.y1
    )


def _candidates(score: int) -> list[tuple[int, int]]:
    up = 1 if score >= 0 else -1
    order = [(dx, up * rise) for rise in _RISES[:2] for dx in _SIDES[:3]]
    order += [(dx, -up * rise) for rise in _RISES[:2] for dx in _SIDES[:3]]
    order += [(dx, sign * rise) for rise in _RISES for sign in (up, -up) for dx in _SIDES]
    return list(dict.fromkeys(order))


def lifeline_figure(
    points: Sequence[LifelinePoint], dpi: int = SCREEN_DPI
) -> tuple[Figure, list[Text]]:
    """The life-line chart (age → satisfaction, -100…+100) and its event labels.

    Labels are placed one by one at the nearest free spot, so none covers another label or
    a point; a label that finds no free spot is left out of the chart (the table below the
    chart lists every event in full). Made at the ``dpi`` it is drawn at, the texts are
    measured once: ``png`` then draws it with the same renderer, whose measures it keeps.
    """
    drawn = sorted(chart_points(points), key=lambda p: p.age or 0)
    figure, canvas = _figure(7.0, 3.5, dpi)
    axes = figure.add_subplot()
    ages = [p.age or 0 for p in drawn]
    scores = [p.score or 0 for p in drawn]
    low, high = (min(ages), max(ages)) if ages else (0, 60)
    axes.set_xlim(max(0, low - 4), high + 4 if high > low else low + 8)
    axes.set_ylim(-112, 112)
    axes.set_yticks([-100, -50, 0, 50, 100])
    axes.axhline(0, color="#444444", linewidth=0.9)
    axes.grid(True, color="#dddddd", linewidth=0.5)
    axes.fill_between(
        ages,
        scores,
        0,
        where=[s >= 0 for s in scores],
        interpolate=True,
        color=_COLORS["can"],
        alpha=0.12,
    )
    axes.fill_between(
        ages,
        scores,
        0,
        where=[s < 0 for s in scores],
        interpolate=True,
        color="#c0504d",
        alpha=0.12,
    )
    axes.plot(ages, scores, color="#2f5f8a", linewidth=1.6, marker="o", markersize=4, zorder=3)
    font = _font()
    axes.set_xlabel("年齢（歳）", fontproperties=font)
    axes.set_ylabel("満足度", fontproperties=font)
    axes.set_title("ライフラインチャート", fontproperties=font, fontsize=11)
    figure.subplots_adjust(left=0.1, right=0.985, top=0.9, bottom=0.135)
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    frame = axes.get_window_extent(renderer)
    # A point's marker (8 pixels across at 100 dpi) is kept free of labels.
    mark = 4 * dpi / SCREEN_DPI
    taken = (
        [
            Bbox.from_bounds(x - mark, y - mark, 2 * mark, 2 * mark)
            for x, y in axes.transData.transform(list(zip(ages, scores, strict=True)))
        ]
        if drawn
        else []
    )
    labels: list[Text] = []
    for point in drawn:
        label = _place(axes, point, frame, taken, renderer)
        if label is not None:
            labels.append(label)
    return figure, labels


def _place(
    axes: Axes, point: LifelinePoint, frame: Bbox, taken: list[Bbox], renderer: RendererBase
) -> Text | None:
    # The table under the chart has every event in full. The bundled font has no emoji:
    # each is shown as 〔絵文字〕, never as an empty box.
    event = printable(point.event or "", (font_path(),))
    text = shorten(event, 16, 2, balance=True)
    if not text:
        return None
    xy = (point.age or 0, point.score or 0)
    label = axes.text(
        *xy,
        text,
        ha="center",
        va="center",
        fontproperties=_font(),
        fontsize=LABEL_SIZE,
        zorder=4,
        bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#999999", "lw": 0.6},
    )
    # The label's size does not depend on where it goes: measure it once, then try spots
    # by arithmetic (measuring a text for every spot cost most of the chart's time).
    figure = axes.get_figure(root=True)
    assert figure is not None
    size = label.get_window_extent(renderer).padded(3 * figure.dpi / SCREEN_DPI)
    x, y = axes.transData.transform(xy)
    scale = figure.dpi / 72  # pixels per typographic point
    for dx, dy in _candidates(point.score or 0):
        cx, cy = x + dx * scale, y + dy * scale
        box = Bbox.from_bounds(cx - size.width / 2, cy - size.height / 2, size.width, size.height)
        if _inside(box, frame) and not _overlaps(box, taken):
            taken.append(box)
            offset = ScaledTranslation(dx / 72, dy / 72, figure.dpi_scale_trans)
            label.set_transform(axes.transData + offset)
            _leader(axes, (x, y), (cx, cy), scale)
            return label
    label.remove()
    return None


def _leader(
    axes: Axes, point: tuple[float, float], label: tuple[float, float], scale: float
) -> None:
    """A thin line from a label's centre (under the label) to its point, in pixels at
    ``scale`` pixels a typographic point: 2 points short of the centre, 3 of the point.

    A plain line where an empty annotation's arrow drew the same: building and drawing
    those arrows took a tenth of the chart's time. Its ends are put in data coordinates,
    which stay right at any resolution the chart is drawn at.
    """
    (px, py), (lx, ly) = point, label
    length = math.hypot(px - lx, py - ly)
    if length <= 5 * scale:
        return
    ux, uy = (px - lx) / length, (py - ly) / length
    ends = [(lx + ux * 2 * scale, ly + uy * 2 * scale), (px - ux * 3 * scale, py - uy * 3 * scale)]
    (x0, y0), (x1, y1) = axes.transData.inverted().transform(ends)
    axes.add_line(
        Line2D([x0, x1], [y0, y1], color="#999999", linewidth=0.6, solid_capstyle="butt", zorder=2)
    )


def png(figure: Figure, dpi: int = PNG_DPI) -> bytes:
    """The figure as an opaque RGB PNG, on white (for chat and for print).

    RGB, not RGBA: a PDF can embed an RGB PNG's compressed pixels as they are, where an
    alpha channel would have to be split off and both parts compressed again for every
    document (see ``bot.documents.images``).
    """
    import numpy as np

    # The figure's own Agg canvas when it has one: its renderer has measured the texts
    # already (a chart made at ``dpi``), where a new canvas would measure each again.
    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(figure)
    figure.patch.set_facecolor("white")
    dpi_before = figure.dpi
    if dpi != dpi_before:
        figure.set_dpi(dpi)
    try:
        canvas.draw()  # type: ignore[no-untyped-call]
        drawn = np.asarray(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
    finally:
        if dpi != dpi_before:
            figure.set_dpi(dpi_before)
    return rgb_png(drawn[:, :, :3])


def svg(figure: Figure) -> bytes:
    """The figure as SVG, text drawn as outlines so it looks the same without the font."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, facecolor="white")
    return buffer.getvalue()


def data_uri(media_type: str, content: bytes) -> str:
    """A ``data:`` URI for ``<img src>``: the SVG can run no script there, unlike inline SVG."""
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def _lifeline(points: Sequence[LifelinePoint], image_format: Literal["svg", "png"]) -> bytes:
    save = svg if image_format == "svg" else png
    key = f"lifeline {image_format} {list(points)!r}"
    dpi = PNG_DPI if image_format == "png" else SCREEN_DPI
    return _cache.get(key, lambda: save(lifeline_figure(points, dpi)[0]))


def _will_can_must(wcm: WillCanMust, image_format: Literal["svg", "png"]) -> bytes:
    save = svg if image_format == "svg" else png
    dpi = PNG_DPI if image_format == "png" else SCREEN_DPI
    key = f"wcm {image_format} {wcm!r}"
    return _cache.get(key, lambda: save(will_can_must_figure(wcm, dpi)))


def lifeline_png(points: Sequence[LifelinePoint]) -> bytes | None:
    """The life-line chart as PNG, or None when no point has both an age and a score."""
    return _lifeline(points, "png") if chart_points(points) else None


def will_can_must_png(wcm: WillCanMust) -> bytes | None:
    """The Will/Can/Must diagram as PNG, or None when none of the three was written."""
    return _will_can_must(wcm, "png") if has_will_can_must(wcm) else None


def chart_images(card: JobCard, image_format: Literal["svg", "png"] = "svg") -> Charts:
    """Both charts as ``data:`` URIs for a document (SVG stays sharp in print)."""
    media_type = "image/svg+xml" if image_format == "svg" else "image/png"
    lifeline = will_can_must = ""
    if chart_points(card.lifeline):
        lifeline = data_uri(media_type, _lifeline(card.lifeline, image_format))
    if has_will_can_must(card.will_can_must):
        will_can_must = data_uri(media_type, _will_can_must(card.will_can_must, image_format))
    return Charts(lifeline, will_can_must)

"""The life-line chart (drawn from shapes, see ``drawing``) and the Will/Can/Must diagram."""

from __future__ import annotations

import base64
import hashlib
import itertools
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.documents import drawing
from bot.documents.context import Charts, chart_points, has_will_can_must
from bot.documents.drawing import LINE_SPACING, Point, Scene, Shape, Text, text_size
from bot.documents.typography import font_path, printable, shorten
from bot.documents.venn import will_can_must_chart
from bot.jobcard import JobCard, LifelinePoint, WillCanMust

__all__ = ["will_can_must_chart"]

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


Box = tuple[float, float, float, float]
"""(left, top, right, bottom) in pixels, y counted downwards."""


@dataclass(frozen=True, slots=True)
class EventLabel:
    """An event's label as placed: its text and the box its text takes, in pixels."""

    text: str
    box: Box


@dataclass(frozen=True, slots=True)
class LifelineChart:
    """The life-line chart laid out: what to draw, the plot's frame and the event labels."""

    scene: Scene
    frame: Box
    labels: list[EventLabel]
    scores: tuple[float, float]
    """The lowest and highest satisfaction the frame shows."""


def _overlaps(box: Box, others: Sequence[Box]) -> bool:
    left, top, right, bottom = box
    return any(
        left < other[2] and other[0] < right and top < other[3] and other[1] < bottom
        for other in others
    )


def _inside(box: Box, frame: Box) -> bool:
    return frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]


def _candidates(score: int) -> list[tuple[int, int]]:
    up = 1 if score >= 0 else -1
    order = [(dx, up * rise) for rise in _RISES[:2] for dx in _SIDES[:3]]
    order += [(dx, -up * rise) for rise in _RISES[:2] for dx in _SIDES[:3]]
    order += [(dx, sign * rise) for rise in _RISES for sign in (up, -up) for dx in _SIDES]
    return list(dict.fromkeys(order))


def _ticks(low: float, high: float, most: int = 9) -> list[float]:
    """Round values from ``low`` to ``high``, as many as fit ``most`` steps of 1, 2, 2.5 or 5
    times a power of ten (matplotlib's automatic ticks for an axis this long)."""
    raw = (high - low) / most
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw - 1e-9)
    first = math.ceil(low / step - 1e-9)
    return [n * step for n in range(first, math.floor(high / step + 1e-9) + 1)]


def _number(value: float) -> str:
    # A typographic minus, as matplotlib writes negative tick labels.
    text = f"{value:g}"
    return text.replace("-", "\u2212")


def _blend(color: str, alpha: float) -> str:
    """``color`` at ``alpha`` over white, as one opaque colour."""
    channels = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * alpha + 255 * (1 - alpha)):02x}" for c in channels)


def lifeline_chart(points: Sequence[LifelinePoint], dpi: float = SCREEN_DPI) -> LifelineChart:
    """The life-line chart (age → satisfaction, -100…+100) laid out at ``dpi``.

    Labels are placed one by one at the nearest free spot, so none covers another label or
    a point; a label that finds no free spot is left out of the chart (the table below the
    chart lists every event in full).
    """
    drawn = sorted(chart_points(points), key=lambda p: p.age or 0)
    scene = Scene(round(7.0 * dpi), round(3.5 * dpi), dpi)
    px = scene.px
    ages = [p.age or 0 for p in drawn]
    scores = [p.score or 0 for p in drawn]
    low, high = (min(ages), max(ages)) if ages else (0, 60)
    x_low, x_high = max(0, low - 4), high + 4 if high > low else low + 8
    y_low, y_high = -112.0, 112.0
    # The plot's frame: the margins the figure had (left 10%, right 1.5%, top 10%, bottom 13.5%).
    left, right = 0.1 * scene.width, 0.985 * scene.width
    top, bottom = 0.1 * scene.height, 0.865 * scene.height
    frame = (left, top, right, bottom)

    def at(age: float, score: float) -> Point:
        x = left + (age - x_low) / (x_high - x_low) * (right - left)
        return x, bottom - (score - y_low) / (y_high - y_low) * (bottom - top)

    shapes = scene.shapes
    # The areas above and below 0, lightly coloured, each ending where the line crosses 0.
    crossed: list[Point] = []
    for (a0, s0), (a1, s1) in itertools.pairwise(zip(ages, scores, strict=True)):
        crossed.append((a0, s0))
        if s0 * s1 < 0:
            crossed.append((a0 + (a1 - a0) * s0 / (s0 - s1), 0.0))
    if drawn:
        crossed.append((ages[-1], scores[-1]))
    for sign, color in ((1, _COLORS["can"]), (-1, "#c0504d")):
        if any(s * sign > 0 for _, s in crossed):
            edge = [at(a, s if s * sign > 0 else 0.0) for a, s in crossed]
            area = (at(crossed[0][0], 0), *edge, at(crossed[-1][0], 0))
            shapes.append(Shape("path", area, fill=_blend(color, 0.12), closed=True))
    x_ticks = [t for t in _ticks(x_low, x_high) if x_low <= t <= x_high]
    y_ticks = [-100, -50, 0, 50, 100]
    for age in x_ticks:
        shapes.append(Shape("path", (at(age, y_low), at(age, y_high)), "#dddddd", 0.5))
    for score in y_ticks:
        shapes.append(Shape("path", (at(x_low, score), at(x_high, score)), "#dddddd", 0.5))
    shapes.append(Shape("path", (at(x_low, 0), at(x_high, 0)), "#444444", 0.9))
    corners = ((left, top), (right, top), (right, bottom), (left, bottom))
    shapes.append(Shape("path", corners, "#000000", 0.8, closed=True))
    tick, pad = px(3.5), px(3.5)
    texts = scene.texts
    for age in x_ticks:
        x, _ = at(age, y_low)
        shapes.append(Shape("path", ((x, bottom), (x, bottom + tick)), "#000000", 0.8))
        texts.append(Text(_number(age), (x, bottom + tick + pad), 10, "mt", "latin"))
    widest = 0.0
    for score in y_ticks:
        _, y = at(x_low, score)
        shapes.append(Shape("path", ((left, y), (left - tick, y)), "#000000", 0.8))
        number = _number(score)
        widest = max(widest, text_size(number, 10, dpi, "latin")[0])
        texts.append(Text(number, (left - tick - pad, y), 10, "rm", "latin"))
    number_height = text_size("0", 10, dpi, "latin")[1] / LINE_SPACING
    texts.append(
        Text(
            "年齢（歳）",
            ((left + right) / 2, bottom + tick + pad + number_height + px(4)),
            10,
            "mt",
        )
    )
    y_label_x = left - tick - pad - widest - px(4) - px(10) / 2
    texts.append(Text("満足度", (y_label_x, (top + bottom) / 2), 10, rotated=True))
    texts.append(Text("ライフラインチャート", ((left + right) / 2, top - px(6)), 11, "ms"))
    # A point's marker (8 pixels across at 100 dpi) is kept free of labels.
    mark = 4 * dpi / SCREEN_DPI
    marks = [at(a, s) for a, s in zip(ages, scores, strict=True)]
    taken: list[Box] = [(x - mark, y - mark, x + mark, y + mark) for x, y in marks]
    labels: list[EventLabel] = []
    leaders: list[Shape] = []
    boxes: list[Shape] = []
    for point, (x, y) in zip(drawn, marks, strict=True):
        placed = _place(scene, point, (x, y), frame, taken)
        if placed is None:
            continue
        label, (cx, cy) = placed
        labels.append(label)
        leader = _leader((x, y), (cx, cy), px(1))
        if leader is not None:
            leaders.append(leader)
        padding = px(LABEL_SIZE) * 0.25
        l0, t0, r0, b0 = label.box
        outline = ((l0 - padding, t0 - padding), (r0 + padding, b0 + padding))
        boxes.append(Shape("box", outline, "#999999", 0.6, fill="#ffffff", radius=padding))
        texts.append(Text(label.text, (cx, cy), LABEL_SIZE))
    shapes.extend(leaders)
    if drawn:
        shapes.append(Shape("path", tuple(marks), "#2f5f8a", 1.6))
        shapes.extend(Shape("circle", (m,), fill="#2f5f8a", radius=px(2.5)) for m in marks)
    shapes.extend(boxes)
    return LifelineChart(scene, frame, labels, (y_low, y_high))


def _place(
    scene: Scene, point: LifelinePoint, xy: Point, frame: Box, taken: list[Box]
) -> tuple[EventLabel, Point] | None:
    # The table under the chart has every event in full. The bundled font has no emoji:
    # each is shown as 〔絵文字〕, never as an empty box.
    event = printable(point.event or "", (font_path(),))
    text = shorten(event, 16, 2, balance=True)
    if not text:
        return None
    # The label's size does not depend on where it goes: measure it once, then try spots
    # by arithmetic.
    width, height = text_size(text, LABEL_SIZE, scene.dpi)
    room = 3 * scene.dpi / SCREEN_DPI
    x, y = xy
    scale = scene.px(1)  # pixels per typographic point
    for dx, dy in _candidates(point.score or 0):
        cx, cy = x + dx * scale, y - dy * scale
        box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
        spot = (box[0] - room, box[1] - room, box[2] + room, box[3] + room)
        if _inside(spot, frame) and not _overlaps(spot, taken):
            taken.append(spot)
            return EventLabel(text, box), (cx, cy)
    return None


def _leader(point: Point, label: Point, scale: float) -> Shape | None:
    """A thin line from a label's centre (under the label) to its point, in pixels at
    ``scale`` pixels a typographic point: 2 points short of the centre, 3 of the point."""
    (px, py), (lx, ly) = point, label
    length = math.hypot(px - lx, py - ly)
    if length <= 5 * scale:
        return None
    ux, uy = (px - lx) / length, (py - ly) / length
    ends = ((lx + ux * 2 * scale, ly + uy * 2 * scale), (px - ux * 3 * scale, py - uy * 3 * scale))
    return Shape("path", ends, "#999999", 0.6)


def data_uri(media_type: str, content: bytes) -> str:
    """A ``data:`` URI for ``<img src>``: the SVG can run no script there, unlike inline SVG."""
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def _lifeline(points: Sequence[LifelinePoint], image_format: Literal["svg", "png"]) -> bytes:
    key = f"lifeline {image_format} {list(points)!r}"
    if image_format == "svg":
        return _cache.get(key, lambda: drawing.svg(lifeline_chart(points, SCREEN_DPI).scene))
    return _cache.get(key, lambda: drawing.png(lifeline_chart(points, PNG_DPI).scene))


def _will_can_must(wcm: WillCanMust, image_format: Literal["svg", "png"]) -> bytes:
    key = f"wcm {image_format} {wcm!r}"
    if image_format == "svg":
        return _cache.get(key, lambda: drawing.svg(will_can_must_chart(wcm, SCREEN_DPI)))
    return _cache.get(key, lambda: drawing.png(will_can_must_chart(wcm, PNG_DPI)))


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

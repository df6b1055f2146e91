"""The Will/Can/Must diagram: three circles with the person's words, their overlap at the centre.

Each text is wrapped, never cut with 「…」: the type gets smaller until it fits its region;
an answer too long for the diagram even then shows its first sentences and says that the
rest is in the box below it (the page lists every answer in full).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.documents.drawing import Point, Scene, Shape, Text
from bot.documents.typography import font_path, printable, wrap
from bot.jobcard import WillCanMust

SIZES = (8.5, 8.0, 7.5, 7.0, 6.5, 6.0)
"""Type sizes tried for a region's text, largest first (points)."""
LINE_SPACING = 1.3
MORE = "（続きは下の欄）"
"""Ends a text the diagram has no room for in full (「…」 would hide that something is left)."""
COLORS = {"will": "#e8a33d", "can": "#4f8fc0", "must": "#6aa86a", "overlap": "#b03a2e"}


@dataclass(frozen=True, slots=True)
class Region:
    """Where a text goes: its centre and size in inches (the axes are one unit an inch)."""

    key: str
    heading: str
    x: float
    y: float
    width: float
    height: float


# The circles (centre, radius) and the regions inside them: each circle's own part for its
# text, and the triple overlap at the centre, in a box of its own so it reads clearly.
RADIUS = 1.6
CIRCLES = {"will": (-0.95, 0.45), "can": (0.95, 0.45), "must": (0.0, -1.2)}
REGIONS = (
    Region("will", "Will（やりたいこと）", -1.65, 0.62, 1.3, 1.3),
    Region("can", "Can（できること）", 1.65, 0.62, 1.3, 1.3),
    Region("must", "Must（求められていること）", 0.0, -1.86, 1.9, 0.8),
    Region("overlap", "★ 重なるところ", 0.0, -0.22, 1.45, 0.78),
)
HEADING_Y = {"will": 1.6, "can": 1.6, "must": -2.48, "overlap": 0.3}


@dataclass(frozen=True, slots=True)
class Fitted:
    """A region's text as drawn: its lines, type size, and whether it is the whole answer."""

    text: str
    size: float
    whole: bool


# Japanese line breaking (禁則): closing marks never begin a line (they hang at the end of
# the one before) and opening brackets never end one (they move to the next).
_NO_LINE_START = frozenset("、。，．,.・：；？！?!）」』】〕》〉")
_NO_LINE_END = frozenset("（「『【〔《〈")


def _wrap(text: str, columns: int) -> list[str]:
    lines: list[str] = []
    carry = ""
    for line in wrap(text, columns):
        line = carry + line
        while lines and line and line[0] in _NO_LINE_START:
            lines[-1], line = lines[-1] + line[0], line[1:]
        carry = ""
        while line and line[-1] in _NO_LINE_END:
            carry, line = line[-1] + carry, line[:-1]
        if line:
            lines.append(line)
    if carry:
        lines.append(carry)
    return lines


def _lines_fitting(region: Region, size: float) -> tuple[int, int]:
    """(half-width columns per line, lines) that fit in ``region`` at ``size`` points."""
    columns = int(region.width * 72 / (size / 2))
    lines = int(region.height * 72 / (size * LINE_SPACING))
    return columns, lines


def fit(text: str, region: Region) -> Fitted:
    """``text`` wrapped for ``region`` at the largest size it fits whole.

    Too long even at the smallest size: the whole sentences that fit (or as much of the
    first as fits), then 「（続きは下の欄）」 on a line of its own.
    """
    flat = " ".join(text.split())
    for size in SIZES:
        columns, lines = _lines_fitting(region, size)
        wrapped = _wrap(flat, columns)
        if len(wrapped) <= lines:
            return Fitted("\n".join(wrapped), size, whole=True)
    size = SIZES[-1]
    columns, lines = _lines_fitting(region, size)
    room = lines - 1  # the last line says where the rest is
    sentences = [s + "。" for s in flat.split("。") if s.strip()]
    if not flat.endswith("。") and sentences:
        sentences[-1] = sentences[-1][:-1]
    shown: list[str] = []
    for sentence in sentences:
        if len(_wrap("".join([*shown, sentence]), columns)) > room:
            break
        shown.append(sentence)
    head = _wrap("".join(shown), columns) if shown else _wrap(flat, columns)[:room]
    return Fitted("\n".join([*head, MORE]), size, whole=False)


def texts(wcm: WillCanMust) -> dict[str, Fitted]:
    """The texts the diagram draws, by region (Will, Can, Must, and the overlap)."""
    answers = {"will": wcm.will, "can": wcm.can, "must": wcm.must, "overlap": wcm.overlap}
    fitted: dict[str, Fitted] = {}
    for region in REGIONS:
        answer = answers[region.key]
        if answer:
            # The bundled font has no emoji: each one is shown as 〔絵文字〕, never as a box.
            fitted[region.key] = fit(printable(answer, (font_path(),)), region)
    return fitted


# The diagram's size in inches, and the part of the plane it shows (one unit an inch).
SIZE = (7.2, 5.35)
LEFT, TOP = -3.6, 2.45


def position(x: float, y: float, dpi: float) -> Point:
    """Where the diagram's point (x, y) is drawn, in pixels from the top left at ``dpi``."""
    return (x - LEFT) * dpi, (TOP - y) * dpi


def will_can_must_chart(wcm: WillCanMust, dpi: float = 100) -> Scene:
    """Three overlapping circles with the person's own words, and the overlap at the centre."""
    scene = Scene(round(SIZE[0] * dpi), round(SIZE[1] * dpi), dpi)
    for key, (x, y) in CIRCLES.items():
        color = COLORS[key]
        circle = Shape("circle", (position(x, y, dpi),), color, 1.5, fill=color, alpha=0.2)
        scene.shapes.append(replace(circle, radius=RADIUS * dpi))
    fitted = texts(wcm)
    for region in REGIONS:
        if region.key == "overlap":
            # A white box behind the overlap's words, a little taller for its heading.
            pad = 0.02
            x0, y0 = region.x - region.width / 2 - 0.08 - pad, region.y - region.height / 2 - 0.08
            x1, y1 = x0 + region.width + 0.16 + 2 * pad, y0 + region.height + 0.4 + pad
            corners = (position(x0, y1, dpi), position(x1, y0 - pad, dpi))
            scene.shapes.append(
                Shape(
                    "box",
                    corners,
                    COLORS["overlap"],
                    1.0,
                    fill="#ffffff",
                    radius=0.1 * dpi,
                    alpha=0.92,
                )
            )
        heading = HEADING_Y[region.key]
        scene.texts.append(
            Text(
                region.heading,
                position(region.x, heading, dpi),
                9.5 if region.key != "overlap" else 8.5,
                color=COLORS["overlap"] if region.key == "overlap" else "#333333",
            )
        )
        shown = fitted.get(region.key)
        if shown is not None:
            scene.texts.append(
                Text(
                    shown.text,
                    position(region.x, region.y, dpi),
                    shown.size,
                    color="#222222",
                    spacing=LINE_SPACING,
                )
            )
    scene.texts.append(Text("Will・Can・Must", position(0.0, 2.3, dpi), 11))
    return scene

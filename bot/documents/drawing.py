"""Charts as a list of shapes and texts, painted as PNG (Agg and FreeType) or written as SVG.

matplotlib's figures, axes and artists cost most of a chart's time (building the axes,
laying out every text again while drawing, its FreeType text several times slower than
Pillow's). A chart here is plain data in pixels — lines, polygons, circles, rounded boxes
and texts — painted with matplotlib's Agg renderer (the same antialiased lines as before)
and Pillow's FreeType for the texts: a fifth of the time for the same picture.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from xml.sax.saxutils import escape

from bot.documents.images import rgb_png
from bot.documents.typography import font_path

if TYPE_CHECKING:
    from matplotlib.path import Path as MplPath
    from PIL.Image import Image as PilImage
    from PIL.ImageFont import FreeTypeFont

Point = tuple[float, float]
Anchor = Literal["mm", "mt", "ms", "rm"]
"""Where a text's (x, y) is, as Pillow names it: horizontal (middle, right) then vertical
(middle, top of the ascender, baseline)."""
FontName = Literal["japanese", "latin"]
LINE_SPACING = 1.2
"""A multi-line text's line height, in font sizes (matplotlib's default)."""


@dataclass(frozen=True, slots=True)
class Shape:
    """A polyline (or a closed polygon), a circle or a rounded box, in pixels (y down).

    ``width`` is the stroke in typographic points (none when 0); ``fill`` a colour or None.
    """

    kind: Literal["path", "circle", "box"]
    points: tuple[Point, ...]
    stroke: str | None = None
    width: float = 0.0
    fill: str | None = None
    closed: bool = False
    radius: float = 0.0
    """A circle's radius, or a box's corner radius, in pixels."""
    alpha: float = 1.0
    """Opacity of the fill and the stroke, over what is drawn before."""


@dataclass(frozen=True, slots=True)
class Text:
    """A text (one line or several, centred on each other) at ``xy`` in pixels."""

    text: str
    xy: Point
    size: float
    """In typographic points."""
    anchor: Anchor = "mm"
    font: FontName = "japanese"
    color: str = "#000000"
    rotated: bool = False
    """Turned a quarter left, read from the bottom up (a vertical axis's label)."""
    spacing: float = LINE_SPACING
    """The height of a line, in font sizes."""


@dataclass(slots=True)
class Scene:
    """What a chart draws, in order: shapes (bottom to top), then the texts over them."""

    width: int
    height: int
    dpi: float
    shapes: list[Shape] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)

    def px(self, points: float) -> float:
        """Typographic points in this scene's pixels."""
        return points * self.dpi / 72


@cache
def _font_file(name: FontName) -> str:
    if name == "japanese":
        return str(font_path())
    # matplotlib's own DejaVu Sans: the face its tick labels were drawn in.
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def font(name: FontName, pixels: float) -> FreeTypeFont:
    """The font at a size in pixels, opened once per thread (a chart uses a handful).

    Per thread, as matplotlib keeps its fonts: a FreeType face is not safe to use from two
    threads at once, and charts are drawn on the web chat's worker threads.
    """
    return _thread_font(name, pixels, threading.get_ident())


# A few sizes in two fonts for each of a few threads; a thread's id may come again later.
@lru_cache(maxsize=64)
def _thread_font(name: FontName, pixels: float, thread: int) -> FreeTypeFont:
    from PIL import ImageFont

    # The basic layout: these texts need no shaping beyond one glyph a character.
    return ImageFont.truetype(_font_file(name), pixels, layout_engine=ImageFont.Layout.BASIC)


def text_size(
    text: str,
    points: float,
    dpi: float,
    name: FontName = "japanese",
    spacing: float = LINE_SPACING,
) -> Point:
    """Width and height in pixels of ``text`` (its lines centred, ``spacing`` apart)."""
    pixels = points * dpi / 72
    face = font(name, pixels)
    lines = text.split("\n")
    return max(face.getlength(line) for line in lines), len(lines) * pixels * spacing


def png(scene: Scene) -> bytes:
    """The scene as an opaque RGB PNG (see ``bot.documents.images.rgb_png``)."""
    import numpy as np
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.colors import to_rgb
    from matplotlib.path import Path as AggPath
    from matplotlib.transforms import Affine2D
    from PIL import Image, ImageDraw

    renderer = RendererAgg(scene.width, scene.height, scene.dpi)  # type: ignore[no-untyped-call]
    # Agg counts y upwards from the bottom.
    flip = Affine2D().scale(1, -1).translate(0, scene.height)
    background = ((0, 0), (scene.width, 0), (scene.width, scene.height), (0, scene.height))
    for shape in [Shape("path", background, fill="#ffffff", closed=True), *scene.shapes]:
        gc = renderer.new_gc()
        gc.set_antialiased(True)
        gc.set_joinstyle("round")
        gc.set_capstyle("butt")
        gc.set_linewidth(shape.width if shape.stroke else 0)
        if shape.stroke:
            gc.set_foreground(shape.stroke)
        if shape.alpha < 1:
            gc.set_alpha(shape.alpha)
        if shape.kind == "circle":
            path = AggPath.circle(shape.points[0], shape.radius)
        elif shape.kind == "box":
            path = _rounded_box(shape.points, shape.radius)
        else:
            # A closed path's last vertex only closes it: the first one again.
            vertices = [*shape.points, shape.points[0]] if shape.closed else shape.points
            path = AggPath(vertices, closed=shape.closed)
        fill = to_rgb(shape.fill) if shape.fill else None
        renderer.draw_path(gc, path, flip, fill)  # type: ignore[no-untyped-call]
        gc.restore()
    size = (scene.width, scene.height)
    rgba = renderer.buffer_rgba()  # type: ignore[no-untyped-call]
    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB")
    draw = ImageDraw.Draw(image)
    for text in scene.texts:
        face = font(text.font, scene.px(text.size))
        if text.rotated:
            _rotated(image, text, face)
            continue
        x, y = text.xy
        lines = text.text.split("\n")
        step = scene.px(text.size) * text.spacing
        top = y - step * len(lines) / 2
        for index, line in enumerate(lines):
            at = (x, top + step * (index + 0.5)) if len(lines) > 1 else (x, y)
            draw.text(at, line, font=face, fill=text.color, anchor=text.anchor)
    return rgb_png(np.asarray(image))


def _rounded_box(corners: tuple[Point, ...], radius: float) -> MplPath:
    from matplotlib.patches import BoxStyle

    (x0, y0), (x1, y1) = corners
    return BoxStyle.Round(pad=0.0, rounding_size=radius)(x0, y0, x1 - x0, y1 - y0, 1.0)


def _rotated(image: PilImage, text: Text, face: FreeTypeFont) -> None:
    from PIL import Image, ImageDraw

    left, top, right, bottom = face.getbbox(text.text, anchor="lm")
    strip = Image.new("L", (int(right - left) + 2, int(bottom - top) + 2), 0)
    ImageDraw.Draw(strip).text((1 - left, 1 - top), text.text, font=face, fill=255, anchor="lm")
    turned = strip.rotate(90, expand=True)
    x, y = text.xy
    at = (round(x - turned.width / 2), round(y - turned.height / 2))
    image.paste(text.color, (*at, at[0] + turned.width, at[1] + turned.height), turned)


_SVG_FONTS = {
    "japanese": '"IPAexGothic", "Noto Sans CJK JP", "Hiragino Kaku Gothic ProN", sans-serif',
    "latin": '"DejaVu Sans", "Verdana", sans-serif',
}
_SVG_ANCHORS = {"m": "middle", "r": "end"}
_SVG_BASELINES = {"m": "central", "t": "text-before-edge", "s": "alphabetic"}


def svg(scene: Scene) -> bytes:
    """The scene as SVG for a browser: shapes as paths, texts as text in the reader's font."""
    inches = scene.width / scene.dpi, scene.height / scene.dpi
    size = f'width="{inches[0] * 72:.1f}pt" height="{inches[1] * 72:.1f}pt"'
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} '
        f'viewBox="0 0 {scene.width} {scene.height}">',
        f'<rect width="{scene.width}" height="{scene.height}" fill="#ffffff"/>',
    ]
    for shape in scene.shapes:
        paint = f'fill="{shape.fill or "none"}"'
        if shape.stroke and shape.width:
            paint += f' stroke="{shape.stroke}" stroke-width="{scene.px(shape.width):.2f}"'
        if shape.alpha < 1:
            paint += f' fill-opacity="{shape.alpha}" stroke-opacity="{shape.alpha}"'
        if shape.kind == "circle":
            (x, y), radius = shape.points[0], shape.radius
            out.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{radius:.2f}" {paint}/>')
        elif shape.kind == "box":
            (x0, y0), (x1, y1) = shape.points
            out.append(
                f'<rect x="{x0:.2f}" y="{y0:.2f}" width="{x1 - x0:.2f}" height="{y1 - y0:.2f}" '
                f'rx="{shape.radius:.2f}" {paint}/>'
            )
        else:
            points = " ".join(f"{x:.2f},{y:.2f}" for x, y in shape.points)
            tag = "polygon" if shape.closed else "polyline"
            out.append(f'<{tag} points="{points}" {paint} stroke-linejoin="round"/>')
    for text in scene.texts:
        x, y = text.xy
        lines = text.text.split("\n")
        step = scene.px(text.size) * text.spacing
        style = (
            f"font-family='{_SVG_FONTS[text.font]}' font-size=\"{scene.px(text.size):.2f}\" "
            f'fill="{text.color}" text-anchor="{_SVG_ANCHORS[text.anchor[0]]}" '
            f'dominant-baseline="{_SVG_BASELINES[text.anchor[1]]}"'
        )
        if text.rotated:
            style += f' transform="rotate(-90 {x:.2f} {y:.2f})"'
        top = y - step * len(lines) / 2
        for index, line in enumerate(lines):
            line_y = top + step * (index + 0.5) if len(lines) > 1 else y
            out.append(f'<text x="{x:.2f}" y="{line_y:.2f}" {style}>{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out).encode("utf-8")

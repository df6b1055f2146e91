"""Charts as PNG: written fast, and placed in a PDF as they are, never compressed again."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# IHDR of an 8-bit RGB PNG, deflate-compressed, adaptive filters, not interlaced: its IDAT
# data is exactly a PDF image stream with /FlateDecode and the PNG predictors.
_RGB_8_BIT = (8, 2, 0, 0, 0)


# zlib level of the charts' pixels: the fastest; the charts are mostly flat colour.
PNG_COMPRESSION = 1
_UP = 2  # PNG row filter: each byte less the byte above it


def rgb_png(pixels: np.ndarray) -> bytes:
    """An 8-bit RGB PNG of ``pixels`` (rows × columns × 3 bytes).

    Every row is filtered as its difference from the row above, which turns a chart's flat
    areas into zeros: as small a file as Pillow's choice of a filter per row, written in a
    third of the time.
    """
    import numpy as np

    height, width, _ = pixels.shape
    rows = pixels.reshape(height, width * 3)
    filtered = np.empty((height, width * 3 + 1), dtype=np.uint8)
    filtered[:, 0] = _UP
    filtered[0, 1:] = rows[0]  # the row above the first one counts as zeros
    np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:])
    header = struct.pack(">IIBBBBB", width, height, *_RGB_8_BIT)
    data = zlib.compress(filtered.tobytes(), PNG_COMPRESSION)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@dataclass(frozen=True, slots=True)
class PngPixels:
    """An RGB PNG's size and its IDAT data (the compressed, filtered rows)."""

    width: int
    height: int
    data: bytes


def rgb_png_pixels(content: bytes) -> PngPixels | None:
    """The pixels of an 8-bit RGB, non-interlaced PNG (as the charts are); None otherwise."""
    if not content.startswith(PNG_SIGNATURE):
        return None
    header: tuple[int, ...] | None = None
    parts: list[bytes] = []
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(content):
        length, kind = struct.unpack_from(">I4s", content, offset)
        body = content[offset + 8 : offset + 8 + length]
        if len(body) != length:
            return None  # cut short
        if kind == b"IHDR" and length == 13:
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            parts.append(body)
        elif kind in (b"PLTE", b"tRNS"):
            return None  # a palette or a transparent colour: not plain RGB
        elif kind == b"IEND":
            break
        offset += 12 + length  # length, type, data, CRC
    if header is None or not parts or header[2:] != _RGB_8_BIT:
        return None
    return PngPixels(header[0], header[1], b"".join(parts))


class PlacedPng:
    """An image for WeasyPrint that is written to every PDF without being decoded.

    WeasyPrint's own raster images decode a PNG and compress it again for each document
    it is placed in (and an alpha channel twice): about 40 ms per chart, per PDF. This one
    hands the PNG's compressed rows to the PDF as they are, which PDF readers decode like
    any image (the PNG predictors of /FlateDecode). It implements what WeasyPrint asks of
    an image: its size, how to draw it, and its PDF object.
    """

    def __init__(self, pixels: PngPixels, image_id: str) -> None:
        self.id = image_id
        self.width = pixels.width
        self.height = pixels.height
        self.ratio = pixels.width / pixels.height
        self._data = pixels.data

    def get_intrinsic_size(self, resolution: float, font_size: float) -> tuple[float, ...]:
        """Width and height in CSS pixels at ``resolution`` dots per pixel, and the ratio."""
        return self.width / resolution, self.height / resolution, self.ratio

    def draw(self, stream: Any, concrete_width: float, concrete_height: float, style: Any) -> None:
        """Place the image in a page's content stream, scaled to the box it is drawn in."""
        interpolate = style["image_rendering"] == "auto"
        name = stream.add_image(self, interpolate, 1)
        stream.transform(concrete_width, 0, 0, -concrete_height, 0, concrete_height)
        stream.draw_x_object(name)

    def get_x_object(self, interpolate: bool, dpi_ratio: float) -> Any:
        """The PDF image object: a new one for each document, the same bytes in all."""
        import pydyf  # type: ignore[import-untyped]  # WeasyPrint's PDF writer

        extra = pydyf.Dictionary(
            {
                "Type": "/XObject",
                "Subtype": "/Image",
                "Width": self.width,
                "Height": self.height,
                "ColorSpace": "/DeviceRGB",
                "BitsPerComponent": 8,
                "Interpolate": "true" if interpolate else "false",
                "Filter": "/FlateDecode",
                "DecodeParms": pydyf.Dictionary(
                    {"Predictor": 15, "Colors": 3, "Columns": self.width}
                ),
            }
        )
        return pydyf.Stream([self._data], extra)

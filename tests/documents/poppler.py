"""poppler-utils (pdftotext, pdfinfo, pdftoppm) driven on PDF bytes, for the document tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

TOOLS = ("pdftotext", "pdfinfo", "pdftoppm", "pdffonts", "pdfimages")
A4_POINTS = (595.28, 841.89)


def require_poppler() -> None:
    """Skip without poppler-utils; on CI (``CI`` set) its absence is a failure."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = f"{', '.join(missing)} not installed: apt-get install -y poppler-utils"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, check=True, text=True, timeout=60).stdout


PDF = "{pdf}"


def _with_file(pdf: bytes, *args: str) -> str:
    """Run a tool on ``pdf`` written to a temporary file (``PDF`` in ``args`` names it)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "card.pdf"
        path.write_bytes(pdf)
        return _run(*(str(path) if arg == PDF else arg for arg in args))


def text(pdf: bytes, *, body_only: bool = True) -> str:
    """The PDF's text in drawing order (a table cell's lines stay together, not interleaved
    with the next cell's); ``body_only`` leaves out each page's running header and footer."""
    if not body_only:
        return _with_file(pdf, "pdftotext", "-raw", "-enc", "UTF-8", PDF, "-")
    # Crop each page to the area inside its top and bottom margins (at 72 dpi, in points).
    crop = ("-r", "72", "-x", "0", "-y", "40", "-W", "596", "-H", "770")
    return _with_file(pdf, "pdftotext", "-raw", "-enc", "UTF-8", *crop, PDF, "-")


def squashed(value: str) -> str:
    """Text without whitespace: pdftotext breaks lines where the layout wrapped them."""
    return re.sub(r"\s+", "", value)


def pages(pdf: bytes) -> list[str]:
    """Each page's text (running header and footer left out), in page order."""
    return text(pdf).split("\f")[:-1]


def fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """Each font the PDF uses (pdffonts): its name and whether it is embedded."""
    output = _with_file(pdf, "pdffonts", PDF)
    found = []
    for line in output.splitlines()[2:]:
        parts = line.split()
        # name, type words …, encoding, emb, sub, uni, object id, generation
        found.append((parts[0], parts[-5] == "yes"))
    return found


@dataclass(frozen=True)
class Info:
    """What pdfinfo says: the page count and each page's size in points."""

    pages: int
    sizes: list[tuple[float, float]]


def info(pdf: bytes) -> Info:
    """Page count and page sizes."""
    output = _with_file(pdf, "pdfinfo", "-f", "1", "-l", "9999", PDF)
    pages = int(re.search(r"^Pages:\s+(\d+)", output, re.M)[1])  # type: ignore[index]
    sizes = [
        (float(w), float(h))
        for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", output, re.M)
    ]
    return Info(pages, sizes)


@dataclass(frozen=True)
class Word:
    """One word of ``pdftotext -bbox``: its page, text and box in points."""

    page: int
    page_size: tuple[float, float]
    text: str
    box: tuple[float, float, float, float]


def words(pdf: bytes) -> list[Word]:
    """Every word with its bounding box."""
    html = _with_file(pdf, "pdftotext", "-bbox", "-enc", "UTF-8", PDF, "-")
    found: list[Word] = []
    for number, page in enumerate(re.findall(r"<page (.*?)</page>", html, re.S), 1):
        size = re.match(r'width="([\d.]+)" height="([\d.]+)"', page)
        assert size is not None
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page,
        ):
            box = (float(x0), float(y0), float(x1), float(y1))
            found.append(Word(number, (float(size[1]), float(size[2])), word, box))
    return found


def render_pages(pdf: bytes, folder: Path, dpi: int = 40) -> list[Path]:
    """Each page as a PNG file (pdftoppm), in page order."""
    path = folder / "card.pdf"
    path.write_bytes(pdf)
    _run("pdftoppm", "-r", str(dpi), "-png", str(path), str(folder / "page"))
    return sorted(folder.glob("page-*.png"))


def images(pdf: bytes, folder: Path) -> list[Path]:
    """Each image embedded in the PDF, decoded to PNG (pdfimages), in page order."""
    path = folder / "card.pdf"
    path.write_bytes(pdf)
    _run("pdfimages", "-png", str(path), str(folder / "image"))
    return sorted(folder.glob("image-*.png"))

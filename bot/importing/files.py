"""Files people send (Word, PDF with a text layer, plain text) → the text the reader takes.

Everything happens in memory: the bytes are never written anywhere. A file that can't be
read says why (:class:`Unreadable`), so the person hears what to do instead.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from dataclasses import dataclass
from typing import Final, Literal

from bot.engine.messages import ATTACHMENT_LIMIT

MAX_BYTES: Final = ATTACHMENT_LIMIT
"""The largest file read (2 MB): a 職務経歴書 is a few dozen KB; a bigger file is a scan."""
_MAX_UNPACKED: Final = 40 * 1024 * 1024
_MAX_PDF_PAGES: Final = 30

Reason = Literal["too_large", "image_pdf", "old_word", "image", "unknown_type", "broken", "empty"]

_DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_IMAGE_SUFFIXES: Final = (
    ".jpg",
    ".jpeg",
    ".png",
    ".heic",
    ".gif",
    ".webp",
    ".bmp",
    ".tif",
    ".tiff",
)


class Unreadable(Exception):
    """A file that can't be read, and why (``reason``)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason: Reason = reason


@dataclass(frozen=True, slots=True)
class FileText:
    """The text of a file, and what kind of file it was (``docx``, ``pdf`` or ``txt``)."""

    text: str
    kind: Literal["docx", "pdf", "txt"]


def kind_of(name: str, media_type: str) -> str:
    """What a file is, by its name's ending first and its media type second."""
    lower = name.lower()
    if lower.endswith(".docx") or media_type == _DOCX:
        return "docx"
    if lower.endswith(".pdf") or media_type == "application/pdf":
        return "pdf"
    if lower.endswith((".txt", ".text", ".csv", ".md")) or media_type.startswith("text/"):
        return "txt"
    if lower.endswith((".doc", ".rtf")) or media_type == "application/msword":
        return "old_word"
    if lower.endswith(_IMAGE_SUFFIXES) or media_type.startswith("image/"):
        return "image"
    return "unknown"


def read_file(name: str, media_type: str, content: bytes, size: int | None = None) -> FileText:
    """The text of a file sent by a person.

    ``size`` is the size the platform reported when the file was not downloaded (too big).

    Raises:
        Unreadable: Too large, an image or a PDF without text, an old .doc, or broken.
    """
    if max(size or 0, len(content)) > MAX_BYTES:
        raise Unreadable("too_large")
    kind = kind_of(name, media_type)
    if kind == "old_word":
        raise Unreadable("old_word")
    if kind == "image":
        raise Unreadable("image")
    if kind == "unknown":
        raise Unreadable("unknown_type")
    if not content:
        raise Unreadable("empty")
    if kind == "docx":
        text = _docx_text(content)
    elif kind == "pdf":
        text = _pdf_text(content)
    else:
        text = decode_text(content)
    if not text.strip():
        raise Unreadable("image_pdf" if kind == "pdf" else "empty")
    return FileText(text, "docx" if kind == "docx" else "pdf" if kind == "pdf" else "txt")


def decode_text(content: bytes) -> str:
    """Plain text in UTF-8 (with or without a BOM), Shift_JIS/CP932, EUC-JP …

    UTF-8 is tried first because it fails loudly on anything else; otherwise
    charset-normalizer picks the encoding.
    """
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(
        content, cp_isolation=["cp932", "shift_jis", "euc_jp", "iso2022_jp", "utf_16"]
    ).best()
    if best is None:
        best = from_bytes(content).best()
    if best is None:
        raise Unreadable("broken")
    return str(best)


def _docx_text(content: bytes) -> str:
    """Paragraphs and tables of a Word file in document order; a table row's cells are
    joined by tabs, as when a table is copied as text."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > _MAX_UNPACKED:
                raise Unreadable("too_large")
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(content))
    except Unreadable:
        raise
    except Exception as exc:  # a damaged or password-protected file
        raise Unreadable("broken") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    # A merged cell appears once per column it spans: take it once.
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text)
                lines.append("\t".join(cells))
    return "\n".join(lines)


def _pdf_text(content: bytes) -> str:
    """The text layer of a PDF (empty for a scan or a photo saved as PDF)."""
    from pdfminer.high_level import extract_text
    from pdfminer.layout import LAParams

    try:
        return extract_text(io.BytesIO(content), maxpages=_MAX_PDF_PAGES, laparams=LAParams())
    except Exception as exc:  # damaged, encrypted
        raise Unreadable("broken") from exc

"""One object that renders a card in every format; the composition root builds it once."""

from __future__ import annotations

import base64
import gc
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.documents.context import SHEET_KEYS, Charts, DocumentContext
from bot.documents.images import PlacedPng, rgb_png_pixels
from bot.documents.sheets import document_context
from bot.documents.tuning import call_with_room, keep_shaped_text, quick_default_styles
from bot.jobcard import JobCard
from jobcard_templates import TEMPLATES_DIR

DOCUMENT_TEMPLATE = "jobcard.html.j2"
STYLESHEET = "jobcard.css"
CHART_SCHEME = "chart"
# Charts kept ready to place in PDFs (a card has two).
CACHED_CHARTS = 64
# Rules of WeasyPrint's default stylesheet: for a pseudo-element of any element (::marker),
# and for a page margin box (@top-left { text-align: left; … }).
_PSEUDO_ELEMENT_RULE = re.compile(r"^::[a-z-]+ \{[^}]*\}$", re.MULTILINE)
_MARGIN_BOX_RULE = re.compile(
    r"^\s*@((?:top|bottom|left|right)-[a-z-]+)\s*\{[^}]*\}$", re.MULTILINE
)
# zlib level of the PDF's streams (page contents, the embedded font). WeasyPrint's writer
# uses 9, which took two and a half times as long as 6 for files 0.6% smaller.
STREAM_COMPRESSION = 6
# PDFs kept by the digest of their page: the same card asked for again (a second press,
# a download link opened) is not laid out again. A PDF is some hundred kilobytes.
CACHED_PDFS = 16
# The card's bold texts, printed in the regular weight: IPAexGothic has no bold face, and
# WeasyPrint printed them from a second copy of the regular font (a second subset made and
# embedded in every PDF, 7% of its size) that PDF viewers draw no bolder. Browsers make a
# bold of their own, so the HTML card keeps it.
PRINTED_REGULAR = "h1, h2.table-caption, th, .box-label"
# A template's line break and indentation between two tags (or template tags): written for
# people to read, printed as nothing.
_INDENTATION = re.compile(r"(>|%\}|\}\}|#\})[ \t]*\n\s*(?=<|\{[%{#])")


class TemplateLoader(FileSystemLoader):
    """The card templates, less the indentation between their tags.

    WeasyPrint parsed every such run of white space of a page and made a box of it that
    layout then dropped. Only the templates' own text is touched, before any answer is put
    in: an answer is printed exactly as written, its line breaks and spaces included.
    """

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The template's source; a card template's without its indentation and last line break."""
        source, filename, uptodate = super().get_source(environment, template)
        if template.endswith(".html.j2"):
            source = _INDENTATION.sub(r"\1", source).rstrip()
        return source, filename, uptodate


def make_environment(templates_dir: Path = TEMPLATES_DIR) -> Environment:
    """A Jinja2 environment for the card templates.

    Every template is autoescaped (answers are shown literally, never as markup) and an
    undefined name is an error rather than an empty string.
    """
    return Environment(
        loader=TemplateLoader(templates_dir),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(environment: Environment, context: DocumentContext) -> str:
    """The whole document (every sheet in ``context``) as one HTML page."""
    return environment.get_template(DOCUMENT_TEMPLATE).render(doc=context)


def lean_default_css(default: str, stylesheet: str) -> str:
    """WeasyPrint's default stylesheet for HTML, less what the card's ``stylesheet`` never uses.

    Its rules for pseudo-elements of every element (list markers, footnote and note calls)
    made it compute six extra styles for each element of the page, and its rules for the
    sixteen page margin boxes sixteen styles for each page, where the card uses three
    margin boxes and has no lists or notes: about 7% of each PDF's time.
    """
    used = set(_MARGIN_BOX_RULE.findall(stylesheet))
    lean = _PSEUDO_ELEMENT_RULE.sub("", default)
    return _MARGIN_BOX_RULE.sub(lambda rule: rule[0] if rule[1] in used else "", lean)


def compress_streams(document: Any, pdf: Any) -> None:
    """A WeasyPrint finisher: compress the PDF's streams at ``STREAM_COMPRESSION``.

    Each stream WeasyPrint would compress when writing the file is compressed here
    instead, and written as it is then.
    """
    import zlib

    import pydyf  # type: ignore[import-untyped]  # WeasyPrint's PDF writer

    for item in pdf.objects:
        if type(item) is pydyf.Stream and item.compress:
            # The stream's bytes, joined as the writer joins them: "<<…>>\nstream\n…\nendstream".
            written = pydyf.Stream(item.stream).data
            content = written[written.index(b"\nstream\n") + 8 : -len(b"\nendstream")]
            item.stream = [zlib.compress(content, STREAM_COMPRESSION)]
            item.extra["Filter"] = "/FlateDecode"
            item.compress = False


def well_formed_tree(page: str) -> Any:
    """The page's element tree as expat reads it, or None when the page is not well-formed XML.

    The templates write well-formed XHTML (void elements closed, every table's row group
    given), so this is the tree WeasyPrint's HTML5 parser builds, in a fortieth of the time
    (its pure-Python parser took about 15 ms a card). A page that is not well-formed (a
    character XML does not allow, typed in an answer) returns None: it is parsed as HTML.
    """
    from xml.etree.ElementTree import ParseError, XMLParser

    parser = XMLParser()
    try:
        parser.feed(page)
        return parser.close()
    except ParseError:
        return None


@contextmanager
def young_garbage_collected_after() -> Iterator[None]:
    """Run the block without the cyclic garbage collector's passes, then make one pass.

    Laying out a card creates tens of thousands of objects that live until its PDF is
    written. The collector, counting them, ran dozens of passes over them meanwhile and
    now and then a full pass over every object of the process (the catalog, the dialogs,
    the fonts): about a sixth of a PDF's time. One pass over the young objects afterwards
    frees the same garbage, and its time is counted in the PDF's. Collection is paused
    for the whole process for that while (a few hundred milliseconds): other threads only
    find their garbage freed a little later.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Only if it was on: the collector may have been paused by another such block.
        if enabled:
            gc.enable()
        gc.collect(1)


class Printer:
    """WeasyPrint, set up once: the bundled fonts and the print stylesheet, then PDF after PDF.

    The font configuration (which copies the 4 MB font for fontconfig) and the parsed
    stylesheet are kept between documents; PDFs are made one at a time, as WeasyPrint's
    font state is shared. Only ``data:``, ``file:`` (the fonts) and ``chart:`` URLs (charts
    held in memory) are fetched, so a document can never make the server reach the network;
    a resource that fails to load stops the rendering instead of silently printing missing
    glyphs. Charts are placed in the PDF as the PNGs they were drawn as (never decoded and
    compressed again), and whole PDFs are kept by content, so the same card asked for again
    costs nothing.

    With ``emoji_font`` (Noto Color Emoji) emoji in answers are printed from it, embedded
    like the Japanese font; any emoji neither font has is printed as 〔絵文字〕.
    """

    def __init__(self, stylesheet: str, emoji_font: Path | None = None) -> None:
        # WeasyPrint takes a second or two to import: only when the first PDF is made.
        import cssselect2  # type: ignore[import-untyped]  # WeasyPrint's selector matching
        from weasyprint import CSS, HTML
        from weasyprint.css.counters import CounterStyle
        from weasyprint.html import UA
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        from bot.documents.typography import (
            EMOJI_FONT_FAMILY,
            FONT_FAMILY,
            font_path,
            font_url,
        )

        charts: OrderedDict[str, tuple[bytes, PlacedPng | None]] = OrderedDict()

        class Fetcher(URLFetcher):  # type: ignore[misc]
            """``data:`` and ``file:`` only, plus the charts of the documents being made."""

            def fetch(self, url: str, headers: Any = None) -> Any:
                if url.startswith(f"{CHART_SCHEME}:"):
                    content, _ = charts[url.removeprefix(f"{CHART_SCHEME}:")]
                    return URLFetcherResponse(url, content, {"Content-Type": "image/png"})
                return super().fetch(url, headers)

        # Its @counter-style rules are already in UA_COUNTER_STYLE, which every page's
        # counters start from: parsed into a scratch set, they are not redefined (WeasyPrint
        # would log a warning for each predefined name, for every printer made).
        lean_ua = CSS(string=lean_default_css(UA, stylesheet), counter_style=CounterStyle())

        class Page(HTML):  # type: ignore[misc]
            """A card's page, styled with the lean default stylesheet.

            WeasyPrint asks the page for its default stylesheets (``_ua_stylesheets``, not
            public API): were a later version not to ask, pages would get the full one,
            slower but the same to look at. A well-formed page is read by expat (see
            ``well_formed_tree``) and given the attributes ``HTML.__init__`` gives a page it
            parsed; any other page is parsed by WeasyPrint.
            """

            def __init__(self, string: str, url_fetcher: Any) -> None:
                root = well_formed_tree(string)
                if root is None:
                    super().__init__(string=string, url_fetcher=url_fetcher)
                    return
                self.base_url = None
                self.url_fetcher = url_fetcher
                self.media_type = "print"
                self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                    root, content_language=None
                )
                self.etree_element = self.wrapper_element.etree_element

            def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
                return list(super()._ua_stylesheets(forms)) if forms else [lean_ua]

        keep_shaped_text()
        quick_default_styles()
        self._page = Page
        self._charts = charts
        self._fetcher = Fetcher(
            allowed_protocols=("data", "file", CHART_SCHEME), fail_on_errors=True
        )
        self._fonts = FontConfiguration()
        self._pdfs: OrderedDict[bytes, bytes] = OrderedDict()
        self.fonts = (font_path(),) if emoji_font is None else (font_path(), emoji_font)
        faces = [f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{font_url()}"); }}']
        if emoji_font is not None:
            url = emoji_font.resolve().as_uri()
            faces.append(
                f'@font-face {{ font-family: "{EMOJI_FONT_FAMILY}"; src: url("{url}"); }}'
            )
            # After the stylesheet: the emoji font follows the Japanese one in every text.
            stylesheet += f'\nhtml {{ font-family: "{FONT_FAMILY}", "{EMOJI_FONT_FAMILY}"; }}'
        stylesheet += f"\n{PRINTED_REGULAR} {{ font-weight: normal; }}"
        self._css = CSS(
            string="\n".join([*faces, stylesheet]),
            font_config=self._fonts,
            url_fetcher=self._fetcher,
        )
        self._lock = threading.Lock()

    def chart_url(self, uri: str) -> str:
        """A short ``chart:`` URL for a PNG ``data:`` URI (empty stays empty).

        A page that names its charts by digest stays small to parse, and a chart that is an
        RGB PNG (as drawn by ``bot.documents.charts``) is placed from memory as it is.
        """
        if not uri.startswith("data:image/png;base64,"):
            return uri
        content = base64.b64decode(uri.split(",", 1)[1])
        key = hashlib.sha256(content).hexdigest()
        pixels = rgb_png_pixels(content)
        placed = PlacedPng(pixels, key[:32]) if pixels is not None else None
        with self._lock:
            self._charts[key] = (content, placed)
            self._charts.move_to_end(key)
            while len(self._charts) > CACHED_CHARTS:
                self._charts.popitem(last=False)
        return f"{CHART_SCHEME}:{key}"

    def pdf(self, html: str) -> bytes:
        """The PDF of ``html``: A4 pages as the stylesheet says, text embedded and extractable."""
        from bot.documents.typography import printable

        html = printable(html, self.fonts, shaped=True)
        # A digest, not the page: the cache never holds a person's words as text.
        digest = hashlib.sha256(html.encode("utf-8", "surrogatepass")).digest()
        with self._lock:
            cached = self._pdfs.get(digest)
            if cached is not None:
                self._pdfs.move_to_end(digest)
                return cached
            # WeasyPrint's image cache, by URL: the charts go in ready to place. Any other
            # image (a chart that is not an RGB PNG) is fetched and decoded as usual.
            images: dict[str, Any] = {
                f"{CHART_SCHEME}:{key}": placed
                for key, (_, placed) in self._charts.items()
                if placed is not None
            }
            with young_garbage_collected_after():
                document = self._page(string=html, url_fetcher=self._fetcher)
                write: Callable[[], bytes] = partial(
                    document.write_pdf,
                    stylesheets=[self._css],
                    font_config=self._fonts,
                    cache=images,
                    finisher=compress_streams,
                )
                del document
                pdf = call_with_room(write)
                del write
            self._pdfs[digest] = pdf
            while len(self._pdfs) > CACHED_PDFS:
                self._pdfs.popitem(last=False)
        return pdf


class CardDocuments:
    """Renders a ``JobCard`` as HTML, PDF, Excel, Markdown or a chat preview.

    Holds the Jinja2 environment, so templates are loaded and compiled once. The heavy
    libraries (WeasyPrint, matplotlib, openpyxl) are imported on first use only, so
    building this costs nothing at start-up.
    """

    def __init__(
        self,
        environment: Environment | None = None,
        *,
        emoji_font: Path | Literal["system"] | None = "system",
    ) -> None:
        """``emoji_font``: a font file for emoji in the PDF; "system" finds Noto Color Emoji
        where the system has it; None prints each emoji as 〔絵文字〕."""
        self._environment = environment or make_environment()
        self._emoji_font = emoji_font
        self._printer: Printer | None = None
        self._printer_lock = threading.Lock()

    def context(
        self, card: JobCard, sheets: Sequence[str] = SHEET_KEYS, *, charts: Charts | None = None
    ) -> DocumentContext:
        """The plain context the templates, the Excel writer and the previews read."""
        return document_context(card, sheets, charts=charts)

    def charts(self, card: JobCard, image_format: str = "png") -> Charts:
        """The life-line chart and the Will/Can/Must diagram as ``data:`` URIs.

        PNG for PDF: WeasyPrint draws an SVG chart's many glyph outlines about four times
        slower than it places a PNG. SVG for HTML, which a browser zooms sharply.
        """
        from bot.documents.charts import chart_images

        return chart_images(card, "png" if image_format == "png" else "svg")

    def html(
        self, card: JobCard, sheets: Sequence[str] = SHEET_KEYS, *, charts: Charts | None = None
    ) -> str:
        """A self-contained HTML page (charts embedded; the reader's own Japanese font)."""
        drawn = charts if charts is not None else self._charts_for(card, sheets, "svg")
        return render_html(self._environment, self.context(card, sheets, charts=drawn))

    def pdf(
        self, card: JobCard, sheets: Sequence[str] = SHEET_KEYS, *, charts: Charts | None = None
    ) -> bytes:
        """A4 PDF with the bundled IPAexGothic font embedded."""
        drawn = charts if charts is not None else self._charts_for(card, sheets, "png")
        printer = self._printer_for()
        named = Charts(printer.chart_url(drawn.lifeline), printer.chart_url(drawn.will_can_must))
        # The stylesheet is the printer's, parsed once, rather than a <style> in each page.
        context = replace(self.context(card, sheets, charts=named), inline_css=False)
        return printer.pdf(render_html(self._environment, context))

    def xlsx(self, card: JobCard, sheets: Sequence[str] = SHEET_KEYS) -> bytes:
        """An Excel workbook, one worksheet per sheet, set up to print on A4."""
        from bot.documents.xlsx import render_xlsx

        return render_xlsx(self.context(card, sheets))

    def markdown(self, card: JobCard, sheets: Sequence[str] = SHEET_KEYS) -> str:
        """Markdown, with every answer escaped so it reads literally."""
        from bot.documents.preview import render_markdown

        return render_markdown(self.context(card, sheets))

    def preview(self, card: JobCard, sheets: Sequence[str] = SHEET_KEYS) -> str:
        """Plain text for a chat message (split it with ``split_message``)."""
        from bot.documents.preview import render_text

        return render_text(self.context(card, sheets))

    def _printer_for(self) -> Printer:
        with self._printer_lock:
            if self._printer is None:
                from bot.documents.typography import emoji_font_path

                stylesheet = self._environment.get_template(STYLESHEET).render()
                found = emoji_font_path() if self._emoji_font == "system" else self._emoji_font
                self._printer = Printer(stylesheet, found)
            return self._printer

    def _charts_for(self, card: JobCard, sheets: Sequence[str], image_format: str) -> Charts:
        # Charts appear only on the reference page: don't draw them for other sheets.
        return self.charts(card, image_format) if "ref" in sheets else Charts()

"""WeasyPrint's own work made cheaper, the PDFs it makes the same (see ``Printer``).

Each function here changes how WeasyPrint or CPython gets to a result, never the result:
checked against WeasyPrint 70 with the card's pages compared byte for byte (the emoji
font's subset carries the time it was made, which differs between any two runs).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

# Room, in pointers, that ``call_with_room`` reserves for the calls it makes: 64 KiB.
_ROOM = 8192
# The WeasyPrint releases whose internals the two patches below were checked against: with
# any other, WeasyPrint runs as it comes (slower, never different).
CHECKED_WEASYPRINT = ("70.",)


def _checked_weasyprint() -> bool:
    import weasyprint

    return str(weasyprint.__version__).startswith(CHECKED_WEASYPRINT)


@cache
def _roomy_caller() -> Callable[[Callable[[], bytes]], bytes]:
    # A function whose frame holds _ROOM local variables (never set): a plain way to ask
    # CPython for a big frame. Compiled once per process (about 20 ms, with the first PDF).
    names = " = ".join(f"_{n}" for n in range(_ROOM))
    source = f"def call(function):\n    {names} = None\n    return function()\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<call_with_room>", "exec"), namespace)
    function: Callable[[Callable[[], bytes]], bytes] = namespace["call"]
    return function


def call_with_room(function: Callable[[], bytes]) -> bytes:
    """``function()``, run with room on CPython's frame stack for deep recursion.

    CPython (3.11 and later) keeps the frames of Python calls in 16 KiB chunks, mapping a
    new chunk when a call does not fit and unmapping it as soon as the calls return below
    it. WeasyPrint's layout recurses down the box tree and back across such a boundary
    about 1,600 times for a card: each time an mmap, a munmap and fresh pages faulted in,
    some 5-10% of a PDF's time. Called from a frame this big, the calls go on in the
    chunk made for it, which has 60 KiB to spare: no mapping at all.
    """
    return _roomy_caller()(function)


def keep_shaped_text() -> None:
    """Have WeasyPrint draw each line of text with the Pango layout it measured it with.

    WeasyPrint shapes a line's text to break it (a Pango context and layout, HarfBuzz),
    drops the layout, and for drawing makes a new one and shapes the same text again:
    some 300 lines a card. Kept, the layout is drawn as it is whenever it would be made
    again from the same text and style (no justification spacing, which the card never
    uses), so the PDF is byte for byte the same: about 4% of its time. The layouts live
    as long as their document, a few megabytes at most. Installed once per process, and
    only on a checked WeasyPrint (``CHECKED_WEASYPRINT``).
    """
    from weasyprint.text.line_break import Layout

    if not _checked_weasyprint() or getattr(Layout, "_kept_for_drawing", False):
        return
    remake = Layout.reactivate

    def keep(self: Any) -> None:
        """Keep the layout (WeasyPrint dropped it here to be made again for drawing)."""

    def reactivate(self: Any, style: Any) -> None:
        """The layout as measured when it would be made the same, else made again."""
        kept = getattr(self, "layout", None) is not None and self.style is style
        if not kept or self.justification_spacing:
            remake(self, style)

    Layout.deactivate = keep
    Layout.reactivate = reactivate
    Layout._kept_for_drawing = True


def quick_default_styles() -> None:
    """Have WeasyPrint take an element's unset properties straight from its parent or the
    initial values.

    WeasyPrint works out each property of each element when first asked, by one general
    function that checks for variables, logical properties, math and the special cases;
    some 17,000 times a card, about a tenth of a PDF's time. Two thirds of them are a
    property the stylesheet does not set on that element, which the general function
    resolves to its parent's value (an inherited one) or to the initial value (one that
    needs no computing). Those are taken directly here; every other case, and every
    property involved in a special case, still goes through the general function. Only on
    a checked WeasyPrint (``CHECKED_WEASYPRINT``).
    """
    from weasyprint.css import PHYSICAL_FUNCTIONS, ComputedStyle
    from weasyprint.css.properties import INHERITED, INITIAL_NOT_COMPUTED, INITIAL_VALUES

    if not _checked_weasyprint() or getattr(ComputedStyle, "_quick_defaults", False):
        return
    general = ComputedStyle.__missing__
    special = frozenset(("float", "display", "position", "page"))

    def __missing__(self: Any, key: str) -> Any:
        if (
            key not in self.cascaded
            and key not in PHYSICAL_FUNCTIONS
            and key not in special
            and not key.startswith("text_decoration_")
        ):
            if key in INHERITED or key.startswith("__"):
                if self.parent_style is not None:
                    value = self[key] = self.parent_style[key]
                    return value
            elif key not in INITIAL_NOT_COMPUTED:
                value = self[key] = INITIAL_VALUES[key]
                return value
        return general(self, key)

    ComputedStyle.__missing__ = __missing__
    ComputedStyle._quick_defaults = True

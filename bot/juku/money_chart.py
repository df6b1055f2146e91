"""The money-plan chart: assets by age, what-ifs dashed, the age the money runs out marked."""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from bot.engine.localized import Lang
from bot.juku.money import Variant

_setup = threading.Lock()
_ready = False


def _japanese_fonts() -> None:
    """Set a Japanese font once; loading it is slow, so only when a chart is drawn."""
    global _ready
    with _setup:
        if _ready:
            return
        import matplotlib_fontja  # type: ignore[import-untyped]

        matplotlib_fontja.japanize()
        _ready = True


_TEXTS = {
    "ja": {
        "title": "資産の推移（万円）",
        "age": "年齢",
        "assets": "資産（万円）",
        "runs_out": "{age}歳で不足",
    },
    "en": {
        "title": "Assets by age (10,000 yen)",
        "age": "Age",
        "assets": "Assets (10,000 yen)",
        "runs_out": "runs out at {age}",
    },
}


def _keep_positive_readable(axes: Any, variants: Sequence[Variant]) -> None:
    """Cut the axis a little below 0, so a deep shortfall does not squash the good years.

    How far below 0 the money would go is not drawn (the text table says it); the red
    marker says when it runs out.
    """
    values = [row.assets for v in variants for row in v.projection.rows]
    if not values or min(values) >= 0:
        return
    top = max(max(values), 0.0)
    if top <= 0:
        return  # never positive: the whole story is below 0, keep the full range
    axes.set_ylim(bottom=-0.2 * top, top=top * 1.08)


def render_chart(variants: Sequence[Variant], labels: Mapping[str, str], lang: Lang) -> bytes:
    """A PNG of assets by age: the plan as given (solid) and its what-ifs (dashed).

    Args:
        variants: The plan first, then the what-ifs (see ``money.what_ifs``).
        labels: A legend label per variant key.
        lang: The language of the titles.
    """
    _japanese_fonts()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    texts = _TEXTS[lang]
    # A Figure on its own Agg canvas (not pyplot): no global backend or state is touched.
    figure = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for index, variant in enumerate(variants):
        rows = variant.projection.rows
        ages = [row.age for row in rows]
        assets = [row.assets for row in rows]
        if index == 0:
            axes.plot(ages, assets, color="#1f5fa8", linewidth=2.6, label=labels[variant.key])
            axes.fill_between(
                ages, assets, 0, where=[a < 0 for a in assets], color="#d62728", alpha=0.15
            )
        else:
            axes.plot(ages, assets, linestyle="--", linewidth=1.4, label=labels[variant.key])
    axes.axhline(0, color="#444444", linewidth=1)
    if variants:
        base = variants[0].projection
        _keep_positive_readable(axes, variants)
        if base.depletion_age is not None:
            axes.axvline(base.depletion_age, color="#d62728", linestyle=":", linewidth=2)
            axes.annotate(
                texts["runs_out"].format(age=base.depletion_age),
                xy=(base.depletion_age, 0),
                xytext=(8, 18),
                textcoords="offset points",
                color="#d62728",
                fontsize=13,
                # White behind the words, so they stay readable over the lines.
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#d62728"},
            )
    axes.set_title(texts["title"], fontsize=15)
    axes.set_xlabel(texts["age"], fontsize=12)
    axes.set_ylabel(texts["assets"], fontsize=12)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:,.0f}"))
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=10, loc="best")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

"""Benchmark: render time per document format for a rich card (not a test).

Run: ``python -m tests.bench.documents [--runs 7]``. The card has 5 jobs, 6 licences and a
12-event life-line. Every format is rendered once to warm up (imports, fonts, templates),
then ``--runs`` times; the median, fastest and slowest are printed against the targets.

Charts and PDFs are cached by content, so "new" cases render a card changed a little each
run (another name, another life-line score, another Will): what a person's next /card
costs, both charts drawn anew. "again" cases render the very same card: a second press, or
a download link opened.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

from bot.documents import CardDocuments
from bot.jobcard import JobCard
from tests.documents.cards import rich_card

TARGETS_MS = {"html": 50.0, "xlsx": 300.0, "pdf new (charts drawn too)": 300.0}
_runs = itertools.count(1)


def changed(card: JobCard) -> JobCard:
    """The card with its name, first life-line score and Will changed: nothing cached fits it."""
    run = next(_runs)
    first, *rest = card.lifeline
    point = replace(first, score=(run % 200) - 100)
    person = replace(card.person, name=f"{card.person.name}{run}")
    wcm = replace(card.will_can_must, will=f"{card.will_can_must.will}（{run}）")
    return replace(card, person=person, lifeline=[point, *rest], will_can_must=wcm)


def measure(render: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of ``runs`` renders, after one warm-up render.

    CPU time is printed too: on a shared machine the wall clock also counts waiting for a
    core, which CPU time does not.
    """
    render()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        render()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per format")
    args = parser.parse_args()
    documents = CardDocuments()
    card = rich_card()
    drawn_png = documents.charts(card, "png")
    drawn_svg = documents.charts(card, "svg")
    cases: dict[str, Callable[[], object]] = {
        "html": lambda: documents.html(card, charts=drawn_svg),
        "html (drawing SVG charts)": lambda: documents.html(changed(card)),
        "charts new (both, PNG)": lambda: documents.charts(changed(card), "png"),
        "charts again (cached)": lambda: documents.charts(card, "png"),
        "xlsx": lambda: documents.xlsx(card),
        "pdf new (charts drawn before)": lambda: documents.pdf(
            replace(changed(card), lifeline=card.lifeline, will_can_must=card.will_can_must),
            charts=drawn_png,
        ),
        "pdf new (charts drawn too)": lambda: documents.pdf(changed(card)),
        "pdf again (cached)": lambda: documents.pdf(card, charts=drawn_png),
        "markdown": lambda: documents.markdown(card),
        "chat preview": lambda: documents.preview(card),
    }
    # The wall clock counts waiting for a core on a busy machine: say how busy it was.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"rich card: {len(card.work_history)} jobs, {len(card.licenses)} licences, "
        f"{len(card.lifeline)} life-line events; {args.runs} warm runs each; load {load}\n"
    )
    print(f"{'format':<28}{'median':>10}{'min':>10}{'max':>10}{'cpu':>10}{'target':>10}")
    for name, render in cases.items():
        wall, cpu = measure(render, args.runs)
        median = statistics.median(wall)
        target = TARGETS_MS.get(name)
        verdict = f"{target:>8.0f}ms {'ok' if median <= target else 'SLOW'}" if target else ""
        print(
            f"{name:<28}{median:>8.1f}ms{min(wall):>8.1f}ms{max(wall):>8.1f}ms"
            f"{statistics.median(cpu):>8.1f}ms  {verdict}"
        )


if __name__ == "__main__":
    main()

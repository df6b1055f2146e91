"""Benchmark: the 職務経歴書 reader's precision and recall on the corpus, and its speed.

    python -m tests.bench.importing

Prints per document and in total; the documents marked ``heldout`` were written after the
reader was tuned (their first-run figures are in the README).
"""

from __future__ import annotations

import time

from bot.importing.reader import read
from tests.importing.corpus import TODAY, Score, documents, score


def main() -> None:
    total, tuned, heldout = Score(), Score(), Score()
    started = time.perf_counter()
    for document in documents():
        result, problems = score(document, read(document.text, TODAY))
        total.add(result)
        (heldout if document.name[:2] >= "33" else tuned).add(result)
        flag = "" if not problems else f"  ({len(problems)} differences)"
        print(f"{document.name:42} P {result.precision:.3f}  R {result.recall:.3f}{flag}")
    elapsed = time.perf_counter() - started
    print(
        f"\n{len(documents())} documents, {total.expected} expected values,"
        f" read in {elapsed:.2f} s"
    )
    for name, part in (("tuned", tuned), ("held-out", heldout), ("all", total)):
        print(f"{name:9} precision {part.precision:.3f}  recall {part.recall:.3f}")


if __name__ == "__main__":
    main()

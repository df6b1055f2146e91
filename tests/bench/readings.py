"""Benchmark: what matching choices by reading costs (dictionary load, first and later matches).

Run: ``python -m tests.bench.readings``. Each figure is measured in a fresh interpreter, so
the one-off costs (import, dictionary load) are those a new worker pays on its first turn.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

_ONE_OFF = """
import time
t0 = time.perf_counter()
from bot.engine.choices import match_option, Option
from bot.engine.localized import Localized
t1 = time.perf_counter()
import sys
assert "sudachipy" not in sys.modules
labels = ["正社員", "契約社員", "派遣社員", "パート・アルバイト"]
options = tuple(Option(str(i), Localized(ja, ja)) for i, ja in enumerate(labels))
assert match_option(options, "派遣社員") == 2
t2 = time.perf_counter()
def rss():
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * 4096 / 1e6
before = rss()
assert match_option(options, "はけん") == 2
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, rss() - before)
"""


def main() -> None:
    """Print the one-off costs and the steady per-match time."""
    runs = [
        [float(x) for x in subprocess.check_output([sys.executable, "-c", _ONE_OFF]).split()]
        for _ in range(3)
    ]
    columns = zip(*runs, strict=True)
    imports, literal, first_reading, rss = (statistics.median(col) for col in columns)
    print(f"import the engine:            {imports * 1000:7.1f} ms (dictionary not opened)")
    print(f"first literal match:          {literal * 1000:7.1f} ms (dictionary not opened)")
    print(f"first match by reading:       {first_reading * 1000:7.1f} ms (loads the dictionary)")
    print(f"memory the dictionary adds:   {rss:7.1f} MB")

    from bot.engine.choices import Option, match_option
    from bot.engine.localized import Localized
    from bot.engine.readings import reading

    reading("派遣")  # the dictionary, loaded once per process
    sets = [
        tuple(Option(f"v{i}", Localized(f"選択肢{n}{i}番", f"Option {i}")) for i in range(8))
        for n in range(200)
    ]
    start = time.perf_counter()
    for options in sets:  # a new option set each time: its readings are computed
        match_option(options, "せんたくし")
    cold = (time.perf_counter() - start) / len(sets)
    start = time.perf_counter()
    for _ in range(5):
        for options in sets:  # the same sets again: readings come from the cache
            match_option(options, "せんたくしいち")
    warm = (time.perf_counter() - start) / (5 * len(sets))
    print(f"match by reading, new set:    {cold * 1e6:7.0f} µs (8 options)")
    print(f"match by reading, cached set: {warm * 1e6:7.0f} µs")


if __name__ == "__main__":
    main()

"""Benchmark of bot.nlu: per-message latency (p50/p99), start-up with the model loaded, peak memory.

Run: `PYTHONPATH=. python bench/bench_nlu.py [--messages 10000] [--startups 5]`.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
STARTUP = "import bot.nlu as n; n.warm_up()"


def startup_seconds(runs: int) -> list[float]:
    """Wall time of a fresh interpreter that imports bot.nlu and loads the model, `runs` times."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", STARTUP], check=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return times


def latencies_ms(count: int) -> list[float]:
    """Milliseconds per understand() call over the evaluation set, repeated until `count` messages.

    The first pass meets every message for the first time (word caches cold); later passes repeat them.
    """
    sys.path.insert(0, str(ROOT))
    from bot.nlu import understand, warm_up
    from tests.nlu.evaluation import load

    warm_up()
    today, messages = load()
    texts = [m["text"] for m in messages]
    result = []
    for i in range(count):
        text = texts[i % len(texts)]
        started = time.perf_counter_ns()
        understand(text, today=today)
        result.append((time.perf_counter_ns() - started) / 1e6)
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--startups", type=int, default=5)
    args = parser.parse_args()

    starts = startup_seconds(args.startups)
    print(f"start-up (fresh process, `{STARTUP}`): median {statistics.median(starts):.2f} s, "
          f"min {min(starts):.2f} s, max {max(starts):.2f} s over {len(starts)} runs")

    lat = latencies_ms(args.messages)
    from tests.nlu.evaluation import load

    first = lat[: len(load()[1])]
    passes = ((f"all {len(lat)} messages", lat), (f"first pass ({len(first)} new messages)", first))
    for name, values in passes:
        print(f"latency, {name}: p50 {percentile(values, 50):.3f} ms, p90 {percentile(values, 90):.3f} ms, "
              f"p99 {percentile(values, 99):.3f} ms, max {max(values):.3f} ms, "
              f"mean {statistics.fmean(values):.3f} ms")

    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"peak memory of this process (model loaded, {len(lat)} messages understood): "
          f"{peak_kib / 1024:.1f} MiB")


if __name__ == "__main__":
    main()

"""Timing and memory helpers: a clock around a call, percentiles, and peak RSS."""

import math
import resource
import sys
import time
from collections.abc import Callable, Sequence

from bench.report import Result


def time_call(function: Callable[[], object]) -> float:
    """Return how long one call of ``function`` takes, in seconds."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def repeat_call(function: Callable[[], object], runs: int) -> list[float]:
    """Return the durations of ``runs`` calls of ``function``, in seconds."""
    return [time_call(function) for _ in range(runs)]


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the ``fraction`` quantile of ``values``, interpolating between the closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    """Return the median of ``values``."""
    return percentile(values, 0.5)


def peak_rss_mb() -> float:
    """Return this process's peak resident set size so far, in megabytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def peak_rss_result(stage: str) -> Result:
    """Return the process's peak RSS after ``stage`` as an informational result row."""
    return Result(f"peak RSS after {stage}", peak_rss_mb(), "MB", note="process high-water mark")

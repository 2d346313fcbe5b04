"""Percentiles, ratios taken within each round, and medians over rounds."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence


def percentiles(latencies: Sequence[float]) -> dict[str, float]:
    """p50, p95 and p99 in milliseconds (inclusive method: exact on small samples)."""
    if len(latencies) == 1:
        cuts = [latencies[0]] * 99
    else:
        cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000, "p99_ms": cuts[98] * 1000}


def median_ratio(mine: Sequence[float], theirs: Sequence[float]) -> tuple[float, float, float]:
    """Median, lowest and highest of the per-round ratios mine[i] / theirs[i]."""
    ratios = sorted(a / b for a, b in zip(mine, theirs, strict=True) if b)
    if not ratios:
        return (float("nan"),) * 3
    return statistics.median(ratios), ratios[0], ratios[-1]


def median_range(values: Iterable[float]) -> tuple[float, float, float]:
    """Median, lowest and highest of some values (NaN when there are none)."""
    found = sorted(values)
    if not found:
        return (float("nan"),) * 3
    return statistics.median(found), found[0], found[-1]

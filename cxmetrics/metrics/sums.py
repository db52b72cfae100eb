"""Arithmetic shared by the scores and the comparisons: count checks, clipping, variances.

Public within the ``cxmetrics.metrics`` package (``scores`` and ``compare`` both use them);
not re-exported, since callers outside the package only need the scores.
"""

from __future__ import annotations

import math

from cxmetrics.metrics.results import Z95


def check_counts(**counts: int) -> None:
    """Raise ValueError naming the first count below 0."""
    for name, value in counts.items():
        if value < 0:
            raise ValueError(f"{name} must be >= 0, got {value}")


def clip(value: float, lo: float, hi: float) -> float:
    """``value`` limited to [lo, hi]."""
    return min(max(value, lo), hi)


def wilson(successes: int, n: int) -> tuple[float, float, float]:
    """(p, low, high) on the proportion scale [0, 1]: the share ``successes / n`` and its
    Wilson score 95% interval (Wilson 1927). Precondition: ``0 <= successes <= n`` and
    ``n > 0`` (callers check and name their own counts).

    centre = (p + z^2 / 2n) / (1 + z^2 / n),
    half = z * sqrt(p (1 - p) / n + z^2 / 4n^2) / (1 + z^2 / n).
    """
    p = successes / n
    z2 = Z95 * Z95
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / denom
    # The Wilson interval always contains p; min/max only absorb float rounding.
    return p, clip(min(centre - half, p), 0.0, 1.0), clip(max(centre + half, p), 0.0, 1.0)


def sample_variance(n: int, total: float, total_sq: float) -> float | None:
    """Sample variance (divisor n - 1) from a sum and a sum of squares; ``None`` if n < 2.

    Float cancellation can make a zero variance come out slightly negative; that becomes 0.
    """
    if n < 2:
        return None
    return max((total_sq - total * total / n) / (n - 1), 0.0)


def nps_parts(promoters: int, passives: int, detractors: int) -> tuple[int, float, float]:
    """Return (n, net proportion p - d, trinomial variance per respondent)."""
    check_counts(promoters=promoters, passives=passives, detractors=detractors)
    n = promoters + passives + detractors
    if n == 0:
        return 0, 0.0, 0.0
    p, d = promoters / n, detractors / n
    return n, p - d, max(p + d - (p - d) ** 2, 0.0)


def mean_interval(
    n: int, total: float, total_sq: float, lo: float, hi: float
) -> tuple[float, float | None, float | None, float | None, float | None]:
    """(mean, sd, moe95, low, high) with the interval clipped to [lo, hi]."""
    mean = total / n
    var = sample_variance(n, total, total_sq)
    if var is None:
        return mean, None, None, None, None
    sd = math.sqrt(var)
    moe = Z95 * sd / math.sqrt(n)
    return mean, sd, moe, clip(mean - moe, lo, hi), clip(mean + moe, lo, hi)


def welch_df(variance_a: float, n_a: float, variance_b: float, n_b: float) -> float:
    """Welch-Satterthwaite degrees of freedom of two groups (n >= 2 each, some variance):
    (ua + ub)^2 / (ua^2 / (n_a - 1) + ub^2 / (n_b - 1)) with u = variance / n."""
    ua, ub = variance_a / n_a, variance_b / n_b
    return (ua + ub) ** 2 / (ua * ua / (n_a - 1) + ub * ub / (n_b - 1))

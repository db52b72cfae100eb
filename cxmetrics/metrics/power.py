"""The smallest change a comparison can detect (minimum detectable effect), per metric's test.

A goal compares the coming period (``n_after`` responses expected) with a recent one
(``n_before`` responses observed). The smallest true difference that the metric's own test
(``compare``: NPS z, CSAT two-proportion z, Welch's t for CES and sentiment) finds significant
at two-sided ``alpha`` = 0.05 with ``power`` = 0.80 is, with the recent per-response variance
assumed in both periods,

    detectable = (q(1 - alpha / 2) + q(power)) * SE,   SE = sqrt(var / n_before + var / n_after)

where q is the standard normal quantile for the z-tests and Student's t quantile with the
Welch-Satterthwaite degrees of freedom for Welch's test (scipy.stats). Per-response variance:

* NPS: p + d - (p - d)^2 (p promoters' share, d detractors'), times 100^2 for points^2;
* CSAT: P (1 - P) with P the satisfied share (the pooled proportion under "no change"),
  times 100^2;
* CES, sentiment: the sample variance of the answers (divisor n - 1).

Pure, no Django. Results are in the metric's own units (NPS and CSAT points, CES and sentiment
on their scales), unrounded. ``None`` when the test cannot be computed: no recent answers, no
spread in them (every answer the same), too few expected (z: under 1; Welch: under 2, as a
sample variance needs two answers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm
from scipy.stats import t as student_t

from cxmetrics.metrics.results import TEST_NPS_Z, TEST_TWO_PROPORTION_Z, TEST_WELCH_T
from cxmetrics.metrics.sums import check_counts, nps_parts, sample_variance, welch_df

__all__ = [
    "ALPHA",
    "POWER",
    "Detectable",
    "detectable_csat",
    "detectable_mean",
    "detectable_nps",
    "welch_df",
    "z_detectable",
]

ALPHA = 0.05
"""Two-sided significance level of the metric tests (a difference is significant at p < 0.05)."""
POWER = 0.80
"""The chance of detecting a true difference of the detectable size."""

_POINTS = 100.0  # NPS and CSAT: shares -> points


@dataclass(frozen=True)
class Detectable:
    """The smallest detectable change ``change`` (> 0, metric units) and how it was found:
    ``se`` of the difference, ``multiplier`` = q(1 - alpha/2) + q(power) (so change =
    multiplier * se), ``test`` (``TEST_*``) and, for Welch's test, its ``df``."""

    change: float
    se: float
    multiplier: float
    test: str
    df: float | None = None


def _check_expected(n_after: float) -> None:
    if not math.isfinite(n_after) or n_after < 0:
        raise ValueError(f"n_after must be a finite number >= 0, got {n_after}")


def z_detectable(
    variance: float,
    n_before: float,
    n_after: float,
    *,
    test: str,
    alpha: float = ALPHA,
    power: float = POWER,
) -> Detectable | None:
    """Detectable change of a z-test with per-response ``variance`` in both groups
    (the variance's units squared); None without spread or with a group under one."""
    _check_expected(n_after)
    if not variance > 0.0 or n_before < 1 or n_after < 1:
        return None
    se = math.sqrt(variance / n_before + variance / n_after)
    multiplier = float(norm.ppf(1.0 - alpha / 2.0) + norm.ppf(power))
    return Detectable(change=multiplier * se, se=se, multiplier=multiplier, test=test)


def detectable_nps(
    promoters: int,
    passives: int,
    detractors: int,
    *,
    n_after: float,
    alpha: float = ALPHA,
    power: float = POWER,
) -> Detectable | None:
    """NPS points detectable by the NPS z-test (compare_nps), from the recent bucket counts."""
    n, _, variance = nps_parts(promoters, passives, detractors)
    return z_detectable(
        variance * _POINTS**2, n, n_after, test=TEST_NPS_Z, alpha=alpha, power=power
    )


def detectable_csat(
    satisfied: int, n: int, *, n_after: float, alpha: float = ALPHA, power: float = POWER
) -> Detectable | None:
    """CSAT points detectable by the pooled two-proportion z-test (compare_csat)."""
    check_counts(satisfied=satisfied, n=n)
    if satisfied > n:
        raise ValueError(f"satisfied ({satisfied}) cannot exceed n ({n})")
    if n == 0:
        return None
    share = satisfied / n
    variance = share * (1.0 - share) * _POINTS**2
    return z_detectable(variance, n, n_after, test=TEST_TWO_PROPORTION_Z, alpha=alpha, power=power)


def detectable_mean(
    n: int,
    total: float,
    total_sq: float,
    *,
    n_after: float,
    alpha: float = ALPHA,
    power: float = POWER,
) -> Detectable | None:
    """Change of a mean (CES, sentiment) detectable by Welch's t-test (compare_means), from
    the recent count, sum and sum of squares; t quantiles at the Welch-Satterthwaite df."""
    check_counts(n=n)
    _check_expected(n_after)
    variance = sample_variance(n, total, total_sq)
    if variance is None or not variance > 0.0 or n_after < 2:
        return None
    df = welch_df(variance, n, variance, n_after)
    se = math.sqrt(variance / n + variance / n_after)
    multiplier = float(student_t.ppf(1.0 - alpha / 2.0, df) + student_t.ppf(power, df))
    return Detectable(
        change=multiplier * se, se=se, multiplier=multiplier, test=TEST_WELCH_T, df=df
    )

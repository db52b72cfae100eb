"""Group A against group B: the difference of two scores with its significance test."""

from __future__ import annotations

import math
from statistics import NormalDist

from scipy.special import stdtr

from cxmetrics.metrics.results import (
    NO_VARIANCE,
    TEST_NPS_Z,
    TEST_TWO_PROPORTION_Z,
    TEST_WELCH_T,
    Comparison,
)
from cxmetrics.metrics.sums import check_counts, nps_parts, sample_variance, welch_df

_STANDARD_NORMAL = NormalDist()


def _untested(difference: float, test: str, reason: str) -> Comparison:
    return Comparison(
        difference=difference, test=test, statistic=None, p=None, significant=None, reason=reason
    )


def _z_comparison(difference: float, se: float, *, test: str, scale: float) -> Comparison:
    """z = difference / se with a two-sided normal p; ``difference`` reported times ``scale``."""
    if not se > 0.0:
        return _untested(scale * difference, test, NO_VARIANCE)
    z = difference / se
    p = 2.0 * _STANDARD_NORMAL.cdf(-abs(z))
    return Comparison(
        difference=scale * difference, test=test, statistic=z, p=p, significant=p < 0.05
    )


def compare_nps(a: tuple[int, int, int], b: tuple[int, int, int]) -> Comparison | None:
    """Compare two NPS given as (promoters, passives, detractors) tuples.

    SE = sqrt(var_a / n_a + var_b / n_b) with var = p + d - (p - d)^2 on the proportion scale;
    ``difference`` is NPS_a - NPS_b in points, z and a normal p. ``None`` if either group is
    empty; untested (``reason``) if SE is 0.
    """
    n_a, net_a, var_a = nps_parts(*a)
    n_b, net_b, var_b = nps_parts(*b)
    if n_a == 0 or n_b == 0:
        return None
    se = math.sqrt(var_a / n_a + var_b / n_b)
    return _z_comparison(net_a - net_b, se, test=TEST_NPS_Z, scale=100.0)


def compare_csat(sat_a: int, n_a: int, sat_b: int, n_b: int) -> Comparison | None:
    """Two-proportion z-test with pooled proportion; ``difference`` in percentage points.

    SE = sqrt(P (1 - P) (1/n_a + 1/n_b)) with P = (sat_a + sat_b) / (n_a + n_b).
    ``None`` if either group is empty; untested (``reason``) if SE is 0 (everyone, or no
    one, satisfied).
    """
    check_counts(sat_a=sat_a, n_a=n_a, sat_b=sat_b, n_b=n_b)
    if sat_a > n_a or sat_b > n_b:
        raise ValueError("satisfied count cannot exceed n")
    if n_a == 0 or n_b == 0:
        return None
    pooled = (sat_a + sat_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n_a + 1.0 / n_b))
    return _z_comparison(sat_a / n_a - sat_b / n_b, se, test=TEST_TWO_PROPORTION_Z, scale=100.0)


def compare_means(
    n_a: int, sum_a: float, sumsq_a: float, n_b: int, sum_b: float, sumsq_b: float
) -> Comparison | None:
    """Welch's unequal-variance t-test of two means (CES, sentiment) from sums.

    t = (mean_a - mean_b) / SE with SE = sqrt(s_a^2 / n_a + s_b^2 / n_b) (sample variances),
    Welch-Satterthwaite df = SE^4 / ((s_a^2/n_a)^2 / (n_a - 1) + (s_b^2/n_b)^2 / (n_b - 1)),
    p two-sided from Student's t with df (as scipy.stats.ttest_ind(equal_var=False)).
    ``None`` if either group is empty; untested (``reason``) if a group has one answer
    (sample variance undefined) or SE is 0.
    """
    check_counts(n_a=n_a, n_b=n_b)
    if n_a == 0 or n_b == 0:
        return None
    difference = sum_a / n_a - sum_b / n_b
    var_a = sample_variance(n_a, sum_a, sumsq_a)
    var_b = sample_variance(n_b, sum_b, sumsq_b)
    if var_a is None or var_b is None:
        single = "a" if var_a is None else "b"
        reason = f"group {single} has one answer: Welch's test needs at least 2 in each group"
        return _untested(difference, TEST_WELCH_T, reason)
    ua, ub = var_a / n_a, var_b / n_b
    se = math.sqrt(ua + ub)
    if not se > 0.0:
        return _untested(difference, TEST_WELCH_T, NO_VARIANCE)
    # With one variance zero the other group alone sets df (its n - 1), as scipy does.
    df = welch_df(var_a, n_a, var_b, n_b)
    t = difference / se
    p = float(2.0 * stdtr(df, -abs(t)))
    return Comparison(
        difference=difference, test=TEST_WELCH_T, statistic=t, p=p, significant=p < 0.05, df=df
    )

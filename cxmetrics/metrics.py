"""Customer-experience metric math: counts and sums in, scores and 95% intervals out.

Pure Python, no Django (scipy only for the Student t distribution of Welch's test). Every
function takes aggregated counts or sums, so callers can compute them in the database and pass
them in. Empty input (``n == 0``) returns
``None`` rather than raising. Results are frozen dataclasses holding unrounded floats; round
only for display. Every 95% figure uses ``Z95 = NormalDist().inv_cdf(0.975)`` (1.959964...).

Published definitions used here:

* **NPS** (Net Promoter Score; Reichheld, "The One Number You Need to Grow", HBR 2003;
  Bain & Company). "How likely are you to recommend ...?" on 0-10. Promoters answer 9-10,
  passives 7-8, detractors 0-6. NPS = % promoters - % detractors, in points on [-100, 100].
  Its sampling variance comes from the trinomial distribution:
  Var = (p + d - (p - d)^2) / n on the proportion scale.
* **CSAT** (customer satisfaction, top-2-box): share of answers 4 or 5 on a 1-5 scale, in
  percent on [0, 100], with a Wilson score interval.
* **CES 2.0** (Customer Effort Score; Gartner / CEB, 2013): agreement with "The company made
  it easy for me to handle my issue" on a 1-7 scale (1 = strongly disagree, 7 = strongly
  agree). Reported as the mean (range [1, 7], higher = less effort) plus the share that
  agree (answers 5-7).
* **Sentiment**: VADER compound score on [-1, 1] (Hutto & Gilbert, "VADER: A Parsimonious
  Rule-based Model for Sentiment Analysis of Social Media Text", ICWSM 2014). The authors'
  thresholds: positive if compound >= 0.05, negative if compound <= -0.05, else neutral.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

from scipy.special import stdtr

__all__ = [
    "NEGATIVE_THRESHOLD",
    "NO_VARIANCE",
    "POSITIVE_THRESHOLD",
    "TEST_NPS_Z",
    "TEST_TWO_PROPORTION_Z",
    "TEST_WELCH_T",
    "Z95",
    "CesResult",
    "Comparison",
    "CsatResult",
    "NpsResult",
    "SentimentResult",
    "ces",
    "compare_csat",
    "compare_means",
    "compare_nps",
    "csat",
    "nps",
    "nps_bucket",
    "sentiment",
    "sentiment_label",
]

Z95: float = NormalDist().inv_cdf(0.975)
"""Two-sided 95% normal critical value, 1.959963984540054 (not the rounded 1.96)."""

POSITIVE_THRESHOLD: float = 0.05
"""VADER compound score at or above which a text is positive (Hutto & Gilbert 2014)."""
NEGATIVE_THRESHOLD: float = -0.05
"""VADER compound score at or below which a text is negative (Hutto & Gilbert 2014)."""

_STANDARD_NORMAL = NormalDist()

TEST_NPS_Z = "nps_z"
"""Difference of two trinomial NPS over its standard error, normal p (:func:`compare_nps`)."""
TEST_TWO_PROPORTION_Z = "two_proportion_z"
"""Pooled two-proportion z-test (:func:`compare_csat`)."""
TEST_WELCH_T = "welch_t"
"""Welch's unequal-variance t-test, Welch-Satterthwaite df (:func:`compare_means`)."""


@dataclass(frozen=True)
class NpsResult:
    """NPS for one group. ``score``, ``moe95``, ``low``, ``high`` are in points on [-100, 100];
    ``pct_*`` are percentages on [0, 100]; the rest are respondent counts."""

    n: int
    score: float
    promoters: int
    passives: int
    detractors: int
    pct_promoters: float
    pct_detractors: float
    moe95: float
    low: float
    high: float


@dataclass(frozen=True)
class CsatResult:
    """Top-2-box CSAT. ``score`` and the Wilson 95% interval ``low``/``high`` are percent."""

    n: int
    satisfied: int
    score: float
    low: float
    high: float


@dataclass(frozen=True)
class CesResult:
    """CES 2.0 on the 1-7 scale. ``score`` is the mean, ``sd`` the sample SD, ``moe95`` the 95%
    margin of the mean, ``low``/``high`` the interval clipped to [1, 7]. With ``n == 1`` the
    sample SD is undefined, so ``sd``, ``moe95``, ``low`` and ``high`` are ``None``.
    ``pct_agree`` is the percent answering 5-7."""

    n: int
    score: float
    sd: float | None
    moe95: float | None
    low: float | None
    high: float | None
    agree: int
    pct_agree: float


@dataclass(frozen=True)
class SentimentResult:
    """Mean VADER compound score on [-1, 1] with sample SD and 95% margin (``None`` when
    ``n == 1``); ``low``/``high`` are clipped to [-1, 1]. ``pct_*`` are percent of texts."""

    n: int
    score: float
    sd: float | None
    moe95: float | None
    low: float | None
    high: float | None
    positive: int
    negative: int
    neutral: int
    pct_positive: float
    pct_negative: float
    pct_neutral: float


@dataclass(frozen=True)
class Comparison:
    """Group A minus group B. ``difference`` is on the score's own scale (NPS and CSAT in
    points, means in scale units). ``test`` names the test (``TEST_*``); ``statistic`` is its
    statistic (z, or Welch's t), ``p`` the two-sided p-value (normal for z, Student t with
    ``df`` Welch-Satterthwaite degrees of freedom for Welch), ``significant`` is ``p < 0.05``.

    When the test is undefined for data that still has a difference (a group of one answer,
    no variance in either group), ``statistic``, ``p``, ``df`` and ``significant`` are
    ``None`` and ``reason`` says why; otherwise ``reason`` is ``None``."""

    difference: float
    test: str
    statistic: float | None
    p: float | None
    significant: bool | None
    df: float | None = None
    reason: str | None = None

    @property
    def z(self) -> float | None:
        """The statistic under its former name (the API still answers it as ``z``)."""
        return self.statistic


NO_VARIANCE = "no variance in either group (every answer the same): the test is undefined"


def _check_counts(**counts: int) -> None:
    for name, value in counts.items():
        if value < 0:
            raise ValueError(f"{name} must be >= 0, got {value}")


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


def _clip(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)


def _sample_variance(n: int, total: float, total_sq: float) -> float | None:
    """Sample variance (divisor n - 1) from a sum and a sum of squares; ``None`` if n < 2.

    Float cancellation can make a zero variance come out slightly negative; that becomes 0.
    """
    if n < 2:
        return None
    return max((total_sq - total * total / n) / (n - 1), 0.0)


def _nps_parts(promoters: int, passives: int, detractors: int) -> tuple[int, float, float]:
    """Return (n, net proportion p - d, trinomial variance per respondent)."""
    _check_counts(promoters=promoters, passives=passives, detractors=detractors)
    n = promoters + passives + detractors
    if n == 0:
        return 0, 0.0, 0.0
    p, d = promoters / n, detractors / n
    return n, p - d, max(p + d - (p - d) ** 2, 0.0)


def nps(promoters: int, passives: int, detractors: int) -> NpsResult | None:
    """Net Promoter Score from bucket counts; ``None`` when there are no respondents.

    score = 100 * (p - d) points, moe95 = Z95 * 100 * sqrt((p + d - (p - d)^2) / n).
    ``low``/``high`` = score -/+ moe95, clipped to [-100, 100].
    """
    n, net, var = _nps_parts(promoters, passives, detractors)
    if n == 0:
        return None
    score = 100.0 * net
    moe = Z95 * 100.0 * math.sqrt(var / n)
    return NpsResult(
        n=n,
        score=score,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        pct_promoters=100.0 * promoters / n,
        pct_detractors=100.0 * detractors / n,
        moe95=moe,
        low=_clip(score - moe, -100.0, 100.0),
        high=_clip(score + moe, -100.0, 100.0),
    )


def nps_bucket(score: int) -> Literal["promoter", "passive", "detractor"]:
    """Bucket one 0-10 answer: 9-10 promoter, 7-8 passive, 0-6 detractor.

    Raises ValueError for answers outside 0..10.
    """
    if not 0 <= score <= 10:
        raise ValueError(f"NPS answer must be between 0 and 10, got {score}")
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


def csat(satisfied: int, n: int) -> CsatResult | None:
    """Top-2-box CSAT (answers 4-5 on 1-5) in percent with a Wilson score 95% interval.

    Returns ``None`` when ``n == 0``. Raises ValueError if ``satisfied`` is not in 0..n.
    """
    _check_counts(satisfied=satisfied, n=n)
    if satisfied > n:
        raise ValueError(f"satisfied ({satisfied}) cannot exceed n ({n})")
    if n == 0:
        return None
    p = satisfied / n
    z2 = Z95 * Z95
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / denom
    # The Wilson interval always contains p; min/max only absorb float rounding.
    low = _clip(min(centre - half, p), 0.0, 1.0)
    high = _clip(max(centre + half, p), 0.0, 1.0)
    return CsatResult(n=n, satisfied=satisfied, score=100.0 * p, low=100.0 * low, high=100.0 * high)


def _mean_interval(
    n: int, total: float, total_sq: float, lo: float, hi: float
) -> tuple[float, float | None, float | None, float | None, float | None]:
    """(mean, sd, moe95, low, high) with the interval clipped to [lo, hi]."""
    mean = total / n
    var = _sample_variance(n, total, total_sq)
    if var is None:
        return mean, None, None, None, None
    sd = math.sqrt(var)
    moe = Z95 * sd / math.sqrt(n)
    return mean, sd, moe, _clip(mean - moe, lo, hi), _clip(mean + moe, lo, hi)


def ces(n: int, total: float, total_sq: float, agree: int) -> CesResult | None:
    """CES 2.0 from the count, sum and sum of squares of 1-7 answers, and the count of 5-7s.

    Returns ``None`` when ``n == 0``. With ``n == 1`` the sample SD is undefined, so ``sd``,
    ``moe95``, ``low`` and ``high`` are ``None`` (not 0, which would claim perfect precision).
    """
    _check_counts(n=n, agree=agree)
    if agree > n:
        raise ValueError(f"agree ({agree}) cannot exceed n ({n})")
    if n == 0:
        return None
    mean, sd, moe, low, high = _mean_interval(n, total, total_sq, 1.0, 7.0)
    return CesResult(
        n=n,
        score=mean,
        sd=sd,
        moe95=moe,
        low=low,
        high=high,
        agree=agree,
        pct_agree=100.0 * agree / n,
    )


def sentiment(
    n: int, total: float, total_sq: float, positive: int, negative: int
) -> SentimentResult | None:
    """Mean VADER compound score from count, sum and sum of squares, plus label counts.

    ``positive`` counts texts with compound >= 0.05, ``negative`` those <= -0.05; the rest are
    neutral. Returns ``None`` when ``n == 0``; SD and interval are ``None`` when ``n == 1``.
    """
    _check_counts(n=n, positive=positive, negative=negative)
    if positive + negative > n:
        raise ValueError(f"positive + negative ({positive + negative}) cannot exceed n ({n})")
    if n == 0:
        return None
    mean, sd, moe, low, high = _mean_interval(n, total, total_sq, -1.0, 1.0)
    neutral = n - positive - negative
    return SentimentResult(
        n=n,
        score=mean,
        sd=sd,
        moe95=moe,
        low=low,
        high=high,
        positive=positive,
        negative=negative,
        neutral=neutral,
        pct_positive=100.0 * positive / n,
        pct_negative=100.0 * negative / n,
        pct_neutral=100.0 * neutral / n,
    )


def sentiment_label(compound: float) -> Literal["positive", "negative", "neutral"]:
    """Label one VADER compound score: >= 0.05 positive, <= -0.05 negative, else neutral."""
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def compare_nps(a: tuple[int, int, int], b: tuple[int, int, int]) -> Comparison | None:
    """Compare two NPS given as (promoters, passives, detractors) tuples.

    SE = sqrt(var_a / n_a + var_b / n_b) with var = p + d - (p - d)^2 on the proportion scale;
    ``difference`` is NPS_a - NPS_b in points, z and a normal p. ``None`` if either group is
    empty; untested (``reason``) if SE is 0.
    """
    n_a, net_a, var_a = _nps_parts(*a)
    n_b, net_b, var_b = _nps_parts(*b)
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
    _check_counts(sat_a=sat_a, n_a=n_a, sat_b=sat_b, n_b=n_b)
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
    _check_counts(n_a=n_a, n_b=n_b)
    if n_a == 0 or n_b == 0:
        return None
    difference = sum_a / n_a - sum_b / n_b
    var_a = _sample_variance(n_a, sum_a, sumsq_a)
    var_b = _sample_variance(n_b, sum_b, sumsq_b)
    if var_a is None or var_b is None:
        single = "a" if var_a is None else "b"
        reason = f"group {single} has one answer: Welch's test needs at least 2 in each group"
        return _untested(difference, TEST_WELCH_T, reason)
    ua, ub = var_a / n_a, var_b / n_b
    se = math.sqrt(ua + ub)
    if not se > 0.0:
        return _untested(difference, TEST_WELCH_T, NO_VARIANCE)
    # With one variance zero the other group alone sets df (its n - 1), as scipy does.
    df = (ua + ub) ** 2 / (ua * ua / (n_a - 1) + ub * ub / (n_b - 1))
    t = difference / se
    p = float(2.0 * stdtr(df, -abs(t)))
    return Comparison(
        difference=difference, test=TEST_WELCH_T, statistic=t, p=p, significant=p < 0.05, df=df
    )

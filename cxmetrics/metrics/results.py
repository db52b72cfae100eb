"""Result types and named constants of the metric math (re-exported by ``cxmetrics.metrics``)."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

Z95: float = NormalDist().inv_cdf(0.975)
"""Two-sided 95% normal critical value, 1.959963984540054 (not the rounded 1.96)."""

POSITIVE_THRESHOLD: float = 0.05
"""VADER compound score at or above which a text is positive (Hutto & Gilbert 2014)."""
NEGATIVE_THRESHOLD: float = -0.05
"""VADER compound score at or below which a text is negative (Hutto & Gilbert 2014)."""

TEST_NPS_Z = "nps_z"
"""Difference of two trinomial NPS over its standard error, normal p (:func:`compare_nps`)."""
TEST_TWO_PROPORTION_Z = "two_proportion_z"
"""Pooled two-proportion z-test (:func:`compare_csat`)."""
TEST_WELCH_T = "welch_t"
"""Welch's unequal-variance t-test, Welch-Satterthwaite df (:func:`compare_means`)."""

NO_VARIANCE = "no variance in either group (every answer the same): the test is undefined"
""":attr:`Comparison.reason` when every answer in both groups is the same."""


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
class ProportionResult:
    """A share of ``n`` with its Wilson 95% interval: ``score``, ``low``, ``high`` in percent."""

    n: int
    successes: int
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

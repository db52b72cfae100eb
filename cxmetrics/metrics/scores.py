"""One group's score from its counts or sums: NPS, CSAT, CES, sentiment (and one-answer labels)."""

from __future__ import annotations

import math
from typing import Literal

from cxmetrics.metrics.results import (
    NEGATIVE_THRESHOLD,
    POSITIVE_THRESHOLD,
    Z95,
    CesResult,
    CsatResult,
    NpsResult,
    ProportionResult,
    SentimentResult,
)
from cxmetrics.metrics.sums import check_counts, clip, mean_interval, nps_parts, wilson


def nps(promoters: int, passives: int, detractors: int) -> NpsResult | None:
    """Net Promoter Score from bucket counts; ``None`` when there are no respondents.

    score = 100 * (p - d) points, moe95 = Z95 * 100 * sqrt((p + d - (p - d)^2) / n).
    ``low``/``high`` = score -/+ moe95, clipped to [-100, 100].
    """
    n, net, var = nps_parts(promoters, passives, detractors)
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
        low=clip(score - moe, -100.0, 100.0),
        high=clip(score + moe, -100.0, 100.0),
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


def proportion(successes: int, n: int) -> ProportionResult | None:
    """The share ``successes / n`` in percent with its Wilson score 95% interval: the one
    definition of a share with an interval (CSAT, escalation, follow-up rates).

    Returns ``None`` when ``n == 0``. Raises ValueError if ``successes`` is not in 0..n.
    """
    check_counts(successes=successes, n=n)
    if successes > n:
        raise ValueError(f"successes ({successes}) cannot exceed n ({n})")
    if n == 0:
        return None
    p, low, high = wilson(successes, n)
    return ProportionResult(
        n=n, successes=successes, score=100.0 * p, low=100.0 * low, high=100.0 * high
    )


def csat(satisfied: int, n: int) -> CsatResult | None:
    """Top-2-box CSAT (answers 4-5 on 1-5) in percent with a Wilson score 95% interval.

    Returns ``None`` when ``n == 0``. Raises ValueError if ``satisfied`` is not in 0..n.
    """
    check_counts(satisfied=satisfied, n=n)
    if satisfied > n:
        raise ValueError(f"satisfied ({satisfied}) cannot exceed n ({n})")
    if n == 0:
        return None
    p, low, high = wilson(satisfied, n)
    return CsatResult(n=n, satisfied=satisfied, score=100.0 * p, low=100.0 * low, high=100.0 * high)


def ces(n: int, total: float, total_sq: float, agree: int) -> CesResult | None:
    """CES 2.0 from the count, sum and sum of squares of 1-7 answers, and the count of 5-7s.

    Returns ``None`` when ``n == 0``. With ``n == 1`` the sample SD is undefined, so ``sd``,
    ``moe95``, ``low`` and ``high`` are ``None`` (not 0, which would claim perfect precision).
    """
    check_counts(n=n, agree=agree)
    if agree > n:
        raise ValueError(f"agree ({agree}) cannot exceed n ({n})")
    if n == 0:
        return None
    mean, sd, moe, low, high = mean_interval(n, total, total_sq, 1.0, 7.0)
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
    check_counts(n=n, positive=positive, negative=negative)
    if positive + negative > n:
        raise ValueError(f"positive + negative ({positive + negative}) cannot exceed n ({n})")
    if n == 0:
        return None
    mean, sd, moe, low, high = mean_interval(n, total, total_sq, -1.0, 1.0)
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

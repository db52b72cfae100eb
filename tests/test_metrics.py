"""Specification tests for cxmetrics.metrics (pure math, no database)."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxmetrics.metrics import (
    NEGATIVE_THRESHOLD,
    POSITIVE_THRESHOLD,
    Z95,
    CsatResult,
    ces,
    compare_csat,
    compare_means,
    csat,
    nps,
    nps_bucket,
    sentiment,
    sentiment_label,
)
from tests.samples import sums_of


def test_z95_is_the_exact_normal_quantile_not_1_96() -> None:
    assert Z95 == pytest.approx(1.959963984540054, abs=1e-12)
    assert Z95 != 1.96


# --- NPS -----------------------------------------------------------------------------------


def test_nps_worked_example_200_120_80() -> None:
    # given 200 promoters, 120 passives, 80 detractors (n = 400, p = 0.5, d = 0.2)
    # when
    result = nps(200, 120, 80)
    # then NPS = 100 * (0.5 - 0.2) = 30; moe = Z95 * 100 * sqrt((0.7 - 0.09) / 400) = 7.654
    assert result is not None
    assert result.n == 400
    assert result.score == pytest.approx(30.0, abs=1e-9)
    assert result.pct_promoters == pytest.approx(50.0, abs=1e-9)
    assert result.pct_detractors == pytest.approx(20.0, abs=1e-9)
    assert result.moe95 == pytest.approx(7.65, abs=0.005)
    assert result.moe95 == pytest.approx(Z95 * 100 * math.sqrt(0.61 / 400), abs=1e-9)
    assert result.low == pytest.approx(30.0 - result.moe95, abs=1e-9)
    assert result.high == pytest.approx(30.0 + result.moe95, abs=1e-9)
    assert (result.promoters, result.passives, result.detractors) == (200, 120, 80)


def test_nps_without_respondents_is_none() -> None:
    assert nps(0, 0, 0) is None


def test_nps_interval_is_clipped_to_plus_minus_100() -> None:
    # given 9 promoters and 1 passive: p = 0.9, var = 0.9 - 0.81 = 0.09, moe = 18.59 points
    result = nps(9, 1, 0)
    # then the upper bound 90 + 18.59 is clipped to 100
    assert result is not None
    assert result.score == pytest.approx(90.0, abs=1e-9)
    assert result.moe95 == pytest.approx(Z95 * 100 * math.sqrt(0.009), abs=1e-9)
    assert result.high == 100.0
    assert result.low == pytest.approx(90.0 - result.moe95, abs=1e-9)


def test_nps_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="promoters"):
        nps(-1, 2, 3)


@pytest.mark.parametrize(
    ("answer", "bucket"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_nps_bucket_boundaries(answer: int, bucket: str) -> None:
    assert nps_bucket(answer) == bucket


@pytest.mark.parametrize("answer", [-1, 11])
def test_nps_bucket_rejects_answers_outside_0_to_10(answer: int) -> None:
    with pytest.raises(ValueError, match="between 0 and 10"):
        nps_bucket(answer)


@given(st.integers(0, 5000), st.integers(0, 5000), st.integers(0, 5000))
def test_nps_is_always_within_plus_minus_100(
    promoters: int, passives: int, detractors: int
) -> None:
    result = nps(promoters, passives, detractors)
    if promoters + passives + detractors == 0:
        assert result is None
        return
    assert result is not None
    assert -100.0 <= result.low <= result.score <= result.high <= 100.0
    assert result.moe95 >= 0.0


# --- CSAT ----------------------------------------------------------------------------------


def test_csat_worked_example_74_of_107() -> None:
    # given 74 of 107 answers are 4 or 5
    # when
    result = csat(74, 107)
    # then CSAT = 69.16% with Wilson 95% interval [59.87, 77.12]
    assert result is not None
    assert result.score == pytest.approx(69.16, abs=0.005)
    assert result.low == pytest.approx(59.87, abs=0.005)
    assert result.high == pytest.approx(77.12, abs=0.005)


def test_csat_wilson_matches_the_roots_of_the_score_test_quadratic() -> None:
    # given 8 of 10 satisfied; the Wilson bounds are the roots pi of
    #   (p - pi)^2 = z^2 pi (1 - pi) / n  <=>  (1 + z2/n) pi^2 - (2p + z2/n) pi + p^2 = 0
    p, n, z2 = 0.8, 10, Z95 * Z95
    a, b, c = 1 + z2 / n, -(2 * p + z2 / n), p * p
    root = math.sqrt(b * b - 4 * a * c)
    expected_low, expected_high = (-b - root) / (2 * a), (-b + root) / (2 * a)
    # when
    result = csat(8, 10)
    # then (roughly 49.0% .. 94.3%)
    assert result is not None
    assert result.low == pytest.approx(100 * expected_low, abs=1e-9)
    assert result.high == pytest.approx(100 * expected_high, abs=1e-9)
    assert result.low == pytest.approx(49.02, abs=0.01)
    assert result.high == pytest.approx(94.33, abs=0.01)


def test_csat_extremes_keep_the_interval_inside_0_to_100() -> None:
    none_satisfied, all_satisfied = csat(0, 10), csat(10, 10)
    assert none_satisfied is not None
    assert all_satisfied is not None
    assert none_satisfied.low == 0.0
    assert none_satisfied.high > 0.0
    assert all_satisfied.high == 100.0
    assert all_satisfied.low < 100.0


def test_csat_empty_is_none_and_bad_counts_raise() -> None:
    assert csat(0, 0) is None
    with pytest.raises(ValueError, match="cannot exceed"):
        csat(11, 10)


@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_the_point_estimate(sat_n: tuple[int, int]) -> None:
    result = csat(*sat_n)
    assert result is not None
    assert 0.0 <= result.low <= result.score <= result.high <= 100.0


# --- CES -----------------------------------------------------------------------------------


def test_ces_mean_sd_and_margin_match_statistics_module() -> None:
    # given seven CES 2.0 answers on 1-7, five of which agree (5-7)
    answers = [7, 6, 5, 5, 3, 7, 2]
    n, total, total_sq = sums_of([float(a) for a in answers])
    # when
    result = ces(n, total, total_sq, agree=sum(a >= 5 for a in answers))
    # then mean 35/7 = 5.0; squared deviations 4+1+0+0+4+4+9 = 22, so sd = sqrt(22/6) = 1.9149;
    # moe = Z95 * 1.9149 / sqrt(7) = 1.4185
    assert result is not None
    assert result.score == pytest.approx(statistics.mean(answers), abs=1e-12)
    assert result.sd == pytest.approx(statistics.stdev(answers), abs=1e-12)
    assert result.sd == pytest.approx(math.sqrt(22 / 6), abs=1e-12)
    assert result.moe95 == pytest.approx(Z95 * statistics.stdev(answers) / math.sqrt(7), abs=1e-12)
    assert result.low == pytest.approx(5.0 - 1.4185, abs=1e-4)
    assert result.high == pytest.approx(5.0 + 1.4185, abs=1e-4)
    assert result.agree == 5
    assert result.pct_agree == pytest.approx(100 * 5 / 7, abs=1e-9)


def test_ces_single_answer_has_no_sd_or_interval() -> None:
    result = ces(1, 6.0, 36.0, 1)
    assert result is not None
    assert result.score == 6.0
    assert (result.sd, result.moe95, result.low, result.high) == (None, None, None, None)


def test_ces_empty_is_none() -> None:
    assert ces(0, 0.0, 0.0, 0) is None


def test_tiny_negative_variance_from_float_error_becomes_zero() -> None:
    # given five identical answers of 0.7, whose raw sum-of-squares variance is about -1e-16
    n, total, total_sq = sums_of([0.7] * 5)
    assert (total_sq - total * total / n) / (n - 1) < 0
    # when
    result = sentiment(n, total, total_sq, positive=5, negative=0)
    # then the SD is exactly 0, not a math domain error
    assert result is not None
    assert result.sd == 0.0
    assert result.moe95 == 0.0


# --- Sentiment -----------------------------------------------------------------------------


def test_sentiment_mean_sd_and_shares() -> None:
    # given six VADER compound scores: 3 positive (>= 0.05), 2 negative (<= -0.05), 1 neutral
    compounds = [0.8, 0.05, 0.0, -0.05, -0.6, 0.3]
    labels = [sentiment_label(c) for c in compounds]
    assert labels.count("positive") == 3
    assert labels.count("negative") == 2
    n, total, total_sq = sums_of(compounds)
    # when
    result = sentiment(n, total, total_sq, positive=3, negative=2)
    # then
    assert result is not None
    assert result.score == pytest.approx(statistics.mean(compounds), abs=1e-12)
    assert result.sd == pytest.approx(statistics.stdev(compounds), abs=1e-12)
    assert result.moe95 == pytest.approx(
        Z95 * statistics.stdev(compounds) / math.sqrt(6), abs=1e-12
    )
    assert result.neutral == 1
    assert result.pct_positive == pytest.approx(50.0, abs=1e-9)
    assert result.pct_negative == pytest.approx(100 * 2 / 6, abs=1e-9)
    assert result.pct_neutral == pytest.approx(100 / 6, abs=1e-9)
    assert result.low is not None
    assert result.low >= -1.0


def test_sentiment_empty_is_none_and_bad_counts_raise() -> None:
    assert sentiment(0, 0.0, 0.0, 0, 0) is None
    with pytest.raises(ValueError, match="cannot exceed"):
        sentiment(2, 0.0, 0.0, 2, 1)


@pytest.mark.parametrize(
    ("compound", "label"),
    [
        (0.05, "positive"),
        (0.0499, "neutral"),
        (0.0, "neutral"),
        (-0.0499, "neutral"),
        (-0.05, "negative"),
        (1.0, "positive"),
        (-1.0, "negative"),
    ],
)
def test_sentiment_label_thresholds(compound: float, label: str) -> None:
    assert (POSITIVE_THRESHOLD, NEGATIVE_THRESHOLD) == (0.05, -0.05)
    assert sentiment_label(compound) == label


# --- pinned edges (each kills a mutant that the tests above let live; docs/mutation.md) --------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: nps(-1, 0, 1), "promoters"),
        (lambda: nps(1, -1, 1), "passives"),
        (lambda: nps(1, 0, -1), "detractors"),
        (lambda: csat(-1, 3), "satisfied"),
        (lambda: csat(0, -1), "n"),
        (lambda: ces(-1, 1.0, 1.0, 0), "n"),
        (lambda: ces(2, 8.0, 32.0, -1), "agree"),
        (lambda: sentiment(-1, 0.0, 0.0, 0, 0), "n"),
        (lambda: sentiment(2, 0.0, 0.0, -1, 0), "positive"),
        (lambda: sentiment(2, 0.0, 0.0, 0, -1), "negative"),
        (lambda: compare_csat(-1, 3, 1, 3), "sat_a"),
        (lambda: compare_csat(1, -1, 1, 3), "n_a"),
        (lambda: compare_csat(1, 3, -1, 3), "sat_b"),
        (lambda: compare_csat(1, 3, 1, -1), "n_b"),
        (lambda: compare_means(-1, 1.0, 1.0, 2, 2.0, 2.0), "n_a"),
        (lambda: compare_means(2, 2.0, 2.0, -1, 1.0, 1.0), "n_b"),
    ],
)
def test_a_negative_count_is_refused_by_name(call, name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name} must be >= 0, got -1$"):
        call()


def test_count_overflow_messages_are_exact() -> None:
    with pytest.raises(ValueError, match=r"^agree \(3\) cannot exceed n \(2\)$"):
        ces(2, 8.0, 32.0, 3)
    with pytest.raises(ValueError, match=r"^positive \+ negative \(5\) cannot exceed n \(4\)$"):
        sentiment(4, 0.0, 1.0, 3, 2)
    # only group a over its n (group b fine): still refused
    with pytest.raises(ValueError, match=r"^satisfied count cannot exceed n$"):
        compare_csat(4, 3, 1, 3)


def test_nps_low_is_clipped_at_minus_100() -> None:
    # 0 promoters, 1 passive, 1 detractor: p = 0, d = 0.5, score = -50
    # var = 0.5 - 0.25 = 0.25; moe = Z95 * 100 * sqrt(0.25 / 2) = 69.295; -50 - 69.3 < -100
    r = nps(0, 1, 1)
    assert (r.score, r.low) == (-50.0, -100.0)
    assert r.high == pytest.approx(-50.0 + 69.29519121748389)


def test_csat_result_carries_its_counts() -> None:
    # 3 of 4: p = 0.75; Wilson bounds as published (30.06%, 95.44%)
    assert csat(3, 4) == CsatResult(
        n=4,
        satisfied=3,
        score=75.0,
        low=pytest.approx(30.0641842582),
        high=pytest.approx(95.441273919),
    )


def test_ces_interval_is_clipped_to_1_and_7() -> None:
    # answers 1, 2: mean 1.5, sd sqrt(0.5), moe = Z95 * 0.7071 / sqrt(2) = 0.98 -> low 0.52 -> 1
    low_end = ces(2, 3.0, 5.0, 0)
    assert (low_end.n, low_end.score, low_end.low) == (2, 1.5, 1.0)
    assert low_end.high == pytest.approx(1.5 + 0.9799819922700267)
    # answers 6, 7: mean 6.5, high 7.48 -> 7
    high_end = ces(2, 13.0, 85.0, 2)
    assert (high_end.score, high_end.high, high_end.pct_agree) == (6.5, 7.0, 100.0)
    assert high_end.low == pytest.approx(6.5 - 0.9799819922700267)


def test_sentiment_interval_is_clipped_to_minus_1_and_1() -> None:
    # compounds -0.9, -1.0: mean -0.95, sd 0.0707, moe 0.098 -> low -1.048 -> -1
    negative = sentiment(2, -1.9, 1.81, 0, 2)
    assert (negative.n, negative.low, negative.positive, negative.negative) == (2, -1.0, 0, 2)
    assert negative.score == pytest.approx(-0.95)
    assert negative.high == pytest.approx(-0.95 + 0.0979981992270038)
    positive = sentiment(2, 1.9, 1.81, 2, 0)
    assert (positive.high, positive.positive, positive.negative) == (1.0, 2, 0)
    assert positive.low == pytest.approx(0.95 - 0.0979981992270038)

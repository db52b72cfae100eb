"""The smallest detectable change (cxmetrics.metrics.power) against worked examples by hand.

Constants used below (standard normal and Student t quantiles, from printed tables):
z(0.975) = 1.959964, z(0.80) = 0.841621, so the z-tests' multiplier is 2.801585;
t(0.975, 18) = 2.100922, t(0.80, 18) = 0.862049, so Welch's multiplier at 18 df is 2.962971.
"""

from __future__ import annotations

import math

import pytest
from scipy.stats import nct, norm

from cxmetrics.metrics import TEST_NPS_Z, TEST_TWO_PROPORTION_Z, TEST_WELCH_T
from cxmetrics.metrics.power import (
    detectable_csat,
    detectable_mean,
    detectable_nps,
    welch_df,
    z_detectable,
)

Z_MULTIPLIER = 1.959964 + 0.841621


def test_csat_worked_example():
    """CSAT p = 0.8 (320 of 400 satisfied), 300 expected:
    var = 0.8 * 0.2 = 0.16; SE = sqrt(0.16/400 + 0.16/300) = sqrt(0.0004 + 0.000533333)
    = sqrt(0.000933333) = 0.0305505; MDE = 2.801585 * 0.0305505 = 0.085590 -> 8.559 points."""
    # when
    result = detectable_csat(320, 400, n_after=300)

    # then
    assert result.change == pytest.approx(8.559, abs=0.001)
    assert result.se == pytest.approx(3.05505, abs=1e-5)
    assert result.multiplier == pytest.approx(Z_MULTIPLIER, abs=1e-6)
    assert result.test == TEST_TWO_PROPORTION_Z
    assert result.df is None


def test_nps_worked_example():
    """NPS from 50 promoters, 30 passives, 20 detractors (NPS 30), 100 expected:
    p = 0.5, d = 0.2, var = p + d - (p - d)^2 = 0.7 - 0.09 = 0.61 (x 100^2 = 6100 points^2);
    SE = 100 * sqrt(0.61/100 + 0.61/100) = 100 * sqrt(0.0122) = 11.0454;
    MDE = 2.801585 * 11.0454 = 30.945 points."""
    result = detectable_nps(50, 30, 20, n_after=100)

    assert result.change == pytest.approx(30.945, abs=0.001)
    assert result.se == pytest.approx(11.0454, abs=1e-4)
    assert result.test == TEST_NPS_Z


def test_nps_more_answers_detect_less():
    """The same shares with 400 observed and 300 expected:
    SE = 100 * sqrt(0.61/400 + 0.61/300) = 100 * sqrt(0.001525 + 0.00203333) = 5.96518;
    MDE = 2.801585 * 5.96518 = 16.712 points."""
    result = detectable_nps(200, 120, 80, n_after=300)

    assert result.change == pytest.approx(16.712, abs=0.001)


def test_ces_worked_example_uses_welch_t_quantiles():
    """CES answers five 3s and five 5s (n = 10, sum 40, sum of squares 5*9 + 5*25 = 170):
    mean 4, s^2 = (170 - 40^2/10) / 9 = 10/9 = 1.11111; 10 expected.
    Welch df with equal variances and n: (2u)^2 / (2 u^2 / 9) = 18;
    SE = sqrt(2 * 1.11111 / 10) = 0.471405; MDE = (2.100922 + 0.862049) * 0.471405
    = 2.962971 * 0.471405 = 1.39676 on the 1-7 scale."""
    result = detectable_mean(10, 40.0, 170.0, n_after=10)

    assert result.df == pytest.approx(18.0)
    assert result.se == pytest.approx(0.471405, abs=1e-6)
    assert result.multiplier == pytest.approx(2.962971, abs=1e-5)
    assert result.change == pytest.approx(1.39676, abs=1e-4)
    assert result.test == TEST_WELCH_T


def test_sentiment_worked_example_with_unequal_groups():
    """Sentiment compounds: 90 observed with s^2 = 0.09 (sum 9, sum of squares
    0.09 * 89 + 9^2/90 = 8.01 + 0.9 = 8.91), 30 expected.
    u_a = 0.09/90 = 0.001, u_b = 0.09/30 = 0.003, SE = sqrt(0.004) = 0.0632456;
    df = 0.004^2 / (0.001^2/89 + 0.003^2/29) = 1.6e-5 / (1.12360e-8 + 3.10345e-7)
    = 1.6e-5 / 3.21581e-7 = 49.7542;
    t(0.975, 49.75) = 2.008805, t(0.80, 49.75) = 0.848905 -> MDE = 2.857710 * 0.0632456
    = 0.180737."""
    result = detectable_mean(90, 9.0, 8.91, n_after=30)

    assert result.df == pytest.approx(49.7542, abs=1e-3)
    assert result.change == pytest.approx(0.180737, abs=1e-5)


def test_welch_df_of_unequal_variances():
    """u_a = 4/5 = 0.8, u_b = 1/10 = 0.1: df = 0.81 / (0.64/4 + 0.01/9) = 0.81 / 0.1611111
    = 5.02759."""
    assert welch_df(4.0, 5, 1.0, 10) == pytest.approx(5.02759, abs=1e-5)


@pytest.mark.parametrize(
    "result",
    [
        detectable_csat(320, 400, n_after=300),
        detectable_nps(50, 30, 20, n_after=100),
        detectable_nps(10, 0, 90, n_after=2500),
    ],
)
def test_a_z_test_detects_that_change_four_times_in_five(result):
    # given the normal power of a two-sided 5% z-test at a true difference of `change`
    shift = result.change / result.se
    power = norm.cdf(shift - norm.ppf(0.975)) + norm.cdf(-shift - norm.ppf(0.975))

    # then it is 80% (the far tail adds almost nothing)
    assert power == pytest.approx(0.80, abs=1e-4)


def test_welch_detects_that_change_four_times_in_five():
    # given the exact power of Welch's t-test at the detectable change (noncentral t)
    result = detectable_mean(90, 9.0, 8.91, n_after=30)
    critical = 2.008805  # t(0.975, 49.75)
    shift = result.change / result.se

    power = nct.sf(critical, result.df, shift) + nct.cdf(-critical, result.df, shift)

    # then it is 80%, up to the normal approximation of the noncentral t
    assert power == pytest.approx(0.80, abs=0.005)


def test_other_levels_change_the_multiplier():
    """alpha 0.10 and power 0.90: z(0.95) + z(0.90) = 1.644854 + 1.281552 = 2.926405."""
    result = z_detectable(1.0, 1, 1, test=TEST_NPS_Z, alpha=0.10, power=0.90)

    assert result.multiplier == pytest.approx(2.926405, abs=1e-6)
    assert result.change == pytest.approx(2.926405 * math.sqrt(2), abs=1e-5)


@pytest.mark.parametrize(
    "result",
    [
        detectable_nps(0, 0, 0, n_after=100),  # nothing observed
        detectable_nps(40, 0, 0, n_after=100),  # every answer a promoter: no spread
        detectable_nps(50, 30, 20, n_after=0.5),  # fewer than one answer to come
        detectable_csat(0, 0, n_after=100),
        detectable_csat(10, 10, n_after=100),
        detectable_mean(1, 4.0, 16.0, n_after=100),  # one answer: no sample variance
        detectable_mean(3, 12.0, 48.0, n_after=100),  # three 4s: no spread
        detectable_mean(10, 40.0, 170.0, n_after=1.5),  # Welch needs two answers to come
    ],
)
def test_no_figure_when_the_test_cannot_be_computed(result):
    assert result is None


def test_just_enough_answers_give_a_figure():
    assert detectable_nps(50, 30, 20, n_after=1) is not None
    assert detectable_mean(10, 40.0, 170.0, n_after=2) is not None


@pytest.mark.parametrize("n_after", [-1, math.inf, math.nan])
def test_impossible_expected_counts_are_refused(n_after):
    with pytest.raises(ValueError, match="n_after"):
        detectable_csat(320, 400, n_after=n_after)
    with pytest.raises(ValueError, match="n_after"):
        detectable_mean(10, 40.0, 170.0, n_after=n_after)


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError, match="cannot exceed"):
        detectable_csat(5, 4, n_after=10)
    with pytest.raises(ValueError, match=">= 0"):
        detectable_mean(-1, 0.0, 0.0, n_after=10)

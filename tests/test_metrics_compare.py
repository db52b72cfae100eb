"""Specification tests for the comparisons in cxmetrics.metrics (pure math, no database):
NPS and CSAT z-tests and Welch's t-test, with worked examples."""

from __future__ import annotations

import math
import statistics
from statistics import NormalDist

import pytest
from scipy import stats as scipy_stats

from cxmetrics.metrics import NO_VARIANCE, compare_csat, compare_means, compare_nps
from tests.samples import sums_of

# --- Comparisons ---------------------------------------------------------------------------


def test_compare_nps_worked_example_30_vs_20() -> None:
    # given NPS 30 (200/120/80, var 0.61) vs NPS 20 (180/120/100: p .45, d .25, var 0.66)
    # SE = sqrt(0.61/400 + 0.66/400) = 0.056347, z = 0.10 / 0.056347 = 1.7747
    # when
    result = compare_nps((200, 120, 80), (180, 120, 100))
    # then the 10-point gap is not significant at 5%
    assert result is not None
    assert result.difference == pytest.approx(10.0, abs=1e-9)
    assert result.z == pytest.approx(1.77, abs=0.005)
    assert result.z == pytest.approx(0.1 / math.sqrt(1.27 / 400), abs=1e-9)
    assert result.p == pytest.approx(0.0759, abs=1e-4)
    assert result.significant is False
    assert result.df is None


def test_compare_nps_is_antisymmetric_and_none_when_empty_or_no_variance() -> None:
    ab, ba = (
        compare_nps((200, 120, 80), (180, 120, 100)),
        compare_nps((180, 120, 100), (200, 120, 80)),
    )
    assert ab is not None
    assert ba is not None
    assert ba.difference == pytest.approx(-ab.difference, abs=1e-9)
    assert ba.p == pytest.approx(ab.p, abs=1e-12)
    assert compare_nps((0, 0, 0), (1, 1, 1)) is None


def test_compare_nps_without_variance_reports_the_difference_untested() -> None:
    # given all promoters in A and all detractors in B: SE = 0, no z
    result = compare_nps((10, 0, 0), (0, 0, 5))
    # then the 200-point gap is still reported, with the test fields empty and the reason
    assert result is not None
    assert (result.difference, result.test) == (pytest.approx(200.0), "nps_z")
    assert (result.statistic, result.p, result.significant, result.df) == (None,) * 4
    assert result.reason == NO_VARIANCE


def test_compare_csat_two_proportion_textbook_example() -> None:
    # given A: 120/200 = 0.60, B: 90/200 = 0.45; pooled P = 210/400 = 0.525
    # SE = sqrt(0.525 * 0.475 * (1/200 + 1/200)) = sqrt(0.00249375) = 0.0499375
    # z = 0.15 / 0.0499375 = 3.0038, two-sided p = 2 * (1 - Phi(3.0038)) = 0.00267
    # when
    result = compare_csat(120, 200, 90, 200)
    # then
    assert result is not None
    assert result.difference == pytest.approx(15.0, abs=1e-9)
    assert result.z == pytest.approx(3.0038, abs=1e-4)
    assert result.p == pytest.approx(0.00267, abs=1e-5)
    assert result.significant is True


def test_compare_csat_none_when_empty_and_untested_without_variance() -> None:
    assert compare_csat(0, 0, 5, 10) is None
    result = compare_csat(10, 10, 5, 5)  # everyone satisfied: pooled SE = 0
    assert result is not None
    assert (result.difference, result.p, result.significant) == (0.0, None, None)
    assert (result.test, result.reason) == ("two_proportion_z", NO_VARIANCE)


def test_compare_means_matches_a_direct_welch_computation() -> None:
    # given CES answers for two teams
    a = [7.0, 6.0, 6.0, 5.0, 7.0, 4.0, 6.0, 7.0]
    b = [5.0, 3.0, 4.0, 6.0, 2.0, 5.0]
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    expected_t = (statistics.mean(a) - statistics.mean(b)) / math.sqrt(va + vb)
    expected_df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    reference = scipy_stats.ttest_ind(a, b, equal_var=False)
    # when
    result = compare_means(*sums_of(a), *sums_of(b))
    # then
    assert result is not None
    assert result.test == "welch_t" and result.reason is None
    assert result.difference == pytest.approx(statistics.mean(a) - statistics.mean(b), abs=1e-12)
    assert result.statistic == pytest.approx(expected_t, abs=1e-9)
    assert result.df == pytest.approx(expected_df, abs=1e-9)
    assert result.statistic == pytest.approx(float(reference.statistic), abs=1e-9)
    assert result.df == pytest.approx(float(reference.df), abs=1e-9)
    assert result.p == pytest.approx(float(reference.pvalue), abs=1e-12)
    # by hand: mean a = 48/8 = 6, s_a^2 = 8/7; mean b = 25/6, s_b^2 = (65/6)/5 = 13/6;
    # SE^2 = (8/7)/8 + (13/6)/6 = 0.142857 + 0.361111 = 0.503968, t = (11/6)/0.709907 = 2.5825
    # df = 0.503968^2 / (0.142857^2/7 + 0.361111^2/5) = 8.759; P(|T_8.759| > 2.5825) = 0.0302
    # (the normal distribution would say 0.0098)
    assert result.statistic == pytest.approx(2.5825, abs=1e-4)
    assert result.df == pytest.approx(8.759, abs=1e-3)
    assert result.p == pytest.approx(0.0302, abs=1e-4)
    assert result.significant is True


def test_compare_means_uses_the_t_distribution_not_the_normal() -> None:
    # given sentiment on web (n 407, mean 0.300, s 0.400) vs phone (n 60, mean 0.214, s 0.300),
    # the shape of the audit's example: SE^2 = 0.16/407 + 0.09/60 = 0.00189312,
    # t = 0.086 / 0.0435100 = 1.97656, df = 0.00189312^2 / (0.000393120^2/406 + 0.0015^2/59)
    # = 93.05; Student t gives p = 0.0511 (not significant) where the normal gives 0.0481
    web = (407, 407 * 0.300, 406 * 0.400**2 + 407 * 0.300**2)
    phone = (60, 60 * 0.214, 59 * 0.300**2 + 60 * 0.214**2)
    reference = scipy_stats.ttest_ind_from_stats(0.300, 0.400, 407, 0.214, 0.300, 60, False)
    # when
    result = compare_means(*web, *phone)
    # then
    assert result is not None
    assert result.statistic == pytest.approx(1.97656, abs=1e-5)
    assert result.df == pytest.approx(93.049, abs=1e-3)
    assert result.p == pytest.approx(0.05105, abs=1e-5)
    assert result.p == pytest.approx(float(reference.pvalue), abs=1e-9)
    assert 2 * NormalDist().cdf(-result.statistic) == pytest.approx(0.04809, abs=1e-5)
    assert result.significant is False


def test_compare_means_reports_the_difference_when_the_test_is_undefined() -> None:
    # given a group of one answer, an empty group and two constant groups
    single = compare_means(1, 5.0, 25.0, 3, 9.0, 29.0)  # a: [5]; b: [2, 3, 4]
    constant = compare_means(2, 10.0, 50.0, 2, 6.0, 18.0)  # a: [5, 5]; b: [3, 3]
    # then the difference is reported, the test fields are empty, the reason says why
    assert single is not None and constant is not None
    assert (single.difference, single.statistic, single.p, single.df) == (2.0, None, None, None)
    assert single.significant is None and single.test == "welch_t"
    assert single.reason == "group a has one answer: Welch's test needs at least 2 in each group"
    assert (constant.difference, constant.p, constant.significant) == (2.0, None, None)
    assert constant.reason == NO_VARIANCE
    assert compare_means(0, 0.0, 0.0, 3, 9.0, 29.0) is None  # no answers: no difference either


# --- pinned edges (each kills a mutant that the tests above let live; docs/mutation.md) --------


def test_compare_with_a_group_of_one_still_compares() -> None:
    # NPS: a = (5, 3, 2): net 0.3, var 0.7 - 0.09 = 0.61; b = one promoter: net 1, var 0
    # se = sqrt(0.61 / 10) = 0.24698; difference = (0.3 - 1) * 100 = -70; z = -0.7 / 0.24698
    c = compare_nps((5, 3, 2), (1, 0, 0))
    assert (c.test, c.difference) == ("nps_z", pytest.approx(-70.0))
    assert c.statistic == pytest.approx(-2.834217155626206)
    # CSAT: 3/4 against 1/1, pooled P = 4/5; se = sqrt(0.16 * (1/4 + 1)) = 0.4472
    # difference = 75 - 100 = -25 points; z = -0.25 / 0.4472 = -0.559
    c = compare_csat(3, 4, 1, 1)
    assert (c.test, c.difference, c.significant) == ("two_proportion_z", -25.0, False)
    assert c.statistic == pytest.approx(-0.5590169943749476)


def test_welch_names_the_group_of_one_and_the_test_when_untested() -> None:
    c = compare_means(3, 6.0, 14.0, 1, 5.0, 25.0)
    assert c.reason == "group b has one answer: Welch's test needs at least 2 in each group"
    assert (c.test, c.difference) == ("welch_t", -3.0)
    c = compare_means(3, 6.0, 12.0, 2, 4.0, 8.0)  # every answer 2: no variance
    assert (c.test, c.reason, c.difference) == ("welch_t", NO_VARIANCE, 0.0)

"""The read layer's public counts API (cxmetrics.selectors.counts and summary.compare_fields):
worked examples, so a constant or a swapped column fails."""

from __future__ import annotations

from datetime import date

import pytest

from cxmetrics.selectors import (
    COUNT_FIELDS,
    SummaryFilters,
    as_counts,
    compare_fields,
    sampled_score,
    score_from_counts,
)


def counts(**values):
    return {key: values.get(key, 0) for key in COUNT_FIELDS}


def test_an_nps_score_is_promoters_minus_detractors_in_points_with_its_counts():
    # given 5 promoters, 3 passives and 2 detractors; when scored; then NPS = 50% - 20% = 30
    score = score_from_counts("nps", counts(promoters=5, passives=3, detractors=2))
    assert list(score) == ["n", "score", "promoters", "passives", "detractors", "moe95", "ci95"]
    assert (score["n"], score["promoters"], score["detractors"]) == (10, 5, 2)
    assert score["score"] == pytest.approx(30.0)
    # variance 0.7 - 0.3^2 = 0.61; margin 1.959964 x 100 x sqrt(0.61 / 10) = 48.4075 points
    assert score["moe95"] == pytest.approx(48.407539501852554)
    assert score["ci95"] == [pytest.approx(-18.407539501852554), pytest.approx(78.40753950185255)]


def test_a_csat_score_is_the_satisfied_share_in_percent():
    score = score_from_counts("csat", counts(n=10, satisfied=8))
    assert list(score) == ["n", "score", "satisfied", "ci95"]
    assert (score["n"], score["satisfied"], score["score"]) == (10, 8, pytest.approx(80.0))
    # Wilson 95% for 8 of 10: (0.8 + z^2/20 -+ z sqrt(0.016 + z^2/400)) / (1 + z^2/10)
    assert score["ci95"] == [pytest.approx(49.01624715366418), pytest.approx(94.33178485456247)]


def test_a_ces_score_is_the_mean_answer_with_the_agreeing_share():
    # given answers 4, 5, 6, 5 (sum 20, squares 102), three of them agreeing (>= 5)
    score = score_from_counts("ces", counts(n=4, total=20.0, total_sq=102.0, agree=3))
    assert list(score) == ["n", "score", "pct_agree", "moe95", "ci95"]
    assert (score["score"], score["pct_agree"]) == (pytest.approx(5.0), pytest.approx(75.0))
    # sample SD sqrt((102 - 20^2/4) / 3) = 0.8165; margin 1.959964 x 0.8165 / sqrt(4) = 0.8002
    assert score["moe95"] == pytest.approx(0.8001519460592181)
    assert score["ci95"] == [pytest.approx(4.199848053940782), pytest.approx(5.800151946059218)]


def test_a_sentiment_score_reads_the_sentiment_columns_only():
    # given two scored comments, 0.6 and -0.1, and other metrics' counts that must not count
    score = score_from_counts(
        "sentiment",
        counts(
            n=99,
            total=500.0,
            sentiment_n=2,
            sentiment_total=0.5,
            sentiment_total_sq=0.37,
            positive=1,
            negative=1,
        ),
    )
    assert list(score) == ["n", "score", "pct_positive", "pct_negative", "moe95", "ci95"]
    assert (score["n"], score["score"]) == (2, pytest.approx(0.25))
    assert (score["pct_positive"], score["pct_negative"]) == (pytest.approx(50), pytest.approx(50))


def test_no_counts_make_no_score_and_an_unknown_metric_is_refused():
    assert score_from_counts("nps", {}) is None
    assert sampled_score("csat", None) is None
    with pytest.raises(ValueError, match="metric must be one of"):
        score_from_counts("nope", counts(n=1))


def test_a_score_below_the_small_sample_threshold_is_marked(settings):
    # given the threshold at 10 responses
    settings.CX_LOW_SAMPLE_N = 10

    # then 9 satisfied of 9 is a small sample and 10 of 10 is not
    assert sampled_score("csat", counts(n=9, satisfied=9))["low_sample"] is True
    assert sampled_score("csat", counts(n=10, satisfied=10))["low_sample"] is False


def test_summed_sentiment_units_become_floats_and_missing_sums_zero():
    # given sums as SQL returns them: whole 1e-4 units (squares 1e-8), one sum NULL
    row = as_counts({"sentiment_total": 12_345, "sentiment_total_sq": None})
    assert row == {"sentiment_total": pytest.approx(1.2345), "sentiment_total_sq": 0.0}


def test_comparing_two_groups_gives_the_difference_a_minus_b_or_none_without_data():
    # given 8 of 10 satisfied against 2 of 10
    a, b = counts(n=10, satisfied=8), counts(n=10, satisfied=2)

    # then the difference is 60 points, significant; without one group there is nothing
    fields = compare_fields("csat", a, b)
    assert fields["difference"] == pytest.approx(60.0)
    # pooled p = 0.5: se = sqrt(0.25 x (1/10 + 1/10)) = 0.2236; z = 0.6 / 0.2236 = 2.683
    assert (fields["test"], fields["statistic"], fields["z"]) == (
        "two_proportion_z",
        pytest.approx(2.6832815729997477),
        pytest.approx(2.6832815729997477),
    )
    assert (fields["p"], fields["significant"]) == (pytest.approx(0.007290358091535776), True)
    assert compare_fields("csat", a, None) is None


def test_filters_from_dimension_keys_fill_the_matching_fields():
    # given lists by dimension key (None meaning all), when made into filters
    filters = SummaryFilters.of(
        start=date(2026, 1, 1), channel=["web", "chat"], handled_by=("ai",), source=None
    )
    # then each list lands in its own field, as a tuple
    assert filters == SummaryFilters(
        start=date(2026, 1, 1), channels=("web", "chat"), handled_by=("ai",)
    )

"""Overview and channel figures: the same numbers as metric_summary, tested honestly."""

from dataclasses import replace

import pytest

from cxmetrics import metrics
from cxmetrics.selectors import compare_groups, metric_summary
from cxmetrics.selectors.dashboards import (
    channel_consistency,
    channel_department_matrix,
    holm,
    metric_breakdown,
    metric_trend,
    overview_cards,
)
from tests.dashboards.conftest import period, respond


def test_cards_show_the_period_against_the_previous_one(two_periods):
    # given NPS +50 in the last 10 days and -50 in the 10 days before
    filters = period(10)

    # when the overview cards are read
    cards = {card["metric"]: card for card in overview_cards(filters=filters)}

    # then NPS is the period's figure with n and interval, and the rise is significant
    nps = cards["nps"]
    assert nps["current"]["score"] == pytest.approx(50.0)
    assert nps["current"]["n"] == 20
    summary = metric_summary(metric="nps", filters=filters)[0]
    assert {k: nps["current"][k] for k in ("score", "n", "ci95")} == {
        k: summary[k] for k in ("score", "n", "ci95")
    }
    expected = metrics.compare_nps((15, 0, 5), (5, 0, 15))
    assert nps["change"]["difference"] == pytest.approx(expected.difference)
    assert nps["change"]["significant"] is expected.significant is True
    assert nps["previous_period"][1] < nps["period"][0]


def test_a_metric_without_earlier_data_has_no_change(two_periods):
    cards = {card["metric"]: card for card in overview_cards(filters=period(10))}
    assert cards["csat"]["current"]["score"] == pytest.approx(80.0)
    assert cards["csat"]["change"] is None
    assert cards["ces"]["current"] is None


def test_an_open_date_range_has_no_previous_period(two_periods):
    cards = overview_cards(filters=replace(period(10), start=None))
    assert all(card["previous_period"] is None and card["change"] is None for card in cards)
    assert cards[0]["current"]["n"] == 40


def test_small_samples_are_marked(two_periods):
    cards = {card["metric"]: card for card in overview_cards(filters=period(10))}
    assert cards["csat"]["current"]["low_sample"] is True  # n = 10 < 30
    assert cards["nps"]["current"]["low_sample"] is True  # n = 20 < 30


def test_the_trend_has_a_point_per_day_with_its_interval(two_periods):
    trend = metric_trend(metric="nps", filters=period(30), grain="day")
    assert [p["n"] for p in trend["points"]] == [20, 20]
    assert trend["n"] == 40
    low, high = trend["points"][1]["ci95"]
    assert low < trend["points"][1]["score"] < high
    assert trend["points"][1]["err95"] == pytest.approx(
        [trend["points"][1]["score"] - low, high - trend["points"][1]["score"]]
    )


def test_the_breakdown_matches_metric_summary_by_channel(two_periods):
    breakdown = metric_breakdown(metric="csat", filters=period(30), by="channel")
    assert [g["key"] for g in breakdown["groups"]] == ["chat"]
    assert breakdown["overall"]["score"] == pytest.approx(80.0)


def test_the_matrix_has_a_cell_per_channel_and_department(org):
    # given CSAT on chat for support and billing, and on web for product
    respond([5, 5, 1], metric="csat", channel="chat", department="support")
    respond([5], metric="csat", channel="chat", department="billing")
    respond([1, 1], metric="csat", channel="web", department="product")

    # when the matrix is read
    matrix = channel_department_matrix(metric="csat", filters=period(7))

    # then each cell has its own figure and n
    cells = {(c["channel"], c["department"]): c for c in matrix["cells"]}
    assert cells["chat", "support"]["n"] == 3
    assert cells["web", "product"]["score"] == 0.0
    assert [c["key"] for c in matrix["channels"]] == ["chat", "web"]
    assert matrix["n"] == 6


def test_consistency_names_the_spread_and_which_gaps_are_real(org):
    # given store CSAT far above web, and a small social sample that is worse still
    respond([5] * 90 + [1] * 10, metric="csat", channel="store")
    respond([5] * 40 + [1] * 60, metric="csat", channel="web")
    respond([5] * 38 + [1] * 62, metric="csat", channel="email")
    respond([1] * 5, metric="csat", channel="social")

    # when channel consistency is read
    result = channel_consistency(metric="csat", filters=period(7))

    # then best and worst ignore the small sample, and store vs web is significant
    assert result["best"]["key"] == "store"
    assert result["worst"]["key"] == "email"
    assert result["spread"]["difference"] == pytest.approx(52.0)
    assert result["spread"]["significant"] is True
    pairs = {(p["a"], p["b"]): p for p in result["pairs"]}
    assert pairs["web", "email"]["significant"] is False
    assert all(p["p_adjusted"] >= p["p"] for p in result["pairs"] if p["p"] is not None)
    assert len(result["matrix"]) == 2 * len(result["pairs"])


def test_holm_adjusts_step_down_and_skips_untestable():
    adjusted = holm([0.01, 0.04, None, 0.03])
    assert [a["p_adjusted"] for a in adjusted] == pytest.approx([0.03, 0.06, None, 0.06])
    assert [a["significant"] for a in adjusted] == [True, False, False, False]


def test_channel_pairs_use_welch_t_as_the_api_does(org):
    # given CES answers where the normal p (0.0171) and Welch's t p (0.0544) disagree
    respond([7, 7, 6, 6, 6, 5, 5, 4], metric="ces", channel="web")
    respond([1, 1, 1, 1, 6, 7], metric="ces", channel="chat")

    # when the channels page's pairs are read, and the API compares the same groups
    (pair,) = channel_consistency(metric="ces", filters=period(7))["pairs"]
    api = compare_groups(metric="ces", by="channel", a="web", b="chat", filters=period(7))

    # then both carry Welch's p with Satterthwaite df, the same figure
    assert {pair["a"], pair["b"]} == {"web", "chat"} and api["test"] == "welch_t"
    assert pair["p"] == pytest.approx(0.05443, abs=1e-5)
    assert pair["p"] == pytest.approx(api["p"], abs=1e-12)

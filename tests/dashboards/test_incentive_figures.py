"""The incentives page's figures and tables from plain data: the payout curve with "you are
here", the plans' and components' rows (earned so far or paid, money, why).

Worked example: threshold 35 (pays 50%), target 45 (100%), stretch 50 (150%); NPS measured
43.1 with a lower 95% bound of 42.2. Under a confidence gate the bound is paid on:
50 + 50 x (42.2 - 35) / (45 - 35) = 86%, where the point value would pay 90.5%."""

from __future__ import annotations

import pytest

from dashboards import figures

CURVE = {
    "threshold": 35.0,
    "target": 45.0,
    "stretch": 50.0,
    "threshold_payout": 50.0,
    "stretch_payout": 150.0,
}
WHY = "between threshold 35 and target 45: measured 43.1, lower bound 42.2"


def component(**overrides):
    values = {
        "key": "1-7",
        "plan": "Support plan",
        "goal_name": "NPS >= 45 across all channels",
        "metric": "nps",
        "weight": 100,
        "curve": CURVE,
        "measured": 43.1,
        "low": 42.2,
        "n": 400,
        "paid_on": 42.2,
        "payout_pct": 86.0,
        "projected_payout_pct": 90.5,
        "contribution": 86.0,
        "status": "paid",
        "confidence_gate": True,
        "word": "earned so far",
        "why": WHY,
        "money": "4,300.00 EUR",
    }
    return {**values, **overrides}


def traces(figure):
    return {trace["name"]: trace for trace in figure.data}


def test_the_curve_is_drawn_through_its_corners_around_the_values_marked():
    # the axis: threshold 35 to stretch 50 (the values lie inside), 20% of 15 either side
    assert figures.curve_range(component()) == (32.0, 53.0)
    figure = figures.payout_curve_figure(component())
    curve = traces(figure)["payout curve"]
    assert list(zip(curve["x"], curve["y"], strict=True)) == [
        (32.0, 0.0),
        (35.0, 0.0),
        (35.0, 50.0),  # the jump at the threshold
        (45.0, 100.0),
        (50.0, 150.0),
        (53.0, 150.0),  # capped above the stretch
    ]
    corners = traces(figure)["threshold · target · stretch"]
    assert corners["text"] == [
        "threshold +35.0 pays 50%",
        "target +45.0 pays 100%",
        "stretch +50.0 pays 150%",
    ]
    assert list(corners["y"]) == [50.0, 100.0, 150.0]


def test_you_are_here_at_the_measured_value_and_at_the_lower_bound_the_gate_pays_on():
    figure = figures.payout_curve_figure(component())
    here = traces(figure)["you are here"]
    assert list(zip(here["x"], here["y"], strict=True)) == [(43.1, 90.5), (42.2, 86.0)]
    assert here["text"] == ["measured +43.1: 90.5% on the curve", "lower bound +42.2 pays 86%"]
    # and the subtitle says why, and what it has earned so far in money
    subtitle = figure.layout["title"]["subtitle"]["text"].replace("<br>", " ")
    assert "earned so far: 86% of the plan = 4,300.00 EUR" in subtitle
    assert f"why: {WHY}" in subtitle


def test_without_a_gate_the_measured_value_is_what_pays():
    ungated = component(confidence_gate=False, paid_on=43.1, payout_pct=90.5, contribution=90.5)
    assert figures.you_are_here(ungated) == [("measured +43.1 pays 90.5%", 43.1, 90.5)]


def test_a_pending_component_shows_what_it_would_pay():
    pending = component(
        status="pending", paid_on=None, payout_pct=None, contribution=None, money=None
    )
    assert figures.you_are_here(pending) == [("measured +43.1: would pay 90.5%", 43.1, 90.5)]
    subtitle = figures.payout_curve_figure(pending).layout["title"]["subtitle"]["text"]
    assert "pending" in subtitle
    # with no value at all there is nothing to mark, the curve alone is drawn
    unmeasured = component(status="pending", measured=None, projected_payout_pct=None)
    assert figures.you_are_here(unmeasured) == []
    assert figures.curve_range(unmeasured) == (32.0, 53.0)


def test_below_the_threshold_the_curve_pays_nothing_and_the_axis_reaches_the_value():
    low = component(measured=28.2, low=26.9, paid_on=26.9, payout_pct=0.0, contribution=0.0)
    low["projected_payout_pct"] = 0.0
    start, end = figures.curve_range(low)
    assert (start, end) == pytest.approx((26.9 - 0.2 * 23.1, 50.0 + 0.2 * 23.1))
    here = traces(figures.payout_curve_figure(low))["you are here"]
    assert here["text"] == ["measured +28.2: 0% on the curve", "lower bound +26.9 pays 0%"]


def test_no_component_no_curve():
    figure = figures.payout_curve_figure(None)
    assert figure.layout["annotations"][0]["text"] == figures.NO_CURVES


def _plan(**overrides):
    values = {
        "plan_id": 1,
        "name": "Support plan",
        "department_name": "Support",
        "period_start": "2026-10-01",
        "period_end": "2026-12-31",
        "closed": False,
        "word": "earned so far",
        "earned_pct": 86.0,
        "projected_pct": 90.5,
        "pending": 0,
        "currency": "EUR",
        "money": {"bonus": "5,000.00 EUR", "earned": "4,300.00 EUR", "projected": "4,525.00 EUR"},
        "components": [component()],
    }
    return {**values, **overrides}


def test_an_open_plan_has_earned_so_far_and_a_closed_one_has_paid():
    open_row, closed_row = figures.plan_rows([_plan(), _plan(closed=True, word="paid", money=None)])
    assert open_row["earned"] == "86.0%" and open_row["paid"] == "–"
    assert open_row["earned_money"] == "4,300.00 EUR" and open_row["paid_money"] == "–"
    assert open_row["bonus"] == "5,000.00 EUR" and open_row["projected_money"] == "4,525.00 EUR"
    assert closed_row["earned"] == "–" and closed_row["paid"] == "86.0%"
    # without a target bonus there is no money to show
    assert closed_row["bonus"] == closed_row["paid_money"] == "–"


def test_each_component_says_what_it_earns_in_money_and_why():
    (row,) = figures.component_rows([_plan()])
    assert row["earns"] == "86.0% earned so far"
    assert row["money"] == "4,300.00 EUR"
    assert row["why"] == WHY
    (closed,) = figures.component_rows([_plan(word="paid")])
    assert closed["earns"] == "86.0% paid"


def test_the_curve_chooser_names_plan_and_goal():
    assert figures.curve_options([component()]) == [
        {"label": "Support plan · NPS >= 45 across all channels", "value": "1-7"}
    ]
    board = {"curves": [component(), component(key="2-7")], "chosen": "2-7"}
    assert figures.chosen_curve(board)["key"] == "2-7"

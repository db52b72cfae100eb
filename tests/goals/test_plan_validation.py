"""Weights are whole percentages summing to 100; curves increase; values fit the metric."""

from __future__ import annotations

import pytest

from cxmetrics.services.goals import InvalidInput
from tests.goals.conftest import END, START, make_goal, make_plan

CURVE = (20.0, 40.0, 60.0)


def _payload(goal_ids: list[int], weights: list, **extra) -> dict:
    return {
        "name": "Support January plan",
        "department": "support",
        "period_start": str(START),
        "period_end": str(END),
        "components": [
            {"goal": goal_id, "weight": weight, "threshold": 20, "target": 40, "stretch": 60}
            for goal_id, weight in zip(goal_ids, weights, strict=True)
        ],
        **extra,
    }


@pytest.fixture
def two_goals(lead):
    return make_goal(actor=lead), make_goal(actor=lead, name="Second NPS goal")


@pytest.mark.parametrize("weights", [[60, 30], [60, 50], [100, 100]])
def test_service_refuses_weights_not_summing_to_100(lead, two_goals, weights):
    # given / when
    with pytest.raises(InvalidInput) as refused:
        make_plan(actor=lead, components=[(g, w, CURVE) for g, w in zip(two_goals, weights)])
    # then the message names the sum
    assert "100%" in refused.value.errors["components"][0]


@pytest.mark.parametrize("weights", [[60, 30], [100, 1], [50, 49]])
def test_api_returns_a_field_level_400_when_weights_do_not_sum_to_100(clients, two_goals, weights):
    # given
    payload = _payload([g.pk for g in two_goals], weights)
    # when
    response = clients("lead").post("/api/v1/incentive-plans", payload, format="json")
    # then
    assert response.status_code == 400
    assert "must add up to exactly 100%" in response.json()["components"][0]


@pytest.mark.parametrize("weight", [0, 101, 50.5, "x", None, True])
def test_api_refuses_weights_that_are_not_whole_percentages(clients, two_goals, weight):
    # given
    payload = _payload([two_goals[0].pk, two_goals[1].pk], [weight, 50])
    # when
    response = clients("lead").post("/api/v1/incentive-plans", payload, format="json")
    # then the error is on the first component's weight
    assert response.status_code == 400
    assert "weight" in response.json()["components"]["0"]


def test_api_refuses_an_empty_plan(clients):
    # when
    response = clients("lead").post("/api/v1/incentive-plans", _payload([], []), format="json")
    # then
    assert response.status_code == 400
    assert "components" in response.json()


@pytest.mark.parametrize(
    ("curve", "field"),
    [
        ({"threshold": 40, "target": 40, "stretch": 60}, "threshold"),
        ({"threshold": 20, "target": 40, "stretch": 30}, "stretch"),
        (
            {"threshold": 20, "target": 40, "stretch": 60, "threshold_payout": 120},
            "threshold_payout",
        ),
        ({"threshold": 20, "target": 40, "stretch": 60, "stretch_payout": 90}, "stretch_payout"),
        ({"threshold": -120, "target": 40, "stretch": 60}, "threshold"),  # NPS is -100..100
    ],
)
def test_api_refuses_a_curve_that_is_not_increasing_or_out_of_range(
    clients, two_goals, curve, field
):
    # given
    payload = _payload([two_goals[0].pk], [100])
    payload["components"][0].update(curve)
    # when
    response = clients("lead").post("/api/v1/incentive-plans", payload, format="json")
    # then
    assert response.status_code == 400, response.json()
    assert field in response.json()["components"]["0"]


def test_api_refuses_the_same_goal_twice(clients, two_goals):
    # given
    payload = _payload([two_goals[0].pk, two_goals[0].pk], [50, 50])
    # when
    response = clients("lead").post("/api/v1/incentive-plans", payload, format="json")
    # then
    assert response.status_code == 400
    assert "goal" in response.json()["components"]["1"]


def test_api_refuses_a_goal_outside_the_plan_period(clients, two_goals):
    # given a plan in March paying on a January goal
    payload = _payload([two_goals[0].pk], [100], period_start="2025-03-01", period_end="2025-03-31")
    # when
    response = clients("lead").post("/api/v1/incentive-plans", payload, format="json")
    # then
    assert response.status_code == 400
    assert "goal" in response.json()["components"]["0"]


def test_api_refuses_an_unknown_goal_and_a_period_ending_before_it_starts(clients, two_goals):
    # given
    payload = _payload([987654], [100], period_end="2024-12-01")
    # when
    response = clients("lead").post("/api/v1/incentive-plans", payload, format="json")
    # then
    assert response.status_code == 400
    assert "goal" in response.json()["components"]["0"]


def test_api_weights_summing_to_100_are_accepted(clients, two_goals):
    # given
    payload = _payload([g.pk for g in two_goals], [60, 40])
    # when
    response = clients("lead").post("/api/v1/incentive-plans", payload, format="json")
    # then
    assert response.status_code == 201, response.json()
    assert sorted(c["weight"] for c in response.json()["components"]) == [40, 60]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"metric": "csat", "baseline": 70, "target": 120}, "target"),
        ({"metric": "ces", "baseline": 0.5}, "baseline"),
        ({"stretch": 10}, "stretch"),
        ({"end": "2024-12-01"}, "end"),
        ({"departments": []}, "departments"),
        ({"min_n": 0}, "min_n"),
        ({"baseline": "NaN"}, "baseline"),
        ({"scope_handled_by": ["robot"]}, "scope_handled_by"),
    ],
)
def test_api_goal_validation_is_field_level(clients, changes, field):
    # given
    payload = {
        "name": "NPS goal",
        "metric": "nps",
        "baseline": 20,
        "target": 40,
        "start": str(START),
        "end": str(END),
        "departments": ["support"],
        **changes,
    }
    # when
    response = clients("lead").post("/api/v1/goals", payload, format="json")
    # then
    assert response.status_code == 400
    assert field in response.json()


# --- Target bonus and currency ------------------------------------------------------------------


def test_api_stores_a_target_bonus_with_its_currency_and_answers_it_as_a_decimal_string(
    clients, two_goals
):
    # given a plan paying 5000 EUR at 100%
    payload = _payload([two_goals[0].pk], [100], target_bonus="5000", currency="EUR")
    # when
    response = clients("lead").post("/api/v1/incentive-plans", payload, format="json")
    # then
    assert response.status_code == 201, response.json()
    assert (response.json()["target_bonus"], response.json()["currency"]) == ("5000.00", "EUR")
    plan_id = response.json()["id"]
    # and a PATCH removes the bonus again
    cleared = clients("lead").patch(
        f"/api/v1/incentive-plans/{plan_id}", {"target_bonus": None}, format="json"
    )
    assert cleared.status_code == 200, cleared.json()
    assert cleared.json()["target_bonus"] is None


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"target_bonus": "5000"}, "currency", "A three-letter currency code (ISO 4217)"),
        ({"target_bonus": "5000", "currency": "eur"}, "currency", "This value does not match"),
        ({"target_bonus": "-1", "currency": "EUR"}, "target_bonus", "greater than or equal to 0"),
        ({"target_bonus": "12.345", "currency": "EUR"}, "target_bonus", "2 decimal places"),
    ],
)
def test_api_refuses_a_bonus_without_a_currency_or_out_of_shape_next_to_its_field(
    clients, two_goals, extra, field, message
):
    # given / when
    payload = _payload([two_goals[0].pk], [100], **extra)
    response = clients("lead").post("/api/v1/incentive-plans", payload, format="json")
    # then
    assert response.status_code == 400
    assert message in response.json()[field][0]

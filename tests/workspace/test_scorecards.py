"""The department scorecards selector (cxmetrics.selectors.scorecards) on the worked example of
tests/dashboards/incentives_world.py: Support and Product share "NPS to 44" (at risk: NPS 30.0
against 32 expected half way), Support's plan pays 86% of a 5,000.00 EUR bonus."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from cxmetrics.selectors.scorecards import scorecard, scorecards
from cxmetrics.services import goals as goal_services
from tests.dashboards.incentives_world import incentives_world
from tests.goals.conftest import DATA_DAY, END, MID, START, make_goal, make_plan

# NPS 30 of 50 promoters, 30 passives, 20 detractors: its 95% margin (cxmetrics.metrics.nps)
MOE = 1.959964 * 100 * math.sqrt((0.5 + 0.2 - 0.3**2) / 100)  # 15.31 points


@pytest.fixture
def world(org):
    return incentives_world(start=START, end=END, day=DATA_DAY)


def _by_slug(cards):
    return {card["department"]: card for card in cards}


def test_a_departments_scorecard_has_its_goals_plan_payout_in_money_and_alignment(world):
    # when the scorecards are read half way through January
    cards = _by_slug(scorecards(as_of=MID))

    # then Support's shared goal is at risk: 30.0 measured, 32 expected, within the interval
    support = cards["support"]
    (goal,) = support["goals"]
    assert goal["goal_id"] == world["goal"].pk and goal["name"] == "NPS to 44"
    assert goal["status"] == "at_risk" and goal["status_label"] == "At risk"
    assert goal["value"] == pytest.approx(30.0) and goal["n"] == 100
    assert goal["expected"] == pytest.approx(32.0)
    assert (goal["low"], goal["high"]) == pytest.approx((30 - MOE, 30 + MOE), abs=1e-3)
    assert goal["others"] == ["Product"]
    assert support["statuses"] == [{"status": "at_risk", "label": "At risk", "count": 1}]

    # and its plan has earned 86% so far (50 + 50 x 18/25), 4,300.00 of 5,000.00 EUR
    (plan,) = support["plans"]
    assert plan["plan_id"] == world["plan"].pk
    assert plan["closed"] is False and plan["word"] == "earned so far"
    assert plan["earned_pct"] == pytest.approx(86.0)
    assert plan["projected_pct"] == pytest.approx(86.0)
    assert plan["earned_amount"] == Decimal("4300.00")
    assert plan["money"] == {
        "bonus": "5,000.00 EUR",
        "earned": "4,300.00 EUR",
        "projected": "4,300.00 EUR",
    }
    (component,) = plan["components"]
    assert component["why"] == "between threshold 12 and target 37: measured 30.0"
    assert component["money"] == "4,300.00 EUR"
    assert support["pending"] == 0 and plan["pending"] == 0
    # and all of its plan's weight pays on a shared goal
    assert support["alignment"] == {"shared_pct": 100.0, "shared_weight": 100, "total_weight": 100}


def test_the_other_participant_has_the_goal_but_no_plan_and_an_invited_one_has_nothing(world):
    cards = _by_slug(scorecards(as_of=MID))

    # Product accepted the goal, has no plan: no alignment share (not 0%)
    product = cards["product"]
    assert [g["name"] for g in product["goals"]] == ["NPS to 44"]
    assert product["goals"][0]["others"] == ["Support"]
    assert product["plans"] == [] and product["pending"] == 0
    assert product["alignment"]["shared_pct"] is None
    # Billing was only invited (no answer yet): the goal is not Billing's
    assert cards["billing"]["goals"] == [] and cards["billing"]["statuses"] == []
    # every department has a scorecard, in the departments' order
    assert list(cards) == ["billing", "logistics", "product", "stores", "support"]


def test_a_closed_statement_has_paid(world):
    # given January closed on 2 February
    closed_at = datetime.combine(date(2025, 2, 2), time(9), tzinfo=ZoneInfo(settings.TIME_ZONE))
    goal_services.close_period(
        plan=world["plan"], actor=world["actor"], now=closed_at, trusted=True
    )

    # when Support's scorecard is read on the period's last day
    card = scorecard(slug="support", as_of=END)

    # then the statement's figures have been paid, in money too
    (plan,) = card["plans"]
    assert plan["closed"] is True and plan["word"] == "paid"
    assert plan["earned_pct"] == pytest.approx(86.0)
    assert plan["money"]["earned"] == "4,300.00 EUR"
    assert plan["components"][0]["why"] == "between threshold 12 and target 37: measured 30.0"


def test_a_pending_component_says_what_it_waits_for_and_has_no_money_yet(world):
    # given a Product plan needing 200 responses on the same goal (100 so far)
    make_plan(
        actor=world["actor"],
        name="Product plan",
        department="product",
        min_n=200,
        target_bonus=Decimal("1000"),
        currency="USD",
        components=[(world["goal"], 100, (12.0, 37.0, 50.0))],
    )

    # when Product's scorecard is read
    (plan,) = scorecard(slug="product", as_of=MID)["plans"]

    # then nothing is earned yet, 86% is projected on the point value, one part is pending
    assert plan["earned_pct"] == 0.0 and plan["pending"] == 1
    assert plan["projected_pct"] == pytest.approx(86.0)
    assert plan["money"] == {
        "bonus": "1,000.00 USD",
        "earned": "0.00 USD",
        "projected": "860.00 USD",
    }
    assert plan["components"][0]["why"] == "pending: 100 of the 200 responses needed"
    assert plan["components"][0]["money"] is None


def test_archived_goals_and_unknown_departments_are_left_out(world):
    goal_services.archive_goal(goal=world["goal"], actor=world["actor"], trusted=True)
    assert scorecard(slug="support", as_of=MID)["goals"] == []
    assert scorecard(slug="nowhere", as_of=MID) is None


def test_the_scorecards_cost_the_same_queries_whatever_the_departments_and_goals(
    world, django_assert_num_queries
):
    # 1 departments + 5 goals (with their invitations) + 1 rollup (all goals) + 5 plans (with
    # their statements) + 1 rollup (every open plan's components) + 5 alignment
    with django_assert_num_queries(18):
        scorecards(as_of=MID)
    # given four more goals of several departments (no plan pays on them)
    for number in range(4):
        make_goal(actor=world["actor"], name=f"Goal {number}", departments=["billing", "stores"])
    # then every department's scorecard still costs the same, and one department's too
    with django_assert_num_queries(18):
        cards = scorecards(as_of=MID)
    assert len(cards[0]["goals"]) == 4
    with django_assert_num_queries(18):
        scorecard(slug="support", as_of=MID)
    # (a department without a plan reads no components: plans without their 4 prefetches and
    # no component's rollup)
    with django_assert_num_queries(13):
        scorecard(slug="billing", as_of=MID)
